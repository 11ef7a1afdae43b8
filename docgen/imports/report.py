"""The import report: every problem by row and column, as JSON and as an XLSX workbook."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docgen.tabular import safe_row

if TYPE_CHECKING:
    from docgen.imports import ImportResult

REPORT_COLUMNS = ("source", "row", "column", "field", "message", "code")


def report_dict(result: ImportResult) -> dict[str, Any]:
    return {
        "rows": result.rows,
        "valid": len(result.cases),
        "rejected_rows": result.rejected_rows,
        "problems": [p.as_dict() for p in result.problems],
    }


def write_report(result: ImportResult, out: Path) -> Path:
    """JSON when ``out`` ends .json, otherwise an XLSX workbook (a Problems sheet and a Summary)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.suffix.lower() == ".json":
        out.write_text(json.dumps(report_dict(result), indent=2) + "\n", encoding="utf-8")
        return out
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Problems"
    sheet.append(list(REPORT_COLUMNS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for p in result.problems:
        d = p.as_dict()
        # what a council's file held is quoted back: never as a formula the report would run
        sheet.append(safe_row(d[c] for c in REPORT_COLUMNS))
    for letter, width in zip("ABCDEF", (40, 6, 24, 34, 70, 18), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    summary = book.create_sheet("Summary")
    summary.append(["rows read", result.rows])
    summary.append(["valid cases", len(result.cases)])
    summary.append(["rows rejected", len(result.rejected_rows)])
    summary.append(["problems", len(result.problems)])
    book.save(out)
    return out
