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

# module -> the commands it registers. Only the module of the command being run is imported, so
# `docgen validate` does not pay for loading the PDF, database and web libraries.
COMMANDS: dict[str, tuple[str, ...]] = {
    "docgen.cli.case_cmds": ("validate", "facts", "next"),
    "docgen.cli.event_cmds": ("record",),
    "docgen.cli.render_cmds": ("doctypes", "render"),
    "docgen.cli.store_cmds": ("generate", "versions", "get", "issue", "verify", "demo"),
    "docgen.cli.bundle_cmds": ("bundle",),
    "docgen.cli.writeoff_cmds": (
        "writeoff-schedule",
        "approve",
        "panel-pack",
        "lint-template",
        "writeoff-policies",
    ),
    "docgen.cli.bulk_cmds": ("import", "bulk", "sdt-xml"),
    "docgen.cli.serve_cmds": ("serve",),
}
COMMAND_MODULES = list(COMMANDS)


def _modules_for(argv: Sequence[str]) -> list[str]:
    first = next((a for a in argv if not a.startswith("-")), None)
    for module, commands in COMMANDS.items():
        if first in commands:
            return [module]
    return COMMAND_MODULES


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="docgen", description="Court-ready documents for council debt recovery"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in _modules_for(argv) if argv is not None else COMMAND_MODULES:
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
        if problem.hint:
            print(f"    to act on it: {problem.hint}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(argv)
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
