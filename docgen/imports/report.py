"""The import report: every problem by row and column, as JSON and as an XLSX workbook."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docgen.tabular import Sheet, xlsx_bytes

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
    problems = [list(REPORT_COLUMNS)]
    # what a council's file held is quoted back: never as a formula the report would run
    problems.extend([p.as_dict()[c] for c in REPORT_COLUMNS] for p in result.problems)
    summary = [
        ["rows read", result.rows],
        ["valid cases", len(result.cases)],
        ["rows rejected", len(result.rejected_rows)],
        ["problems", len(result.problems)],
    ]
    out.write_bytes(
        xlsx_bytes(
            [
                Sheet("Problems", problems, heading=True, widths=(40, 6, 24, 34, 70, 18)),
                Sheet("Summary", summary),
            ]
        )
    )
    return out
