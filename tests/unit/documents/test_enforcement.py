"""Eligibility and figures of the enforcement documents (N379, N337, N323, N244) on the shared cases."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from docgen.config import Settings
from docgen.documents import registry
from docgen.documents.enforcement.n379 import basis_of
from docgen.domain.case import Case, load_case
from docgen.domain.judgment import judgment_position
from tests.fixtures.enforcement_cases import TEST_CASES_DIR, SampleCase

pytestmark = pytest.mark.shared

AS_OF = date(2025, 6, 2)
JWP = "judgment-with-property"
CTX = "council-tax-liability-orders"
COMPANY = "sundry-commercial-company"


def codes(
    doc_type: str,
    case: Any,
    *,
    as_of: date = AS_OF,
    blocking: bool = True,
    settings: Settings | None = None,
    **options: Any,
) -> set[str]:
    dt = registry.get(doc_type)
    problems = dt.eligibility(dt.request(case, as_of, options, settings=settings))
    return {p.code for p in problems if p.blocking == blocking}


def context(doc_type: str, case: Case, settings: Settings | None = None, **options: Any) -> dict[str, Any]:
    dt = registry.get(doc_type)
    return dt.context(dt.request(case, AS_OF, options, settings=settings))


def data_case(name: str) -> Case:
    return load_case(TEST_CASES_DIR / f"{name}.json")


def addresses(data: dict[str, Any]) -> None:
    """The co-owner's and the mortgagee's addresses recorded, as PD 73 para 1.2 needs."""
    prop = data["properties"][0]
    prop["co_owners"] = [
        {
            "name": "Kwame Adebayo",
            "address": {"lines": ["14 Birchanger Road"], "town": "London", "postcode": "SE25 5BA"},
        }
    ]
    prop["charges"][0]["address"] = {
        "lines": ["Nationwide House", "Pipers Way"],
        "town": "Swindon",
        "postcode": "SN38 1NW",
    }


def small_judgment(data: dict[str, Any]) -> None:
    """The Croydon judgment cut to £3,000 with £400 paid: inside the County Court's warrant limit."""
    j = data["judgments"][0]
    j["amount"], j["costs"] = "2700.00", "300.00"


# -- where the judgment stands ------------------------------------------------------------------


def test_judgment_position_counts_instalments_due_and_unpaid(sample_case: SampleCase) -> None:
    case = sample_case(JWP)
    pos = judgment_position(case.judgments[0], AS_OF, case)
    # GIVEN £200 a month from 14 Dec 2022 and £400 paid, WHEN counted on 2 Jun 2025 (30 instalments due)
    assert pos.total == Decimal("10021.31")
    assert pos.outstanding == Decimal("9621.31")
    assert pos.instalments_fallen_due == 30
    assert pos.due_to_date == Decimal("6000.00")
    assert pos.arrears == Decimal("5600.00")
    assert pos.instalments_unpaid == 28
    assert pos.in_default


def test_instalments_due_stop_at_the_judgment_total(sample_case: SampleCase) -> None:
    case = sample_case(JWP)
    pos = judgment_position(case.judgments[0], date(2030, 1, 1), case)
    assert pos.due_to_date == pos.total
    assert pos.arrears == pos.total - pos.paid


# -- N379 ----------------------------------------------------------------------------------------


def test_n379_every_co_owner_and_chargee_is_served_at_an_address(sample_case: SampleCase) -> None:
    """PD 73 para 1.2 and CPR 73.7: the shared case records neither the co-owner's nor the mortgagee's
    address, so the application is refused until both are recorded."""
    problems = registry.get("n379").eligibility_of(sample_case(JWP), AS_OF, {})
    blocking = {p.path: p for p in problems if p.blocking}
    assert blocking["properties[0].charges[0].address"].code == "chargee_address_unknown"
    assert "record the chargee's address" in blocking["properties[0].charges[0].address"].message
    assert blocking["properties[0].co_owners[0].address"].code == "co_owner_address_unknown"
    assert "record the co-owner's address" in blocking["properties[0].co_owners[0].address"].message
    case = sample_case(JWP, addresses)
    assert codes("n379", case) == set()
    ctx = context("n379", case)
    served = {p["name"]: (p["capacity"], p["address"]) for p in ctx["persons"]}
    assert served["Kwame Adebayo"] == (
        "Co-owner of 14 Birchanger Road, London, SE25 5BA",
        "14 Birchanger Road, London, SE25 5BA",
    )
    assert served["Nationwide Building Society"][1] == "Nationwide House, Pipers Way, Swindon, SN38 1NW"
    assert served["Ms Zoë Adébáyọ̀"][0] == "Judgment debtor"
    assert ctx["amount_due"] == Decimal("9621.31")
    assert ctx["made_after_cutoff"] is True
    assert ctx["assets"][0]["joint"] and ctx["assets"][0]["title_number"] == "SGL412345"
    assert ctx["fee"] > 0 and ctx["sot"]["believes"] == "The judgment creditor believes"


def test_a_chargee_without_an_address_in_the_test_data(council_settings: Settings) -> None:
    case = data_case("chargee-no-address")
    assert codes("n379", case, settings=council_settings) == {"chargee_address_unknown"}


def test_n379_council_tax_is_the_reg50_variant_in_the_dwellings_court(
    sample_case: SampleCase, council_settings: Settings
) -> None:
    case = sample_case(CTX)
    assert basis_of(case, AS_OF, {}) == "reg50"
    assert codes("n379", case, settings=council_settings) == set()
    ctx = context("n379", case, council_settings)
    assert ctx["reg50"] is True
    assert ctx["court"] == "County Court at Uxbridge"  # the council's list of courts for UB8
    assert ctx["amount_due"] == Decimal("6016.49")
    assert ctx["sot"]["believes"] == "The billing authority believes"
    assert "billing authority" in ctx["sot"]["capacity"]
    assert {p["capacity"] for p in ctx["persons"]} == {"Debtor liable under the liability orders"}
    # the officer's choice never overrides the court the data give
    assert (
        context("n379", case, council_settings, court="County Court at Slough")["court"]
        == "County Court at Uxbridge"
    )


def test_n379_reg50_court_is_never_made_up_from_a_town(sample_case: SampleCase) -> None:
    case = sample_case(CTX)
    bare = Settings(environment="test")
    problems = registry.get("n379").eligibility(registry.get("n379").request(case, AS_OF, {}, settings=bare))
    (unknown,) = [p for p in problems if p.code == "court_unknown"]
    assert unknown.blocking and "9 Harefield Road" in unknown.message and "--option" not in unknown.message

    # recorded in the case, it is used
    def recorded(data: dict[str, Any]) -> None:
        data["properties"][0]["hearing_centre"] = "County Court at Uxbridge"

    assert context("n379", sample_case(CTX, recorded), bare)["court"] == "County Court at Uxbridge"
    # given by the officer when nothing else says: used, with a warning that it is unchecked
    assert "court_unchecked" in codes(
        "n379", case, blocking=False, settings=bare, court="County Court at Slough"
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
    assert ctx["costs"] == 0 and not ctx["represented"]  # the council acts through its own officer
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


SERVICE = {
    "application": "substituted_service",
    "alternative_method": "email",
    "method_details": "daniel.okoro@example.com, the address he used to write to the council",
    "document": "application",
}


def test_n244_needs_an_application(sample_case: SampleCase) -> None:
    case = sample_case(JWP)
    assert "application_required" in codes("n244", case)
    assert "application_required" in codes("n244", case, application="adjournment")


def test_n244_permission_only_for_a_judgment_six_years_old(sample_case: SampleCase) -> None:
    """The young judgment (1 September 2021) is under six years old on 2 June 2025: an application
    saying it needs permission on account of its age would be untrue, so it is refused."""
    young = data_case("judgment-young")
    assert "permission_not_needed" in codes(
        "n244", young, application="permission_to_enforce", delay_reason="x"
    )
    assert "permission_not_needed" in codes("n244", sample_case(JWP), application="permission_to_enforce")


def test_n244_permission_on_the_old_judgment(sample_case: SampleCase) -> None:
    """Judgment 10 May 2018 for £1,800 + £105 costs = £1,905, nothing paid: seven years old on 2 June
    2025, under £5,000, so a County Court warrant of control."""
    old = data_case("judgment-old")
    assert codes("n244", old, application="permission_to_enforce") == {"delay_reason_required"}
    opts = {
        "application": "permission_to_enforce",
        "delay_reason": "the debtor moved and was traced only in 2025",
    }
    assert codes("n244", old, **opts) == set()
    ctx = context("n244", old, **opts)
    assert ctx["order_sought"] == (
        "The claimant be given permission under CPR 83.2(3)(a) to enforce the judgment of the County Court at "
        "Testbridge dated 10 May 2018 in claim D7KQ2W1X by a warrant of control in the County Court."
    )
    assert (
        "Judgment was given on 10 May 2018 for £1,905.00, 7 years before this application" in ctx["reasons"]
    )
    assert "£0.00 has been paid since judgment and £1,905.00 of the judgment remains unpaid" in ctx["reasons"]
    assert "because the debtor moved and was traced only in 2025" in ctx["reasons"]
    assert "more than six years" not in ctx["reasons"]
    assert [h["action"] for h in ctx["steps_since"]] == ["Visit"]
    assert "bad_option" not in codes("n244", old, **opts, notice="on_notice")


def test_n244_never_asks_for_a_warrant_of_control_from_5000(sample_case: SampleCase) -> None:
    def big(data: dict[str, Any]) -> None:
        data["judgments"][0]["amount"] = "7200.00"

    old = load_case(TEST_CASES_DIR / "judgment-old.json")
    raw = old.model_dump(mode="json", by_alias=True)
    big(raw)
    from docgen.domain.case import parse_case

    case = parse_case(raw)
    opts = {"application": "permission_to_enforce", "delay_reason": "traced in 2025"}
    assert (
        "writ of control, the judgment to be transferred to the High Court"
        in context("n244", case, **opts)["order_sought"]
    )
    assert "high_court_enforcement" in codes("n244", case, **opts, enforce_by="warrant_of_control")


def test_n244_alternative_service_needs_the_failed_attempts(sample_case: SampleCase) -> None:
    young = data_case("judgment-young")
    assert codes("n244", young, **SERVICE) == set()
    ctx = context("n244", young, **SERVICE)
    assert [(a["date"], a["by"]) for a in ctx["attempts"]] == [
        (date(2025, 3, 10), "Sam Reed, process server"),
        (date(2025, 3, 13), "Sam Reed, process server"),
    ]
    assert "by e-mail, namely daniel.okoro@example.com" in ctx["order_sought"]
    assert "tried to serve the application notice on the defendant 2 times" in ctx["reasons"]
    assert (ctx["fee"], context("n244", young, **SERVICE, notice="on_notice")["fee"]) == (
        Decimal("123.00"),
        Decimal("313.00"),
    )
    # attempts at another document do not count
    assert "no_service_attempts" in codes("n244", young, **{**SERVICE, "document": "claim_form"})
    assert "no_service_attempts" in codes("n244", sample_case(JWP), **SERVICE)


def test_n244_alternative_service_must_need_the_courts_permission() -> None:
    young = data_case("judgment-young")
    home = {
        **SERVICE,
        "alternative_method": "post_elsewhere",
        "method_details": "41 Ferry Lane, Testbridge, TB2 6FL",
    }
    assert "permission_not_needed" in codes("n244", young, **home)
    assert {"alternative_method_required", "method_details_required"} <= codes(
        "n244", young, application="substituted_service", document="application"
    )


def test_n244_before_judgment_names_the_claim(sample_case: SampleCase) -> None:
    assert "claim_details_required" in codes("n244", sample_case(COMPANY), **SERVICE)


# -- blocks shared with the claims ----------------------------------------------------------------

INDIVIDUAL_TYPES = [
    ("n379", {}),
    ("n337", {}),
    ("n323", {}),
    ("n244", {"application": "permission_to_enforce", "delay_reason": "x"}),
    ("statutory_demand_individual", {}),
    ("bankruptcy_petition", {}),
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
    assert "statute_barred" in codes(doc_type, case, as_of=date(2031, 1, 1))
    assert "statute_barred" not in codes(
        doc_type, case, as_of=date(2031, 1, 1), override_limitation="acknowledged in writing 2029"
    )
