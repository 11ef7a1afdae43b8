"""docgen validate, docgen facts, docgen next."""

from __future__ import annotations

import argparse
import json

from docgen.cli.common import add_as_of
from docgen.domain.case import load_case
from docgen.domain.facts import case_facts
from docgen.errors import InvalidInput


def _validate(args: argparse.Namespace) -> int:
    try:
        load_case(args.case)
    except InvalidInput as err:
        # the problems are this command's output, so they go to stdout
        print(err.message)
        for problem in err.problems:
            print(f"  {problem}")
        return err.exit_code
    print("OK")
    return 0


def _facts(args: argparse.Namespace) -> int:
    case = load_case(args.case)
    print(json.dumps(case_facts(case, args.as_of).as_json(), indent=2, ensure_ascii=False))
    return 0


def _next(args: argparse.Namespace) -> int:
    from docgen.documents.next_steps import next_steps

    steps = next_steps(load_case(args.case), args.as_of)
    if args.json:
        print(json.dumps(steps.as_json(), indent=2, ensure_ascii=False))
        return 0
    print(f"{steps.case_ref}, as at {args.as_of.isoformat()}")
    nxt = steps.next_step
    print(f"next step: {_line(nxt) if nxt else 'none on the recovery path'}")
    sections = (
        ("possible now", [s for s in steps.possible if not s.done]),
        ("waiting", [s for s in steps.waiting if not s.done]),
        ("needs something first", [s for s in steps.blocked if not s.done]),
        ("done", steps.done),
        ("not for this case", steps.not_for_case),
    )
    for title, found in sections:
        if not found:
            continue
        print(f"\n{title}:")
        for step in found:
            print(f"  {_line(step)}")
            shown = step.reasons if step.status != "waiting" else step.periods
            for p in (*shown, *step.questions):
                print(f"    - {p.message}")
                if p.hint:
                    print(f"      to act on it: {p.hint}")
    if steps.deadlines:
        print("\ndeadlines:")
        for d in steps.deadlines:
            print(f"  {d.on.isoformat()}  {d.message}")
    return 0


def _line(step: object) -> str:
    from docgen.documents.next_steps import Step

    assert isinstance(step, Step)
    words = {
        "possible": "possible now",
        "answer": "possible once its questions are answered",
        "waiting": f"from {step.opens_on.isoformat()}" if step.opens_on else "waiting",
        "blocked": "needs something first",
        "not_for_case": "not for this case",
    }[step.status]
    if step.done_on:
        words = f"done {step.done_on.isoformat()}"
    last = f"; last day {step.closes_on.isoformat()}" if step.closes_on and not step.done_on else ""
    return f"{step.title} [{step.doc_type}]: {words}{last}"


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("validate", help="check a case file against docgen.case/1")
    p.add_argument("case", help="path to a case JSON file")
    p.set_defaults(func=_validate)

    p = sub.add_parser("facts", help="balance, interest, fees, costs and limitation for a case, as JSON")
    p.add_argument("case", help="path to a case JSON file")
    add_as_of(p, required=True)
    p.set_defaults(func=_facts)

    p = sub.add_parser(
        "next",
        help="the steps possible on a case, and for each step not yet possible the date it opens "
        "and what is missing",
    )
    p.add_argument("case", help="path to a case JSON file")
    add_as_of(p, required=True)
    p.add_argument("--json", action="store_true", help="print the answer as JSON")
    p.set_defaults(func=_next)
