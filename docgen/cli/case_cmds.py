"""docgen validate, docgen facts."""

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


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("validate", help="check a case file against docgen.case/1")
    p.add_argument("case", help="path to a case JSON file")
    p.set_defaults(func=_validate)

    p = sub.add_parser("facts", help="balance, interest, fees, costs and limitation for a case, as JSON")
    p.add_argument("case", help="path to a case JSON file")
    add_as_of(p, required=True)
    p.set_defaults(func=_facts)
