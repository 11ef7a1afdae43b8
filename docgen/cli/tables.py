"""Plain-text tables for the command line that fit the terminal (80 columns when it is not one).

Ids, references, dates and numbers are never broken: when a table is too wide, the columns
marked ``drop`` go first (least important first), then free text is wrapped between words.
Every listing command also has ``--json`` for machines."""

from __future__ import annotations

import json
import os
import shutil
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

GAP = "  "


@dataclass(frozen=True)
class Column:
    header: str
    key: str
    #: "id" cells are never broken (ids, references, dates, numbers); "text" may wrap between words
    kind: str = "id"
    #: columns with a higher number are dropped first when the table is too wide; 0 never is
    drop: int = 0
    min_width: int = 12


def terminal_width() -> int:
    if "COLUMNS" in os.environ:
        try:
            return max(40, int(os.environ["COLUMNS"]))
        except ValueError:
            pass
    return shutil.get_terminal_size((80, 24)).columns


def _cell(value: Any) -> str:
    if value is None:
        return ""
    return str(value)


def render(columns: Sequence[Column], rows: Sequence[dict[str, Any]], width: int | None = None) -> str:
    width = width or terminal_width()
    cells = [[_cell(row.get(c.key)) for c in columns] for row in rows]
    shown = list(range(len(columns)))

    def natural(i: int) -> int:
        return max([len(columns[i].header), *(len(r[i]) for r in cells)])

    def total(widths: dict[int, int]) -> int:
        return sum(widths[i] for i in shown) + len(GAP) * (len(shown) - 1)

    widths = {i: natural(i) for i in shown}

    def shrink_text() -> None:
        excess = total(widths) - width
        for i in sorted((i for i in shown if columns[i].kind == "text"), key=lambda i: -widths[i]):
            if excess <= 0:
                return
            floor = min(widths[i], max(columns[i].min_width, len(columns[i].header)))
            cut = min(excess, widths[i] - floor)
            widths[i] -= cut
            excess -= cut

    # free text wraps first; then the least important columns go, one at a time
    shrink_text()
    for i in sorted((i for i in shown if columns[i].drop), key=lambda i: -columns[i].drop):
        if total(widths) <= width:
            break
        shown.remove(i)
        widths.update({j: natural(j) for j in shown})
        shrink_text()

    def lines_of(i: int, value: str) -> list[str]:
        if columns[i].kind == "text" and len(value) > widths[i]:
            return textwrap.wrap(value, widths[i], break_long_words=False, break_on_hyphens=False) or [""]
        return [value]

    out = [GAP.join(columns[i].header.ljust(widths[i]) for i in shown).rstrip()]
    out.append(GAP.join("-" * widths[i] for i in shown))
    for row in cells:
        parts = {i: lines_of(i, row[i]) for i in shown}
        height = max(len(p) for p in parts.values())
        for n in range(height):
            line = GAP.join((parts[i][n] if n < len(parts[i]) else "").ljust(widths[i]) for i in shown)
            out.append(line.rstrip())
    return "\n".join(out)


def print_table(columns: Sequence[Column], rows: Sequence[dict[str, Any]]) -> None:
    print(render(columns, rows))


def json_default(value: Any) -> Any:
    """Dates and moments as ISO 8601 (a moment with its offset), anything else as its text."""
    if isinstance(value, date | datetime):
        return value.isoformat()
    return str(value)


def print_json(data: Any) -> None:
    print(json.dumps(data, indent=2, default=json_default, ensure_ascii=False))
