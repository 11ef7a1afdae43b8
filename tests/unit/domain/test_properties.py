"""Properties that must hold for any figures: fees never fall as claims grow; interest is linear in days."""

from __future__ import annotations

import ast
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from docgen.domain.case import parse_case
from docgen.domain.fees import issue_fee
from docgen.domain.interest import compute_interest

AS_OF = date(2026, 11, 23)
pennies = st.integers(min_value=1, max_value=50_000_000).map(lambda p: Decimal(p) / 100)


@given(a=pennies, b=pennies)
def test_fee_never_decreases_as_the_claim_grows(a: Decimal, b: Decimal) -> None:
    lo, hi = sorted((a, b))
    assert issue_fee(lo, AS_OF) <= issue_fee(hi, AS_OF)


@given(amount=pennies)
def test_fee_is_whole_pennies_and_capped(amount: Decimal) -> None:
    fee = issue_fee(amount, AS_OF)
    assert fee == fee.quantize(Decimal("0.01"))
    assert Decimal("35.00") <= fee <= Decimal("10000.00")


@settings(max_examples=60, deadline=None)
@given(
    principal=pennies, days=st.integers(min_value=1, max_value=3000), rate=st.sampled_from(["8", "4.5", "12"])
)
def test_interest_is_linear_in_days(principal: Decimal, days: int, rate: str) -> None:
    data = {
        "schema": "docgen.case/1",
        "case_ref": "P-1",
        "debt_type": "sundry",
        "creditor": {"name": "C", "address": {"lines": ["1 A St"], "town": "T", "postcode": "TB1 1AA"}},
        "debtors": [
            {
                "kind": "individual",
                "given_names": "A",
                "family_name": "B",
                "address": {"lines": ["2 B St"], "town": "T", "postcode": "TB1 1AB"},
            }
        ],
        "invoices": [{"number": "I1", "issued": "2020-01-01", "due": "2020-01-31", "net": str(principal)}],
        "interest": {"basis": "statutory_s69", "rate": rate, "from": "2020-01-31"},
        "officer": {"name": "O", "position": "P"},
    }
    case = parse_case(data)
    start = date(2020, 1, 31)
    one = compute_interest(case, start + timedelta(days=days))
    two = compute_interest(case, start + timedelta(days=2 * days))
    # one period, rounded once to the penny: the rows add up to the total printed
    exact_one = principal * Decimal(rate) * days / (100 * 365)
    exact_two = principal * Decimal(rate) * 2 * days / (100 * 365)
    assert abs(one.total - exact_one) <= Decimal("0.005")
    assert abs(two.total - exact_two) <= Decimal("0.005")
    assert one.total == sum((p.amount for ln in one.lines for p in ln.periods), Decimal(0))
    assert abs(two.total - 2 * one.total) <= Decimal("0.01")


def test_no_float_near_money() -> None:
    """No float literal or float() call in the domain code that handles money."""
    domain = Path(__file__).resolve().parents[3] / "docgen" / "domain"
    offenders = []
    for path in domain.glob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, float):
                offenders.append(f"{path.name}:{node.lineno} float literal")
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "float":
                offenders.append(f"{path.name}:{node.lineno} float()")
    assert offenders == []
