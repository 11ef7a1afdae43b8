"""Money thresholds (bankruptcy, company demand, charging order, enforcement), from the dated table."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from docgen.domain.tables import lookup


def threshold(name: str, as_of: date) -> Decimal:
    return lookup("thresholds", as_of).dec("values", name)


def period(name: str, as_of: date) -> int:
    return int(lookup("periods", as_of)["values"][name])
