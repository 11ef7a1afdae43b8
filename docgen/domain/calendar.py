"""Business days and deadlines on the England and Wales calendar.

Bank holidays come from the ``holidays`` package (United Kingdom, England subdivision), never from a
hand-kept list. CPR 6.2: a business day is any day except Saturday, Sunday, a bank holiday,
Christmas Day or Good Friday.
"""

from __future__ import annotations

import calendar as _cal
from datetime import date, timedelta
from functools import cache
from typing import Literal

import holidays

from docgen.domain.thresholds import period

ServiceMethod = Literal["first_class_post", "personal", "left_at_address", "email", "dx"]


@cache
def _bank_holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("GB", subdiv="ENG", years=year)


def is_bank_holiday(day: date) -> bool:
    return day in _bank_holidays(day.year)


def is_business_day(day: date) -> bool:
    if day.weekday() >= 5 or is_bank_holiday(day):
        return False
    # Christmas Day and Good Friday are in the bank-holiday list for England; checked again because
    # CPR 6.2 names them whatever the holiday calendar says.
    return not (day.month == 12 and day.day == 25)


def add_business_days(start: date, n: int) -> date:
    day = start
    step = 1 if n >= 0 else -1
    remaining = abs(n)
    while remaining:
        day += timedelta(days=step)
        if is_business_day(day):
            remaining -= 1
    return day


def next_business_day_on_or_after(day: date) -> date:
    while not is_business_day(day):
        day += timedelta(days=1)
    return day


def deemed_service_of_claim_form(step_date: date) -> date:
    """CPR 6.14: the second business day after the step required by r.7.5 (posting, leaving, sending)."""
    return add_business_days(step_date, period("claim_form_deemed_service_business_days", step_date))


def deemed_service_of_document(method: ServiceMethod, step_date: date) -> date:
    """CPR 6.26 for documents other than the claim form, when only the date of the step is known:
    post or DX, the second business day after; personal, leaving, or e-mail, the same day if it is a
    business day (assuming the step was before 4.30 pm), else the next business day."""
    if method in ("first_class_post", "dx"):
        return add_business_days(step_date, 2)
    return next_business_day_on_or_after(step_date)


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year = day.year + month_index // 12
    month = month_index % 12 + 1
    last = _cal.monthrange(year, month)[1]
    return date(year, month, min(day.day, last))


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def pap_reply_due(letter_date: date) -> date:
    return letter_date + timedelta(days=period("pap_reply_days", letter_date))


def acknowledgment_due(deemed_service_of_particulars: date) -> date:
    return deemed_service_of_particulars + timedelta(
        days=period("acknowledgment_days", deemed_service_of_particulars)
    )


def defence_due(deemed_service_of_particulars: date) -> date:
    return deemed_service_of_particulars + timedelta(
        days=period("defence_days", deemed_service_of_particulars)
    )


def claim_form_service_deadline(issue_date: date) -> date:
    return add_months(issue_date, period("claim_form_service_months", issue_date))


def certificate_of_service_due(service_date: date) -> date:
    return service_date + timedelta(days=period("certificate_of_service_days", service_date))


def statutory_demand_comply_by(service_date: date) -> date:
    return service_date + timedelta(days=period("statutory_demand_comply_days", service_date))


def statutory_demand_set_aside_by(service_date: date) -> date:
    return service_date + timedelta(days=period("statutory_demand_set_aside_days", service_date))
