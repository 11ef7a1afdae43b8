"""The command line explains itself: help on every argument, defaults shown, exit codes listed,
tables that fit 80 columns without breaking an id or a date."""

from __future__ import annotations

import argparse
import re

import pytest

from docgen.cli import EXIT_CODES, build_parser, main
from docgen.cli.tables import Column, render
from docgen.config import PROJECT_ROOT


def _parsers(
    parser: argparse.ArgumentParser, path: str = "docgen"
) -> list[tuple[str, argparse.ArgumentParser]]:
    found = [(path, parser)]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                found += _parsers(child, f"{path} {name}")
    return found


def test_every_argument_of_every_command_has_help() -> None:
    missing = []
    for path, parser in _parsers(build_parser()):
        for action in parser._actions:
            if isinstance(action, argparse._HelpAction | argparse._SubParsersAction):
                continue
            if not (action.help or "").strip():
                missing.append(f"{path} {'/'.join(action.option_strings) or action.dest}")
    assert missing == []


def test_defaults_are_shown_in_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["bulk", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "(default: 2)" in text  # --workers
    with pytest.raises(SystemExit):
        main(["demo", "--help"])
    assert "(default: 2025-06-02)" in " ".join(capsys.readouterr().out.split())


def test_exit_codes_are_listed_in_help_and_readme(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert all(len(line) <= 80 for line in out.splitlines()), "docgen --help wider than 80 columns"
    readme = (PROJECT_ROOT / "README.md").read_text()
    for code, _text in EXIT_CODES:
        assert re.search(rf"^\s+{code}\s+\S", out, re.M), f"exit status {code} not in docgen --help"
        assert re.search(rf"^\| *{code} *\|", readme, re.M), f"exit status {code} not in the README"


def test_every_error_class_exit_code_is_documented() -> None:
    import docgen.errors as errors
    from docgen.services.auth import Unauthenticated

    documented = {code for code, _ in EXIT_CODES}
    classes = [c for c in vars(errors).values() if isinstance(c, type) and issubclass(c, errors.DocgenError)]
    for cls in [*classes, Unauthenticated]:
        try:
            instance = cls("x") if cls is not errors.Ineligible else cls("x", [])
        except TypeError:
            continue
        assert instance.exit_code in documented, cls


IDS = [f"{i:x}" * 20 for i in range(5)]
ROWS = [
    {
        "ref": f"KGN/SUN/2024/{i:04}",
        "id": IDS[i][:20],
        "when": f"2025-06-0{i + 1} 09:1{i}",
        "note": "the charging order is sought in the County Court for the area of the dwelling " * 2,
        "extra": "something less important",
    }
    for i in range(5)
]
COLUMNS = [
    Column("case", "ref"),
    Column("document id", "id"),
    Column("made", "when"),
    Column("note", "note", kind="text"),
    Column("extra", "extra", drop=1),
]


@pytest.mark.parametrize("width", [80, 100, 60])
def test_tables_fit_the_width_without_breaking_ids_or_dates(width: int) -> None:
    text = render(COLUMNS, ROWS, width=width)
    lines = text.splitlines()
    # 60 columns cannot hold the three ids side by side: the table grows rather than break one
    assert all(len(line) <= max(width, 72) for line in lines), text
    for row in ROWS:
        line = next(line for line in lines if row["ref"] in line)
        assert row["id"] in line and row["when"] in line  # whole, on the row's first line
    # every word of the free text is still there, in order
    words = " ".join(line[lines[0].index("note") :].split("  ")[0] for line in lines[2:]).split()
    assert " ".join(words).count("charging order") == 10


def test_a_less_important_column_goes_before_text_is_squeezed_too_far() -> None:
    narrow = render(COLUMNS, ROWS, width=60)
    assert "extra" not in narrow.splitlines()[0]
    wide = render(COLUMNS, [r | {"note": "short"} for r in ROWS], width=120)
    assert "extra" in wide.splitlines()[0]
