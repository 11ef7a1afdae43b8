"""docgen import, docgen bulk, docgen sdt-xml: batches of cases."""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docgen.cli.common import add_as_of, output_file, parse_options
from docgen.config import get_settings
from docgen.domain.case import Case, parse_case_json
from docgen.errors import DocgenError, InvalidInput, Problem
from docgen.imports import read_cases, write_report

if TYPE_CHECKING:
    from docgen.bulk import BulkItem

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")


def _print_json(data: Any) -> None:
    from docgen.cli.tables import print_json

    print_json(data)


def _import(args: argparse.Namespace) -> int:
    source = Path(args.file)
    result = read_cases(source, args.debts, args.mapping, max_rows=get_settings().max_import_rows)
    if args.report:
        write_report(result, Path(args.report))
    cases = result.accepted(valid_only=args.valid_only)  # raises (exit 2) when all-or-nothing fails
    for problem in result.problems:
        print(f"skipped: {problem}", file=sys.stderr)
    out_dir = Path(args.out_dir) if args.out_dir else source.with_name(f"{source.stem}-cases")
    out_dir.mkdir(parents=True, exist_ok=True)
    for case in cases:
        data = json.loads(case.canonical_json())
        (out_dir / f"{_UNSAFE.sub('_', case.case_ref)}.json").write_text(
            json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
    summary = {
        "rows": result.rows,
        "imported": len(cases),
        "rejected_rows": result.rejected_rows,
        "problems": len(result.problems),
        "out_dir": str(out_dir),
        "report": args.report,
    }
    if args.json:
        _print_json(summary)
        return 0
    print(f"imported {len(cases)} of {result.rows} rows: one case file each in {out_dir}")
    if result.rejected_rows:
        print(f"  left out rows {', '.join(str(r) for r in result.rejected_rows)} (see the messages above)")
    if args.report:
        print(f"  report: {args.report}")
    print(
        f"  next: docgen validate {out_dir}/<case>.json, or docgen bulk TYPE --cases {out_dir} --as-of DATE"
    )
    return 0


def _bulk(args: argparse.Namespace) -> int:
    # the renderers and the register are loaded only by the commands that use them
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from docgen.bulk import expand_types, load_sources, run_bulk

    settings = get_settings()
    expand_types(args.type)  # an unknown type is refused before any case is read
    sources = load_sources(
        Path(args.cases),
        Path(args.debts) if args.debts else None,
        Path(args.mapping) if args.mapping else None,
    )
    out_dir = Path(args.out_dir) if args.out_dir else None
    with Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        transient=not sys.stderr.isatty(),
        disable=args.quiet,
    ) as bar:
        task = bar.add_task(args.type, total=None)

        def step(done: int, total: int, item: BulkItem) -> None:
            bar.update(task, completed=done, total=total, description=f"{args.type} {item.case_ref}")

        result = run_bulk(
            sources,
            args.type,
            args.as_of,
            settings,
            progress=step,
            workers=args.workers,
            out_dir=out_dir,
            options=parse_options(args.option),
            engines=parse_options(args.engine),
            actor=args.actor,
        )
    summary = result.as_dict()
    summary.pop("items")
    summary["cases_per_second"] = round(result.cases / result.seconds, 2) if result.seconds else None
    if args.json:
        _print_json(summary)
    else:
        print(bulk_summary(args.type, summary))
    for item in result.items:
        if not item.ok:
            print(f"{item.status}: {item.case_ref} {item.doc_type}: {item.problem}", file=sys.stderr)
    counts = result.counts
    if counts["failed"] or counts["invalid"]:
        return 1
    return 3 if counts["ineligible"] else 0


def bulk_summary(doc_type: str, summary: dict[str, Any]) -> str:
    counts = summary["counts"]
    rate = summary.get("cases_per_second")
    lines = [
        f"{doc_type}: {summary['documents']} documents for {summary['cases']} cases",
        "  " + ", ".join(f"{n} {what}" for what, n in counts.items()),
        f"  {summary['seconds']:.1f} s with {summary['workers']} workers"
        + (f" ({rate} cases a second)" if rate else ""),
    ]
    if summary.get("manifest"):
        lines.append(f"  manifest:  {summary['manifest']}")
    if summary.get("zip"):
        lines.append(f"  documents: {summary['zip']}")
    if not summary.get("manifest"):
        lines.append("  (give --out-dir DIR for a manifest.csv and a ZIP of the documents)")
    return "\n".join(lines)


def _sdt_xml(args: argparse.Namespace) -> int:
    from docgen.bulk import load_sources
    from docgen.documents.bulk_claims import claims_bulk_xml
    from docgen.sdt import validation_errors

    cases: list[Case] = []
    unreadable: dict[str, list[Problem]] = {}
    for label, text in load_sources(
        Path(args.cases),
        Path(args.debts) if args.debts else None,
        Path(args.mapping) if args.mapping else None,
    ):
        try:
            cases.append(parse_case_json(text, source=label))
        except DocgenError as err:
            unreadable[label] = err.problems or [Problem("", err.message)]
    batch = claims_bulk_xml(cases, args.as_of, args.customer_id, args.reference)
    batch.excluded.update(unreadable)
    if args.schema_dir:
        errors = validation_errors(batch.xml, Path(args.schema_dir))
        if errors:
            raise InvalidInput(
                "the bulk file does not validate against the SDT schema",
                [Problem("xml", e) for e in errors],
                code="sdt_invalid",
            )
    out = Path(args.output)
    tmp = out.with_name(f".{out.name}.part")
    tmp.write_bytes(batch.xml)
    tmp.replace(out)
    excluded = {ref: [p.as_dict() for p in ps] for ref, ps in batch.excluded.items()}
    if excluded:
        out.with_suffix(".excluded.json").write_text(json.dumps(excluded, indent=2) + "\n", encoding="utf-8")
        for ref, problems in batch.excluded.items():
            print(f"left out {ref}: " + "; ".join(str(p) for p in problems), file=sys.stderr)
    _print_json(
        {
            "output": str(out),
            "claims": len(batch.included),
            "excluded": len(excluded),
            "excluded_report": str(out.with_suffix(".excluded.json")) if excluded else None,
        }
    )
    return 0


def _add_case_sources(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--cases",
        required=True,
        help="a folder of case JSON files, a JSON list, a .jsonl file, or a CSV/XLSX export",
    )
    p.add_argument("--debts", help="debt lines file for a CSV/XLSX export")
    p.add_argument("--mapping", help="column mapping (YAML/JSON) for a CSV/XLSX export")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("import", help="import cases from a CSV or XLSX export, with a row-level report")
    p.add_argument(
        "file", help="cases file (.csv or .xlsx; in an XLSX the second sheet may hold the debt lines)"
    )
    p.add_argument("--debts", help="debt lines file (CSV or XLSX), joined on the case reference")
    p.add_argument("--mapping", help="column mapping file (YAML or JSON)")
    p.add_argument(
        "--valid-only",
        action="store_true",
        help="import the valid rows even when others fail (default: all or nothing)",
    )
    p.add_argument("--report", help="write the problems by row and column to this .xlsx or .json file")
    p.add_argument("--out-dir", help="where to write one case JSON per row (default: <file>-cases/)")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.set_defaults(func=_import)

    p = sub.add_parser(
        "bulk",
        help="generate and store a document or pack for many cases "
        "(exit 0 all stored, 3 some ineligible, 1 some failed)",
    )
    p.add_argument("type", help="document type id, or claim_pack (letter_before_claim + n1 + particulars)")
    _add_case_sources(p)
    add_as_of(p, required=True)
    p.add_argument("--out-dir", help="write manifest.csv and documents.zip here")
    p.add_argument("--workers", type=int, default=2, help="worker processes")
    p.add_argument("--option", action="append", metavar="KEY=VALUE", help="document option (repeatable)")
    p.add_argument(
        "--engine",
        action="append",
        metavar="TYPE=ENGINE",
        help="engine for one document type, e.g. n1=official (repeatable)",
    )
    p.add_argument("--actor", default="cli", help="who does this, for the audit trail")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("--json", action="store_true", help="print the summary as JSON (for machines)")
    p.set_defaults(func=_bulk)

    p = sub.add_parser("sdt-xml", help="write a Money Claim Online bulk request (SDT XML) for a batch")
    _add_case_sources(p)
    add_as_of(p, required=True)
    p.add_argument("-o", "--output", required=True, type=output_file, help="XML file to write")
    p.add_argument("--customer-id", required=True, help="the council's 8-digit SDT customer id")
    p.add_argument("--reference", help="customer reference for the batch (default: from date and content)")
    p.add_argument("--schema-dir", help="HMCTS SDT schema folder: validate the file before writing it")
    p.set_defaults(func=_sdt_xml)
