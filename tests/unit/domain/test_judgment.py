"""Where a judgment stands: balance after merger, interest under the 1991 Order, instalments.

Every expected figure is worked by hand in the comments beside it (simple interest, 8% a year,
365-day year, each stretch rounded to the penny and the total the sum of the stretches).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from docgen.domain.case import parse_case
from docgen.domain.judgment import (
    choose_judgment,
    instalment_dates,
    judgment_position,
    judgment_positions,
)
from docgen.domain.moratorium import Moratorium, accruing_stretches

D = Decimal


def forthwith(data: dict[str, Any], amount: str = "6000.00", on: str = "2024-01-01") -> dict[str, Any]:
    """The test case's judgment made payable forthwith: £6,000, no costs, nothing paid."""
    j = data["judgments"][0]
    j.update(date=on, amount=amount, costs="0.00", interest="0.00", instalments=None, paid_since="0.00")
    data["payments"] = []
    data["recovery_history"] = [h for h in data["recovery_history"] if h["date"] < on]
    return data


def test_instalment_judgment_position_and_interest_only_on_arrears(judgment_case_data: dict) -> None:
    # judgment 3 Oct 2022 for £7,800 + £500 costs; £150 a month from 3 Nov 2022; £300 paid 1 Mar 2023
    case = parse_case(judgment_case_data)
    pos = judgment_position(case.judgments[0], date(2023, 6, 3), case)
    assert pos.total == D("8300.00")
    assert pos.paid == D("300.00")
    assert pos.outstanding == D("8000.00")
    # 3 Nov, 3 Dec, 3 Jan, 3 Feb, 3 Mar, 3 Apr, 3 May, 3 Jun: 8 x £150 = £1,200 due, £900 behind
    assert pos.instalments_fallen_due == 8
    assert pos.due_to_date == D("1200.00")
    assert pos.arrears == D("900.00")
    assert pos.instalments_unpaid == 6
    # interest runs only on instalments fallen due and unpaid, each from its due date:
    #   £150 x 30 days (3 Nov - 3 Dec)  = 0.9863 -> 0.99
    #   £300 x 31 days (3 Dec - 3 Jan)  = 2.0384 -> 2.04
    #   £450 x 31 days (3 Jan - 3 Feb)  = 3.0575 -> 3.06
    #   £600 x 26 days (3 Feb - 1 Mar)  = 3.4192 -> 3.42
    #   £300 x  2 days (1 Mar - 3 Mar)  = 0.1315 -> 0.13   (after the £300 payment)
    #   £450 x 31 days (3 Mar - 3 Apr)  = 3.0575 -> 3.06
    #   £600 x 30 days (3 Apr - 3 May)  = 3.9452 -> 3.95
    #   £750 x 31 days (3 May - 3 Jun)  = 5.0959 -> 5.10
    i = pos.interest
    assert i.applies and i.rate == D("8")
    assert [(s.principal, s.days, s.amount) for s in i.stretches] == [
        (D("150.00"), 30, D("0.99")),
        (D("300.00"), 31, D("2.04")),
        (D("450.00"), 31, D("3.06")),
        (D("600.00"), 26, D("3.42")),
        (D("300.00"), 2, D("0.13")),
        (D("450.00"), 31, D("3.06")),
        (D("600.00"), 30, D("3.95")),
        (D("750.00"), 31, D("5.10")),
    ]
    assert i.total == D("21.75")
    # £900 behind on 3 Jun: 900 x 8% / 365 = 0.1973 -> 0.20 a day
    assert i.daily_rate == D("0.20")
    assert pos.balance == D("8021.75")
    assert pos.warnings == ()


def test_an_instalment_order_kept_to_carries_no_interest(judgment_case_data: dict) -> None:
    # pay every instalment on its day: nothing is ever in arrears, so nothing accrues
    judgment_case_data["payments"] = [
        {"date": d, "amount": "150.00"} for d in ("2022-11-03", "2022-12-03", "2023-01-03")
    ]
    judgment_case_data["judgments"][0]["paid_since"] = "450.00"
    case = parse_case(judgment_case_data)
    pos = judgment_position(case.judgments[0], date(2023, 1, 20), case)
    assert pos.arrears == D("0.00")
    assert pos.interest.total == D("0.00")
    assert pos.balance == pos.outstanding == D("7850.00")


def test_forthwith_judgment_interest_from_judgment_with_a_part_payment(judgment_case_data: dict) -> None:
    data = forthwith(judgment_case_data)
    data["payments"] = [{"date": "2024-03-01", "amount": "1000.00"}]
    data["judgments"][0]["paid_since"] = "1000.00"
    case = parse_case(data)
    pos = judgment_position(case.judgments[0], date(2024, 5, 1), case)
    # £6,000 x 60 days (1 Jan - 1 Mar 2024) = 78.9041 -> 78.90
    # £5,000 x 61 days (1 Mar - 1 May 2024) = 66.8493 -> 66.85
    assert [(s.principal, s.days, s.amount) for s in pos.interest.stretches] == [
        (D("6000.00"), 60, D("78.90")),
        (D("5000.00"), 61, D("66.85")),
    ]
    assert pos.interest.total == D("145.75")
    assert pos.outstanding == D("5000.00")
    assert pos.balance == D("5145.75")
    # 5000 x 8% / 365 = 1.0959 -> 1.10 a day
    assert pos.interest.daily_rate == D("1.10")


def test_under_5000_no_interest_and_costs_that_cross_the_line_are_a_warning(judgment_case_data: dict) -> None:
    data = forthwith(judgment_case_data, amount="4999.99")
    case = parse_case(data)
    pos = judgment_position(case.judgments[0], date(2024, 5, 1), case)
    assert not pos.interest.applies and pos.interest.total == D("0.00")
    assert "less than £5,000.00" in pos.interest.reason
    assert pos.warnings == ()
    data["judgments"][0]["costs"] = "100.00"
    case = parse_case(data)
    pos = judgment_position(case.judgments[0], date(2024, 5, 1), case)
    assert not pos.interest.applies
    assert any("not settled" in w for w in pos.warnings)


def test_a_late_payment_act_debt_carries_judgment_interest_whatever_its_amount(
    judgment_case_data: dict,
) -> None:
    data = forthwith(judgment_case_data, amount="1000.00")
    data["interest"] = {"basis": "late_payment_act", "from": "2021-07-01"}
    case = parse_case(data)
    pos = judgment_position(case.judgments[0], date(2024, 5, 1), case)
    # £1,000 x 121 days (1 Jan - 1 May 2024) x 8% / 365 = 26.5205 -> 26.52
    assert pos.interest.applies
    assert pos.interest.total == D("26.52")


def test_breathing_space_days_are_left_out_of_judgment_interest(judgment_case_data: dict) -> None:
    data = forthwith(judgment_case_data)
    data["debtors"][0]["breathing_space"] = {"start": "2024-02-01", "end": "2024-03-31"}
    case = parse_case(data)
    pos = judgment_position(case.judgments[0], date(2024, 5, 1), case)
    # 121 days from 1 Jan to 1 May 2024, less 60 days of moratorium (1 Feb - 31 Mar, a leap year):
    #   £6,000 x 30 days (1 Jan - 31 Jan) = 39.4521 -> 39.45
    #   £6,000 x 31 days (31 Mar - 1 May) = 40.7671 -> 40.77
    assert pos.interest.moratorium_days == 60
    assert [(s.start, s.end, s.days) for s in pos.interest.stretches] == [
        (date(2024, 1, 1), date(2024, 1, 31), 30),
        (date(2024, 3, 31), date(2024, 5, 1), 31),
    ]
    assert pos.interest.total == D("80.22")
    assert "60 days of Breathing Space" in pos.interest.reason


def test_enforcement_other_than_a_charging_order_stops_interest(judgment_case_data: dict) -> None:
    data = forthwith(judgment_case_data)
    data["recovery_history"].append({"date": "2024-02-15", "action": "charging_order", "note": ""})
    data["recovery_history"].append({"date": "2024-03-01", "action": "warrant_of_control", "note": ""})
    case = parse_case(data)
    pos = judgment_position(case.judgments[0], date(2024, 5, 1), case)
    # the charging order does not stop it; the warrant does, at the end of 1 March: 60 days
    # £6,000 x 60 days = 78.9041 -> 78.90, and no daily rate thereafter
    assert pos.interest.stopped_on == date(2024, 3, 1)
    assert pos.interest.total == D("78.90")
    assert pos.interest.daily_rate == D("0.00")
    assert any("enforcement" in w for w in pos.warnings)


def test_paid_since_without_dated_payments_counts_and_warns(judgment_case_data: dict) -> None:
    judgment_case_data["payments"] = []
    case = parse_case(judgment_case_data)
    pos = judgment_position(case.judgments[0], date(2023, 6, 3), case)
    assert pos.paid == D("300.00")
    assert any("treated as paid on the day of judgment" in w for w in pos.warnings)


def test_without_the_case_only_the_judgment_record_is_used(judgment_case_data: dict) -> None:
    case = parse_case(judgment_case_data)
    pos = judgment_position(case.judgments[0], date(2025, 6, 2))
    assert pos.paid == D("300.00")
    assert pos.outstanding == D("8000.00")


def test_instalment_dates_stop_when_the_total_is_covered(judgment_case_data: dict) -> None:
    case = parse_case(judgment_case_data)
    dates = instalment_dates(case.judgments[0], date(2040, 1, 1))
    # £8,300 / £150 = 55.33: 56 instalments, the last a part one
    assert len(dates) == 56
    assert dates[0] == date(2022, 11, 3) and dates[-1] == date(2027, 6, 3)
    pos = judgment_position(case.judgments[0], date(2040, 1, 1), case)
    assert pos.due_to_date == pos.total


def test_choose_and_list_judgments(judgment_case_data: dict) -> None:
    case = parse_case(judgment_case_data)
    assert choose_judgment(case, date(2022, 10, 2)) is None
    assert choose_judgment(case, date(2023, 1, 1)) is case.judgments[0]
    assert choose_judgment(case, date(2023, 1, 1), "T1QZ9X8Y") is case.judgments[0]
    assert choose_judgment(case, date(2023, 1, 1), "NOPE") is None
    assert len(judgment_positions(case, date(2023, 1, 1))) == 1
    assert judgment_positions(case, date(2022, 1, 1)) == ()


def test_moratorium_stretches() -> None:
    m = (Moratorium(date(2024, 1, 10), date(2024, 1, 19), "A"),)
    # days 1..31 Jan accrue except 10..19 Jan (10 days)
    stretches, skipped = accruing_stretches(date(2023, 12, 31), date(2024, 1, 31), m)
    assert skipped == 10
    assert stretches == ((date(2023, 12, 31), date(2024, 1, 9)), (date(2024, 1, 19), date(2024, 1, 31)))
    # an open-ended moratorium takes out every day from its start
    open_ended = (Moratorium(date(2024, 1, 10), None, "A"),)
    assert accruing_stretches(date(2023, 12, 31), date(2024, 1, 31), open_ended)[1] == 22
    # overlapping moratoria of two debtors count each day once
    two = (*m, Moratorium(date(2024, 1, 15), date(2024, 1, 25), "B"))
    assert accruing_stretches(date(2023, 12, 31), date(2024, 1, 31), two)[1] == 16
