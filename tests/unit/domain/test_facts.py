"""One facts computation per case and date: the outstanding sum every paper states, Breathing Space
days out of every interest figure, rows that add up to the totals, warnings kept for the officer."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from docgen.domain.case import parse_case
from docgen.domain.facts import case_facts

D = Decimal


def test_before_judgment_the_outstanding_sum_is_the_debt(care_case_data: dict) -> None:
    facts = case_facts(parse_case(care_case_data), date(2025, 5, 16))
    assert not facts.judgment_entered
    assert facts.outstanding == facts.balance.outstanding == D("1234.56")
    assert facts.interest.claimed


def test_after_judgment_the_outstanding_sum_is_the_judgment_balance(judgment_case_data: dict) -> None:
    case = parse_case(judgment_case_data)
    facts = case_facts(case, date(2023, 6, 3))
    # £7,800 + £500 costs - £300 paid, with interest on the instalments in arrears (worked in
    # test_judgment.py): £8,000.00 + £21.75
    assert facts.judgment_entered
    assert facts.outstanding == D("8021.75")
    # no fresh s.69 interest on the invoice once the claim has merged in the judgment
    assert not facts.interest.claimed
    assert facts.interest.total == D("0.00")
    assert facts.interest.merged_in_judgment_on == date(2022, 10, 3)
    assert facts.claim_amount == facts.court_fee == D("0.00")
    j = facts.as_json()
    assert j["outstanding"] == "8021.75"
    assert j["judgments"][0]["balance"] == "8021.75"
    assert j["interest"]["merged_in_judgment_on"] == "2022-10-03"


def test_breathing_space_days_are_left_out_of_claim_interest_and_said_so(care_case_data: dict) -> None:
    care_case_data["debtors"][0]["breathing_space"] = {"start": "2025-03-01", "end": "2025-03-31"}
    facts = case_facts(parse_case(care_case_data), date(2025, 5, 16))
    i = facts.interest
    # 5 Feb to 16 May 2025 is 100 days; 1-31 March (31 days) are left out:
    #   £1,234.56 x 8% x 23 days (5 Feb - 28 Feb) / 365 =  6.2235 ->  6.22
    #   £1,234.56 x 8% x 46 days (31 Mar - 16 May) / 365 = 12.4471 -> 12.45
    (line,) = i.lines
    assert [(p.start, p.end, p.days, p.amount) for p in line.periods] == [
        (date(2025, 2, 5), date(2025, 2, 28), 23, D("6.22")),
        (date(2025, 3, 31), date(2025, 5, 16), 46, D("12.45")),
    ]
    assert line.days == 69 and line.moratorium_days == 31
    assert i.total == D("18.67")
    assert i.moratorium_days == 31
    statement = i.cpr_16_4_statement()
    assert "leaving out the 31 days from 1 March 2025 to 31 March 2025" in statement
    assert "Breathing Space" in statement
    assert facts.as_json()["interest"]["breathing_space_days_left_out"] == 31


def test_rows_add_up_to_the_totals_printed(company_case_data: dict) -> None:
    facts = case_facts(parse_case(company_case_data), date(2025, 2, 1))
    i = facts.interest
    assert i.total == sum((p.amount for ln in i.lines for p in ln.periods), D(0))
    assert i.total == sum((ln.amount for ln in i.lines), D(0))
    assert i.daily_rate == sum((ln.daily_rate for ln in i.lines), D(0))
    # the part-paid invoice shows each period: before and after the credit
    assert len(i.lines[0].periods) == 2


def test_unconfirmed_figures_warn_the_officer(care_case_data: dict) -> None:
    # the case is represented, so fixed costs on issue apply; that table row is partly confirmed
    facts = case_facts(parse_case(care_case_data), date(2025, 5, 16))
    codes = {(w.path, w.code) for w in facts.warnings}
    assert ("fees.fixed_costs_on_issue", "unconfirmed_figure") in codes
    assert all(not w.blocking for w in facts.warnings)
    # plain English: no table names, no command-line syntax
    for w in facts.warnings:
        assert "table" not in w.message and "--" not in w.message
    assert facts.warnings_for("fees") and not facts.warnings_for("judgments")
