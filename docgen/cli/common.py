"""Small helpers shared by the command modules."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from docgen.errors import InvalidInput


class HelpFormatter(argparse.HelpFormatter):
    """Shows an argument's default after its help when it has a meaningful one."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        text = action.help or ""
        default = action.default
        if (
            "default" not in text
            and default not in (None, False, "", [], argparse.SUPPRESS)
            and action.option_strings
        ):
            if isinstance(default, date):
                shown: object = "today" if default == date.today() else default.isoformat()
            else:
                shown = default
            text += f" (default: {shown})"
        return text


def parse_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value!r}") from None


def parse_options(pairs: list[str] | None) -> dict[str, str]:
    options: dict[str, str] = {}
    for pair in pairs or []:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise InvalidInput(f"--option {pair!r}: expected key=value")
        options[key.strip()] = value.strip()
    return options


def add_as_of(parser: argparse.ArgumentParser, required: bool = False) -> None:
    parser.add_argument(
        "--as-of",
        type=parse_date,
        required=required,
        default=None if required else date.today(),
        help="the date the figures and deadlines are worked out to (YYYY-MM-DD)",
    )


def output_file(value: str) -> Path:
    """An argument naming a file to write: its folder must exist, checked before any work is done
    (argparse reports the problem and exits 2)."""
    path = Path(value)
    folder = path.parent
    if not folder.is_dir():
        raise argparse.ArgumentTypeError(
            f"no folder {str(folder)!r} to write {path.name!r} in; make it first"
        )
    if path.is_dir():
        raise argparse.ArgumentTypeError(f"{value!r} is a folder; name a file in it")
    return path
