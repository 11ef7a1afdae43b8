"""Interest on the debt to a date: s.69 County Courts Act 1984, the Late Payment Act, contractual, or none.

Interest is simple. Each line runs from its due date (not before the case's ``from`` date) to
``as_of`` on the principal outstanding day by day, so a payment reduces the principal from the day
it was made. Nothing is rounded until the total: the total and the daily rate are rounded to the
penny only at the end.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from itertools import pairwise

from docgen.domain.balance import Balance, DebtLine, compute_balance
from docgen.domain.case import Case, InterestBasis
from docgen.domain.money import ZERO, fmt_gbp, money
from docgen.domain.tables import lookup

BASIS_WORDS = {
    InterestBasis.statutory_s69: "section 69 of the County Courts Act 1984",
    InterestBasis.late_payment_act: "the Late Payment of Commercial Debts (Interest) Act 1998",
    InterestBasis.contractual: "the terms of the contract between the parties",
    InterestBasis.none: "no interest is claimed",
}


@dataclass(frozen=True)
class InterestLine:
    ref: str
    principal: Decimal  # outstanding on the 'to' date
    start: date
    end: date
    days: int
    rate: Decimal  # percent a year
    amount: Decimal  # unrounded
    daily_rate: Decimal  # unrounded


@dataclass(frozen=True)
class CompensationLine:
    ref: str
    debt: Decimal
    amount: Decimal


@dataclass(frozen=True)
class InterestResult:
    basis: InterestBasis
    rate: Decimal | None  # the one rate, or None when lines run at different rates
    from_date: date | None
    to_date: date
    total: Decimal  # to the penny
    daily_rate: Decimal  # to the penny, as stated in particulars
    daily_rate_exact: Decimal
    lines: tuple[InterestLine, ...]
    compensation: Decimal
    compensation_lines: tuple[CompensationLine, ...]
    source: str

    @property
    def basis_words(self) -> str:
        return BASIS_WORDS[self.basis]

    @property
    def claimed(self) -> bool:
        return self.basis is not InterestBasis.none

    def cpr_16_4_statement(self) -> str:
        """The CPR 16.4(2) facts in words: basis, rate, from, to, total, daily rate thereafter."""
        if not self.claimed:
            return "The claimant does not claim interest."
        rate = f"{self.rate.normalize():f}%" if self.rate is not None else "the rates shown in the schedule"
        start = self.from_date.strftime("%-d %B %Y") if self.from_date else "the due date of each invoice"
        return (
            f"The claimant claims interest under {self.basis_words} at {rate} a year from {start} "
            f"to {self.to_date.strftime('%-d %B %Y')}, the date of this claim, amounting to "
            f"{fmt_gbp(self.total)}, and continuing at a daily rate of {fmt_gbp(self.daily_rate)} "
            "until judgment or earlier payment."
        )


def reference_rate(starts: date) -> tuple[Decimal, date]:
    """Late Payment Act reference rate: Bank Rate on 31 December (for January to June) or on 30 June
    (for July to December) immediately before the half-year in which interest starts to run."""
    fixed_on = date(starts.year - 1, 12, 31) if starts.month <= 6 else date(starts.year, 6, 30)
    return lookup("base_rates", fixed_on).dec("rate"), fixed_on


def _line_interest(line: DebtLine, start: date, end: date, rate: Decimal, days_in_year: int) -> InterestLine:
    """Simple interest on the principal outstanding in each stretch between allocations."""
    breaks = sorted({a.on for a in line.allocations if start < a.on < end})
    points = [start, *breaks, end]
    amount = Decimal(0)
    for a, b in pairwise(points):
        principal = line.outstanding_on(a)
        amount += principal * rate * (b - a).days / (100 * days_in_year)
    principal_now = line.outstanding_on(end)
    return InterestLine(
        ref=line.ref,
        principal=principal_now,
        start=start,
        end=end,
        days=(end - start).days,
        rate=rate,
        amount=amount,
        daily_rate=principal_now * rate / (100 * days_in_year),
    )


def _compensation(debt: Decimal, as_of: date) -> Decimal:
    for band in lookup("late_payment_compensation", as_of)["bands"]:
        if band["below"] is None or debt < Decimal(band["below"]):
            return Decimal(band["sum"])
    raise AssertionError("compensation table has no open top band")


def compute_interest(case: Case, as_of: date, balance: Balance | None = None) -> InterestResult:
    terms = case.interest
    balance = balance or compute_balance(case, as_of)
    defaults = lookup("interest_defaults", as_of)
    days_in_year = int(defaults["days_in_year"])
    if terms.basis is InterestBasis.none:
        return InterestResult(terms.basis, None, None, as_of, ZERO, ZERO, ZERO, (), ZERO, (), defaults.cite())

    lines: list[InterestLine] = []
    comp: list[CompensationLine] = []
    source = defaults.cite()
    for line in balance.lines:
        if line.kind == "charge":
            continue
        start = max(line.due, terms.from_) if terms.from_ else line.due
        if start >= as_of:
            continue
        if terms.basis is InterestBasis.late_payment_act:
            ref, fixed_on = reference_rate(start)
            margin = lookup("late_payment_compensation", start).dec("reference_rate_margin_percent")
            rate = ref + margin
            source = lookup("base_rates", fixed_on).cite()
            if line.kind == "invoice":
                comp.append(CompensationLine(line.ref, line.amount, _compensation(line.amount, as_of)))
        else:
            assert terms.rate is not None  # the case model requires a rate for these bases
            rate = terms.rate
        lines.append(_line_interest(line, start, as_of, rate, days_in_year))

    rates = {ln.rate for ln in lines}
    exact_total = sum((ln.amount for ln in lines), Decimal(0))
    exact_daily = sum((ln.daily_rate for ln in lines), Decimal(0))
    starts = [ln.start for ln in lines]
    return InterestResult(
        basis=terms.basis,
        rate=next(iter(rates)) if len(rates) == 1 else (terms.rate if not rates else None),
        from_date=min(starts) if starts else terms.from_,
        to_date=as_of,
        total=money(exact_total),
        daily_rate=money(exact_daily),
        daily_rate_exact=exact_daily,
        lines=tuple(lines),
        compensation=sum((c.amount for c in comp), ZERO),
        compensation_lines=tuple(comp),
        source=source,
    )
