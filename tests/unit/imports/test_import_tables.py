"""Importing cases from CSV and XLSX exports: mapping, row-level problems, all or nothing."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from docgen.errors import InvalidInput
from docgen.imports import parse_mapping, read_cases, write_report

DATA = Path(__file__).resolve().parents[2] / "data" / "imports"
CASES, DEBTS, MAPPING = DATA / "cases.csv", DATA / "debts.csv", DATA / "mapping.yaml"

CREDITOR = {
    "creditor.name": "London Borough of Lewisham",
    "creditor.address.line1": "Laurence House",
    "creditor.address.town": "London",
    "creditor.address.postcode": "SE6 4RU",
    "officer.name": "Tom Okafor",
    "officer.position": "Sundry Debt Officer",
}


def test_mapped_csv_builds_cases_with_exact_money_and_iso_dates() -> None:
    result = read_cases(CASES, DEBTS, MAPPING)

    assert [c.case_ref for c in result.cases] == ["SUN-0001", "SUN-0002"]
    first = result.cases[0]
    assert first.debt_type.value == "sundry"  # the council's code SUN, translated by the mapping
    assert first.primary_debtor.display_name.endswith("Jane Doe")
    assert first.debtors[0].address.lines == ["12 High Street", "Flat 2"]
    assert first.creditor.name == "London Borough of Lewisham"  # from the mapping's defaults
    assert first.invoices[0].net == Decimal("1200.00") and first.invoices[0].due == date(2025, 2, 4)
    assert first.payments[0].amount == Decimal("100.00") and first.payments[0].date == date(2025, 2, 15)
    assert first.last("letter_before_claim") is not None
    assert first.last("letter_before_claim").date == date(2025, 3, 1)  # type: ignore[union-attr]


def test_every_problem_is_named_by_file_row_and_council_heading() -> None:
    result = read_cases(CASES, DEBTS, MAPPING)

    where = {(Path(p.source).name, p.row, p.column, p.field) for p in result.problems}
    assert ("cases.csv", 4, "Type", "debt_type") in where
    assert ("cases.csv", 4, "Postcode", "debtors[0].address.postcode") in where
    assert ("debts.csv", 5, "Net", "invoices[0].net") in where
    assert result.rejected_rows == [4]


def test_all_or_nothing_by_default_valid_rows_on_request() -> None:
    result = read_cases(CASES, DEBTS, MAPPING)

    with pytest.raises(InvalidInput) as info:
        result.accepted()
    assert "nothing imported" in info.value.message
    assert any(p.path == "cases.csv row 4 [Postcode]" for p in info.value.problems)
    assert [c.case_ref for c in result.accepted(valid_only=True)] == ["SUN-0001", "SUN-0002"]


def test_unknown_heading_is_refused_not_dropped(tmp_path: Path) -> None:
    f = tmp_path / "cases.csv"
    f.write_text(
        "case_ref,debt_type,debtor.given_names,debtor.family_nmae\nA-1,sundry,Ann,Lee\n", encoding="utf-8"
    )

    result = read_cases(f, mapping=parse_mapping({"defaults": CREDITOR}))

    unknown = [p for p in result.problems if p.code == "unknown_column"]
    assert [(p.row, p.column) for p in unknown] == [(1, "debtor.family_nmae")]
    with pytest.raises(InvalidInput):
        result.accepted()


def test_duplicate_case_ref_and_orphan_debt_line(tmp_path: Path) -> None:
    cases = tmp_path / "c.csv"
    cases.write_text(
        "case_ref,debt_type,debtor.given_names,debtor.family_name,debtor.address.line1,debtor.address.postcode\n"
        "A-1,sundry,Ann,Lee,1 Road,SE6 4RU\nA-1,sundry,Bob,Lee,2 Road,SE6 4RU\n",
        encoding="utf-8",
    )
    debts = tmp_path / "d.csv"
    debts.write_text(
        "case_ref,number,issued,due,net\nA-1,I1,2025-01-01,2025-01-31,10.00\n"
        "B-9,I2,2025-01-01,2025-01-31,10.00\n",
        encoding="utf-8",
    )

    result = read_cases(cases, debts, parse_mapping({"defaults": CREDITOR}))

    codes = {(Path(p.source).name, p.row, p.code) for p in result.problems}
    assert ("c.csv", 3, "duplicate_case") in codes
    assert ("d.csv", 3, "unknown_case") in codes
    assert [c.case_ref for c in result.cases] == ["A-1"]
    assert result.cases[0].invoices[0].number == "I1"


def _workbook(path: Path) -> None:
    book = Workbook()
    accounts = book.active
    assert accounts is not None
    accounts.title = "Accounts"
    accounts.append(["Ref", "Kind", "Company", "Office 1", "Office town", "Office postcode", "LBC"])
    accounts.append(
        [
            "CO-1",
            "commercial_rent",
            "Catford Traders Ltd",
            "Unit 4",
            "London",
            "SE6 4JD",
            datetime(2025, 3, 3),
        ]
    )
    accounts.append(["CO-2", "commercial_rent", "Broken Row Ltd", "Unit 5", "London", "NOT A CODE", None])
    lines = book.create_sheet("Lines")
    lines.append(["Ref", "Invoice", "Raised", "Due", "Net", "VAT"])
    # numbers typed into Excel arrive as floats; 80.1 must become exactly 80.10
    lines.append(["CO-1", "INV-1", datetime(2025, 1, 5), datetime(2025, 2, 4), 80.1, 16.02])
    lines.append(["CO-1", "INV-2", datetime(2025, 2, 5), datetime(2025, 3, 4), 2650, 530])
    lines.append(["CO-2", "INV-3", datetime(2025, 2, 5), datetime(2025, 3, 4), 10, 0])
    book.save(path)


XLSX_MAPPING = {
    "cases": {
        "Ref": "case_ref",
        "Kind": "debt_type",
        "Company": "debtor.name",
        "Office 1": "debtor.address.line1",
        "Office town": "debtor.address.town",
        "Office postcode": "debtor.address.postcode",
        "LBC": "history.letter_before_claim",
    },
    "debts": {
        "Ref": "case_ref",
        "Invoice": "number",
        "Raised": "issued",
        "Due": "due",
        "Net": "net",
        "VAT": "vat",
    },
    "defaults": CREDITOR,
    "sheets": {"cases": "Accounts", "debts": "Lines"},
}


def test_xlsx_with_debt_lines_on_a_second_sheet(tmp_path: Path) -> None:
    book = tmp_path / "export.xlsx"
    _workbook(book)

    result = read_cases(book, mapping=parse_mapping(XLSX_MAPPING))

    assert [c.case_ref for c in result.cases] == ["CO-1"]
    co = result.cases[0]
    assert co.primary_debtor.is_company and co.primary_debtor.display_name == "Catford Traders Ltd"
    assert co.debtors[0].address.lines == ["Unit 4"]
    assert [(i.net, i.vat) for i in co.invoices] == [
        (Decimal("80.1"), Decimal("16.02")),
        (Decimal(2650), Decimal(530)),
    ]
    assert co.last("letter_before_claim").date == date(2025, 3, 3)  # type: ignore[union-attr]
    (problem,) = result.problems
    assert (problem.row, problem.column) == (3, "Office postcode")
    assert problem.field == "debtors[0].registered_office.postcode"


def test_reports_read_back_as_xlsx_and_json(tmp_path: Path) -> None:
    result = read_cases(CASES, DEBTS, MAPPING)

    xlsx = write_report(result, tmp_path / "report.xlsx")
    data = json.loads(write_report(result, tmp_path / "report.json").read_text())

    rows = list(load_workbook(xlsx)["Problems"].iter_rows(values_only=True))
    assert rows[0] == ("source", "row", "column", "field", "message", "code")
    assert {(r[1], r[2]) for r in rows[1:]} == {(4, "Type"), (4, "Postcode"), (5, "Net")}
    assert data["valid"] == 2 and data["rejected_rows"] == [4] and len(data["problems"]) == 3


def test_bad_mapping_names_the_wrong_target() -> None:
    with pytest.raises(InvalidInput) as info:
        parse_mapping({"cases": {"Surname": "debtor.surname"}, "colours": {}})
    paths = {p.path for p in info.value.problems}
    assert paths == {"cases.Surname", "colours"}


def test_unreadable_inputs_are_clear_errors(tmp_path: Path) -> None:
    fake = tmp_path / "export.xlsx"
    fake.write_bytes(b"not a zip")
    with pytest.raises(InvalidInput, match="not a readable XLSX"):
        read_cases(fake)
    with pytest.raises(InvalidInput, match=r"\.csv or \.xlsx"):
        read_cases(tmp_path / "cases.pdf")
    empty = tmp_path / "empty.csv"
    empty.write_text("\n\n", encoding="utf-8")
    with pytest.raises(InvalidInput, match="no heading row"):
        read_cases(empty)
