"""docgen writeoff-schedule, docgen approve, docgen panel-pack, docgen writeoff-policies."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from docgen.cli.common import add_as_of, output_file, parse_date
from docgen.config import get_settings
from docgen.domain.case import Case, load_case
from docgen.errors import InvalidInput

if TYPE_CHECKING:
    from docgen.services.auth import Principal
    from docgen.services.backend import Backend
    from docgen.services.generation import Generated


def _write(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.part")
    tmp.write_bytes(data)
    tmp.replace(path)
    print(f"{path} {len(data)} bytes")


def _backend_and_actor(actor: str) -> tuple[Backend, Principal]:
    from docgen.register.models import Role
    from docgen.services.auth import Principal
    from docgen.services.backend import Backend

    return Backend.open(get_settings()), Principal(actor, Role.officer)


def _write_version(backend: Backend, made: Generated, out_dir: Path, stem: str) -> None:
    from docgen.register.versions import read_attachment, read_exact

    version = made.version
    _write(out_dir / f"{stem}.pdf", made.pdf if made.pdf is not None else read_exact(backend.store, version))
    for ext in sorted(version.attachments):
        _write(out_dir / f"{stem}.{ext}", read_attachment(backend.store, version, ext))


def _schedule(args: argparse.Namespace) -> int:
    """The schedule (and, when a case is above the delegated limit, the committee report) for a
    list of cases: the cases are held by the service, the papers made, stored and registered by the
    generation corridor under ``writeoff:<date>``, and their files written to the folder."""
    from docgen.documents.writeoff import load_batch
    from docgen.errors import Ineligible
    from docgen.services import generation

    items = load_batch(Path(args.cases), Path(args.case_dir) if args.case_dir else None)
    backend, who = _backend_and_actor(args.actor)
    generation.hold_cases(backend, who, [i.case for i in items])
    out_dir = Path(args.output)
    out_dir.mkdir(parents=True, exist_ok=True)
    refs = [i.case.case_ref for i in items]
    fields = [{"reason": i.reason, **({"evidence": i.evidence} if i.evidence else {})} for i in items]
    for batch_type, stem in (
        ("write_off_schedule", "write-off-schedule"),
        ("committee_write_off_report", "committee-write-off-report"),
    ):
        request = generation.BatchPaperRequest.of(
            batch_type, refs, args.as_of, who, ({"policy": args.policy} if args.policy else {}), fields
        )
        try:
            made = generation.generate(backend, request)
        except Ineligible as err:
            if any(p.code == "within_delegation" for p in err.problems):
                continue  # no case above the delegated limit: no committee report
            raise
        _write_version(backend, made, out_dir, f"{stem}-{args.as_of.isoformat()}")
        print(
            f"{made.version.document_id} v{made.version.number} ({'stored' if made.stored else 'unchanged'})"
        )
    return 0


def _approve(args: argparse.Namespace) -> int:
    from docgen.errors import NotFound
    from docgen.register import unit_of_work
    from docgen.register.repositories import users
    from docgen.services import approvals
    from docgen.services.auth import principal_of
    from docgen.services.backend import Backend

    backend = Backend.open(get_settings())
    with unit_of_work(backend.sessions) as session:
        user = users.by_name(session, args.user)
        if user is None:
            raise NotFound(f"no user named {args.user!r}", code="user_not_found")
        who = principal_of(user)
    decided = approvals.record_decision(
        backend, who, args.document_id, args.version, args.decision, args.note
    )
    print(
        f"{args.document_id} v{args.version}: {decided.approval.status} by {decided.approval.actor}; "
        f"the decision is recorded on version {decided.version.number}"
    )
    return 0


def _pack_cases(paths: list[str], case_dir: str | None) -> list[Case]:
    if len(paths) == 1 and paths[0].lower().endswith((".csv", ".xlsx")):
        from docgen.documents.writeoff import load_batch

        folder = Path(case_dir) if case_dir else None
        return [i.case for i in load_batch(Path(paths[0]), folder, require_reason=False)]
    cases = [load_case(p) for p in paths]
    if not cases:
        raise InvalidInput("no cases given")
    return cases


def _panel_pack(args: argparse.Namespace) -> int:
    """The pack for a meeting: the cases are held by the service, the pack made, stored and
    registered by the generation corridor under ``panel:<meeting>``, and written to the file."""
    from docgen.register.versions import read_exact
    from docgen.services import generation

    cases = _pack_cases(args.cases, args.case_dir)
    backend, who = _backend_and_actor(args.actor)
    generation.hold_cases(backend, who, cases)
    request = generation.BatchPaperRequest.of(
        "panel_pack", [c.case_ref for c in cases], args.as_of, who, {"meeting": args.meeting.isoformat()}
    )
    made = generation.generate(backend, request)
    pdf = made.pdf if made.pdf is not None else read_exact(backend.store, made.version)
    out = Path(args.output)
    _write(out, pdf)
    print(f"{made.version.document_id} v{made.version.number} ({'stored' if made.stored else 'unchanged'})")
    if args.mail_to:
        from docgen.delivery import Attachment, send_mail

        message_id = send_mail(
            backend.settings,
            args.mail_to,
            f"Debt panel pack: meeting of {args.meeting:%d %B %Y}",
            f"The pack for the debt panel on {args.meeting:%d %B %Y} is attached ({len(cases)} cases).",
            [Attachment(out.name, pdf)],
        )
        print(f"sent to {', '.join(args.mail_to)} ({message_id})")
    return 0


def _policies(args: argparse.Namespace) -> int:
    from docgen.documents.writeoff import policy_book

    book = policy_book(get_settings())
    policies = book.all()
    if args.json:
        from docgen.cli.tables import print_json

        print_json(
            [
                {
                    "name": policy.name,
                    "council": policy.council,
                    "valid_from": policy.valid_from.isoformat(),
                    "levels": [
                        {"code": lv.code, "limit": None if lv.limit is None else str(lv.limit)}
                        for lv in policy.levels
                    ],
                }
                for policy in policies
            ]
        )
        return 0
    for policy in policies:
        ladder = ", ".join(
            f"{lv.code} {'no limit' if lv.limit is None else f'£{lv.limit:,}'}" for lv in policy.levels
        )
        print(f"{policy.name:20} {policy.council} (from {policy.valid_from.isoformat()}): {ladder}")
    for council, ids in sorted(book.councils.items()):
        print(f"{council}: {', '.join(ids)}")
    return 0


def _lint_template(args: argparse.Namespace) -> int:
    from docgen.cli.common import parse_options
    from docgen.documents import registry
    from docgen.render.docx import lint_docx_template

    dt = registry.get(args.type)
    context = dt.context(dt.request(load_case(args.case), args.as_of, parse_options(args.option)))
    problems = lint_docx_template(Path(args.template).read_bytes(), context)
    for problem in problems:
        print(f"{args.template}: {problem}")
    if problems:
        return 2
    print(f"{args.template}: ok for {dt.id} ({len(context)} names available)")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("writeoff-schedule", help="write-off schedule (PDF, DOCX, XLSX) and committee report")
    p.add_argument(
        "--cases", required=True, help="CSV or XLSX list with columns case_ref, reason[, evidence]"
    )
    p.add_argument("--case-dir", help="folder of case JSON files (default: the list's folder)")
    p.add_argument(
        "--policy",
        default="",
        help="id of one of the council's write-off policies (default: its policy in force on --as-of)",
    )
    add_as_of(p)
    p.add_argument("-o", "--output", required=True, help="folder to write the files to")
    p.add_argument("--actor", default="cli", help="who does this, for the audit trail")
    p.set_defaults(func=_schedule)

    p = sub.add_parser("approve", help="approve or reject a recommended write-off (needs the delegation)")
    p.add_argument("document_id", help="the write-off report's document id")
    p.add_argument("--version", type=int, required=True, help="the version number decided on")
    p.add_argument("--as", dest="user", required=True, help="the deciding user's name")
    p.add_argument("--decision", choices=["approved", "rejected"], required=True, help="the decision")
    p.add_argument("--note", default="", help="a note kept with the decision")
    p.set_defaults(func=_approve)

    p = sub.add_parser("panel-pack", help="debt-panel pack for a meeting (cover, agenda, index, briefings)")
    p.add_argument(
        "--cases", nargs="+", required=True, help="case JSON files, or one CSV/XLSX list of case_ref"
    )
    p.add_argument("--case-dir", help="folder of case JSON files for a CSV/XLSX list")
    p.add_argument("--meeting", type=parse_date, required=True, help="meeting date (YYYY-MM-DD)")
    add_as_of(p)
    p.add_argument("-o", "--output", required=True, type=output_file, help="PDF file to write")
    p.add_argument(
        "--mail-to", nargs="*", default=[], help="e-mail the pack to these addresses (SMTP settings)"
    )
    p.add_argument("--actor", default="cli", help="who does this, for the audit trail")
    p.set_defaults(func=_panel_pack)

    p = sub.add_parser("lint-template", help="check a replacement Word template against a document type")
    p.add_argument("template", help="the .docx file")
    p.add_argument("--type", required=True, help="document type id it replaces the template of")
    p.add_argument("--case", required=True, help="a case JSON file to take the available names from")
    add_as_of(p)
    p.add_argument("--option", action="append", metavar="KEY=VALUE", help="document option (repeatable)")
    p.set_defaults(func=_lint_template)

    p = sub.add_parser("writeoff-policies", help="list the write-off policies and their limits")
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    p.set_defaults(func=_policies)
