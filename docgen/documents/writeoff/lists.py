"""Write-off case lists (CSV or XLSX: case_ref, reason, evidence) and the schedule as a workbook."""

from __future__ import annotations

import io
import re
from pathlib import Path

from docgen.domain.case import Case, load_case
from docgen.domain.writeoff import BatchItem, Schedule, totals
from docgen.errors import InvalidInput, Problem
from docgen.tabular import csv_rows, decode_text, safe_row


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
    for n, row in enumerate(rows, start=2):
        ref, reason = (row.get("case_ref") or "").strip(), (row.get("reason") or "").strip()
        if not ref or (require_reason and not reason):
            need = "case_ref and reason are both required" if require_reason else "case_ref is required"
            problems.append(Problem(f"{list_path.name} row {n}", need))
        elif ref not in cases:
            problems.append(Problem(f"{list_path.name} row {n}", f"no case file for {ref!r} in {folder}"))
        else:
            items.append(BatchItem(cases[ref], reason, (row.get("evidence") or "").strip()))
    if problems:
        raise InvalidInput(f"{list_path.name}: the case list has problems", problems)
    if not items:
        raise InvalidInput(f"{list_path.name}: the case list is empty")
    return items


#: the most accounts one write-off list may name
MAX_LIST_ROWS = 20_000


def _read_list(path: Path, require_reason: bool = True) -> list[dict[str, str]]:
    if not path.is_file():
        raise InvalidInput(f"case list {path} not found")
    if path.suffix.lower() == ".xlsx":
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(path, read_only=True, data_only=True).worksheets[0]
        except Exception as exc:
            raise InvalidInput(f"{path.name}: not a readable XLSX workbook ({type(exc).__name__})") from exc
        values = [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        if not values:
            return []
        header = [h.strip().lower() for h in values[0]]
        return [dict(zip(header, row, strict=False)) for row in values[1:] if any(row)]
    text = decode_text(path.read_bytes(), path.name)
    rows = [row for _line, row in csv_rows(text, path.name, max_rows=MAX_LIST_ROWS)]
    fieldnames = [f.strip().lower() for f in rows[0]] if rows else []
    needed = ("case_ref", "reason") if require_reason else ("case_ref",)
    if any(name not in fieldnames for name in needed):
        raise InvalidInput(f"{path.name}: the header must name {' and '.join(needed)}")
    return [dict(zip(fieldnames, row, strict=False)) for row in rows[1:] if any(row)]


# -- XLSX schedule ----------------------------------------------------------------------------


def schedule_xlsx(schedule: Schedule) -> bytes:
    """The schedule as a workbook for finance: one row per account, then totals. Money cells are
    written from Decimal with a currency format; dates and zip entries are fixed for stable bytes."""
    from datetime import datetime

    from openpyxl import Workbook

    from docgen.render.docx import normalise_zip

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Schedule"
    ws.append(
        ["Case ref", "Debtor", "Debt type", "Reason", "Year", "Authority", "Committee", "Amount", "VAT"]
    )
    for r in schedule.rows:
        ws.append(
            safe_row(
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
            )
        )
    for row in ws.iter_rows(min_row=2, min_col=8, max_col=9):
        for cell in row:
            cell.number_format = '"£"#,##0.00'
    summary = wb.create_sheet("Summary")
    for title, key in (
        ("Debt type", "debt_type"),
        ("Year", "year"),
        ("Reason", "reason_title"),
        ("Authority", "level_title"),
    ):
        summary.append([title, "Count", "Total"])
        for t in totals(schedule.rows, key):
            summary.append(safe_row([t["label"], t["count"], t["total"]]))
        summary.append([])
    summary.append(["All accounts", len(schedule.rows), schedule.total])
    for row in summary.iter_rows(min_col=3, max_col=3):
        for cell in row:
            cell.number_format = '"£"#,##0.00'
    stamp = datetime(schedule.as_of.year, schedule.as_of.month, schedule.as_of.day)
    wb.properties.created = stamp
    wb.properties.creator = "docgen"
    out = io.BytesIO()
    wb.save(out)

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
