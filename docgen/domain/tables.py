"""Dated data tables: every figure the law sets, with the dates it applies and its source.

A table is a JSON file in ``tables/``; each row has ``valid_from``, ``valid_to`` (inclusive, or null
while in force) and ``source``. A new fees order is a new row, not a code change.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from docgen.errors import DocgenError

TABLES_DIR = Path(__file__).parent / "tables"


@dataclass(frozen=True)
class Row:
    table: str
    valid_from: date
    valid_to: date | None
    source: str
    confidence: str
    data: dict[str, Any]

    def __getitem__(self, key: str) -> Any:
        return self.data[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)

    def dec(self, *keys: str) -> Decimal:
        """A decimal figure, following nested keys: ``row.dec("fees", "on_notice")``."""
        value: Any = self.data
        for k in keys:
            value = value[k]
        return Decimal(str(value))

    def cite(self) -> str:
        return f"{self.source} (table {self.table}, in force from {self.valid_from.isoformat()})"


class TableError(DocgenError):
    def __init__(self, message: str):
        super().__init__(message, code="no_table_row", status=422, exit_code=2)


@cache
def _load(name: str) -> tuple[Row, ...]:
    path = TABLES_DIR / f"{name}.json"
    if not path.is_file():
        raise TableError(f"no data table named {name!r}")
    raw = json.loads(path.read_text(encoding="utf-8"))
    rows = []
    for r in raw["rows"]:
        data = {k: v for k, v in r.items() if k not in {"valid_from", "valid_to", "source", "confidence"}}
        rows.append(
            Row(
                table=name,
                valid_from=date.fromisoformat(r["valid_from"]),
                valid_to=date.fromisoformat(r["valid_to"]) if r.get("valid_to") else None,
                source=r["source"],
                confidence=r.get("confidence", "confirmed"),
                data=data,
            )
        )
    return tuple(sorted(rows, key=lambda row: row.valid_from))


def lookup(name: str, as_of: date) -> Row:
    """The row of table ``name`` in force on ``as_of``."""
    for row in reversed(_load(name)):
        if row.valid_from <= as_of and (row.valid_to is None or as_of <= row.valid_to):
            return row
    raise TableError(f"table {name!r} has no row in force on {as_of.isoformat()}")


def rows(name: str) -> tuple[Row, ...]:
    return _load(name)


def table_names() -> list[str]:
    return sorted(p.stem for p in TABLES_DIR.glob("*.json"))
