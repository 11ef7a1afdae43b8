"""docgen worklist: the cases due an action, with their next step, when it falls due and the sum
owing; filtered, sorted and paged as on the worklist page and in the API."""

from __future__ import annotations

import argparse
import json
from datetime import date
from decimal import Decimal
from typing import Any

DUE = ("all", "overdue", "today", "week")
SORTS = ("due", "balance", "case", "debtor")


def _rows(args: argparse.Namespace) -> dict[str, Any]:
    from docgen.config import get_settings
    from docgen.register import unit_of_work
    from docgen.register.models import Role
    from docgen.services import worklist
    from docgen.services.auth import Principal
    from docgen.services.backend import Backend
    from docgen.services.worklist import Query

    today = date.today()
    query = Query(
        today=today,
        due=args.due,
        debt_type=args.debt_type,
        officer=args.officer,
        step=args.step,
        balance_min_pence=worklist.pence(args.min, "--min"),
        balance_max_pence=worklist.pence(args.max, "--max"),
        sort=args.sort,
        descending=args.desc,
        page=args.page,
        per_page=args.per_page,
    )
    backend = Backend.open(get_settings())
    with unit_of_work(backend.sessions) as session:
        found = worklist.search(session, Principal(args.actor, Role.officer), query)
        rows = [
            {
                "case_ref": r.case_ref,
                "debtor_name": r.debtor_name,
                "debt_type": r.debt_type,
                "officer": r.officer,
                "balance": f"{Decimal(r.balance_pence) / 100:.2f}",
                "step": r.step,
                "step_title": r.step_title,
                "step_status": r.step_status,
                "due_on": r.due_on.isoformat() if r.due_on else None,
                "deadline": r.deadline.isoformat() if r.deadline else None,
                "deadline_text": r.deadline_text,
                "reasons": [str(x) for x in r.reasons],
            }
            for r in found.rows
        ]
        return {
            "as_of": today.isoformat(),
            "total": found.total,
            "page": query.page,
            "pages": found.pages,
            "rows": rows,
        }


def _worklist(args: argparse.Namespace) -> int:
    from docgen.cli.tables import Column, render

    listed = _rows(args)
    if args.json:
        print(json.dumps(listed, indent=2, ensure_ascii=False))
        return 0
    today = listed["as_of"]
    table = []
    for r in listed["rows"]:
        late = (r["due_on"] and r["due_on"] < today) or (r["deadline"] and r["deadline"] < today)
        step = r["step_title"] if r["step"] else "none on the recovery path"
        if r["step_status"] == "waiting":
            step += f" (from {r['due_on']})"
        elif r["step_status"] == "blocked":
            step += ": " + (r["reasons"][0] if r["reasons"] else "needs something first")
        elif r["step_status"] == "answer":
            step += ": questions to answer first"
        table.append(
            {
                "case": r["case_ref"],
                "debtor": r["debtor_name"],
                "step": step,
                "type": r["step"] or "",
                "due": ("OVERDUE " if late else "") + (r["due_on"] or ""),
                "last_day": r["deadline"] or "",
                "balance": f"£{Decimal(r['balance']):,.2f}",
                "officer": r["officer"],
            }
        )
    columns = [
        Column("case", "case"),
        Column("next step", "step", kind="text", min_width=24),
        Column("type", "type", drop=1),
        Column("due", "due"),
        Column("balance", "balance"),
        Column("last day", "last_day", drop=3),
        Column("officer", "officer", kind="text", drop=4),
        Column("debtor", "debtor", kind="text", drop=5),
    ]
    print(f"worklist as at {today}: {listed['total']} case(s), page {listed['page']} of {listed['pages']}")
    if table:
        print(render(columns, table))
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "worklist",
        help="the cases due an action: each one's next step, when it falls due and the sum owing",
    )
    p.add_argument("--due", choices=DUE, default="all", help="overdue, due today, due within 7 days, or all")
    p.add_argument("--debt-type", default="", help="only this debt type (e.g. sundry)")
    p.add_argument("--officer", default="", help="only this officer's cases (the name on the case)")
    p.add_argument("--step", default="", help="only cases whose next step is this document type")
    p.add_argument("--min", default="", help="smallest balance, in pounds (e.g. 500)")
    p.add_argument("--max", default="", help="largest balance, in pounds")
    p.add_argument("--sort", choices=SORTS, default="due", help="order of the rows")
    p.add_argument("--desc", action="store_true", help="largest or latest first")
    p.add_argument("--page", type=int, default=1, help="which page")
    p.add_argument("--per-page", type=int, default=50, help="rows a page")
    p.add_argument("--json", action="store_true", help="print the rows as JSON (as the API answers)")
    p.add_argument("--actor", default="cli", help="who asks, for the audit trail")
    p.set_defaults(func=_worklist)
