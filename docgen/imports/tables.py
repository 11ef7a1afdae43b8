"""Reading a CSV file or an XLSX sheet into rows of text, keyed by the file's own headings.

Every cell becomes text here so that nothing downstream sees a float: an XLSX number is written
back with the shortest digits that round-trip (what Excel showed), a date as ISO 8601.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

from docgen.errors import InvalidInput
from docgen.tabular import csv_rows, decode_text

MAX_IMPORT_BYTES = 50 * 1024 * 1024
#: the most rows one sheet or file may hold (cases; debt lines may be ten to a case)
MAX_IMPORT_ROWS = 20_000
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


def _table(
    source: str, raw_rows: Iterable[list[Any]], first_row: int = 1, max_rows: int | None = None
) -> Table:
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
        if max_rows is not None and len(rows) > max_rows:
            raise InvalidInput(
                f"{source}: more than {max_rows:,} rows; split it into smaller files", code="too_many_rows"
            )
    return Table(source, [h for h in headings if h], rows)


def read_csv(path: Path, max_rows: int | None = MAX_IMPORT_ROWS) -> Table:
    text = decode_text(_read_bytes(path), str(path))
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    records = (row for _line, row in csv_rows(text, str(path), dialect))
    return _table(str(path), records, max_rows=max_rows)


def read_xlsx(path: Path, sheets: list[str | None], max_rows: int | None = MAX_IMPORT_ROWS) -> list[Table]:
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
                _table(
                    f"{path}[{ws.title}]",
                    ([c for c in r] for r in ws.iter_rows(values_only=True)),
                    max_rows=max_rows,
                )
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
    path: Path,
    debts: Path | None,
    cases_sheet: str | None,
    debts_sheet: str | None,
    max_rows: int = MAX_IMPORT_ROWS,
) -> tuple[Table, Table | None]:
    """The cases table and the debt lines table (a second sheet, or a second file). At most
    ``max_rows`` cases, and ten debt lines a case."""
    kind = path.suffix.lower()
    if kind == ".csv" or kind == ".txt":
        cases = read_csv(path, max_rows)
        debt_table = None
    elif kind in (".xlsx", ".xlsm"):
        if debts:
            cases = read_xlsx(path, [cases_sheet], max_rows)[0]
            debt_table = None
        else:
            cases, *rest = read_xlsx(path, [cases_sheet, debts_sheet], max_rows * 10)
            if len(cases.rows) > max_rows:
                raise InvalidInput(
                    f"{cases.source}: more than {max_rows:,} rows; split it into smaller files",
                    code="too_many_rows",
                )
            debt_table = rest[0] if rest else None
    else:
        raise InvalidInput(
            f"{path}: import reads .csv or .xlsx files, not {kind or 'this file'}", code="bad_format"
        )
    if debts is not None:
        if debts.suffix.lower() in (".xlsx", ".xlsm"):
            debt_table = read_xlsx(debts, [debts_sheet], max_rows * 10)[0]
        else:
            debt_table = read_csv(debts, max_rows * 10)
    return cases, debt_table
