"""Eligibility and figures of the statutory demands, the certificate of service and the petitions."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from docgen.documents import registry
from docgen.documents.base import DocumentRequest
from docgen.documents.insolvency import demand_debt, demand_service, petition_debt
from docgen.domain.case import Case
from tests.fixtures.enforcement_cases import SampleCase, served

pytestmark = pytest.mark.shared

AS_OF = date(2025, 6, 2)
JWP = "judgment-with-property"
CTX = "council-tax-liability-orders"
COMPANY = "sundry-commercial-company"
COURT: dict[str, Any] = {"court": "County Court at Central London"}


def _req(case: Case, as_of: date, options: dict[str, str]) -> DocumentRequest:
    return DocumentRequest.make(case, as_of, options)


def codes(
    doc_type: str, case: Any, *, as_of: date = AS_OF, blocking: bool = True, **options: Any
) -> set[str]:
    problems = registry.get(doc_type).eligibility_of(case, as_of, options)
    return {p.code for p in problems if p.blocking == blocking}


def small_judgment(data: dict[str, Any]) -> None:
    j = data["judgments"][0]
    j["amount"], j["costs"] = "2700.00", "300.00"


def small_invoice(data: dict[str, Any]) -> None:
    data["invoices"] = data["invoices"][:1]
    data["invoices"][0]["net"], data["invoices"][0]["vat"] = "500.00", "100.00"


# -- the debt demanded --------------------------------------------------------------------------


def test_liability_order_debt_shows_costs_separately(sample_case: SampleCase) -> None:
    debt = demand_debt(_req(sample_case(CTX), AS_OF, {}))
    assert debt.founded_on == "liability_orders"
    assert [a for _, a in debt.charges] == [Decimal("96.00")] * 3
    assert debt.interest == ()
    assert debt.paid == Decimal("120.00")
    assert debt.total == Decimal("6016.49")


def test_judgment_debt_is_founded_on_the_judgment(sample_case: SampleCase) -> None:
    debt = demand_debt(_req(sample_case(JWP), AS_OF, {}))
    assert debt.founded_on == "judgment" and debt.judgment is not None
    assert debt.total == Decimal("9621.31")
    assert [a for _, a in debt.charges] == [Decimal("565.00")]


def test_invoice_debt_shows_interest_only_to_the_demand_date(sample_case: SampleCase) -> None:
    case = sample_case(COMPANY)
    early, late = demand_debt(_req(case, date(2025, 1, 1), {})), demand_debt(_req(case, AS_OF, {}))
    assert early.interest and late.interest
    assert early.interest[0][1] < late.interest[0][1]
    # Late Payment Act compensation is a charge, shown apart from interest: £70 on each £3,180 invoice
    assert [a for _, a in late.charges] == [Decimal("70.00"), Decimal("70.00")]
    assert late.total == Decimal("6210.00") + late.interest[0][1] + Decimal("140.00")


# -- statutory demands --------------------------------------------------------------------------


def test_individual_demand_on_the_council_tax_case(sample_case: SampleCase) -> None:
    case = sample_case(CTX)
    assert codes("statutory_demand_individual", case) == set()
    ctx = registry.get("statutory_demand_individual").context_of(case, AS_OF, {})
    assert (ctx["comply_days"], ctx["set_aside_days"]) == (21, 18)
    assert ctx["contact"]["phone"] == "01895 250999"


def test_individual_demand_below_the_bankruptcy_level(sample_case: SampleCase) -> None:
    case = sample_case(JWP, small_judgment)
    assert "below_bankruptcy_threshold" in codes("statutory_demand_individual", case)
    assert "aggregate_reason_required" in codes("statutory_demand_individual", case, aggregate="true")
    with_reason: dict[str, Any] = {"aggregate": "true", "aggregate_reason": "HMRC will join the petition"}
    assert codes("statutory_demand_individual", case, **with_reason) == set()
    assert "below_bankruptcy_threshold" in codes(
        "statutory_demand_individual", case, blocking=False, **with_reason
    )


def test_demands_match_the_debtor(sample_case: SampleCase) -> None:
    assert "company" in codes("statutory_demand_individual", sample_case(COMPANY))
    assert "individual" in codes("statutory_demand_company", sample_case(CTX))
    assert codes("statutory_demand_company", sample_case(COMPANY)) == set()
    assert "bad_option" in codes("statutory_demand_company", sample_case(COMPANY), founded_on="hope")
    assert "no_judgment" in codes("statutory_demand_company", sample_case(COMPANY), founded_on="judgment")


def test_company_demand_must_exceed_750(sample_case: SampleCase) -> None:
    case = sample_case(COMPANY, small_invoice)
    assert demand_debt(_req(case, AS_OF, {})).total <= Decimal("750.00")
    assert "below_company_threshold" in codes("statutory_demand_company", case)


# -- certificate of service ---------------------------------------------------------------------


def test_certificate_needs_a_recorded_service_with_its_method(sample_case: SampleCase) -> None:
    assert "no_demand_served" in codes("certificate_of_service_sd", sample_case(CTX))
    assert "service_method_missing" in codes(
        "certificate_of_service_sd", sample_case(CTX, served("2025-04-01", None))
    )
    case = sample_case(COMPANY, served("2025-04-01", "left_at_address"))
    assert codes("certificate_of_service_sd", case) == set()
    ctx = registry.get("certificate_of_service_sd").context_of(case, AS_OF, {})
    assert ctx["service"]["comply_by"] == date(2025, 4, 22)
    assert "bad_option" in codes("certificate_of_service_sd", case, demand="maybe")
    assert ctx["demand_title"].startswith("Statutory demand (company")


def test_certificate_refused_when_the_demand_cannot_be_reproduced(sample_case: SampleCase) -> None:
    def small_and_served(data: dict[str, Any]) -> None:
        small_judgment(data)
        served("2025-04-01")(data)

    case = sample_case(JWP, small_and_served)
    assert "below_bankruptcy_threshold" in codes("certificate_of_service_sd", case)
    # with the founding options the demand was made with, it can be
    assert codes("certificate_of_service_sd", case, aggregate="true", aggregate_reason="HMRC joins") == set()


def test_posted_demand_is_deemed_served_two_business_days_later(sample_case: SampleCase) -> None:
    # Thursday 17 April 2025 by post: Good Friday and Easter Monday are not business days
    svc = demand_service(sample_case(CTX, served("2025-04-17", "first_class_post")), AS_OF)
    assert svc is not None
    assert svc.deemed == date(2025, 4, 23)
    assert svc.petition_from == date(2025, 5, 15)


# -- petitions ------------------------------------------------------------------------------------


def test_petitions_refused_while_no_served_demand_is_recorded(sample_case: SampleCase) -> None:
    assert "no_statutory_demand" in codes("bankruptcy_petition", sample_case(CTX), **COURT)
    assert "no_statutory_demand" in codes("winding_up_petition", sample_case(COMPANY), **COURT)


def test_petitions_wait_21_days_after_service(sample_case: SampleCase) -> None:
    case = sample_case(CTX, served("2025-05-20"))
    problems = registry.get("bankruptcy_petition").eligibility_of(case, AS_OF, COURT)
    (running,) = [p for p in problems if p.code == "demand_period_running"]
    assert "2025-06-11" in running.message  # 20 May + 21 days = 10 June; presentable from 11 June
    assert "demand_period_running" not in codes("bankruptcy_petition", case, as_of=date(2025, 6, 11), **COURT)
    company = sample_case(COMPANY, served("2025-05-20", "left_at_address"))
    assert "demand_period_running" in codes("winding_up_petition", company, **COURT)


def test_bankruptcy_petition_on_a_served_demand(sample_case: SampleCase) -> None:
    case = sample_case(CTX, served("2025-04-01"))
    assert codes("bankruptcy_petition", case, **COURT) == set()
    assert "court_required" in codes("bankruptcy_petition", case)
    ctx = registry.get("bankruptcy_petition").context_of(case, AS_OF, COURT)
    assert ctx["deposit"] == Decimal("1500.00")
    assert ctx["debt"]["total"] == Decimal("6016.49")
    assert ctx["stale_reason"] == ""


def test_stale_demand_needs_reasons(sample_case: SampleCase) -> None:
    case = sample_case(CTX, served("2025-01-10"))
    assert "stale_demand_reason_required" in codes("bankruptcy_petition", case, **COURT)
    opts: dict[str, Any] = {**COURT, "stale_reason": "the debtor proposed an IVA that failed in May 2025"}
    assert codes("bankruptcy_petition", case, **opts) == set()
    assert (
        registry.get("bankruptcy_petition")
        .context_of(case, AS_OF, opts)["stale_reason"]
        .startswith("the debtor")
    )


def test_bankruptcy_petition_below_5000_after_payments_since_the_demand(sample_case: SampleCase) -> None:
    def paid_after(data: dict[str, Any]) -> None:
        served("2025-04-01")(data)
        data["payments"].append({"date": "2025-05-01", "amount": "1100.00", "method": "card"})

    case = sample_case(CTX, paid_after)
    assert petition_debt(_req(case, AS_OF, {}), demand_service(case, AS_OF)).total == Decimal("4916.49")
    assert "below_bankruptcy_threshold" in codes("bankruptcy_petition", case, **COURT)


def test_unsatisfied_execution_founds_a_petition_without_a_demand(sample_case: SampleCase) -> None:
    opts: dict[str, Any] = {**COURT, "unsatisfied_execution": "warrant returned nulla bona 1 May 2025"}
    assert codes("bankruptcy_petition", sample_case(JWP), **opts) == set()


def test_winding_up_petition(sample_case: SampleCase) -> None:
    case = sample_case(COMPANY, served("2025-04-01", "left_at_address"))
    assert codes("winding_up_petition", case, **COURT) == set()
    ctx = registry.get("winding_up_petition").context_of(case, AS_OF, COURT)
    assert ctx["deposit"] == Decimal("2600.00")
    assert "individual" in codes("winding_up_petition", sample_case(CTX, served("2025-04-01")), **COURT)
    assert "company" in codes("bankruptcy_petition", case, **COURT)

    def small_and_served(data: dict[str, Any]) -> None:
        small_invoice(data)
        served("2025-04-01")(data)

    assert "below_company_threshold" in codes(
        "winding_up_petition", sample_case(COMPANY, small_and_served), **COURT
    )


def test_no_s69_interest_in_a_demand(sample_case: SampleCase) -> None:
    # s.69 interest is the court's to award: a demand on the invoice itself claims none
    debt = demand_debt(_req(sample_case(JWP), AS_OF, {"founded_on": "debt"}))
    assert debt.interest == ()
    assert "section 69" in debt.interest_note
    assert debt.total == Decimal("8500.00")
