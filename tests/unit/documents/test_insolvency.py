"""Eligibility and figures of the statutory demands, the certificate of service and the petitions.
Every figure asserted here is worked by hand in the test."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from docgen.config import Settings
from docgen.documents import registry
from docgen.documents.base import DocumentRequest
from docgen.documents.insolvency import debt_of, demand_service, petition_debt
from docgen.domain.case import Case, load_case
from docgen.domain.courts import CourtDirectory, bankruptcy_court, winding_up_court
from tests.fixtures.enforcement_cases import TEST_CASES_DIR, SampleCase, served

pytestmark = pytest.mark.shared

AS_OF = date(2025, 6, 2)
JWP = "judgment-with-property"
CTX = "council-tax-liability-orders"
COMPANY = "sundry-commercial-company"


@pytest.fixture
def check(council_settings: Settings) -> Any:
    """``check(doc_type, case, blocking=True, as_of=..., **options)`` -> the problem codes, with the
    installation's courts and policies."""

    def codes(
        doc_type: str, case: Case, *, as_of: date = AS_OF, blocking: bool = True, **options: Any
    ) -> set[str]:
        dt = registry.get(doc_type)
        problems = dt.eligibility(dt.request(case, as_of, options, settings=council_settings))
        return {p.code for p in problems if p.blocking == blocking}

    return codes


def _req(
    case: Case, as_of: date, options: dict[str, str], settings: Settings | None = None
) -> DocumentRequest:
    return DocumentRequest.make(case, as_of, options, settings=settings)


def small_judgment(data: dict[str, Any]) -> None:
    j = data["judgments"][0]
    j["amount"], j["costs"], j["instalments"] = "2700.00", "300.00", None


def small_invoice(data: dict[str, Any]) -> None:
    data["invoices"] = data["invoices"][:1]
    data["invoices"][0]["net"], data["invoices"][0]["vat"] = "500.00", "100.00"


def data_case(name: str) -> Case:
    return load_case(TEST_CASES_DIR / f"{name}.json")


# -- the debt demanded --------------------------------------------------------------------------


def test_liability_order_debt_shows_costs_separately(sample_case: SampleCase) -> None:
    debt = debt_of(_req(sample_case(CTX), AS_OF, {}))
    assert debt.founded_on == "liability_orders"
    assert [a for _, a in debt.charges] == [Decimal("96.00")] * 3
    assert debt.interest == ()
    assert debt.paid == Decimal("120.00")
    # 1,874.22 + 1,962.40 + 2,011.87 + 3 x 96.00 - 120.00
    assert debt.total == Decimal("6016.49")


def test_an_instalment_judgment_is_demanded_only_as_to_the_instalments_due_and_unpaid() -> None:
    """Judgment £4,950 + £455 costs, £200 a month from 1 January 2024. By 2 June 2025 eighteen
    instalments (1 January 2024 to 1 June 2025) had fallen due: £3,600; £400 was paid; £3,200 is due
    and unpaid. The other £1,805 (£5,405 - £400 - £3,200) is not yet payable and is not demanded.
    The judgment sum is under £5,000, so the 1991 Order gives no judgment interest."""
    case = data_case("instalment-judgment-arrears")
    debt = debt_of(_req(case, AS_OF, {}))
    assert debt.founded_on == "judgment" and debt.by_instalments
    assert debt.items == (
        (
            "Instalments fallen due and unpaid under the judgment of the County Court at Testbridge, "
            "claim T3JX4K7P",
            Decimal("3200.00"),
        ),
    )
    assert debt.interest == () and debt.charges == () and debt.paid == 0
    assert debt.total == Decimal("3200.00")
    assert debt.not_demanded == Decimal("1805.00")
    assert "By 2 June 2025 18 instalments had fallen due, totalling £3,600.00" in debt.made_up[1]


def test_the_instalment_rule_takes_a_demand_below_the_bankruptcy_level(check: Any) -> None:
    """The whole balance (£5,005) would pass the £5,000 level; the sum payable immediately does not."""
    case = data_case("instalment-judgment-arrears")
    assert "below_bankruptcy_threshold" in check("statutory_demand_individual", case)
    joined = {"aggregate": "yes", "aggregate_reason": "HMRC will join in the petition"}
    assert check("statutory_demand_individual", case, **joined) == set()


def test_no_demand_on_an_instalment_judgment_that_is_kept_to(check: Any) -> None:
    case = data_case("instalment-judgment-arrears")
    # on 31 December 2023 no instalment had yet fallen due
    assert "no_instalment_arrears" in check("statutory_demand_individual", case, as_of=date(2023, 12, 31))


def test_the_shared_instalment_judgment_with_judgment_interest(sample_case: SampleCase) -> None:
    """Judgment £9,456.31 + £565 costs, £200 a month from 14 December 2022: by 2 June 2025 thirty
    instalments (£6,000) had fallen due and £400 was paid, so £5,600 is due and unpaid; the judgment
    sum is £5,000 or more, so 1991 Order interest runs on each unpaid instalment from its due date."""
    debt = debt_of(_req(sample_case(JWP), AS_OF, {}))
    assert [a for _, a in debt.items] == [Decimal("5600.00")]
    [(label, interest)] = debt.interest
    assert "County Courts (Interest on Judgment Debts) Order 1991" in label
    assert interest > 0
    assert debt.total == Decimal("5600.00") + interest
    assert debt.not_demanded == Decimal("10021.31") - Decimal("400.00") - Decimal("5600.00")


def test_invoice_debt_shows_interest_only_to_the_demand_date(sample_case: SampleCase) -> None:
    case = sample_case(COMPANY)
    early, late = debt_of(_req(case, date(2025, 1, 1), {})), debt_of(_req(case, AS_OF, {}))
    assert early.interest and late.interest
    assert early.interest[0][1] < late.interest[0][1]
    # Late Payment Act compensation is a charge, shown apart from interest: £70 on each £3,180 invoice
    assert [a for _, a in late.charges] == [Decimal("70.00"), Decimal("70.00")]
    assert late.total == Decimal("6210.00") + late.interest[0][1] + Decimal("140.00")


def test_no_s69_interest_in_a_demand(sample_case: SampleCase) -> None:
    # s.69 interest is the court's to award: a demand on the invoice itself claims none
    debt = debt_of(_req(sample_case(JWP), AS_OF, {"founded_on": "debt"}))
    assert debt.interest == ()
    assert "section 69" in debt.interest_note
    assert debt.total == Decimal("8500.00")


def test_the_consideration_comes_from_what_the_debt_is_for(sample_case: SampleCase) -> None:
    debt = debt_of(_req(sample_case(JWP), AS_OF, {}))
    assert (
        "Recharge for emergency works to 14 Birchanger Road under s.80 Building Act 1984"
        in debt.consideration
    )
    assert "charges for services" not in debt.consideration
    care = debt_of(_req(sample_case("asc-care-charges-individual"), AS_OF, {}))
    assert "Care Act 2014" in care.consideration


def test_a_sundry_invoice_with_no_description_cannot_found_a_demand(
    sample_case: SampleCase, check: Any
) -> None:
    def blank(data: dict[str, Any]) -> None:
        data["invoices"][0]["description"] = ""

    assert "consideration_unknown" in check(
        "statutory_demand_individual", sample_case(JWP, blank), founded_on="debt"
    )


# -- statutory demands --------------------------------------------------------------------------


def test_individual_demand_on_the_council_tax_case(
    sample_case: SampleCase, council_settings: Settings
) -> None:
    case = sample_case(CTX)
    dt = registry.get("statutory_demand_individual")
    req = dt.request(case, AS_OF, {}, settings=council_settings)
    assert {p.code for p in dt.eligibility(req) if p.blocking} == set()
    ctx = dt.context(req)
    assert (ctx["comply_days"], ctx["set_aside_days"]) == (21, 18)
    assert ctx["contact"]["phone"] == "01895 250999"
    assert ctx["set_aside_court"] == "County Court at Uxbridge"  # from the council's list for UB8


def test_the_set_aside_court_must_be_known(sample_case: SampleCase) -> None:
    dt = registry.get("statutory_demand_individual")
    unmapped = Settings(environment="test")
    problems = dt.eligibility(dt.request(sample_case(CTX), AS_OF, {}, settings=unmapped))
    [court] = [p for p in problems if p.code == "court_unknown"]
    assert court.blocking and "9 Harefield Road" in court.message and "--option" not in court.message


def test_individual_demand_below_the_bankruptcy_level(sample_case: SampleCase, check: Any) -> None:
    case = sample_case(JWP, small_judgment)
    assert "below_bankruptcy_threshold" in check("statutory_demand_individual", case)
    assert "aggregate_reason_required" in check("statutory_demand_individual", case, aggregate="true")
    with_reason: dict[str, Any] = {"aggregate": "true", "aggregate_reason": "HMRC will join the petition"}
    assert check("statutory_demand_individual", case, **with_reason) == set()
    assert "below_bankruptcy_threshold" in check(
        "statutory_demand_individual", case, blocking=False, **with_reason
    )


def test_demands_match_the_debtor(sample_case: SampleCase, check: Any) -> None:
    assert "company" in check("statutory_demand_individual", sample_case(COMPANY))
    assert "individual" in check("statutory_demand_company", sample_case(CTX))
    assert check("statutory_demand_company", sample_case(COMPANY)) == set()
    assert "no_judgment" in check("statutory_demand_company", sample_case(COMPANY), founded_on="judgment")


def test_company_demand_must_exceed_750(sample_case: SampleCase, check: Any) -> None:
    case = sample_case(COMPANY, small_invoice)
    assert debt_of(_req(case, AS_OF, {})).total <= Decimal("750.00")
    assert "below_company_threshold" in check("statutory_demand_company", case)


# -- certificate of service ---------------------------------------------------------------------


def test_certificate_needs_a_recorded_service_with_its_method(
    sample_case: SampleCase, check: Any, council_settings: Settings
) -> None:
    assert "no_demand_served" in check("certificate_of_service_sd", sample_case(CTX))
    assert "service_method_missing" in check(
        "certificate_of_service_sd", sample_case(CTX, served("2025-04-01", None))
    )
    case = sample_case(COMPANY, served("2025-04-01", "left_at_address"))
    assert check("certificate_of_service_sd", case) == set()
    dt = registry.get("certificate_of_service_sd")
    ctx = dt.context(dt.request(case, AS_OF, {}, settings=council_settings))
    assert ctx["service"]["comply_by"] == date(2025, 4, 22)
    assert "bad_option" in check("certificate_of_service_sd", case, demand="maybe")
    assert ctx["demand_title"].startswith("Statutory demand (company")


def test_certificate_refused_when_the_demand_cannot_be_reproduced(
    sample_case: SampleCase, check: Any
) -> None:
    def small_and_served(data: dict[str, Any]) -> None:
        small_judgment(data)
        served("2025-04-01")(data)

    case = sample_case(JWP, small_and_served)
    assert "below_bankruptcy_threshold" in check("certificate_of_service_sd", case)
    # with the founding options the demand was made with, it can be
    assert check("certificate_of_service_sd", case, aggregate="true", aggregate_reason="HMRC joins") == set()


def test_a_demand_posted_to_an_individual_is_flagged(check: Any) -> None:
    """IR 2016 r.10.2: personal service where practicable. Posted with no attempt at personal
    service recorded: the certificate and the petition warn; an attempt recorded clears it."""
    case = data_case("demand-served-by-post")
    assert "personal_service_not_attempted" in check("certificate_of_service_sd", case, blocking=False)
    assert "personal_service_not_attempted" in check("bankruptcy_petition", case, blocking=False)
    tried = case.model_copy(
        update={
            "service_attempts": [
                *case.service_attempts,
                *load_case(TEST_CASES_DIR / "judgment-young.json").service_attempts[:1],
            ]
        }
    )
    # an attempt at personal service of some other document does not count
    assert "personal_service_not_attempted" in check("certificate_of_service_sd", tried, blocking=False)
    attempt = tried.service_attempts[0].model_copy(
        update={"document": "statutory_demand", "date": date(2025, 2, 27)}
    )
    tried = case.model_copy(update={"service_attempts": [attempt]})
    assert "personal_service_not_attempted" not in check("certificate_of_service_sd", tried, blocking=False)


def test_posted_demand_is_deemed_served_two_business_days_later(sample_case: SampleCase) -> None:
    # Thursday 17 April 2025 by post: Good Friday and Easter Monday are not business days
    svc = demand_service(sample_case(CTX, served("2025-04-17", "first_class_post")), AS_OF)
    assert svc is not None
    assert svc.deemed == date(2025, 4, 23)
    assert svc.petition_from == date(2025, 5, 15)


# -- the court a petition goes to ---------------------------------------------------------------


def test_bankruptcy_court_from_the_debtors_address(sample_case: SampleCase) -> None:
    debtor = sample_case(JWP).primary_debtor
    assert debtor.kind == "individual"
    listed = CourtDirectory(insolvency_districts={"SE25": "County Court at Croydon", "SE": "London"})
    choice = bankruptcy_court(debtor, Decimal("6000"), AS_OF, listed)
    assert choice.court == "County Court at Croydon"  # the outward code wins over the area
    assert "14 Birchanger Road" in choice.reason and "rule 10.11" in choice.reason
    london = CourtDirectory(insolvency_districts={"SE": "London"})
    assert (
        bankruptcy_court(debtor, Decimal("49999.99"), AS_OF, london).court == "County Court at Central London"
    )
    assert bankruptcy_court(debtor, Decimal("50000.00"), AS_OF, london).court == "High Court"
    assert not bankruptcy_court(debtor, Decimal("6000"), AS_OF, CourtDirectory()).ok
    moved = debtor.model_copy(update={"address_since": date(2025, 3, 1)})
    assert "only since 1 March 2025" in bankruptcy_court(moved, Decimal("6000"), AS_OF, listed).problem


def test_bankruptcy_court_follows_a_business(sample_case: SampleCase) -> None:
    debtor = sample_case(JWP).primary_debtor
    assert debtor.kind == "individual"
    trader = debtor.model_copy(
        update={
            "businesses": [
                {
                    "name": "ZA Design",
                    "address": {"lines": ["3 High St"], "town": "Redhill", "postcode": "RH1 1AA"},
                }
            ]
        }
    )
    trader = type(debtor).model_validate(trader.model_dump())
    listed = CourtDirectory(
        insolvency_districts={"SE25": "County Court at Croydon", "RH1": "County Court at Guildford"}
    )
    choice = bankruptcy_court(trader, Decimal("6000"), AS_OF, listed)
    assert choice.court == "County Court at Guildford" and "carries on business as ZA Design" in choice.reason


def test_winding_up_court_checks_the_paid_up_capital() -> None:
    company = data_case("company-record").primary_debtor
    assert company.kind == "company"
    choice = winding_up_court(company, AS_OF, CourtDirectory())
    assert (
        choice.court == "County Court at Testbridge" and "£100.00, not more than £120,000.00" in choice.reason
    )
    big = company.model_copy(
        update={
            "share_capital": company.share_capital.model_copy(
                update={"nominal": Decimal("500000"), "paid_up": Decimal("120000.01")}
            )
        }
    )  # type: ignore[union-attr]
    assert "only the High Court" in winding_up_court(big, AS_OF, CourtDirectory()).problem
    unknown = company.model_copy(update={"share_capital": None})
    assert "not recorded" in winding_up_court(unknown, AS_OF, CourtDirectory()).problem
    nowhere = company.model_copy(update={"insolvency_court": None})
    high = winding_up_court(nowhere, AS_OF, CourtDirectory())
    assert high.court == "High Court" and "section 117(1)" in high.reason


# -- petitions ------------------------------------------------------------------------------------


def test_petitions_refused_while_no_served_demand_is_recorded(sample_case: SampleCase, check: Any) -> None:
    assert "no_statutory_demand" in check("bankruptcy_petition", sample_case(CTX))
    assert "no_statutory_demand" in check("winding_up_petition", sample_case(COMPANY))


def test_petitions_wait_21_days_after_service(
    sample_case: SampleCase, council_settings: Settings, check: Any
) -> None:
    case = sample_case(CTX, served("2025-05-20"))
    dt = registry.get("bankruptcy_petition")
    problems = dt.eligibility(dt.request(case, AS_OF, {}, settings=council_settings))
    (running,) = [p for p in problems if p.code == "demand_period_running"]
    assert "2025-06-11" in running.message  # 20 May + 21 days = 10 June; presentable from 11 June
    assert "demand_period_running" not in check("bankruptcy_petition", case, as_of=date(2025, 6, 11))
    company = data_case("company-record").model_copy()
    assert "demand_period_running" in check("winding_up_petition", company, as_of=date(2025, 3, 20))


def test_bankruptcy_petition_on_a_served_demand(
    sample_case: SampleCase, council_settings: Settings, check: Any
) -> None:
    case = sample_case(CTX, served("2025-04-01"))
    assert check("bankruptcy_petition", case) == set()
    ctx = registry.get("bankruptcy_petition").context(
        registry.get("bankruptcy_petition").request(case, AS_OF, {}, settings=council_settings)
    )
    assert ctx["deposit"] == Decimal("1500.00")
    assert ctx["debt"]["total"] == Decimal("6016.49")
    assert ctx["stale_reason"] == ""
    assert ctx["court"] == "County Court at Uxbridge"
    assert ctx["ident"]["occupation"] == "not known to the petitioner"
    assert ctx["ident"]["businesses"] == []
    assert "occupation_unknown" in check("bankruptcy_petition", case, blocking=False)


def test_stale_demand_needs_reasons(sample_case: SampleCase, council_settings: Settings, check: Any) -> None:
    case = sample_case(CTX, served("2025-01-10"))
    assert "stale_demand_reason_required" in check("bankruptcy_petition", case)
    opts = {"stale_reason": "the debtor proposed an IVA that failed in May 2025"}
    assert check("bankruptcy_petition", case, **opts) == set()
    dt = registry.get("bankruptcy_petition")
    assert dt.context(dt.request(case, AS_OF, opts, settings=council_settings))["stale_reason"].startswith(
        "the debtor"
    )


def test_bankruptcy_petition_below_5000_after_payments_since_the_demand(
    sample_case: SampleCase, check: Any
) -> None:
    def paid_after(data: dict[str, Any]) -> None:
        served("2025-04-01")(data)
        data["payments"].append({"date": "2025-05-01", "amount": "1100.00", "method": "card"})

    case = sample_case(CTX, paid_after)
    assert petition_debt(_req(case, AS_OF, {}), demand_service(case, AS_OF)).total == Decimal("4916.49")
    assert "below_bankruptcy_threshold" in check("bankruptcy_petition", case)


def test_unsatisfied_execution_founds_a_petition_without_a_demand(
    sample_case: SampleCase, check: Any
) -> None:
    def forthwith(data: dict[str, Any]) -> None:
        data["judgments"][0]["instalments"] = None

    opts = {"unsatisfied_execution": "warrant returned nulla bona 1 May 2025"}
    assert check("bankruptcy_petition", sample_case(JWP, forthwith), **opts) == set()


def test_winding_up_petition_needs_the_company_record(sample_case: SampleCase, check: Any) -> None:
    """The shared company case has no share capital, incorporation date or principal business."""
    case = sample_case(COMPANY, served("2025-04-01", "left_at_address"))
    assert "company_record_incomplete" in check("winding_up_petition", case)
    assert check("winding_up_petition", data_case("company-record")) == set()
    assert "individual" in check("winding_up_petition", sample_case(CTX, served("2025-04-01")))
    assert "company" in check("bankruptcy_petition", case)


def test_winding_up_petition_figures(council_settings: Settings) -> None:
    """Invoices £3,180 + £3,180 less a £150 credit: £6,210."""
    case = data_case("company-record")
    dt = registry.get("winding_up_petition")
    ctx = dt.context(dt.request(case, AS_OF, {}, settings=council_settings))
    assert ctx["deposit"] == Decimal("2600.00")
    assert ctx["debt"]["total"] == Decimal("6210.00")
    assert ctx["grounds"] == ["123(1)(a)"]
    assert ctx["court"] == "County Court at Testbridge"
    execution = dt.context(
        dt.request(
            case, AS_OF, {"unsatisfied_execution": "writ returned 2 May 2025"}, settings=council_settings
        )
    )
    assert execution["grounds"] == ["123(1)(a)", "123(1)(b)"]
