"""Interest on the debt to a date: s.69 County Courts Act 1984, the Late Payment Act, contractual, or none.

Interest is simple. Each line runs from its due date (not before the case's ``from`` date) to
``as_of`` on the principal outstanding day by day, so a payment reduces the principal from the day
after it was made, and each stretch between payments is a period of its own. No day of a Breathing
Space moratorium carries interest (Debt Respite Scheme Regulations 2020, reg 7). Each period is
rounded to the penny; a line is the sum of its periods and the total the sum of the lines, and the
daily rate thereafter is the sum of the lines' daily rates rounded the same way, so every schedule
adds up to the totals printed. Once judgment is entered no claim interest runs: the claim has merged
in the judgment (docgen.domain.judgment).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from itertools import pairwise

from docgen.domain.balance import Balance, DebtLine, compute_balance
from docgen.domain.case import Case, InterestBasis
from docgen.domain.money import ZERO, fmt_gbp, money
from docgen.domain.moratorium import Moratorium, accruing_stretches, moratoria
from docgen.domain.tables import lookup

BASIS_WORDS = {
    InterestBasis.statutory_s69: "section 69 of the County Courts Act 1984",
    InterestBasis.late_payment_act: "the Late Payment of Commercial Debts (Interest) Act 1998",
    InterestBasis.contractual: "the terms of the contract between the parties",
    InterestBasis.none: "no interest is claimed",
}


@dataclass(frozen=True)
class InterestPeriod:
    """A stretch of one invoice's interest on one principal: days ``start < d <= end``."""

    start: date
    end: date
    days: int
    principal: Decimal
    amount: Decimal  # to the penny


@dataclass(frozen=True)
class InterestLine:
    """One debt line's interest. ``amount`` is the sum of its periods as rounded, so a schedule of
    periods, lines and the total adds up to the penny."""

    ref: str
    principal: Decimal  # outstanding on the 'to' date
    start: date
    end: date
    days: int  # days that carry interest (Breathing Space days left out)
    rate: Decimal  # percent a year
    amount: Decimal  # to the penny: the sum of the periods
    daily_rate: Decimal  # to the penny, on the principal outstanding on the 'to' date
    periods: tuple[InterestPeriod, ...] = ()
    moratorium_days: int = 0
    daily_rate_exact: Decimal = Decimal(0)


@dataclass(frozen=True)
class CompensationLine:
    ref: str
    debt: Decimal
    amount: Decimal


@dataclass(frozen=True)
class MoratoriumGap:
    """A Breathing Space moratorium's days inside the interest period, left out of every figure."""

    start: date
    end: date
    days: int


@dataclass(frozen=True)
class InterestResult:
    basis: InterestBasis
    rate: Decimal | None  # the one rate, or None when lines run at different rates
    from_date: date | None
    to_date: date
    total: Decimal  # to the penny: the sum of the lines
    daily_rate: Decimal  # to the penny: the sum of the lines' daily rates, as stated in particulars
    daily_rate_exact: Decimal
    lines: tuple[InterestLine, ...]
    compensation: Decimal
    compensation_lines: tuple[CompensationLine, ...]
    source: str
    moratoria: tuple[MoratoriumGap, ...] = ()
    #: once judgment is entered the claim (and its interest) has merged in it: no claim interest
    merged_in_judgment_on: date | None = None

    @property
    def basis_words(self) -> str:
        return BASIS_WORDS[self.basis]

    @property
    def claimed(self) -> bool:
        return self.basis is not InterestBasis.none and self.merged_in_judgment_on is None

    @property
    def accrues_as_of_right(self) -> bool:
        """Interest the debtor owes before any proceedings (a contract, or the Late Payment Act);
        s.69 interest is only what a court may award in proceedings."""
        return self.claimed and self.basis in (InterestBasis.contractual, InterestBasis.late_payment_act)

    @property
    def moratorium_days(self) -> int:
        return sum(g.days for g in self.moratoria)

    def moratorium_words(self) -> str:
        """ "leaving out the 61 days from 1 March 2024 to 30 April 2024 ..." or ""."""
        if not self.moratoria:
            return ""
        spans = "; ".join(
            f"{g.days} days from {g.start.strftime('%-d %B %Y')} to {g.end.strftime('%-d %B %Y')}"
            for g in self.moratoria
        )
        return (
            f"leaving out the {spans}, when the debt was protected by a Breathing Space moratorium "
            "and no interest could be added"
        )

    def cpr_16_4_statement(self) -> str:
        """The CPR 16.4(2) facts in words: basis, rate, from, to, total, daily rate thereafter."""
        if not self.claimed:
            return "The claimant does not claim interest."
        rate = f"{self.rate.normalize():f}%" if self.rate is not None else "the rates shown in the schedule"
        start = self.from_date.strftime("%-d %B %Y") if self.from_date else "the due date of each invoice"
        gap = f" ({self.moratorium_words()})" if self.moratoria else ""
        return (
            f"The claimant claims interest under {self.basis_words} at {rate} a year from {start} "
            f"to {self.to_date.strftime('%-d %B %Y')}, the date of this claim{gap}, amounting to "
            f"{fmt_gbp(self.total)}, and continuing at a daily rate of {fmt_gbp(self.daily_rate)} "
            "until judgment or earlier payment."
        )


def reference_rate(starts: date) -> tuple[Decimal, date]:
    """Late Payment Act reference rate: Bank Rate on 31 December (for January to June) or on 30 June
    (for July to December) immediately before the half-year in which interest starts to run."""
    fixed_on = date(starts.year - 1, 12, 31) if starts.month <= 6 else date(starts.year, 6, 30)
    return lookup("base_rates", fixed_on).dec("rate"), fixed_on


def _line_interest(
    line: DebtLine,
    start: date,
    end: date,
    rate: Decimal,
    days_in_year: int,
    periods: tuple[Moratorium, ...],
) -> InterestLine:
    """Simple interest on the principal outstanding in each stretch between allocations, leaving out
    Breathing Space days; each stretch rounded to the penny, the line their sum."""
    stretches, skipped = accruing_stretches(start, end, periods)
    pieces: list[InterestPeriod] = []
    for a, b in stretches:
        breaks = sorted({al.on for al in line.allocations if a < al.on < b})
        for x, y in pairwise([a, *breaks, b]):
            principal = line.outstanding_on(x)
            days = (y - x).days
            if principal <= 0 or days <= 0:
                continue
            pieces.append(
                InterestPeriod(x, y, days, principal, money(principal * rate * days / (100 * days_in_year)))
            )
    principal_now = line.outstanding_on(end)
    daily_exact = principal_now * rate / (100 * days_in_year)
    return InterestLine(
        ref=line.ref,
        principal=principal_now,
        start=start,
        end=end,
        days=sum(p.days for p in pieces),
        rate=rate,
        amount=sum((p.amount for p in pieces), ZERO),
        daily_rate=money(daily_exact),
        periods=tuple(pieces),
        moratorium_days=skipped,
        daily_rate_exact=daily_exact,
    )


def _compensation(debt: Decimal, as_of: date) -> Decimal:
    for band in lookup("late_payment_compensation", as_of)["bands"]:
        if band["below"] is None or debt < Decimal(band["below"]):
            return Decimal(band["sum"])
    raise AssertionError("compensation table has no open top band")


def _gaps(start: date | None, end: date, periods: tuple[Moratorium, ...]) -> tuple[MoratoriumGap, ...]:
    if start is None:
        return ()
    out = []
    for m in periods:
        lo, hi = max(m.start, start + timedelta(days=1)), min(m.last_day(end), end)
        if hi >= lo:
            out.append(MoratoriumGap(lo, hi, (hi - lo).days + 1))
    return tuple(out)


def compute_interest(case: Case, as_of: date, balance: Balance | None = None) -> InterestResult:
    """Claim interest to ``as_of`` on the case's debt lines (not once judgment has been entered)."""
    terms = case.interest
    balance = balance or compute_balance(case, as_of)
    defaults = lookup("interest_defaults", as_of)
    days_in_year = int(defaults["days_in_year"])
    judged = [j.date for j in case.judgments if j.date <= as_of]
    if terms.basis is InterestBasis.none or judged:
        return InterestResult(
            terms.basis,
            None,
            None,
            as_of,
            ZERO,
            ZERO,
            ZERO,
            (),
            ZERO,
            (),
            defaults.cite(),
            merged_in_judgment_on=min(judged) if judged else None,
        )

    periods = moratoria(case)
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
        lines.append(_line_interest(line, start, as_of, rate, days_in_year, periods))

    rates = {ln.rate for ln in lines}
    starts = [ln.start for ln in lines]
    from_date = min(starts) if starts else terms.from_
    return InterestResult(
        basis=terms.basis,
        rate=next(iter(rates)) if len(rates) == 1 else (terms.rate if not rates else None),
        from_date=from_date,
        to_date=as_of,
        total=sum((ln.amount for ln in lines), ZERO),
        daily_rate=sum((ln.daily_rate for ln in lines), ZERO),
        daily_rate_exact=sum((ln.daily_rate_exact for ln in lines), Decimal(0)),
        lines=tuple(lines),
        compensation=sum((c.amount for c in comp), ZERO),
        compensation_lines=tuple(comp),
        source=source,
        moratoria=_gaps(from_date, as_of, periods) if lines else (),
    )
