"""Spreadsheet text in and out, for every CSV and XLSX the project reads or writes.

In: a CSV file's encoding is told from its byte-order mark (UTF-8, UTF-16, UTF-32), else UTF-8,
else Windows-1252; UTF-16 without a mark is refused rather than read as Windows-1252 mojibake; a
field longer than the csv module's limit (128 KiB), a NUL, or a row past the row limit is a
problem naming the file and row, never a traceback.

Out: a text cell that a spreadsheet would run as a formula (starting with =, +, -, @, a tab or a
carriage return) is written with a leading apostrophe, so that Excel and LibreOffice show it as
the text it is. Every CSV and XLSX writer in the project passes its rows through ``safe_row``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
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
