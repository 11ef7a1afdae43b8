"""Business days on the England and Wales calendar, deadlines, and limitation."""

from __future__ import annotations

from datetime import date

from docgen.domain import calendar as cal
from docgen.domain.case import parse_case
from docgen.domain.limitation import limitation


def test_easter_weekend_deemed_service() -> None:
    # Posted on Maundy Thursday 2025: Good Friday and Easter Monday are not business days.
    assert cal.deemed_service_of_claim_form(date(2025, 4, 17)) == date(2025, 4, 23)


def test_christmas_with_substitute_boxing_day() -> None:
    # 2026: Christmas Day is a Friday, Boxing Day (Saturday) is observed on Monday 28 December.
    assert not cal.is_business_day(date(2026, 12, 28))
    assert cal.deemed_service_of_claim_form(date(2026, 12, 24)) == date(2026, 12, 30)


def test_ordinary_week_and_weekend() -> None:
    assert cal.deemed_service_of_claim_form(date(2026, 11, 23)) == date(2026, 11, 25)  # Mon -> Wed
    assert cal.deemed_service_of_claim_form(date(2026, 11, 20)) == date(2026, 11, 24)  # Fri -> Tue
    assert cal.is_bank_holiday(date(2026, 8, 31))  # summer bank holiday (England)
    assert cal.is_business_day(date(2026, 8, 3))  # Scotland's summer holiday is not England's


def test_deemed_service_of_other_documents() -> None:
    assert cal.deemed_service_of_document("first_class_post", date(2025, 4, 17)) == date(2025, 4, 23)
    assert cal.deemed_service_of_document("personal", date(2025, 4, 18)) == date(2025, 4, 22)
    assert cal.deemed_service_of_document("personal", date(2025, 4, 16)) == date(2025, 4, 16)


def test_deadlines() -> None:
    assert cal.pap_reply_due(date(2026, 1, 31)) == date(2026, 3, 2)
    assert cal.acknowledgment_due(date(2026, 3, 2)) == date(2026, 3, 16)
    assert cal.defence_due(date(2026, 3, 2)) == date(2026, 3, 30)
    assert cal.statutory_demand_comply_by(date(2026, 3, 2)) == date(2026, 3, 23)
    assert cal.statutory_demand_set_aside_by(date(2026, 3, 2)) == date(2026, 3, 20)
    assert cal.certificate_of_service_due(date(2026, 3, 2)) == date(2026, 3, 23)
    assert cal.claim_form_service_deadline(date(2025, 10, 31)) == date(2026, 2, 28)


def test_limitation_six_years_from_due_date(care_case_data: dict) -> None:
    case = parse_case(care_case_data)
    lim = limitation(case, date(2031, 2, 4))
    assert lim.expires_on == date(2031, 2, 5) and not lim.statute_barred
    assert limitation(case, date(2031, 2, 5)).statute_barred


def test_part_payment_restarts_time(care_case_data: dict) -> None:
    care_case_data["payments"] = [
        {"date": "2027-06-01", "amount": "10.00", "method": "card", "reference": "P"}
    ]
    case = parse_case(care_case_data)
    assert limitation(case, date(2031, 6, 1)).expires_on == date(2033, 6, 1)


def test_payment_after_expiry_does_not_revive(care_case_data: dict) -> None:
    care_case_data["payments"] = [
        {"date": "2032-01-01", "amount": "10.00", "method": "card", "reference": "P"}
    ]
    lim = limitation(parse_case(care_case_data), date(2032, 6, 1))
    assert lim.statute_barred and lim.expires_on == date(2031, 2, 5)


def test_liability_order_debts_are_not_barred(shared_cases_dir) -> None:
    from docgen.domain.case import load_case

    case = load_case(shared_cases_dir / "council-tax-liability-orders.json")
    lim = limitation(case, date(2035, 1, 1))
    assert not lim.statute_barred and lim.lines == ()
