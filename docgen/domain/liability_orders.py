"""What is outstanding under a case's liability orders (council tax, business rates) on a date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from docgen.domain.balance import Balance
from docgen.domain.case import Case, LiabilityOrder
from docgen.domain.money import ZERO


@dataclass(frozen=True)
class LiabilityOrderPosition:
    orders: tuple[LiabilityOrder, ...]
    amount: Decimal
    costs: Decimal
    paid: Decimal
    outstanding: Decimal


def liability_order_position(case: Case, as_of: date, balance: Balance) -> LiabilityOrderPosition:
    lines = [ln for ln in balance.lines if ln.kind == "liability_order"]
    orders = tuple(lo for lo in case.liability_orders if lo.date <= as_of)
    return LiabilityOrderPosition(
        orders=orders,
        amount=sum((lo.amount for lo in orders), ZERO),
        costs=sum((lo.costs for lo in orders), ZERO),
        paid=sum((ln.paid for ln in lines), ZERO),
        outstanding=sum((ln.outstanding for ln in lines), ZERO),
    )
