"""Rows onto ``docgen.case/1``: one case per row of the cases table, debt lines from the second.

Every value remembers the cell it came from, so that a problem the case model finds
(``debtors[0].address.postcode: not a UK postcode``) is reported against the row and the
council's own column heading.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from docgen.domain.case import Case, parse_case
from docgen.errors import InvalidInput
from docgen.imports.mapping import DATE_COLUMNS, ColumnMap
from docgen.imports.tables import EXTRA_CELLS, Table

UK_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
LINE_KINDS = {
    "invoice": "invoices",
    "payment": "payments",
    "adjustment": "adjustments",
    "credit": "adjustments",
}
INVOICE_FIELDS = ("number", "issued", "due", "description", "net", "vat", "service")
PAYMENT_FIELDS = ("date", "amount", "method", "reference")
ADJUSTMENT_FIELDS = ("date", "amount", "reason")


@dataclass(frozen=True)
class Cell:
    source: str
    row: int  # as the spreadsheet numbers it: the heading row is 1 in a plain export
    column: str  # the file's own heading ('' for the row as a whole)


@dataclass(frozen=True)
class RowProblem:
    source: str
    row: int
    column: str
    field: str
    message: str
    code: str = "invalid"

    def __str__(self) -> str:
        where = f"{self.source} row {self.row}" + (f", column {self.column!r}" if self.column else "")
        return f"{where}: {self.field + ': ' if self.field else ''}{self.message}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "row": self.row,
            "column": self.column,
            "field": self.field,
            "message": self.message,
            "code": self.code,
        }


@dataclass
class Draft:
    """One case being assembled, with the cell behind each path."""

    case_row: Cell
    data: dict[str, Any]
    origins: dict[str, Cell]

    def locate(self, path: str) -> Cell:
        # the deepest known path that the problem path starts with (or that starts with it)
        best: tuple[int, Cell] | None = None
        for known, cell in self.origins.items():
            if path == known or path.startswith(known + ".") or path.startswith(known + "["):
                score = len(known)
            elif known.startswith(path + ".") or known.startswith(path + "["):
                score = len(path)
            else:
                continue
            if best is None or score > best[0]:
                best = (score, cell)
        return best[1] if best else self.case_row


def normalise(column: str, value: str) -> str:
    """Dates in the UK order councils export (31/01/2025) become ISO dates."""
    if column in DATE_COLUMNS:
        m = UK_DATE.match(value)
        if m:
            return f"{m.group(3)}-{int(m.group(2)):02d}-{int(m.group(1)):02d}"
    return value


def _headings(table: Table, kind: str, cmap: ColumnMap, problems: list[RowProblem]) -> dict[str, str]:
    """The file's heading -> import column; unknown headings are problems (typos must not drop data)."""
    out: dict[str, str] = {}
    seen: dict[str, str] = {}
    for heading in table.headings:
        target = cmap.target(heading, kind)
        if target is None:
            problems.append(
                RowProblem(
                    table.source,
                    1,
                    heading,
                    "",
                    "unknown column: map it in the mapping file or rename it to a docgen column",
                    "unknown_column",
                )
            )
            continue
        if target in seen:
            problems.append(
                RowProblem(
                    table.source,
                    1,
                    heading,
                    target,
                    f"feeds the same field as column {seen[target]!r}",
                    "duplicate_column",
                )
            )
            continue
        seen[target] = heading
        out[heading] = target
    return out


def _put(draft: Draft, path: str, value: Any, cell: Cell) -> None:
    """Set a dotted path (``debtors[0].address.lines[1]``) in the draft's nested data."""
    parts = re.findall(r"[^.\[\]]+|\[\d+\]", path)
    node: Any = draft.data
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        nxt = parts[i + 1] if not last else None
        if part.startswith("["):
            index = int(part[1:-1])
            while len(node) <= index:
                node.append({} if nxt and not nxt.startswith("[") else [])
            if last:
                node[index] = value
            else:
                node = node[index]
        else:
            if last:
                node[part] = value
            else:
                node = node.setdefault(part, [] if nxt and nxt.startswith("[") else {})
    draft.origins[path] = cell


def _party(draft: Draft, index: int, values: dict[str, tuple[str, Cell]]) -> None:
    prefix = "debtor" if index == 0 else "debtor2"
    mine = {k[len(prefix) + 1 :]: v for k, v in values.items() if k.startswith(prefix + ".")}
    if not mine:
        return
    kind_cell = mine.get("kind")
    kind = (
        kind_cell[0].lower()
        if kind_cell
        else ("company" if "name" in mine and "family_name" not in mine else "individual")
    )
    base = f"debtors[{index}]"
    _put(draft, f"{base}.kind", kind, kind_cell[1] if kind_cell else draft.case_row)
    where = "registered_office" if kind == "company" else "address"
    lines = 0
    for key, (value, cell) in mine.items():
        if key == "kind":
            continue
        if key.startswith("address."):
            part = key.split(".", 1)[1]
            if part.startswith("line"):
                _put(draft, f"{base}.{where}.lines[{lines}]", value, cell)
                lines += 1
            else:
                _put(draft, f"{base}.{where}.{part}", value, cell)
        else:
            _put(draft, f"{base}.{key}", value, cell)


def _address(draft: Draft, base: str, values: dict[str, tuple[str, Cell]]) -> None:
    lines = 0
    for key, (value, cell) in values.items():
        if not key.startswith(base + "."):
            continue
        part = key[len(base) + 1 :]
        if part.startswith("line"):
            _put(draft, f"{base}.lines[{lines}]", value, cell)
            lines += 1
        else:
            _put(draft, f"{base}.{part}", value, cell)


def _draft(number: int, source: str, row: dict[str, str], headings: dict[str, str], cmap: ColumnMap) -> Draft:
    case_cell = Cell(source, number, "")
    draft = Draft(case_cell, {"schema": "docgen.case/1"}, {})
    values: dict[str, tuple[str, Cell]] = {}
    for column, value in cmap.defaults.items():
        if value:
            values[column] = (normalise(column, value), Cell(source, number, f"(default {column})"))
    for heading, target in headings.items():
        value = row.get(heading, "")
        if value:
            values[target] = (normalise(target, cmap.translate(target, value)), Cell(source, number, heading))
    plain = ("case_ref", "debt_type", "notes", "creditor.name", "creditor.fee_account")
    for key, (value, cell) in values.items():
        if key in plain or key.startswith(("interest.", "officer.", "creditor.contact.")):
            _put(draft, key, value, cell)
    _address(draft, "creditor.address", values)
    _party(draft, 0, values)
    _party(draft, 1, values)
    history = sorted(
        ((v, k.split(".", 1)[1], c) for k, (v, c) in values.items() if k.startswith("history.")),
        key=lambda t: t[0],
    )
    for i, (when, action, cell) in enumerate(history):
        _put(draft, f"recovery_history[{i}].date", when, cell)
        _put(draft, f"recovery_history[{i}].action", action, cell)
    return draft


def _add_lines(
    drafts: dict[str, Draft], table: Table, cmap: ColumnMap, problems: list[RowProblem]
) -> set[str]:
    """Debt lines onto their cases; returns the case refs that got a bad line."""
    headings = _headings(table, "debts", cmap, problems)
    ref_heading = next((h for h, t in headings.items() if t == "case_ref"), None)
    if ref_heading is None:
        problems.append(
            RowProblem(
                table.source, 1, "", "case_ref", "no column holds the case reference", "missing_column"
            )
        )
        return set()
    bad: set[str] = set()
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for number, row in table.rows:
        ref = row.get(ref_heading, "")
        draft = drafts.get(ref)
        if draft is None:
            problems.append(
                RowProblem(
                    table.source,
                    number,
                    ref_heading,
                    "case_ref",
                    f"no case {ref!r} in the cases table" if ref else "required",
                    "unknown_case",
                )
            )
            continue
        kind_heading = next((h for h, t in headings.items() if t == "line_type"), None)
        kind_word = (
            cmap.translate("line_type", row.get(kind_heading, "") if kind_heading else "") or "invoice"
        )
        collection = LINE_KINDS.get(kind_word.lower())
        if collection is None:
            problems.append(
                RowProblem(
                    table.source,
                    number,
                    kind_heading or "",
                    "line_type",
                    "must be invoice, payment or adjustment",
                    "bad_line_type",
                )
            )
            bad.add(ref)
            continue
        fields = {"invoices": INVOICE_FIELDS, "payments": PAYMENT_FIELDS, "adjustments": ADJUSTMENT_FIELDS}[
            collection
        ]
        index = counts[ref][collection]
        counts[ref][collection] += 1
        base = f"{collection}[{index}]"
        draft.origins[base] = Cell(table.source, number, "")
        draft.data.setdefault(collection, []).append({})
        for heading, target in headings.items():
            value = row.get(heading, "")
            if target in ("case_ref", "line_type") or not value:
                continue
            if target not in fields:
                problems.append(
                    RowProblem(
                        table.source,
                        number,
                        heading,
                        target,
                        f"not part of a {collection[:-1]} line",
                        "field_not_allowed",
                    )
                )
                bad.add(ref)
                continue
            if collection == "adjustments" and target == "amount" and kind_word.lower() == "credit":
                value = value if value.startswith("-") else f"-{value}"
            _put(
                draft,
                f"{base}.{target}",
                normalise(target, cmap.translate(target, value)),
                Cell(table.source, number, heading),
            )
    return bad


@dataclass
class Built:
    cases: list[tuple[int, Case]]
    problems: list[RowProblem]
    rows: int
    rejected_rows: list[int]


def build_cases(cases: Table, debts: Table | None, cmap: ColumnMap) -> Built:
    problems: list[RowProblem] = []
    headings = _headings(cases, "cases", cmap, problems)
    if "case_ref" not in headings.values() and "case_ref" not in cmap.defaults:
        problems.append(
            RowProblem(
                cases.source, 1, "", "case_ref", "no column holds the case reference", "missing_column"
            )
        )
    drafts: dict[str, Draft] = {}
    order: list[tuple[int, Draft]] = []
    dup_rows: set[int] = set()
    for number, row in cases.rows:
        draft = _draft(number, cases.source, row, headings, cmap)
        if EXTRA_CELLS in row:
            problems.append(
                RowProblem(
                    cases.source,
                    number,
                    "",
                    "",
                    f"values beyond the last heading: {row[EXTRA_CELLS]}",
                    "extra_cells",
                )
            )
            dup_rows.add(number)
        ref = str(draft.data.get("case_ref", ""))
        if ref and ref in drafts:
            first = drafts[ref].case_row.row
            problems.append(
                RowProblem(
                    cases.source,
                    number,
                    draft.locate("case_ref").column,
                    "case_ref",
                    f"{ref!r} is also on row {first}",
                    "duplicate_case",
                )
            )
            dup_rows.add(number)
            continue
        if ref:
            drafts[ref] = draft
        order.append((number, draft))
    bad_refs = _add_lines(drafts, debts, cmap, problems) if debts is not None else set()

    built: list[tuple[int, Case]] = []
    rejected: set[int] = set(dup_rows)
    for number, draft in order:
        ref = str(draft.data.get("case_ref", ""))
        try:
            case = parse_case(draft.data, source=f"{cases.source} row {number}")
        except InvalidInput as err:
            for p in err.problems or []:
                cell = draft.locate(p.path)
                problems.append(RowProblem(cell.source, cell.row, cell.column, p.path, p.message, p.code))
            if not err.problems:
                problems.append(RowProblem(cases.source, number, "", "", err.message, err.code))
            rejected.add(number)
            continue
        if ref in bad_refs or number in rejected:
            rejected.add(number)
            continue
        built.append((number, case))
    problems.sort(key=lambda p: (p.source != cases.source, p.source, p.row))
    return Built(built, problems, len(cases.rows), sorted(rejected))
