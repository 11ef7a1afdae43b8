"""Eligibility and figures of the enforcement documents (N379, N337, N323, N244) on the shared cases."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from docgen.documents import registry
from docgen.documents.enforcement import judgment_position, n379_basis
from tests.fixtures.enforcement_cases import SampleCase

pytestmark = pytest.mark.shared

AS_OF = date(2025, 6, 2)
JWP = "judgment-with-property"
CTX = "council-tax-liability-orders"
COMPANY = "sundry-commercial-company"


def codes(
    doc_type: str, case: Any, *, as_of: date = AS_OF, blocking: bool = True, **options: Any
) -> set[str]:
    problems = registry.get(doc_type).eligibility_of(case, as_of, options)
    return {p.code for p in problems if p.blocking == blocking}


def small_judgment(data: dict[str, Any]) -> None:
    """The Croydon judgment cut to £3,000 with £400 paid: inside the County Court's warrant limit."""
    j = data["judgments"][0]
    j["amount"], j["costs"] = "2700.00", "300.00"


# -- where the judgment stands ------------------------------------------------------------------


def test_judgment_position_counts_instalments_due_and_unpaid(sample_case: SampleCase) -> None:
    case = sample_case(JWP)
    pos = judgment_position(case.judgments[0], AS_OF)
    # GIVEN £200 a month from 14 Dec 2022 and £400 paid, WHEN counted on 2 Jun 2025 (30 instalments due)
    assert pos.total == Decimal("10021.31")
    assert pos.outstanding == Decimal("9621.31")
    assert pos.instalments_fallen_due == 30
    assert pos.due_to_date == Decimal("6000.00")
    assert pos.arrears == Decimal("5600.00")
    assert pos.instalments_unpaid == 28
    assert pos.in_default


def test_instalments_due_stop_at_the_judgment_total(sample_case: SampleCase) -> None:
    pos = judgment_position(sample_case(JWP).judgments[0], date(2030, 1, 1))
    assert pos.due_to_date == pos.total
    assert pos.arrears == pos.total - pos.paid


# -- N379 ----------------------------------------------------------------------------------------


def test_n379_on_the_judgment_lists_co_owner_and_mortgagee_to_be_served(sample_case: SampleCase) -> None:
    case = sample_case(JWP)
    n379 = registry.get("n379")
    assert codes("n379", case) == set()
    # the chargee's address is not in the case: a warning, not a refusal
    assert codes("n379", case, blocking=False) == {"chargee_address_unknown"}
    ctx = n379.context_of(case, AS_OF, {})
    served = {p["name"]: p["capacity"] for p in ctx["persons"]}
    assert served["Kwame Adebayo"].startswith("Co-owner")
    assert served["Nationwide Building Society"].startswith("Chargee")
    assert ctx["amount_due"] == Decimal("9621.31")
    assert ctx["made_after_cutoff"] is True
    assert ctx["assets"][0]["joint"] and ctx["assets"][0]["title_number"] == "SGL412345"
    assert ctx["fee"] > 0


def test_n379_council_tax_is_the_reg50_variant_in_the_dwellings_court(sample_case: SampleCase) -> None:
    case = sample_case(CTX)
    assert n379_basis(case, AS_OF, {}) == "reg50"
    assert codes("n379", case) == set()
    ctx = registry.get("n379").context_of(case, AS_OF, {})
    assert ctx["reg50"] is True
    assert ctx["court"] == "County Court at Uxbridge"
    assert ctx["amount_due"] == Decimal("6016.49")
    assert (
        registry.get("n379").context_of(case, AS_OF, {"court": "County Court at Slough"})["court"]
        == "County Court at Slough"
    )


def test_n379_reg50_refused_below_1000_under_the_liability_orders(sample_case: SampleCase) -> None:
    def mostly_paid(data: dict[str, Any]) -> None:
        data["payments"].append({"date": "2025-01-10", "amount": "5200.00", "method": "card"})

    assert "below_council_tax_minimum" in codes("n379", sample_case(CTX, mostly_paid))


def test_n379_refusals(sample_case: SampleCase) -> None:
    def no_property(data: dict[str, Any]) -> None:
        data["properties"] = []

    def no_title(data: dict[str, Any]) -> None:
        data["properties"][0]["title_number"] = None
        data["properties"][0]["debtor_interest"] = None

    def rates(data: dict[str, Any]) -> None:
        data["debt_type"] = "business_rates"

    def no_judgment(data: dict[str, Any]) -> None:
        data["judgments"] = []

    assert "no_property" in codes("n379", sample_case(JWP, no_property))
    assert {"missing_title_number", "missing_debtor_interest"} <= codes("n379", sample_case(JWP, no_title))
    assert "reg50_council_tax_only" in codes("n379", sample_case(CTX, rates), basis="reg50")
    assert "no_judgment" in codes("n379", sample_case(JWP, no_judgment))
    assert "unknown_judgment" in codes("n379", sample_case(JWP), claim_number="NOPE")
    assert "bad_option" in codes("n379", sample_case(JWP), basis="writ")


# -- N337 ----------------------------------------------------------------------------------------


def test_n337_for_the_employed_judgment_debtor(sample_case: SampleCase) -> None:
    case = sample_case(JWP)
    assert codes("n337", case) == set()
    ctx = registry.get("n337").context_of(case, AS_OF, {})
    assert ctx["employer"].name == "Southern Rail Services Ltd"
    assert ctx["judgment"]["instalments_unpaid"] == 28


def test_n337_refused_for_the_self_employed_council_tax_debtor(sample_case: SampleCase) -> None:
    problems = registry.get("n337").eligibility_of(sample_case(CTX), AS_OF, {})
    by_code = {p.code: p for p in problems}
    assert by_code["self_employed"].path == "debtors[0].employment.status"
    assert "regulation 37" in by_code["no_judgment"].message


@pytest.mark.parametrize(("status", "code"), [("unemployed", "unemployed"), ("retired", "retired")])
def test_n337_refused_without_earnings(sample_case: SampleCase, status: str, code: str) -> None:
    def edit(data: dict[str, Any]) -> None:
        data["debtors"][0]["employment"] = {"status": status}

    assert code in codes("n337", sample_case(JWP, edit))


def test_n337_refused_for_a_company_below_50_and_with_no_missed_payment(sample_case: SampleCase) -> None:
    assert "company" in codes("n337", sample_case(COMPANY))

    def nearly_paid(data: dict[str, Any]) -> None:
        data["judgments"][0]["paid_since"] = "9980.00"

    assert "below_minimum" in codes("n337", sample_case(JWP, nearly_paid))

    def up_to_date(data: dict[str, Any]) -> None:
        data["judgments"][0]["paid_since"] = "6000.00"
        data["recovery_history"] = [h for h in data["recovery_history"] if h["action"] != "broken_plan"]

    assert "no_missed_payment" in codes("n337", sample_case(JWP, up_to_date))


# -- N323 ----------------------------------------------------------------------------------------


def test_n323_over_5000_points_to_high_court_enforcement(sample_case: SampleCase) -> None:
    problems = registry.get("n323").eligibility_of(sample_case(JWP), AS_OF, {})
    (high,) = [p for p in problems if p.code == "high_court_enforcement"]
    assert "section 42" in high.message and "High Court Enforcement Officer" in high.message


def test_n323_under_5000_is_eligible_and_totals_the_warrant(sample_case: SampleCase) -> None:
    case = sample_case(JWP, small_judgment)
    assert codes("n323", case) == set()
    ctx = registry.get("n323").context_of(case, AS_OF, {})
    assert ctx["judgment"]["outstanding"] == Decimal("2600.00")
    assert ctx["warrant_total"] == Decimal("2600.00") + ctx["fee"]
    part = registry.get("n323").context_of(case, AS_OF, {"warrant_amount": "500.00"})
    assert part["warrant_amount"] == Decimal("500.00")
    assert "bad_option" in codes("n323", case, warrant_amount="9000")
    assert "bad_option" in codes("n323", case, warrant_amount="lots")


def test_n323_needs_permission_after_six_years(sample_case: SampleCase) -> None:
    case = sample_case(JWP, small_judgment)
    later = date(2028, 11, 14)
    problems = registry.get("n323").eligibility_of(case, later, {"override_limitation": "judgment debt"})
    (perm,) = [p for p in problems if p.code == "permission_needed"]
    assert "N244" in perm.message and "CPR 83.2" in perm.message
    assert "--option" not in perm.message and "application=permission_to_enforce" in perm.hint
    assert "permission_needed" not in codes("n323", case, as_of=date(2028, 11, 13), override_limitation="x")
    assert "permission_needed" not in codes(
        "n323", case, as_of=later, override_limitation="x", permission_order="District Judge, 1 Dec 2028"
    )


def test_n323_refused_below_the_minimum_or_one_instalment(sample_case: SampleCase) -> None:
    def small_arrears(data: dict[str, Any]) -> None:
        small_judgment(data)
        data["judgments"][0]["instalments"]["amount"] = "20.00"
        data["judgments"][0]["paid_since"] = "590.00"  # 30 x £20 fallen due: £10 in arrears

    assert "below_minimum" in codes("n323", sample_case(JWP, small_arrears))

    def one_instalment(data: dict[str, Any]) -> None:
        small_arrears(data)
        data["judgments"][0]["paid_since"] = "580.00"  # £20 behind: one monthly instalment

    assert "below_minimum" not in codes("n323", sample_case(JWP, one_instalment))


# -- N244 ----------------------------------------------------------------------------------------


def test_n244_needs_an_application_and_takes_the_fee_from_the_table(sample_case: SampleCase) -> None:
    case = sample_case(JWP)
    assert "application_required" in codes("n244", case)
    assert "application_required" in codes("n244", case, application="adjournment")
    n244 = registry.get("n244")
    on = n244.context_of(case, AS_OF, {"application": "substituted_service", "notice": "on_notice"})
    off = n244.context_of(case, AS_OF, {"application": "substituted_service"})
    assert (on["fee"], off["fee"]) == (Decimal("313.00"), Decimal("123.00"))
    assert on["serve_on"] and not off["serve_on"]
    assert "CPR 6.15" in on["order_sought"]
    # before judgment the claim must be named
    assert "claim_details_required" in codes("n244", sample_case(COMPANY), application="substituted_service")
    assert (
        codes(
            "n244",
            sample_case(COMPANY),
            application="substituted_service",
            claim_number="K1AB2CD3",
            court="County Court at Bromley",
        )
        == set()
    )


def test_n244_permission_to_enforce(sample_case: SampleCase) -> None:
    case = sample_case(JWP)
    assert codes("n244", case, application="permission_to_enforce") == set()
    assert codes("n244", case, blocking=False, application="permission_to_enforce") == {
        "permission_not_needed"
    }
    ctx = registry.get("n244").context_of(case, AS_OF, {"application": "permission_to_enforce"})
    assert "CPR 83.2(3)(a)" in ctx["order_sought"] and "14 November 2022" in ctx["order_sought"]
    assert "bad_option" in codes("n244", case, application="permission_to_enforce", notice="sometimes")


# -- blocks shared with the claims ----------------------------------------------------------------

INDIVIDUAL_TYPES = [
    ("n379", {}),
    ("n337", {}),
    ("n323", {}),
    ("n244", {"application": "permission_to_enforce"}),
    ("statutory_demand_individual", {}),
    ("bankruptcy_petition", {"court": "County Court at Croydon"}),
    ("certificate_of_service_sd", {}),
]


@pytest.mark.parametrize(("doc_type", "options"), INDIVIDUAL_TYPES)
def test_breathing_space_and_death_block_every_type(
    sample_case: SampleCase, doc_type: str, options: dict[str, Any]
) -> None:
    def breathing(data: dict[str, Any]) -> None:
        data["debtors"][0]["breathing_space"] = {"start": "2025-05-20", "end": None}
        data["recovery_history"].append(
            {"date": "2025-03-01", "action": "statutory_demand_served", "method": "personal"}
        )

    def died(data: dict[str, Any]) -> None:
        data["debtors"][0]["deceased_on"] = "2025-04-30"

    assert "breathing_space" in codes(doc_type, sample_case(JWP, breathing), **options)
    assert "deceased" in codes(doc_type, sample_case(JWP, died), **options)


@pytest.mark.parametrize("doc_type", ["statutory_demand_company", "winding_up_petition"])
def test_statute_barred_blocks_company_papers_unless_overridden(
    sample_case: SampleCase, doc_type: str
) -> None:
    case = sample_case(COMPANY)
    assert "statute_barred" in codes(doc_type, case, as_of=date(2031, 1, 1), court="High Court")
    assert "statute_barred" not in codes(
        doc_type,
        case,
        as_of=date(2031, 1, 1),
        court="High Court",
        override_limitation="acknowledged in writing 2029",
    )
