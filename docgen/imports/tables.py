"""Reading a CSV file or an XLSX sheet into rows of text, keyed by the file's own headings.

Every cell becomes text here so that nothing downstream sees a float: an XLSX number is written
back with the shortest digits that round-trip (what Excel showed), a date as ISO 8601.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

from docgen.errors import InvalidInput

MAX_IMPORT_BYTES = 50 * 1024 * 1024
#: where a row keeps cells that sit beyond the last heading (a shifted row must not pass unnoticed)
EXTRA_CELLS = "\x00extra"


@dataclass(frozen=True)
class Table:
    """One sheet: where it came from, its headings and its rows (sheet row number, heading -> text)."""

    source: str
    headings: list[str]
    rows: list[tuple[int, dict[str, str]]]


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        # repr gives the shortest digits that read back as the same double: 1234.5, not 1234.4999...
        return format(Decimal(repr(value)).normalize(), "f") if value == value else ""
    return str(value).strip()


def _table(source: str, raw_rows: Iterable[list[Any]], first_row: int = 1) -> Table:
    rows_iter = iter(raw_rows)
    header: list[str] | None = None
    number = first_row - 1
    for raw in rows_iter:
        number += 1
        cells = [cell_text(v) for v in raw]
        if any(cells):
            header = cells
            break
    if header is None:
        raise InvalidInput(
            f"{source}: no heading row found (the file or sheet is empty)", code="empty_import"
        )
    headings = [h.lstrip("\ufeff") for h in header]
    rows: list[tuple[int, dict[str, str]]] = []
    for raw in rows_iter:
        number += 1
        cells = [cell_text(v) for v in raw]
        if not any(cells):
            continue
        row = {h: (cells[i] if i < len(cells) else "") for i, h in enumerate(headings) if h}
        extra = [c for c in cells[len(headings) :] if c]
        if extra:
            row[EXTRA_CELLS] = ", ".join(extra)
        rows.append((number, row))
    return Table(source, [h for h in headings if h], rows)


def read_csv(path: Path) -> Table:
    raw = _read_bytes(path)
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1252 decodes almost anything
        raise InvalidInput(f"{path}: not UTF-8 or Windows-1252 text", code="bad_encoding")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    return _table(str(path), csv.reader(io.StringIO(text), dialect))


def read_xlsx(path: Path, sheets: list[str | None]) -> list[Table]:
    """The named sheets (None: by position, the first for cases and the second for debts)."""
    import zipfile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    _read_bytes(path)
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise InvalidInput(f"{path}: not a readable XLSX workbook ({exc})", code="bad_xlsx") from None
    try:
        out: list[Table] = []
        for position, name in enumerate(sheets):
            if name is not None:
                if name not in book.sheetnames:
                    raise InvalidInput(
                        f"{path}: no sheet named {name!r} (sheets: {', '.join(book.sheetnames)})",
                        code="no_sheet",
                    )
                ws = book[name]
            elif position < len(book.sheetnames):
                ws = book.worksheets[position]
            else:
                continue
            out.append(
                _table(f"{path}[{ws.title}]", ([c for c in r] for r in ws.iter_rows(values_only=True)))
            )
        return out
    finally:
        book.close()


def _read_bytes(path: Path) -> bytes:
    try:
        if path.stat().st_size > MAX_IMPORT_BYTES:
            raise InvalidInput(
                f"{path}: larger than {MAX_IMPORT_BYTES // (1024 * 1024)} MB", code="too_large"
            )
        return path.read_bytes()
    except OSError as exc:
        raise InvalidInput(f"{path}: cannot read ({exc.strerror or exc})", code="unreadable") from None


def read_tables(
    path: Path, debts: Path | None, cases_sheet: str | None, debts_sheet: str | None
) -> tuple[Table, Table | None]:
    """The cases table and the debt lines table (a second sheet, or a second file)."""
    kind = path.suffix.lower()
    if kind == ".csv" or kind == ".txt":
        cases = read_csv(path)
        debt_table = None
    elif kind in (".xlsx", ".xlsm"):
        wanted: list[str | None] = [cases_sheet] if debts else [cases_sheet, debts_sheet]
        tables = read_xlsx(path, wanted)
        cases = tables[0]
        debt_table = tables[1] if len(tables) > 1 else None
    else:
        raise InvalidInput(
            f"{path}: import reads .csv or .xlsx files, not {kind or 'this file'}", code="bad_format"
        )
    if debts is not None:
        if debts.suffix.lower() in (".xlsx", ".xlsm"):
            debt_table = read_xlsx(debts, [debts_sheet])[0]
        else:
            debt_table = read_csv(debts)
    return cases, debt_table
