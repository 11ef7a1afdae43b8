"""docgen doctypes, docgen render."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from docgen.cli.common import add_as_of, output_file, parse_options
from docgen.config import get_settings
from docgen.documents import registry
from docgen.domain.case import load_case
from docgen.render.pipeline import render_document


def _doctypes(args: argparse.Namespace) -> int:
    from docgen.cli.tables import Column, print_json, print_table

    rows: list[dict[str, Any]] = [
        {
            "id": dt.id,
            "title": dt.title,
            "family": dt.family,
            "engines": list(dt.templates),
            "options": [o.as_dict() for o in dt.options],
        }
        for dt in registry.all_types()
    ]
    if args.json:
        print_json(rows)
        return 0
    print_table(
        [
            Column("type", "id"),
            Column("title", "title", kind="text", min_width=16),
            Column("engines", "engine_list", kind="text", drop=2, min_width=8),
            Column("options", "option_count", drop=1),
        ],
        [
            r
            | {
                "engine_list": ", ".join(r["engines"]),
                "option_count": len(r["options"]),
            }
            for r in rows
        ],
    )
    print("\neach type's options, with their kinds and choices: docgen doctypes --json")
    return 0


def _render(args: argparse.Namespace) -> int:
    case = load_case(args.case)
    settings = get_settings()
    if args.forms_dir:
        settings = settings.model_copy(update={"official_forms_dir": Path(args.forms_dir)})
    rendered = render_document(
        args.type, case, args.as_of, parse_options(args.option), engine=args.engine, settings=settings
    )
    out = Path(args.output)
    tmp = out.with_name(f".{out.name}.part")
    tmp.write_bytes(rendered.pdf)
    tmp.replace(out)
    for ext, data in rendered.attachments.items():
        out.with_suffix(f".{ext}").write_bytes(data)
    for w in rendered.warnings:
        print(f"warning: {w}", file=sys.stderr)
    print(f"{out} {len(rendered.pdf)} bytes sha256 {rendered.sha256}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("doctypes", help="list the document types, their engines and options")
    p.add_argument("--json", action="store_true", help="print JSON (with each option's kind and choices)")
    p.set_defaults(func=_doctypes)

    p = sub.add_parser("render", help="render one document to a PDF file (nothing is stored)")
    p.add_argument("type", help="document type id (see docgen doctypes)")
    p.add_argument("--case", required=True, help="case JSON file")
    add_as_of(p, required=True)
    p.add_argument("-o", "--output", required=True, type=output_file, help="PDF file to write")
    p.add_argument(
        "--engine",
        choices=["html", "official", "docx"],
        default=None,
        help="html (any paper), official (the HMCTS PDF, where installed) or docx; default: the type's own",
    )
    p.add_argument("--option", action="append", metavar="KEY=VALUE", help="document option (repeatable)")
    p.add_argument("--forms-dir", help="folder holding the official HMCTS PDFs (official engine)")
    p.set_defaults(func=_render)
