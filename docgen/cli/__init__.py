"""The docgen command line.

Each group of commands lives in its own module with a ``register(subparsers)`` function; the
handlers return the process exit status. Errors carry their own exit codes (2 invalid input,
3 ineligible, ...) and are printed without a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from docgen.cli.common import HelpFormatter
from docgen.errors import DocgenError

# module -> the commands it registers. Only the module of the command being run is imported, so
# `docgen validate` does not pay for loading the PDF, database and web libraries.
COMMANDS: dict[str, tuple[str, ...]] = {
    "docgen.cli.case_cmds": ("validate", "facts", "next"),
    "docgen.cli.event_cmds": ("record",),
    "docgen.cli.worklist_cmds": ("worklist",),
    "docgen.cli.render_cmds": ("doctypes", "render"),
    "docgen.cli.store_cmds": ("generate", "migrate", "versions", "get", "issue", "sign", "verify", "demo"),
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
    "docgen.cli.user_cmds": ("users",),
}
COMMAND_MODULES = list(COMMANDS)


def _modules_for(argv: Sequence[str]) -> list[str]:
    first = next((a for a in argv if not a.startswith("-")), None)
    for module, commands in COMMANDS.items():
        if first in commands:
            return [module]
    return COMMAND_MODULES


#: every exit status a docgen command can end with (also listed in the README)
EXIT_CODES: tuple[tuple[int, str], ...] = (
    (0, "done"),
    (1, "some items failed, or a check found a fault (see the messages)"),
    (2, "invalid input: a case file, an option or an argument (each is named)"),
    (3, "the law does not allow the document for this case (reasons printed)"),
    (4, "not found: a case, document, version, upload or user"),
    (5, "conflict: exists already, issued and locked, or port/folder in use"),
    (6, "not allowed: key not recognised, or the role may not do this"),
    (7, "an engine is not available here (LibreOffice, the official forms)"),
    (8, "the store, register or job queue is not available"),
    (130, "interrupted (Ctrl+C)"),
)


def _epilog() -> str:
    lines = ["exit status:"] + [f"  {code:<4} {text}" for code, text in EXIT_CODES]
    lines.append("")
    lines.append("docgen COMMAND --help shows each command's arguments and defaults.")
    return "\n".join(lines)


def _use_formatter(parser: argparse.ArgumentParser) -> None:
    """One help style for every command: defaults shown where there is one."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in action.choices.values():
                if child.formatter_class is argparse.HelpFormatter or child.formatter_class is (
                    argparse.ArgumentDefaultsHelpFormatter
                ):
                    child.formatter_class = HelpFormatter
                _use_formatter(child)


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="docgen",
        description="Court-ready documents for council debt recovery",
        epilog=_epilog(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
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
    _use_formatter(parser)
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
    except BrokenPipeError:
        # the reader went away (docgen ... | head): not an error of ours
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except OSError as err:
        # a file or folder the command was given cannot be read or written: named, never a traceback
        where = f"{err.filename}: " if err.filename else ""
        print(f"error: {where}{err.strerror or err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
