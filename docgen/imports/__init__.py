"""Importing cases from a council's CSV or XLSX export.

One row per case in the cases table; debt lines (invoices, payments, credits) in a second sheet
or file, joined on the case reference. A mapping file renames the council's headings onto
docgen's columns. Every problem is reported by row and column; by default nothing is imported
when any row fails (``accepted(valid_only=False)`` raises), or the valid rows alone on request.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from docgen.domain.case import Case
from docgen.errors import InvalidInput, Problem
from docgen.imports.build import RowProblem, build_cases
from docgen.imports.mapping import CASE_COLUMNS, DEBT_COLUMNS, ColumnMap, load_mapping, parse_mapping
from docgen.imports.report import report_dict, write_report
from docgen.imports.tables import MAX_IMPORT_ROWS, read_tables

__all__ = [
    "CASE_COLUMNS",
    "DEBT_COLUMNS",
    "MAX_IMPORT_ROWS",
    "ColumnMap",
    "ImportResult",
    "RowProblem",
    "load_mapping",
    "parse_mapping",
    "read_cases",
    "report_dict",
    "write_report",
]


@dataclass
class ImportResult:
    cases: list[Case]  # the rows that made valid cases, in file order
    problems: list[RowProblem]
    rows: int
    rejected_rows: list[int] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def accepted(self, valid_only: bool = False) -> list[Case]:
        """The cases to import. All or nothing unless ``valid_only``."""
        if self.problems and not valid_only:
            shown = [
                Problem(
                    f"{Path(p.source).name} row {p.row}" + (f" [{p.column}]" if p.column else ""),
                    f"{p.field + ': ' if p.field else ''}{p.message}",
                    p.code,
                )
                for p in self.problems
            ]
            raise InvalidInput(
                f"{len(self.problems)} problem(s) in {len(self.rejected_rows) or 'the'} row(s): nothing imported "
                "(fix them, or import the valid rows only)",
                shown,
                code="import_rejected",
            )
        return list(self.cases)


def read_cases(
    path: str | Path,
    debts: str | Path | None = None,
    mapping: ColumnMap | str | Path | None = None,
    max_rows: int = MAX_IMPORT_ROWS,
) -> ImportResult:
    """Read and check every row; raises InvalidInput only when a file itself cannot be read (or
    holds more than ``max_rows`` cases)."""
    cmap = mapping if isinstance(mapping, ColumnMap) else load_mapping(mapping)
    cases_table, debts_table = read_tables(
        Path(path), Path(debts) if debts else None, cmap.cases_sheet, cmap.debts_sheet, max_rows
    )
    built = build_cases(cases_table, debts_table, cmap)
    return ImportResult([c for _, c in built.cases], built.problems, built.rows, built.rejected_rows)
