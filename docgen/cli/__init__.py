"""The docgen command line.

Each group of commands lives in its own module with a ``register(subparsers)`` function; the
handlers return the process exit status. Errors carry their own exit codes (2 invalid input,
3 ineligible, ...) and are printed without a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from docgen.errors import DocgenError

COMMAND_MODULES = [
    "docgen.cli.case_cmds",
    "docgen.cli.render_cmds",
    "docgen.cli.store_cmds",
    "docgen.cli.bundle_cmds",
    "docgen.cli.writeoff_cmds",
    "docgen.cli.bulk_cmds",
    "docgen.cli.serve_cmds",
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="docgen", description="Court-ready documents for council debt recovery")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue  # a command group not present in this build
            raise
        module.register(sub)
    return parser


def print_error(err: DocgenError) -> None:
    print(f"error: {err.message}", file=sys.stderr)
    for problem in err.problems:
        marker = "" if problem.blocking else " (warning)"
        print(f"  {problem}{marker}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args))
    except DocgenError as err:
        print_error(err)
        return err.exit_code
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
