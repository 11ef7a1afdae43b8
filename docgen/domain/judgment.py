"""Where a County Court judgment stands on a date: the balance after merger, judgment-debt interest,
and the position under any instalment order.

Once judgment is entered the claim merges in it: from then on the debt is the judgment, that is the
judgment sum + costs (+ any interest the judgment itself awarded) - payments made since. No fresh
s.69 interest runs on the invoices. Interest on the judgment debt runs only where the County Courts
(Interest on Judgment Debts) Order 1991 allows it (``judgment_interest``), at the rate in its dated
table. Every figure here is Decimal; nothing is rounded until a total is stated.

The API, for every family that works from a judgment (claims, enforcement, insolvency, write-off,
debt-panel briefings):

``choose_judgment(case, as_of, claim_number="")``
    the judgment named by claim number, else the latest one given by ``as_of`` that is still owing
    (else the latest one); None when the case records none by then.

``judgment_position(judgment, as_of, case=None) -> JudgmentPosition``
    what is owed under one judgment on ``as_of``. Pass ``case`` whenever you have it: its dated
    payments after the judgment, its Breathing Space periods and its recorded enforcement steps all
    change the figures. Without it only the judgment's own record (``paid_since``) is used.

``judgment_positions(case, as_of) -> tuple[JudgmentPosition, ...]``
    one position per judgment given by ``as_of``, oldest first (what CaseFacts uses).

``instalment_dates(judgment, as_of) -> list[date]``
    the due dates of the instalments that have fallen due by ``as_of`` (never more than the
    instalments needed to pay the judgment total).

``JudgmentPosition`` fields and properties:
    ``total`` judgment sum + costs + interest awarded in the judgment; ``paid`` paid since judgment
    by ``as_of``; ``outstanding`` = total - paid (the judgment balance, without post-judgment
    interest); ``interest`` a ``JudgmentInterest``; ``balance`` = outstanding + interest.total
    (the sum every paper states as owing under the judgment); ``by_instalments``;
    ``instalments_fallen_due``; ``due_to_date`` (instalments fallen due, capped at the total, or the
    total for a judgment payable forthwith); ``arrears`` = due_to_date - paid (not below nil);
    ``instalments_unpaid`` (arrears in whole instalments, rounded up); ``forthwith_unpaid``;
    ``in_default``; ``one_instalment`` (one monthly instalment, or its weekly/fortnightly
    equivalent, for the warrant-of-control minimum); ``years_since()``; ``warnings`` (plain-English
    notes for the officer, never for a court paper).

``JudgmentInterest``: ``applies`` (the Order gives interest on this judgment at all), ``reason``
(plain English, why or why not), ``rate`` (percent a year), ``start``/``end`` (the stretch it ran),
``stretches`` (each stretch at one principal, for a schedule), ``total`` and ``daily_rate`` (to the
penny; the total is the sum of the stretches as rounded), ``moratorium_days`` (days left out for a
Breathing Space), ``stopped_on`` (an enforcement step that stopped it), ``source`` (the table row).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from itertools import pairwise

from docgen.domain.calendar import add_months
from docgen.domain.case import Case, InterestBasis, Judgment
from docgen.domain.money import ZERO, fmt_gbp, money
from docgen.domain.moratorium import Moratorium, accruing_stretches, moratoria
from docgen.domain.tables import TableError, lookup

_STEP_DAYS = {"weekly": 7, "fortnightly": 14}
_PER_MONTH = {"monthly": 1, "fortnightly": 2, "weekly": 4}

#: Recorded steps that stop judgment-debt interest under the 1991 Order. A charging order does not.
STOPPING_ENFORCEMENT = ("warrant_of_control", "attachment_of_earnings", "enforcement_agent")


@dataclass(frozen=True)
class InterestStretch:
    """A stretch on which the same principal carried interest: days ``start < d <= end``."""

    start: date
    end: date
    days: int
    principal: Decimal
    amount: Decimal  # to the penny


@dataclass(frozen=True)
class JudgmentInterest:
    applies: bool
    reason: str
    rate: Decimal | None
    start: date | None
    end: date | None
    stretches: tuple[InterestStretch, ...]
    total: Decimal
    daily_rate: Decimal
    moratorium_days: int
    stopped_on: date | None
    source: str

    @property
    def running(self) -> bool:
        """Interest is accruing at the end of the stretch (a daily rate may be stated)."""
        return self.applies and self.stopped_on is None and self.daily_rate > 0


@dataclass(frozen=True)
class JudgmentPosition:
    """A judgment on a date: what is owed, what has fallen due under any instalment order, and how far
    the debtor is behind."""

    judgment: Judgment
    as_of: date
    total: Decimal
    paid: Decimal
    outstanding: Decimal
    by_instalments: bool
    instalments_fallen_due: int
    due_to_date: Decimal
    arrears: Decimal
    instalments_unpaid: int
    interest: JudgmentInterest
    warnings: tuple[str, ...] = field(default=())

    @property
    def balance(self) -> Decimal:
        """The judgment balance with any judgment-debt interest: what the papers state as owing."""
        return self.outstanding + self.interest.total

    @property
    def forthwith_unpaid(self) -> bool:
        return not self.by_instalments and self.outstanding > 0

    @property
    def in_default(self) -> bool:
        return self.arrears > 0 or self.forthwith_unpaid

    @property
    def one_instalment(self) -> Decimal | None:
        """One monthly instalment, or four weekly (two fortnightly) ones: the alternative minimum for a
        warrant on an instalment judgment."""
        inst = self.judgment.instalments
        if inst is None:
            return None
        return inst.amount * _PER_MONTH[inst.frequency]

    def years_since(self) -> int:
        years = self.as_of.year - self.judgment.date.year
        if (self.as_of.month, self.as_of.day) < (self.judgment.date.month, self.judgment.date.day):
            years -= 1
        return years


# -- instalments ------------------------------------------------------------------------------


def instalment_dates(j: Judgment, as_of: date) -> list[date]:
    """Due dates of the instalments fallen due by ``as_of`` (at most as many as pay the total)."""
    inst = j.instalments
    if inst is None or inst.amount <= 0:
        return []
    needed = math.ceil(j.total / inst.amount)
    out: list[date] = []
    for k in range(needed):
        if inst.frequency == "monthly":
            due = add_months(inst.first_due, k)
        else:
            due = inst.first_due + timedelta(days=_STEP_DAYS[inst.frequency] * k)
        if due > as_of:
            break
        out.append(due)
    return out


def _due_by(j: Judgment, day: date) -> Decimal:
    """What the judgment required to have been paid by the end of ``day``."""
    if j.instalments is None:
        return j.total if day >= j.date else ZERO
    return min(j.total, j.instalments.amount * len(instalment_dates(j, day)))


# -- payments since judgment ------------------------------------------------------------------


@dataclass(frozen=True)
class _Payments:
    dated: tuple[tuple[date, Decimal], ...]  # payments after the judgment date, oldest first
    undated: Decimal  # recorded on the judgment as paid since, with no dated payment to match
    warnings: tuple[str, ...]

    def paid_by(self, day: date) -> Decimal:
        return self.undated + sum((a for d, a in self.dated if d <= day), ZERO)


def _payments(j: Judgment, case: Case | None) -> _Payments:
    if case is None:
        return _Payments((), j.paid_since, ())
    dated = tuple(sorted((p.date, p.amount) for p in case.payments if p.date > j.date))
    itemised = sum((a for _, a in dated), ZERO)
    warnings: list[str] = []
    undated = ZERO
    if j.paid_since > itemised:
        undated = j.paid_since - itemised
        warnings.append(
            f"The judgment in claim {j.claim_number} records {fmt_gbp(j.paid_since)} paid since judgment, "
            f"but only {fmt_gbp(itemised)} of payments after {j.date:%d/%m/%Y} are recorded with dates. "
            f"The other {fmt_gbp(undated)} is treated as paid on the day of judgment; record the payments "
            "with their dates for exact figures."
        )
    elif 0 < j.paid_since < itemised:
        warnings.append(
            f"The judgment in claim {j.claim_number} records {fmt_gbp(j.paid_since)} paid since judgment, "
            f"but {fmt_gbp(itemised)} of payments are recorded after {j.date:%d/%m/%Y}. The figures use the "
            "recorded payments; correct the judgment's record if some of them were for another debt."
        )
    return _Payments(dated, undated, tuple(warnings))


# -- judgment-debt interest -------------------------------------------------------------------


def _not_running(reason: str, source: str = "", rate: Decimal | None = None) -> JudgmentInterest:
    return JudgmentInterest(False, reason, rate, None, None, (), ZERO, ZERO, 0, None, source)


def _enforcement_stop(case: Case | None, j: Judgment, as_of: date) -> date | None:
    if case is None:
        return None
    steps = [
        h.date for h in case.recovery_history if h.action in STOPPING_ENFORCEMENT and j.date < h.date <= as_of
    ]
    return min(steps) if steps else None


def judgment_interest(
    j: Judgment, as_of: date, case: Case | None = None, payments: _Payments | None = None
) -> tuple[JudgmentInterest, tuple[str, ...]]:
    """Interest on the judgment debt under the 1991 Order, to ``as_of``, and warnings for the officer.

    - Only a "relevant judgment" carries it: one for not less than the table's minimum (£5,000: the
      judgment sum with any interest it awarded, costs apart), or for a qualifying debt under the Late
      Payment Act whatever its amount (from 1 November 1998).
    - The rate is the table's rate on the date of judgment, fixed for the judgment.
    - On a judgment payable by instalments it runs only on instalments fallen due and unpaid, each
      from its due date: nothing while the order is kept to.
    - It stops at the end of the day of the first enforcement step other than a charging order
      (warrant of control, attachment of earnings order, enforcement agent).
    - No day of a Breathing Space moratorium counts.
    - Payments reduce the principal from the day after they are made; none is taken as paying
      interest first (the lower figure).
    """
    payments = payments or _payments(j, case)
    try:
        row = lookup("judgment_interest", j.date)
    except TableError:
        return _not_running("judgments given before 1 July 1991 carry no interest under the 1991 Order"), ()
    source = row.cite()
    rate = row.dec("rate")
    minimum = row.dec("minimum_judgment")
    sum_awarded = j.amount + j.interest
    qualifying = (
        bool(row["late_payment_debts_any_amount"])
        and case is not None
        and case.interest.basis is InterestBasis.late_payment_act
    )
    warnings: list[str] = []
    if sum_awarded < minimum and not qualifying:
        if j.total >= minimum:
            warnings.append(
                f"The judgment in claim {j.claim_number} is for {fmt_gbp(sum_awarded)} with "
                f"{fmt_gbp(j.costs)} costs. Whether costs count towards the {fmt_gbp(minimum)} needed for "
                "judgment-debt interest is not settled, so no interest on the judgment is included."
            )
        return _not_running(
            f"a County Court judgment for less than {fmt_gbp(minimum)} carries no interest under the "
            "County Courts (Interest on Judgment Debts) Order 1991",
            source,
            rate,
        ), tuple(warnings)

    stop = _enforcement_stop(case, j, as_of)
    end = min(as_of, stop) if stop else as_of
    if stop:
        warnings.append(
            f"Interest on the judgment in claim {j.claim_number} stopped on {stop:%d/%m/%Y}, when "
            "enforcement was taken. If that enforcement produced no payment at all, interest may be claimed "
            "as if it had not been taken: check before relying on the lower figure."
        )
    periods: tuple[Moratorium, ...] = moratoria(case) if case is not None else ()
    stretches, skipped = accruing_stretches(j.date, end, periods)

    # principal carrying interest changes on payment days and instalment due days
    events = {d for d, _ in payments.dated if j.date < d < end}
    if j.instalments is not None:
        events |= {d for d in instalment_dates(j, end) if j.date < d < end}

    def principal_on(day: date) -> Decimal:
        paid = payments.paid_by(day)
        owed = j.total - paid if j.instalments is None else _due_by(j, day) - paid
        return max(owed, ZERO)

    pieces: list[InterestStretch] = []
    days_in_year = int(lookup("interest_defaults", j.date)["days_in_year"])
    for a, b in stretches:
        points = [a, *sorted(d for d in events if a < d < b), b]
        for x, y in pairwise(points):
            principal = principal_on(x)
            days = (y - x).days
            if principal <= 0 or days <= 0:
                continue
            amount = money(principal * rate * days / (100 * days_in_year))
            if pieces and pieces[-1].principal == principal and pieces[-1].end == x:
                prev = pieces.pop()
                merged_days = prev.days + days
                amount = money(principal * rate * merged_days / (100 * days_in_year))
                pieces.append(InterestStretch(prev.start, y, merged_days, principal, amount))
            else:
                pieces.append(InterestStretch(x, y, days, principal, amount))
    total = sum((p.amount for p in pieces), ZERO)
    now = principal_on(end)
    daily = money(now * rate / (100 * days_in_year)) if not stop else ZERO
    if j.instalments is not None:
        reason = (
            f"interest at {rate.normalize():f}% a year under the 1991 Order on instalments fallen due and "
            "unpaid, each from its due date"
        )
    else:
        reason = f"interest at {rate.normalize():f}% a year under the 1991 Order from the date of judgment"
    if skipped:
        reason += f", leaving out {skipped} days of Breathing Space"
    return (
        JudgmentInterest(
            applies=True,
            reason=reason,
            rate=rate,
            start=j.date,
            end=end,
            stretches=tuple(pieces),
            total=total,
            daily_rate=daily,
            moratorium_days=skipped,
            stopped_on=stop,
            source=source,
        ),
        tuple(warnings),
    )


# -- the position -------------------------------------------------------------------------------


def judgment_position(j: Judgment, as_of: date, case: Case | None = None) -> JudgmentPosition:
    """Where ``j`` stands on ``as_of`` (see the module docstring). Pass ``case`` when you have it."""
    pays = _payments(j, case)
    paid = pays.paid_by(as_of)
    dates = instalment_dates(j, as_of)
    inst = j.instalments
    due_to_date = min(j.total, inst.amount * len(dates)) if inst is not None else j.total
    arrears = max(ZERO, due_to_date - paid)
    unpaid = math.ceil(arrears / inst.amount) if inst is not None and inst.amount > 0 else 0
    interest, interest_warnings = judgment_interest(j, as_of, case, pays)
    return JudgmentPosition(
        judgment=j,
        as_of=as_of,
        total=j.total,
        paid=paid,
        outstanding=j.total - paid,
        by_instalments=inst is not None,
        instalments_fallen_due=len(dates),
        due_to_date=due_to_date,
        arrears=arrears,
        instalments_unpaid=unpaid,
        interest=interest,
        warnings=pays.warnings + interest_warnings,
    )


def judgment_positions(case: Case, as_of: date) -> tuple[JudgmentPosition, ...]:
    """One position per judgment given by ``as_of``, oldest first."""
    made = sorted((j for j in case.judgments if j.date <= as_of), key=lambda j: j.date)
    return tuple(judgment_position(j, as_of, case) for j in made)


def choose_judgment(case: Case, as_of: date, claim_number: str = "") -> Judgment | None:
    """The judgment named by ``claim_number``, else the latest one still owing on ``as_of`` (else the
    latest one given by then); None when the case records none by ``as_of``."""
    made = [j for j in case.judgments if j.date <= as_of]
    wanted = claim_number.strip()
    if wanted:
        return next((j for j in made if j.claim_number == wanted), None)
    owing = [j for j in made if j.outstanding > 0]
    pool = owing or made
    return max(pool, key=lambda j: j.date) if pool else None
