"""docgen generate, versions, get, issue, verify, demo: stored, registered versions."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from docgen.cli.common import output_file, parse_date, parse_options
from docgen.cli.tables import Column, print_json, print_table, render
from docgen.config import Settings, get_settings
from docgen.demo import DEMO_AS_OF
from docgen.domain.case import load_case
from docgen.errors import Conflict, InvalidInput
from docgen.register import open_register, unit_of_work
from docgen.register.models import Role, Version
from docgen.register.repositories import documents
from docgen.register.verify import DEFAULT_ORPHAN_AGE, verify
from docgen.register.versions import stream
from docgen.services import generation
from docgen.services.auth import Principal
from docgen.services.backend import Backend
from docgen.services.demo import DemoRow, run_demo
from docgen.storage import ObjectStore, make_store

DEFAULT_ACTOR = "cli"


@contextmanager
def _session(settings: Settings) -> Iterator[tuple[Session, ObjectStore]]:
    store = make_store(settings)
    with unit_of_work(open_register(settings)) as session:
        yield session, store


def _print_json(data: Any) -> None:
    from docgen.cli.tables import print_json

    print_json(data)


def _version_dict(version: Version) -> dict[str, Any]:
    return {
        "document_id": version.document_id,
        "version": version.number,
        "sha256": version.sha256,
        "status": version.status,
    }


def _generate(args: argparse.Namespace) -> int:
    """The case file is held as the service's current content of that case (so the API and the
    pages see what was generated from), then the paper goes through the generation corridor."""
    made = generation.generate_case(
        Backend.open(get_settings()),
        load_case(args.case),
        args.type,
        args.as_of,
        Principal(args.actor, Role.officer),
        parse_options(args.option),
        args.engine,
        redacted=args.redacted,
    )
    for warning in made.version.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    _print_json(made.as_dict())
    return 0


def _migrate(args: argparse.Namespace) -> int:
    from docgen.register import migrate

    before, after = migrate(get_settings())
    if before == after:
        print(f"the register is up to date (revision {after})")
    else:
        print(f"the register was migrated from {before or 'nothing'} to revision {after}")
    return 0


def _versions(args: argparse.Namespace) -> int:
    with _session(get_settings()) as (session, _store):
        versions = documents.versions_for_case(session, args.case_ref)
        rows = [
            _version_dict(v)
            | {
                "doc_type": v.document.doc_type,
                "variant": v.document.variant,
                "size": v.size,
                "engine": v.engine,
                "as_of": v.as_of,
                "created_by": v.created_by,
                "created_at": v.created_at,
            }
            for v in versions
        ]
    if args.json:
        _print_json(rows)
        return 0
    if not rows:
        print(f"no stored documents for case {args.case_ref}")
        return 0
    print(f"stored versions of case {args.case_ref}")
    print_table(
        [
            Column("type", "doc_type"),
            Column("document id", "document_id"),
            Column("v", "version"),
            Column("status", "status"),
            Column("as of", "as_of", drop=2),
            Column("made (UTC)", "made", drop=4),
            Column("by", "created_by", kind="text", drop=3, min_width=8),
            Column("sha256", "sha", drop=1),
        ],
        [
            r | {"made": str(r["created_at"])[:16], "sha": r["sha256"][:12], "as_of": r["as_of"] or ""}
            for r in rows
        ],
    )
    return 0


def _get(args: argparse.Namespace) -> int:
    out = Path(args.output)
    part = out.with_name(f".{out.name}.part")
    with _session(get_settings()) as (session, store):
        version, chunks = stream(session, store, args.document_id, args.version, args.actor)
        try:
            with part.open("wb") as handle:
                for chunk in chunks:  # the last step checks the sha256 before anything is renamed
                    handle.write(chunk)
                handle.flush()
                os.fsync(handle.fileno())
            part.replace(out)
        except OSError as err:
            raise InvalidInput(f"{out}: cannot write ({err.strerror or err})", code="unwritable") from None
        finally:
            part.unlink(missing_ok=True)
        _print_json(_version_dict(version) | {"path": str(out), "size": version.size})
    return 0


def _issue(args: argparse.Namespace) -> int:
    from docgen.services import notices, signing

    settings = get_settings()
    with _session(settings) as (session, store):
        version = signing.issue(session, store, settings, args.document_id, args.version, args.actor)
        out = _version_dict(version) | {"issued_by": version.issued_by, "signature": version.signature}
        match = notices.matching_event(version.document.doc_type)
        if match is not None:
            kind, fields = match
            out["record_event"] = {"kind": kind, "fields": fields}
            sets = "".join(f" --set {k}={v}" for k, v in fields.items())
            print(
                f"to record it on the case: docgen record CASE.json {kind}{sets} --set date=YYYY-MM-DD",
                file=sys.stderr,
            )
        _print_json(out)
    return 0


def _sign(args: argparse.Namespace) -> int:
    from docgen.services import signing

    settings = get_settings()
    with _session(settings) as (session, store):
        version = signing.resign(session, store, settings, args.document_id, args.version, args.actor)
        _print_json(_version_dict(version) | {"issued_by": version.issued_by, "signature": version.signature})
    return 0


def _print_signatures(label: str, reports: list[Any], as_json: bool) -> bool:
    if as_json:
        _print_json({"file": label, "signatures": [r.as_dict() for r in reports]})
    elif not reports:
        print(f"{label}: not signed")
    for r in reports if not as_json else []:
        state = "valid" if r.valid else ("NOT TRUSTED" if r.intact else "CHANGED since signing")
        after = "nothing added since" if r.covers_whole_file else f"added to since ({r.changes_after})"
        when = r.signed_at.isoformat() if r.signed_at else "unknown time"
        print(f"{label}: {r.field}: {state}; signed by {r.signer} at {when} ({r.level}); {after}")
    return bool(reports) and all(r.valid for r in reports)


def _verify_signatures(args: argparse.Namespace) -> int:
    from docgen.services import signing

    settings = get_settings()
    if args.pdf is not None:
        try:
            data = Path(args.pdf).read_bytes()
        except OSError as err:
            raise InvalidInput(
                f"{args.pdf}: cannot read ({err.strerror or err})", code="unreadable"
            ) from None
        return 0 if _print_signatures(str(args.pdf), signing.check_bytes(data, settings), args.json) else 1
    with _session(settings) as (session, store):
        version, reports = signing.check_version(
            session, store, settings, args.document, args.version, args.actor
        )
    label = f"{version.document_id} v{version.number}"
    return 0 if _print_signatures(label, reports, args.json) else 1


def _verify(args: argparse.Namespace) -> int:
    if args.pdf is not None or args.document is not None:
        return _verify_signatures(args)
    if args.orphan_age_minutes < 0:
        raise InvalidInput("--orphan-age-minutes must not be negative")
    report = verify(
        get_settings(),
        remove_orphans=args.remove_orphans,
        orphan_age=timedelta(minutes=args.orphan_age_minutes),
        actor=args.actor,
    )
    if args.json:
        _print_json(report.as_dict())
    else:
        print(f"checked {report.checked} stored objects")
        for label, findings in (
            ("MISMATCH", report.mismatches),
            ("MISSING", report.missing),
            ("orphan", report.orphans),
            ("removed", report.removed),
        ):
            for f in findings:
                print(f"{label}: {f.subject or f.key} {f.key}@{f.version_id}: {f.detail}")
        print("ok" if report.ok else "FAILED: stored bytes differ from the register or are missing")
    return 0 if report.ok else 1


def _demo(args: argparse.Namespace) -> int:
    from docgen.cli.processes import holder

    settings = get_settings()
    running = holder(settings.data_dir)
    if running is not None:
        raise Conflict(
            f"a docgen server (process {running.get('pid', '?')}, {running.get('url', '?')}) is using the "
            f"data folder {settings.data_dir}; the demo would write over its data. Stop the server, or run "
            "the demo in a folder of its own: make demo (uses var/demo), or DOCGEN_DATA_DIR=<folder> docgen demo",
            code="data_folder_in_use",
        )
    from docgen.register import migrate

    migrate(settings)  # the demo sets up its own data folder
    rows = run_demo(settings, as_of=args.as_of, actor=args.actor)
    if args.json:
        print_json([asdict(r) for r in rows])
        return 1 if any(r.outcome == "failed" for r in rows) else 0
    if args.verbose:
        print_table(
            [
                Column("case", "case_ref"),
                Column("type", "doc_type"),
                Column("document id", "document_id", drop=1),
                Column("v", "version"),
                Column("outcome", "outcome"),
                Column("reason", "reason", kind="text", min_width=20),
            ],
            [asdict(r) | {"version": r.version or ""} for r in rows],
        )
        print()
    print(demo_summary(rows, args.as_of.isoformat(), str(settings.data_dir)))
    return 1 if any(r.outcome == "failed" for r in rows) else 0


def demo_summary(rows: list[DemoRow], as_of: str, data_dir: str) -> str:
    """A few lines: what was made, and what was refused grouped by reason."""
    made = [r for r in rows if r.outcome in ("stored", "unchanged")]
    refused = [r for r in rows if r.outcome == "skipped"]
    failed = [r for r in rows if r.outcome == "failed"]
    cases = len({r.case_ref for r in rows})
    new = sum(r.outcome == "stored" for r in made)
    out = [
        f"docgen demo as of {as_of}, data folder {data_dir}",
        f"made {len(made)} documents for {cases} cases ({new} new, {len(made) - new} unchanged)",
    ]
    if refused:
        groups: dict[str, list[DemoRow]] = {}
        for r in refused:
            groups.setdefault(r.code or "refused", []).append(r)
        out.append(f"refused {len(refused)}, by reason:")
        ordered = sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))
        table = render(
            [
                Column("count", "count"),
                Column("reason", "reason"),
                Column("document types", "types", kind="text", min_width=20),
            ],
            [
                {
                    "count": len(group),
                    "reason": code.replace("_", " "),
                    "types": ", ".join(sorted({r.doc_type for r in group})),
                }
                for code, group in ordered
            ],
        )
        out += ["  " + line for line in table.splitlines()]
    if failed:
        out.append(
            f"FAILED {len(failed)} (an internal error; see the log): "
            + ", ".join(f"{r.case_ref} {r.doc_type}" for r in failed)
        )
    out.append("every row with its reason: docgen demo --verbose (or --json)")
    out.append("next: docgen versions CASE_REF, then docgen get DOCUMENT_ID -o out.pdf")
    return "\n".join(out)


def register(sub: argparse._SubParsersAction) -> None:
    def actor(p: argparse.ArgumentParser) -> None:
        p.add_argument("--actor", default=DEFAULT_ACTOR, help="who does this, for the audit trail")

    p = sub.add_parser("generate", help="render a document, store it and add it to the register")
    p.add_argument("type", help="document type id (see docgen doctypes)")
    p.add_argument("--case", required=True, type=Path, help="case JSON file")
    p.add_argument("--as-of", type=parse_date, required=True, help="date the figures are worked out to")
    p.add_argument("--option", action="append", metavar="KEY=VALUE", help="document option (repeatable)")
    p.add_argument(
        "--engine",
        choices=["html", "official", "docx"],
        default=None,
        help="html (any paper), official (the HMCTS PDF, where installed) or docx; default: the type's own",
    )
    p.add_argument(
        "--redacted",
        action="store_true",
        help="make the paper's redacted copy: dates of birth, bank details, health and vulnerability "
        "notes and other people's details left out (for partners and bundles)",
    )
    actor(p)
    p.set_defaults(func=_generate)

    p = sub.add_parser(
        "migrate", help="bring the register's tables to this release (a start-up step: run it before serving)"
    )
    p.set_defaults(func=_migrate)

    p = sub.add_parser("versions", help="list the stored versions of a case's documents")
    p.add_argument("case_ref", help="the case's reference, e.g. KGN/SUN/2024/0101")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.set_defaults(func=_versions)

    p = sub.add_parser("get", help="write a stored version to a file (checked against its sha256)")
    p.add_argument("document_id", help="the document's id (see docgen versions CASE_REF)")
    p.add_argument("--version", type=int, default=None, help="version number (default: the newest)")
    p.add_argument("-o", "--output", required=True, type=output_file, help="file to write")
    actor(p)
    p.set_defaults(func=_get)

    p = sub.add_parser(
        "issue",
        help="mark a version issued (filed or served): it can never change again; "
        "with a signing certificate configured, the issued version is the signed next version",
    )
    p.add_argument("document_id", help="the document's id (see docgen versions CASE_REF)")
    p.add_argument("--version", type=int, required=True, help="the version number to issue")
    actor(p)
    p.set_defaults(func=_issue)

    p = sub.add_parser(
        "sign", help="sign an issued version again (e.g. a renewed certificate): makes a new issued version"
    )
    p.add_argument("document_id", help="the document's id (see docgen versions CASE_REF)")
    p.add_argument("--version", type=int, required=True, help="the issued version to sign again")
    actor(p)
    p.set_defaults(func=_sign)

    p = sub.add_parser(
        "verify",
        help="recompute every stored checksum and reconcile store and register; "
        "or, given a PDF or --document, check its signatures against the trust roots",
    )
    p.add_argument("pdf", nargs="?", type=Path, help="a PDF file whose signatures to check")
    p.add_argument("--document", help="check the signatures of this stored document's version")
    p.add_argument("--version", type=int, default=None, help="with --document (default: the newest)")
    p.add_argument("--remove-orphans", action="store_true", help="delete unlocked objects no version uses")
    p.add_argument(
        "--orphan-age-minutes",
        type=float,
        default=DEFAULT_ORPHAN_AGE.total_seconds() / 60,
        help="only remove orphans at least this old (a younger one may be a generate still running)",
    )
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    actor(p)
    p.set_defaults(func=_verify)

    p = sub.add_parser(
        "demo",
        help="generate every eligible document for the built-in sample cases, then summarise",
        description="Generate and store every document type for each demo case. Refuses while a server "
        "holds the data folder (make demo uses var/demo, a folder of its own).",
    )
    p.add_argument(
        "--as-of",
        type=parse_date,
        default=DEMO_AS_OF,
        help="the date the figures are worked out to (the date the samples are set on)",
    )
    p.add_argument("--actor", default="demo", help="who does this, for the audit trail")
    p.add_argument("--verbose", action="store_true", help="also print every case and type with its outcome")
    p.add_argument("--json", action="store_true", help="print every row as JSON instead")
    p.set_defaults(func=_demo)
