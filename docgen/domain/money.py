"""Money: Decimal, GBP, two places. Nothing near money is ever a float."""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

PENNY = Decimal("0.01")
ZERO = Decimal("0.00")


def money(value: Decimal | int | str) -> Decimal:
    """Round to the penny, half up (the usual rounding where the law states none)."""
    if isinstance(value, float):
        raise TypeError("money must not be built from a float")
    return Decimal(value).quantize(PENNY, rounding=ROUND_HALF_UP)


def money_down(value: Decimal) -> Decimal:
    """Round down to the penny (court fees charged as a percentage are rounded down)."""
    return value.quantize(PENNY, rounding=ROUND_DOWN)


def fmt_gbp(value: Decimal) -> str:
    """£1,234.56 (negative as -£12.00)."""
    q = money(value)
    sign = "-" if q < 0 else ""
    return f"{sign}£{abs(q):,.2f}"


def fmt_plain(value: Decimal) -> str:
    """1234.56: the form used in JSON output."""
    return f"{money(value):.2f}"


def to_pence(value: Decimal) -> int:
    return int((money(value) * 100).to_integral_value())
