"""Court fees and fixed costs, each read from its dated table."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Literal

from docgen.domain.money import ZERO, fmt_gbp, money, money_down
from docgen.domain.tables import Row, lookup
from docgen.errors import Problem

JudgmentKind = Literal[
    "default_of_acknowledgment",
    "default_of_defence",
    "admission_claimant_accepts",
    "admission_court_decides",
    "summary_judgment",
]


def issue_fee(claim: Decimal | None, as_of: date) -> Decimal:
    """Fee 1.1 on the sum claimed including interest; None means the value is not stated."""
    row = lookup("issue_fees", as_of)
    if claim is None:
        return row.dec("not_stated")
    for band in row["bands"]:
        if claim <= Decimal(band["up_to"]):
            if "percent" in band:
                return money_down(claim * Decimal(band["percent"]) / 100)
            return Decimal(band["fee"])
    return row.dec("above_top_band")


def fixed_costs_on_issue(
    claim: Decimal,
    as_of: date,
    *,
    personal_service: bool = False,
    extra_defendants_served_personally: int = 0,
) -> Decimal:
    """The legal representative's fixed costs on issue (nil at or below the minimum claim)."""
    row = lookup("fixed_costs_issue", as_of)
    if claim <= row.dec("minimum_claim"):
        return ZERO
    key = "personal_service" if personal_service else "court_service"
    for band in row["bands"]:
        if band["up_to"] is None or claim <= Decimal(band["up_to"]):
            base = Decimal(band[key])
            break
    extra = row.dec("extra_defendant_personal_service") * extra_defendants_served_personally
    return money(base + extra)


def fixed_costs_on_judgment(amount: Decimal, kind: JudgmentKind, as_of: date) -> Decimal:
    row = lookup("fixed_costs_judgment", as_of)
    band = "up_to_split" if amount <= row.dec("split_at") else "over_split"
    return row.dec("kinds", kind, band)


def application_fee(kind: Literal["on_notice", "without_notice"], as_of: date) -> Decimal:
    return lookup("application_fees", as_of).dec("fees", kind)


def enforcement_fee(
    kind: Literal["warrant_of_control", "charging_order", "attachment_of_earnings"], as_of: date
) -> Decimal:
    return lookup("enforcement_fees", as_of).dec("fees", kind)


def insolvency_figure(name: str, as_of: date) -> Decimal:
    return lookup("insolvency", as_of).dec(name)


#: a table row's confidence at which the officer is warned before relying on its figure
WARN_ON = ("unconfirmed", "partly_confirmed")


def unconfirmed_figure(path: str, row: Row, what: str, amount: Decimal, as_of: date) -> Problem | None:
    """A warning for the officer when a figure a paper prints comes from a table row that is not
    confirmed; None when it is. The note stays with the officer: a paper never prints it, nor the
    table's source text."""
    if row.confidence not in WARN_ON:
        return None
    return Problem(
        path,
        f"The {what} ({fmt_gbp(amount)}) for {as_of:%d/%m/%Y} comes from a figure that is not yet "
        "confirmed against the rules in force: check it before the paper is used.",
        code="unconfirmed_figure",
        blocking=False,
    )


def fixed_costs_on_enforcement(kind: Literal["warrant_of_control"], as_of: date) -> Decimal:
    """The legal representative's fixed costs included in an enforcement step (CPR 45 Table 5)."""
    return lookup("fixed_costs_enforcement", as_of).dec(kind)
