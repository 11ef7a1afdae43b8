"""Breathing Space: the days on which no interest, fees or charges may accrue on a moratorium debt.

Debt Respite Scheme (Breathing Space Moratorium and Mental Health Crisis Moratorium) (England and
Wales) Regulations 2020 (SI 2020/1311), reg 7: while a moratorium lasts the creditor must not charge
interest, fees, penalties or charges that accrue on a moratorium debt during the moratorium. Every
interest figure in docgen therefore leaves those days out.

Day convention (the same as every interest figure in docgen): interest for the stretch from ``start``
to ``end`` accrues on each day ``d`` with ``start < d <= end``; ``(end - start).days`` days. A
moratorium from ``m0`` to ``m1`` (both inclusive; ``m1`` None while it lasts) takes out every such day
with ``m0 <= d <= m1``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from docgen.domain.case import Case


@dataclass(frozen=True)
class Moratorium:
    start: date
    end: date | None  # inclusive; None while it lasts
    debtor: str

    def last_day(self, fallback: date) -> date:
        return self.end if self.end is not None else fallback


def moratoria(case: Case) -> tuple[Moratorium, ...]:
    """Every Breathing Space recorded on the case's debtors, earliest first."""
    out = [
        Moratorium(d.breathing_space.start, d.breathing_space.end, d.display_name)
        for d in case.debtors
        if d.breathing_space is not None
    ]
    return tuple(sorted(out, key=lambda m: m.start))


def accruing_stretches(
    start: date, end: date, periods: tuple[Moratorium, ...]
) -> tuple[tuple[tuple[date, date], ...], int]:
    """The stretches of ``start``..``end`` on which interest may accrue, and the number of days left
    out because a moratorium covered them.

    Each stretch ``(a, b)`` accrues ``(b - a).days`` days. With no moratorium the answer is
    ``(((start, end),), 0)``.
    """
    if end <= start:
        return (), 0
    stretches: list[tuple[date, date]] = []
    cursor = start
    excluded = 0
    for m in periods:
        # days d with m.start <= d <= last are excluded: as a stretch that is (m.start - 1, last]
        lo = max(m.start - timedelta(days=1), cursor)
        hi = min(m.last_day(end), end)
        if hi <= lo:
            continue
        if lo > cursor:
            stretches.append((cursor, lo))
        excluded += (hi - lo).days
        cursor = hi
    if cursor < end:
        stretches.append((cursor, end))
    return tuple(stretches), excluded


def excluded_days(start: date, end: date, periods: tuple[Moratorium, ...]) -> int:
    return accruing_stretches(start, end, periods)[1]
