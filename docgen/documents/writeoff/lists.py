"""Write-off case lists (CSV or XLSX: case_ref, reason, evidence) and the schedule as a workbook."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from docgen.domain.case import Case, load_case
from docgen.domain.writeoff import BatchItem, Schedule, totals
from docgen.errors import InvalidInput, Problem
from docgen.imports.tables import read_csv, read_xlsx
from docgen.tabular import Sheet, xlsx_bytes


def load_batch(list_path: Path, case_dir: Path | None = None, require_reason: bool = True) -> list[BatchItem]:
    """Read a CSV or XLSX list with columns case_ref, reason (and optional evidence), and find each
    case's JSON file in ``case_dir`` (default: the list's folder) by its case_ref. A list for a
    panel pack needs no reason column (``require_reason=False``)."""
    rows = _read_list(list_path, require_reason)
    folder = case_dir or list_path.parent
    cases: dict[str, Case] = {}
    for path in sorted(folder.glob("*.json")):
        try:
            case = load_case(path)
        except InvalidInput:
            continue  # other JSON files may sit in the folder; a missing case is reported below
        cases[case.case_ref] = case
    problems: list[Problem] = []
    items: list[BatchItem] = []
    for n, row in rows:
        ref, reason = row.get("case_ref", ""), row.get("reason", "")
        if not ref or (require_reason and not reason):
            need = "case_ref and reason are both required" if require_reason else "case_ref is required"
            problems.append(Problem(f"{list_path.name} row {n}", need))
        elif ref not in cases:
            problems.append(Problem(f"{list_path.name} row {n}", f"no case file for {ref!r} in {folder}"))
        else:
            items.append(BatchItem(cases[ref], reason, row.get("evidence", "")))
    if problems:
        raise InvalidInput(f"{list_path.name}: the case list has problems", problems)
    if not items:
        raise InvalidInput(f"{list_path.name}: the case list is empty")
    return items


#: the most accounts one write-off list may name
MAX_LIST_ROWS = 20_000


def _read_list(path: Path, require_reason: bool = True) -> list[tuple[int, dict[str, str]]]:
    """(row number, column -> text) for each row of the list, its column names in lower case, read
    by the project's one CSV and XLSX reader."""
    if not path.is_file():
        raise InvalidInput(f"case list {path} not found")
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        [table] = read_xlsx(path, [None], MAX_LIST_ROWS)
    else:
        table = read_csv(path, MAX_LIST_ROWS)
    names = {heading.strip().lower(): heading for heading in table.headings}
    needed = ("case_ref", "reason") if require_reason else ("case_ref",)
    if any(name not in names for name in needed):
        raise InvalidInput(f"{path.name}: the header must name {' and '.join(needed)}")
    return [(n, {name: row.get(heading, "") for name, heading in names.items()}) for n, row in table.rows]


# -- XLSX schedule ----------------------------------------------------------------------------


def schedule_xlsx(schedule: Schedule) -> bytes:
    """The schedule as a workbook for finance: one row per account, then totals by debt type, year,
    reason and authority. Money cells are numbers with a currency format; the same schedule gives
    the same bytes."""
    from datetime import datetime

    accounts: list[list[Any]] = [
        ["Case ref", "Debtor", "Debt type", "Reason", "Year", "Authority", "Committee", "Amount", "VAT"],
        *(
            [
                r.case_ref,
                r.debtor_name,
                r.debt_type,
                r.reason_title,
                r.year,
                r.level_title,
                "yes" if r.committee else "no",
                r.amount,
                r.vat,
            ]
            for r in schedule.rows
        ),
    ]
    summary: list[list[Any]] = []
    for title, key in (
        ("Debt type", "debt_type"),
        ("Year", "year"),
        ("Reason", "reason_title"),
        ("Authority", "level_title"),
    ):
        summary.append([title, "Count", "Total"])
        summary.extend([t["label"], t["count"], t["total"]] for t in totals(schedule.rows, key))
        summary.append([])
    summary.append(["All accounts", len(schedule.rows), schedule.total])
    stamp = datetime(schedule.as_of.year, schedule.as_of.month, schedule.as_of.day)
    return xlsx_bytes(
        [Sheet("Schedule", accounts, money=(8, 9)), Sheet("Summary", summary, money=(3,))], stamp
    )
