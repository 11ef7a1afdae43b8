"""Hostile CSV and XLSX imports: encodings, oversized fields, NULs, too many rows, and cells that a
spreadsheet would run as formulas when the import report or another export shows them again."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

from openpyxl import Workbook

DATA = Path(__file__).resolve().parents[1] / "data" / "imports"
CASES_CSV = (DATA / "cases.csv").read_text(encoding="utf-8")

#: cells a spreadsheet would treat as a formula, a DDE call or a hidden formula
FORMULAS = (
    '=HYPERLINK("http://127.0.0.1:9/?"&A1,"Click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
)


def _xlsx(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_corpus() -> Iterator[tuple[str, bytes, str | None]]:
    """(name, the cases file's bytes, the problem code the import must refuse it with, or None
    when it must be read)."""
    yield "utf8", CASES_CSV.encode("utf-8"), None
    yield "utf8-bom", b"\xef\xbb\xbf" + CASES_CSV.encode("utf-8"), None
    yield "utf16-le-bom", b"\xff\xfe" + CASES_CSV.encode("utf-16-le"), None
    yield "utf16-be-bom", b"\xfe\xff" + CASES_CSV.encode("utf-16-be"), None
    yield "utf16-no-bom", CASES_CSV.encode("utf-16-le"), "bad_encoding"
    yield "windows-1252", CASES_CSV.replace("Jane", "Zoë").encode("cp1252"), None
    yield "utf16-bom-then-garbage", b"\xff\xfe" + b"\x00\xd8", "bad_encoding"
    big_field = CASES_CSV.replace("Flat 2", "x" * (130 * 1024), 1)
    yield "field-over-128k", big_field.encode(), "bad_csv"
    header, *rows = CASES_CSV.splitlines()
    yield "too-many-rows", "\n".join([header, *(rows[:1] * 60)]).encode(), "too_many_rows"
    yield "empty", b"", "empty_import"


def xlsx_corpus() -> Iterator[tuple[str, bytes, str | None]]:
    header = CASES_CSV.splitlines()[0].split(",")
    first = CASES_CSV.splitlines()[1].split(",")
    yield "xlsx-ok", _xlsx([header, first]), None
    yield "xlsx-too-many-rows", _xlsx([header, *([first] * 60)]), "too_many_rows"
    yield "xlsx-not-a-zip", b"PK\x03\x04 broken", "bad_xlsx"
