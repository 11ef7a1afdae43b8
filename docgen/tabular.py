"""Spreadsheet text in and out, for every CSV and XLSX the project reads or writes.

In: a CSV file's encoding is told from its byte-order mark (UTF-8, UTF-16, UTF-32), else UTF-8,
else Windows-1252; UTF-16 without a mark is refused rather than read as Windows-1252 mojibake; a
field longer than the csv module's limit (128 KiB), a NUL, or a row past the row limit is a
problem naming the file and row, never a traceback.

Out: a text cell that a spreadsheet would run as a formula (starting with =, +, -, @, a tab or a
carriage return) is written with a leading apostrophe, so that Excel and LibreOffice show it as
the text it is. Every CSV row goes through ``write_csv`` and every workbook through ``xlsx_bytes``
(the one XLSX writer), both passing their rows through ``safe_row``. Reading CSV and XLSX tables
is docgen.imports.tables'.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from docgen.errors import InvalidInput

#: what a spreadsheet reads as the start of a formula (or of a hidden one, after a tab or CR)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

_BOMS = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)


def safe_cell(value: Any) -> Any:
    """``value`` as a spreadsheet may show it without running it: text that starts like a formula
    gets a leading apostrophe; numbers, dates and other text are unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(values: Iterable[Any]) -> list[Any]:
    return [safe_cell(v) for v in values]


def decode_text(raw: bytes, source: str) -> str:
    """The text of a CSV file, its encoding told from its byte-order mark or its content."""
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            try:
                return raw[len(bom) :].decode(encoding)
            except UnicodeDecodeError:
                raise InvalidInput(
                    f"{source}: starts as {encoding.upper()} text but is not; save it again as CSV UTF-8",
                    code="bad_encoding",
                ) from None
    sample = raw[:4096]
    if sample and sample.count(0) * 4 >= len(sample):  # every other byte: UTF-16 text
        raise InvalidInput(
            f"{source}: looks like UTF-16 text without a byte-order mark, which cannot be read safely; "
            "save it as CSV UTF-8",
            code="bad_encoding",
        )
    for encoding in ("utf-8", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InvalidInput(f"{source}: not UTF-8 or Windows-1252 text; save it as CSV UTF-8", code="bad_encoding")


def csv_rows(
    text: str,
    source: str,
    dialect: type[csv.Dialect] | csv.Dialect | str = "excel",
    max_rows: int | None = None,
) -> Iterator[tuple[int, list[str]]]:
    """(line number, cells) for each row of CSV text. A field past the csv module's limit, a NUL or
    a row past ``max_rows`` is a problem naming the file and row."""
    reader = csv.reader(io.StringIO(text), dialect)
    count = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            line = reader.line_num
            reason = str(exc)
            if "field larger than field limit" in reason:
                reason = f"a field is longer than {csv.field_size_limit() // 1024} KiB"
            elif "NUL" in reason:
                reason = "the row contains a NUL character"
            raise InvalidInput(f"{source} row {line}: {reason}", code="bad_csv") from None
        count += 1
        if max_rows is not None and count > max_rows:
            raise InvalidInput(
                f"{source}: more than {max_rows:,} rows; split it into smaller files", code="too_many_rows"
            )
        yield reader.line_num, row


def write_csv(out: io.TextIOBase | Any, rows: Iterable[Sequence[Any]]) -> None:
    """Rows written as CSV through ``safe_row``."""
    writer = csv.writer(out)
    for row in rows:
        writer.writerow(safe_row(row))


# -- XLSX ------------------------------------------------------------------------------------------

MONEY_FORMAT = '"£"#,##0.00'
#: zip entries get the earliest date a zip can hold, so a file does not carry the time it was made
_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class Sheet:
    """One worksheet of a workbook: its title and rows, in order."""

    title: str
    rows: Sequence[Sequence[Any]]
    #: the 1-based columns whose numbers are sums of money (shown as £1,234.50)
    money: Sequence[int] = ()
    #: the first row names the columns: bold, and kept in view while scrolling
    heading: bool = False
    #: column widths, from the first column on
    widths: Sequence[float] = ()


def xlsx_bytes(sheets: Sequence[Sheet], stamp: datetime | None = None) -> bytes:
    """The one XLSX writer: every row through ``safe_row``. With ``stamp`` the workbook says it was
    made then and its bytes depend on its content only (the same rows give the same file)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    default = book.active
    for n, sheet in enumerate(sheets):
        ws = default if n == 0 and default is not None else book.create_sheet()
        ws.title = sheet.title
        for row in sheet.rows:
            ws.append(safe_row(row))
        if sheet.heading and sheet.rows:
            for cell in ws[1]:
                cell.font = Font(bold=True)
            ws.freeze_panes = "A2"
        for column in sheet.money:
            for (cell,) in ws.iter_rows(min_col=column, max_col=column):
                if isinstance(cell.value, int | float | Decimal) and not isinstance(cell.value, bool):
                    cell.number_format = MONEY_FORMAT
        for column, width in enumerate(sheet.widths, start=1):
            ws.column_dimensions[get_column_letter(column)].width = width
    if stamp is not None:
        book.properties.created = stamp
        book.properties.creator = "docgen"
    out = io.BytesIO()
    book.save(out)
    if stamp is None:
        return out.getvalue()

    def fixed_modified(name: str, content: bytes) -> bytes:
        # openpyxl stamps the save time into the core properties whatever was set
        if name != "docProps/core.xml":
            return content
        return re.sub(
            rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
            rb"\g<1>" + f"{stamp:%Y-%m-%dT%H:%M:%SZ}".encode() + rb"\g<2>",
            content,
        )

    return normalise_zip(out.getvalue(), fixed_modified)


def normalise_zip(data: bytes, rewrite: Callable[[str, bytes], bytes] | None = None) -> bytes:
    """Rewrite a DOCX or XLSX zip with fixed entry dates and attributes, keeping the entry order
    ([Content_Types].xml must stay first). ``rewrite(name, content)`` may change an entry."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=_ZIP_EPOCH)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            fixed.create_system = 0
            content = src.read(info.filename)
            dst.writestr(fixed, rewrite(info.filename, content) if rewrite else content)
    return out.getvalue()
