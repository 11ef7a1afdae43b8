"""The worked vectors of REFERENCE.md §2, every fee band edge, and the interest and balance rules."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from itertools import pairwise

import pytest

from docgen.domain.balance import compute_balance
from docgen.domain.case import parse_case
from docgen.domain.facts import case_facts
from docgen.domain.fees import (
    application_fee,
    enforcement_fee,
    fixed_costs_on_issue,
    fixed_costs_on_judgment,
    insolvency_figure,
    issue_fee,
)
from docgen.domain.interest import compute_interest, reference_rate
from docgen.domain.tables import TableError, lookup, rows, table_names
from docgen.domain.thresholds import threshold

AS_OF = date(2026, 11, 23)
D = Decimal


def test_worked_vector_s69_100_days(care_case_data: dict) -> None:
    case = parse_case(care_case_data)
    as_of = date(2025, 2, 5) + timedelta(days=100)
    i = compute_interest(case, as_of)
    assert i.total == D("27.06")
    assert i.daily_rate == D("0.27")
    assert str(i.daily_rate_exact).startswith("0.2705")
    facts = case_facts(case, as_of)
    assert facts.claim_amount == D("1261.62")
    assert facts.court_fee == D("80.00")


@pytest.mark.parametrize(
    ("claim", "fee"),
    [
        ("0.01", "35.00"),
        ("300.00", "35.00"),
        ("300.01", "50.00"),
        ("500.00", "50.00"),
        ("500.01", "70.00"),
        ("1000.00", "70.00"),
        ("1000.01", "80.00"),
        ("1500.00", "80.00"),
        ("1500.01", "115.00"),
        ("3000.00", "115.00"),
        ("3000.01", "205.00"),
        ("5000.00", "205.00"),
        ("5000.01", "455.00"),
        ("10000.00", "455.00"),
        ("10000.01", "500.00"),
        ("12345.67", "617.28"),
        ("200000.00", "10000.00"),
        ("200000.01", "10000.00"),
        ("1000000.00", "10000.00"),
    ],
)
def test_issue_fee_bands(claim: str, fee: str) -> None:
    assert issue_fee(D(claim), AS_OF) == D(fee)


def test_issue_fee_not_stated_and_before_the_table() -> None:
    assert issue_fee(None, AS_OF) == D("10000.00")
    with pytest.raises(TableError, match="no row in force"):
        issue_fee(D("100"), date(2010, 1, 1))


@pytest.mark.parametrize(
    ("claim", "court", "personal"),
    [
        ("25.00", "0.00", "0.00"),
        ("25.01", "50.00", "60.00"),
        ("500.00", "50.00", "60.00"),
        ("500.01", "70.00", "80.00"),
        ("1000.01", "80.00", "90.00"),
        ("5000.00", "80.00", "90.00"),
        ("5000.01", "100.00", "110.00"),
    ],
)
def test_fixed_costs_on_issue(claim: str, court: str, personal: str) -> None:
    assert fixed_costs_on_issue(D(claim), AS_OF) == D(court)
    assert fixed_costs_on_issue(D(claim), AS_OF, personal_service=True) == D(personal)


def test_fixed_costs_extra_defendant_and_on_judgment() -> None:
    assert fixed_costs_on_issue(
        D("800"), AS_OF, personal_service=True, extra_defendants_served_personally=2
    ) == D("110.00")
    assert fixed_costs_on_judgment(D("5000.00"), "default_of_acknowledgment", AS_OF) == D("22.00")
    assert fixed_costs_on_judgment(D("5000.01"), "default_of_acknowledgment", AS_OF) == D("30.00")
    assert fixed_costs_on_judgment(D("100"), "summary_judgment", AS_OF) == D("175.00")
    assert fixed_costs_on_judgment(D("9000"), "admission_court_decides", AS_OF) == D("70.00")


def test_other_fee_tables() -> None:
    assert application_fee("on_notice", AS_OF) == D("313.00")
    assert application_fee("without_notice", AS_OF) == D("123.00")
    assert insolvency_figure("bankruptcy_deposit", AS_OF) == D("1500.00")
    assert insolvency_figure("winding_up_deposit", AS_OF) == D("2600.00")
    assert enforcement_fee("warrant_of_control", AS_OF) > 0
    assert threshold("bankruptcy_minimum", AS_OF) == D("5000.00")
    assert threshold("company_demand_minimum_exclusive", AS_OF) == D("750.00")
    assert threshold("council_tax_charging_order_minimum", AS_OF) == D("1000.00")
    assert threshold("attachment_of_earnings_minimum", AS_OF) == D("50.00")
    assert threshold("county_court_warrant_maximum_exclusive", AS_OF) == D("5000.00")


def test_every_table_row_is_dated_and_sourced() -> None:
    names = table_names()
    assert {"issue_fees", "fixed_costs_issue", "thresholds", "base_rates", "periods"} <= set(names)
    for name in names:
        for row in rows(name):
            assert row.source.strip(), name
            assert row.valid_to is None or row.valid_to >= row.valid_from
        # rows of one table never overlap
        rs = rows(name)
        for a, b in pairwise(rs):
            assert a.valid_to is not None and a.valid_to < b.valid_from, name
    assert lookup("issue_fees", AS_OF).cite().startswith("Civil Proceedings Fees Order")


def test_late_payment_reference_rate_is_fixed_per_half_year() -> None:
    # Interest starting in Feb 2024 uses Bank Rate on 31 Dec 2023 (5.25%)
    assert reference_rate(date(2024, 2, 1)) == (D("5.25"), date(2023, 12, 31))
    # starting in Aug 2024 uses Bank Rate on 30 Jun 2024 (still 5.25%)
    assert reference_rate(date(2024, 8, 1)) == (D("5.25"), date(2024, 6, 30))
    assert reference_rate(date(2025, 3, 1)) == (D("4.75"), date(2024, 12, 31))


def test_late_payment_interest_and_compensation(company_case_data: dict) -> None:
    case = parse_case(company_case_data)
    i = compute_interest(case, date(2025, 2, 1))
    first, second = i.lines
    assert first.rate == D("13.25") and second.rate == D("13.25")
    # £1,080 from 1 Feb to the £80 credit of 10 Aug 2024 (191 days), then £1,000 to 1 Feb 2025 (175 days):
    #   1080 x 13.25% x 191 / 365 = 74.8825 -> 74.88;  1000 x 13.25% x 175 / 365 = 63.5274 -> 63.53
    assert [(p.principal, p.days, p.amount) for p in first.periods] == [
        (D("1080.00"), 191, D("74.88")),
        (D("1000.00"), 175, D("63.53")),
    ]
    assert first.amount == D("138.41")
    assert first.days == 366
    # the £80 credit of 10 Aug 2024 is allocated to the oldest invoice first
    assert first.principal == D("1000.00")
    assert [c.amount for c in i.compensation_lines] == [D("70.00"), D("70.00")]
    assert i.compensation == D("140.00")
    # the total is the sum of the rows as printed, and so is the daily rate
    assert i.total == sum((ln.amount for ln in i.lines), D(0))
    assert i.daily_rate == sum((ln.daily_rate for ln in i.lines), D(0))


def test_balance_allocates_oldest_first_and_ages(company_case_data: dict) -> None:
    case = parse_case(company_case_data)
    b = compute_balance(case, date(2025, 2, 1))
    assert b.outstanding == D("2080.00")
    assert [ln.outstanding for ln in b.lines] == [D("1000.00"), D("1080.00")]
    assert b.ageing["1-2 years"] == D("1000.00")  # 366 days overdue
    assert b.ageing["91-365 days"] == D("1080.00")  # 185 days overdue
    assert sum(b.ageing.values()) == b.outstanding
    # VAT element apportioned to the unpaid share: 180 * 1000/1080 + 180
    assert b.vat_outstanding == D("166.67") + D("180.00")


def test_balance_ignores_items_after_as_of(company_case_data: dict) -> None:
    case = parse_case(company_case_data)
    assert compute_balance(case, date(2024, 3, 1)).outstanding == D("1080.00")


def test_no_interest_basis(judgment_case_data: dict) -> None:
    judgment_case_data["interest"] = {"basis": "none"}
    i = compute_interest(parse_case(judgment_case_data), AS_OF)
    assert (
        i.total == 0 and not i.claimed and i.cpr_16_4_statement() == "The claimant does not claim interest."
    )


def test_cpr_16_4_statement_has_every_fact(care_case_data: dict) -> None:
    case = parse_case(care_case_data)
    text = compute_interest(case, date(2025, 5, 16)).cpr_16_4_statement()
    for part in (
        "section 69 of the County Courts Act 1984",
        "8%",
        "5 February 2025",
        "16 May 2025",
        "£27.06",
        "£0.27",
    ):
        assert part in text


def test_payment_reduces_principal_from_its_date(care_case_data: dict) -> None:
    care_case_data["payments"] = [
        {"date": "2025-03-17", "amount": "234.56", "method": "card", "reference": "P1"}
    ]
    case = parse_case(care_case_data)
    i = compute_interest(case, date(2025, 5, 16))
    # 40 days on 1234.56 then 60 days on 1000.00, at 8% / 365, each period to the penny:
    #   1234.56 x 8% x 40 / 365 = 10.8235 -> 10.82;  1000.00 x 8% x 60 / 365 = 13.1507 -> 13.15
    assert [p.amount for p in i.lines[0].periods] == [D("10.82"), D("13.15")]
    assert i.lines[0].amount == i.total == D("23.97")
