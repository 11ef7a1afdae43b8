"""The balance of a case: debts less payments plus adjustments, credits allocated oldest first."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from docgen.domain.case import Case
from docgen.domain.money import ZERO, money

# (label, days overdue up to and including); None closes the last bucket
AGEING_BUCKETS: tuple[tuple[str, int | None], ...] = (
    ("not yet due", 0),
    ("1-30 days", 30),
    ("31-90 days", 90),
    ("91-365 days", 365),
    ("1-2 years", 730),
    ("2-6 years", 2191),
    ("over 6 years", None),
)


@dataclass(frozen=True)
class Allocation:
    on: date
    amount: Decimal
    source: str  # payment reference or adjustment reason


@dataclass(frozen=True)
class DebtLine:
    ref: str
    kind: str  # invoice | liability_order | charge
    description: str
    issued: date
    due: date
    net: Decimal
    vat: Decimal
    allocations: tuple[Allocation, ...]

    @property
    def amount(self) -> Decimal:
        return self.net + self.vat

    @property
    def paid(self) -> Decimal:
        return sum((a.amount for a in self.allocations), ZERO)

    @property
    def outstanding(self) -> Decimal:
        return self.amount - self.paid

    @property
    def vat_outstanding(self) -> Decimal:
        """The VAT element of what is still owed, apportioned by the share of the line unpaid."""
        if self.amount == 0 or self.vat == 0:
            return ZERO
        return money(self.vat * self.outstanding / self.amount)

    def outstanding_on(self, day: date) -> Decimal:
        return self.amount - sum((a.amount for a in self.allocations if a.on <= day), ZERO)

    def days_overdue(self, as_of: date) -> int:
        return max(0, (as_of - self.due).days)


@dataclass(frozen=True)
class Balance:
    as_of: date
    lines: tuple[DebtLine, ...]
    debits: Decimal
    payments: Decimal
    adjustments: Decimal
    outstanding: Decimal
    unallocated_credit: Decimal
    ageing: dict[str, Decimal] = field(default_factory=dict)

    @property
    def vat_outstanding(self) -> Decimal:
        return sum((line.vat_outstanding for line in self.lines), ZERO)

    @property
    def open_lines(self) -> tuple[DebtLine, ...]:
        return tuple(line for line in self.lines if line.outstanding > 0)


def _bucket(days_overdue: int) -> str:
    for label, limit in AGEING_BUCKETS:
        if limit is None or days_overdue <= limit:
            return label
    return AGEING_BUCKETS[-1][0]


def compute_balance(case: Case, as_of: date) -> Balance:
    """Everything dated after ``as_of`` is left out, so the balance on any past date can be shown."""
    raw: list[tuple[str, str, str, date, date, Decimal, Decimal]] = []
    for inv in case.invoices:
        if inv.issued <= as_of:
            raw.append((inv.number, "invoice", inv.description, inv.issued, inv.due, inv.net, inv.vat))
    for i, lo in enumerate(case.liability_orders):
        if lo.date <= as_of:
            ref = f"LO {lo.period or i + 1}"
            desc = f"Liability order, {lo.court}" + (f", {lo.period}" if lo.period else "") + " (incl. costs)"
            raw.append((ref, "liability_order", desc, lo.date, lo.date, lo.amount + lo.costs, ZERO))
    for adj in case.adjustments:
        if adj.date <= as_of and adj.amount > 0:
            raw.append(
                (f"ADJ {adj.date.isoformat()}", "charge", adj.reason, adj.date, adj.date, adj.amount, ZERO)
            )
    raw.sort(key=lambda r: (r[4], r[3], r[0]))

    credits: list[tuple[date, Decimal, str]] = [
        (p.date, p.amount, p.reference or p.method or "payment") for p in case.payments if p.date <= as_of
    ]
    credits += [
        (a.date, -a.amount, a.reason or "credit")
        for a in case.adjustments
        if a.date <= as_of and a.amount < 0
    ]
    credits.sort(key=lambda c: c[0])

    remaining = [r[5] + r[6] for r in raw]
    allocations: list[list[Allocation]] = [[] for _ in raw]
    unallocated = ZERO
    for on, amount, source in credits:
        left = amount
        for idx, owed in enumerate(remaining):
            if left <= 0:
                break
            if owed <= 0:
                continue
            take = min(owed, left)
            remaining[idx] -= take
            left -= take
            allocations[idx].append(Allocation(on=on, amount=take, source=source))
        unallocated += left

    lines = tuple(
        DebtLine(
            ref=r[0],
            kind=r[1],
            description=r[2],
            issued=r[3],
            due=r[4],
            net=r[5],
            vat=r[6],
            allocations=tuple(allocations[i]),
        )
        for i, r in enumerate(raw)
    )
    ageing = {label: ZERO for label, _ in AGEING_BUCKETS}
    for line in lines:
        if line.outstanding > 0:
            ageing[_bucket(line.days_overdue(as_of))] += line.outstanding

    debits = sum((line.amount for line in lines if line.kind != "charge"), ZERO)
    payments = sum((p.amount for p in case.payments if p.date <= as_of), ZERO)
    adjustments = sum((a.amount for a in case.adjustments if a.date <= as_of), ZERO)
    outstanding = debits - payments + adjustments
    return Balance(
        as_of=as_of,
        lines=lines,
        debits=debits,
        payments=payments,
        adjustments=adjustments,
        outstanding=outstanding,
        unallocated_credit=unallocated,
        ageing=ageing,
    )
