"""Limitation: six years from when each debt fell due, restarted by a part payment (ss.5, 9, 29-30
Limitation Act 1980). Debts founded on a liability order are not barred for these purposes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from docgen.domain.balance import Balance, compute_balance
from docgen.domain.calendar import add_years
from docgen.domain.case import Case
from docgen.domain.tables import lookup


@dataclass(frozen=True)
class LineLimitation:
    ref: str
    accrued: date
    restarted: date | None
    expires_on: date
    barred: bool


@dataclass(frozen=True)
class Limitation:
    statute_barred: bool  # every outstanding line is barred
    partly_barred: bool
    expires_on: date | None  # the earliest date an outstanding line becomes (or became) barred
    years: int
    lines: tuple[LineLimitation, ...]
    source: str

    @property
    def barred_refs(self) -> list[str]:
        return [ln.ref for ln in self.lines if ln.barred]


def limitation(case: Case, as_of: date, balance: Balance | None = None) -> Limitation:
    row = lookup("limitation_periods", as_of)
    years = int(row["years"][case.debt_type.value])
    balance = balance or compute_balance(case, as_of)
    payments = sorted(p.date for p in case.payments if p.date <= as_of)
    acknowledgments = [
        h.date for h in case.recovery_history if h.action == "reply_form_received" and h.date <= as_of
    ]
    restarts = sorted(payments + acknowledgments) if row["restart_on_part_payment"] else []

    lines = []
    for line in balance.open_lines:
        if line.kind == "liability_order" and not row["liability_orders_barred"]:
            continue
        later = [d for d in restarts if d > line.due]
        # a restart only counts while the right of action is still alive
        start = line.due
        restarted = None
        for d in later:
            if d < add_years(start, years):
                start = d
                restarted = d
        expires = add_years(start, years)
        lines.append(LineLimitation(line.ref, line.due, restarted, expires, as_of >= expires))

    barred = [ln for ln in lines if ln.barred]
    return Limitation(
        statute_barred=bool(lines) and len(barred) == len(lines),
        partly_barred=bool(barred) and len(barred) < len(lines),
        expires_on=min((ln.expires_on for ln in lines), default=None),
        years=years,
        lines=tuple(lines),
        source=row.cite(),
    )
