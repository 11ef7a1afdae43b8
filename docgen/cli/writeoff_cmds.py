"""docgen writeoff-schedule, docgen approve, docgen panel-pack, docgen writeoff-policies."""

from __future__ import annotations

import argparse
from pathlib import Path

from docgen.cli.common import add_as_of, parse_date
from docgen.config import get_settings
from docgen.domain.case import Case, load_case
from docgen.errors import InvalidInput


def _write(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.part")
    tmp.write_bytes(data)
    tmp.replace(path)
    print(f"{path} {len(data)} bytes")


def _engine() -> object:
    from docgen.render.engines import get_engine

    return get_engine("docx", get_settings())


def _schedule(args: argparse.Namespace) -> int:
    from docgen.documents.writeoff import load_batch, render_batch
    from docgen.domain.writeoff_policy import load_policy

    items = load_batch(Path(args.cases), Path(args.case_dir) if args.case_dir else None)
    options = {"policy": args.policy}
    out_dir = Path(args.output)
    out_dir.mkdir(parents=True, exist_ok=True)
    engine = _engine()
    stem = f"write-off-schedule-{args.as_of.isoformat()}"
    schedule = render_batch("write_off_schedule", items, args.as_of, options, engine)
    _write(out_dir / f"{stem}.pdf", schedule.pdf)
    for ext, data in sorted(schedule.attachments.items()):
        _write(out_dir / f"{stem}.{ext}", data)
    policy = load_policy(args.policy)
    from docgen.domain.balance import compute_balance

    if any(policy.needs_committee(compute_balance(i.case, args.as_of).outstanding) for i in items):
        committee = render_batch("committee_write_off_report", items, args.as_of, options, engine)
        stem = f"committee-write-off-report-{args.as_of.isoformat()}"
        _write(out_dir / f"{stem}.pdf", committee.pdf)
        for ext, data in sorted(committee.attachments.items()):
            _write(out_dir / f"{stem}.{ext}", data)
    return 0


def _approve(args: argparse.Namespace) -> int:
    from docgen.errors import NotFound
    from docgen.register import open_register, unit_of_work
    from docgen.register.repositories import users
    from docgen.services import approvals
    from docgen.services.auth import principal_of

    with unit_of_work(open_register(get_settings())) as session:
        user = users.by_name(session, args.user)
        if user is None:
            raise NotFound(f"no user named {args.user!r}", code="user_not_found")
        made = approvals.decide(
            session, principal_of(user), args.document_id, args.version, args.decision, args.note
        )
        print(f"{args.document_id} v{args.version}: {made.status} by {made.actor}")
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
    from docgen.documents.panel import render_pack

    cases = _pack_cases(args.cases, args.case_dir)
    pack = render_pack(cases, args.meeting, args.as_of, {}, _engine())
    out = Path(args.output)
    _write(out, pack.pdf)
    if args.mail_to:
        from docgen.delivery import Attachment, send_mail

        settings = get_settings()
        message_id = send_mail(
            settings,
            args.mail_to,
            f"Debt panel pack: meeting of {args.meeting:%d %B %Y}",
            f"The pack for the debt panel on {args.meeting:%d %B %Y} is attached ({len(cases)} cases).",
            [Attachment(out.name, pack.pdf)],
        )
        print(f"sent to {', '.join(args.mail_to)} ({message_id})")
    return 0


def _policies(args: argparse.Namespace) -> int:
    from docgen.domain.writeoff_policy import load_policy, policy_names

    for name in policy_names():
        policy = load_policy(name)
        ladder = ", ".join(
            f"{lv.code} {'no limit' if lv.limit is None else f'£{lv.limit:,}'}" for lv in policy.levels
        )
        print(f"{name:20} {policy.council}: {ladder}")
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
    p.add_argument("--policy", default="district_example", help="write-off policy name or JSON file")
    add_as_of(p)
    p.add_argument("-o", "--output", required=True, help="folder to write the files to")
    p.set_defaults(func=_schedule)

    p = sub.add_parser("approve", help="approve or reject a recommended write-off (needs the delegation)")
    p.add_argument("document_id")
    p.add_argument("--version", type=int, required=True)
    p.add_argument("--as", dest="user", required=True, help="the deciding user's name")
    p.add_argument("--decision", choices=["approved", "rejected"], required=True)
    p.add_argument("--note", default="")
    p.set_defaults(func=_approve)

    p = sub.add_parser("panel-pack", help="debt-panel pack for a meeting (cover, agenda, index, briefings)")
    p.add_argument(
        "--cases", nargs="+", required=True, help="case JSON files, or one CSV/XLSX list of case_ref"
    )
    p.add_argument("--case-dir", help="folder of case JSON files for a CSV/XLSX list")
    p.add_argument("--meeting", type=parse_date, required=True, help="meeting date (YYYY-MM-DD)")
    add_as_of(p)
    p.add_argument("-o", "--output", required=True, help="PDF file to write")
    p.add_argument(
        "--mail-to", nargs="*", default=[], help="e-mail the pack to these addresses (SMTP settings)"
    )
    p.set_defaults(func=_panel_pack)

    p = sub.add_parser("lint-template", help="check a replacement Word template against a document type")
    p.add_argument("template", help="the .docx file")
    p.add_argument("--type", required=True, help="document type id it replaces the template of")
    p.add_argument("--case", required=True, help="a case JSON file to take the available names from")
    add_as_of(p)
    p.add_argument("--option", action="append", metavar="KEY=VALUE", help="document option (repeatable)")
    p.set_defaults(func=_lint_template)

    p = sub.add_parser("writeoff-policies", help="list the write-off policies and their limits")
    p.set_defaults(func=_policies)
