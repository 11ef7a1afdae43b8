"""Enforcement and insolvency papers rendered to real PDFs and read back."""

from __future__ import annotations

import io
import re
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from docgen.cli import main
from docgen.config import Settings
from docgen.documents import registry
from docgen.domain.case import Case, load_case
from docgen.errors import Ineligible
from docgen.render.pipeline import render_document
from tests.fixtures.enforcement_cases import TEST_CASES_DIR, SampleCase, served

pytestmark = pytest.mark.shared

AS_OF = date(2025, 6, 2)
JWP = "judgment-with-property"
CTX = "council-tax-liability-orders"
COMPANY = "sundry-commercial-company"


def text_of(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text() or "" for page in reader.pages).split())


def pages_of(pdf: bytes) -> list[str]:
    return [" ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(pdf)).pages]


@pytest.fixture
def settings(council_settings: Settings) -> Settings:
    """The installation's courts by postcode and the councils' write-off policies."""
    return council_settings


def data_case(name: str) -> Case:
    return load_case(TEST_CASES_DIR / f"{name}.json")


def render(doc_type: str, case: Case, settings: Settings, as_of: date = AS_OF, **options: str) -> bytes:
    return render_document(doc_type, case, as_of, options, settings=settings).pdf


def small_judgment(data: dict[str, Any]) -> None:
    j = data["judgments"][0]
    j["amount"], j["costs"] = "2700.00", "300.00"


def addresses(data: dict[str, Any]) -> None:
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


def test_n379_refused_until_the_chargee_has_an_address(settings: Settings) -> None:
    with pytest.raises(Ineligible) as err:
        render("n379", data_case("chargee-no-address"), settings)
    [problem] = [p for p in err.value.problems if p.blocking]
    assert problem.code == "chargee_address_unknown" and "record the chargee's address" in problem.message


def test_n379_on_the_judgment(sample_case: SampleCase, settings: Settings) -> None:
    text = text_of(render("n379", sample_case(JWP, addresses), settings))
    for expected in (
        "Application for charging order on land or property",
        "K7QZ1A2B",
        "£9,621.31",
        "on or after 1 October 2012",
        "28 instalments due and unpaid, arrears £5,600.00",
        "HM Revenue & Customs",
        "SGL412345",
        "Beneficial joint owner",
        "Kwame Adebayo",
        "Nationwide Building Society",
        "Nationwide House, Pipers Way, Swindon, SN38 1NW",
        "Form K restriction",
        "Persons to be served",
        "The judgment creditor believes that the facts stated in this application are true",
    ):
        assert expected in text, expected
    assert "charges register" not in text  # no address stands in for one not recorded


def test_n379_reg50_on_the_council_tax_liability_orders(sample_case: SampleCase, settings: Settings) -> None:
    text = text_of(render("n379", sample_case(CTX), settings))
    for expected in (
        "regulation 50 of the Council Tax (Administration and Enforcement) Regulations 1992",
        "County Court at Uxbridge",
        "AGL287711",
        "Registered proprietor",
        "£6,016.49",
        "West London Magistrates' Court",
        "at least £1,000.00",
        "Applicant (billing authority)",
        "Debtor liable under the liability orders",
        "The billing authority believes that the facts stated in this application are true",
    ):
        assert expected in text, expected
    assert "Form K" not in text  # sole owner
    assert "judgment debtor" not in text.lower() and "The claimant believes" not in text


def test_n337_names_the_employer_and_the_arrears(sample_case: SampleCase, settings: Settings) -> None:
    text = text_of(render("n337", sample_case(JWP), settings))
    for expected in (
        "Request for attachment of earnings order",
        "Southern Rail Services Ltd",
        "Redhill",
        "£10,021.31",
        "Balance outstanding £9,621.31",
        "Instalments in arrears 28",
    ):
        assert expected in text, expected


def test_n323_renders_under_the_county_court_limit(sample_case: SampleCase, settings: Settings) -> None:
    pdf = render("n323", sample_case(JWP, small_judgment), settings)
    text = text_of(pdf)
    for expected in (
        "Request for warrant of control",
        "Balance due at the date of this request £2,600.00",
        "Issue fee",
        "Solicitor's costs on issue (none: the claimant acts through its own officer) £0.00",
        "I certify that the whole or part of an instalment",
    ):
        assert expected in text, expected
    assert "EX50" not in text and "unconfirmed" not in text  # table notes stay off the paper


def test_n323_costs_from_the_fixed_costs_table_where_a_solicitor_acts(
    sample_case: SampleCase, settings: Settings
) -> None:
    """CPR 45 Table 5: £2.25 included in the warrant for the legal representative's costs on issue."""

    def represented(data: dict[str, Any]) -> None:
        small_judgment(data)
        data["creditor"]["legal_representative"] = {
            "firm": "South London Legal Partnership",
            "address": {"lines": ["Gifford House"], "town": "Morden", "postcode": "SM4 6HY"},
        }

    case = sample_case(JWP, represented)
    dt = registry.get("n323")
    warned = {
        p.code for p in dt.eligibility(dt.request(case, AS_OF, {}, settings=settings)) if not p.blocking
    }
    assert "unconfirmed_figure" in warned
    ctx = dt.context(dt.request(case, AS_OF, {}, settings=settings))
    assert ctx["costs"] == Decimal("2.25")
    assert ctx["warrant_total"] == Decimal("2600.00") + ctx["fee"] + Decimal("2.25")
    text = text_of(render("n323", case, settings))
    assert "Solicitor's costs on issue £2.25" in text


def test_n323_over_5000_is_refused_with_the_high_court_route(
    sample_case: SampleCase, settings: Settings
) -> None:
    with pytest.raises(Ineligible) as err:
        render("n323", sample_case(JWP), settings)
    assert {p.code for p in err.value.problems if p.blocking} == {"high_court_enforcement"}


def test_n244_permission_to_enforce_the_old_judgment(settings: Settings) -> None:
    text = text_of(
        render(
            "n244",
            data_case("judgment-old"),
            settings,
            application="permission_to_enforce",
            delay_reason="the debtor left the area in 2019 and was traced only in April 2025",
            notice="on_notice",
            time_estimate="15 minutes",
        )
    )
    for expected in (
        "Application notice",
        "What order are you asking the court to make and why?",
        "to enforce the judgment of the County Court at Testbridge dated 10 May 2018 in claim D7KQ2W1X by a "
        "warrant of control in the County Court",
        "Judgment was given on 10 May 2018 for £1,905.00, 7 years before this application",
        "because the debtor left the area in 2019 and was traced only in April 2025",
        "Steps taken since judgment",
        "Debtor said he would pay; nothing received",
        "15 minutes",
        "Court fee: £313.00",
        "application on notice",
        "Statement of truth",
        "Draft order",
        "IT IS ORDERED THAT",
    ):
        assert expected in text, expected
    assert "more than six years" not in text


def test_n244_refused_for_a_young_judgment(settings: Settings) -> None:
    with pytest.raises(Ineligible) as err:
        render(
            "n244",
            data_case("judgment-young"),
            settings,
            application="permission_to_enforce",
            delay_reason="x",
        )
    assert "permission_not_needed" in {p.code for p in err.value.problems}


def test_n244_alternative_service_sets_out_the_attempts(settings: Settings) -> None:
    text = text_of(
        render(
            "n244",
            data_case("judgment-young"),
            settings,
            application="substituted_service",
            document="application",
            alternative_method="email",
            method_details="daniel.okoro@example.com",
        )
    )
    for expected in (
        "permitted under CPR 6.15 to serve the application notice on the defendant by e-mail, namely "
        "daniel.okoro@example.com",
        "tried to serve the application notice on the defendant 2 times without success",
        "Attempts to serve",
        "Sam Reed, process server",
        "No reply at 6.45 pm; neighbour says he works away",
    ):
        assert expected in text, expected


def test_individual_demand_on_liability_orders(sample_case: SampleCase, settings: Settings) -> None:
    text = text_of(render("statutory_demand_individual", sample_case(CTX), settings))
    for expected in (
        "Statutory demand under section 268(1) (debt payable immediately) of the Insolvency Act 1986",
        "following a judgment or order of a court",
        "WARNINGS",
        "Costs allowed on the liability order of 19 June 2020",
        "Total amount of the debt £6,016.49",
        "within 21 days after the date on which it is served on you",
        "within 18 days after the date on which the demand is served on you",
        "Rule 10.4(4) of the Insolvency (England and Wales) Rules 2016 states to which court",
        "you must make the application to the County Court at Uxbridge",
        "Sarah Whitfield",
        "01895 250999",
    ):
        assert expected in text, expected
    # the pre-2016 wording of a debtor petitioning for their own bankruptcy is gone
    assert "against yourself" not in text


def test_individual_demand_on_an_instalment_judgment(settings: Settings) -> None:
    """£200 a month from 1 January 2024: 18 instalments (£3,600) fallen due by 2 June 2025, £400
    paid, £3,200 due and unpaid; £5,405 - £400 - £3,200 = £1,805 not yet payable."""
    case = data_case("instalment-judgment-arrears")
    joined = {"aggregate": "yes", "aggregate_reason": "HMRC will join in the petition"}
    text = text_of(render("statutory_demand_individual", case, settings, **joined))
    for expected in (
        "founded on a judgment of the County Court at Testbridge given on 4 December 2023",
        "Instalments fallen due and unpaid under the judgment of the County Court at Testbridge",
        "Total amount of the debt £3,200.00",
        "By 2 June 2025 18 instalments had fallen due, totalling £3,600.00; £400.00 has been paid",
        "The rest of the judgment debt, £1,805.00, is payable by instalments not yet due and is not demanded",
        "Removal of a dangerous structure at 41 Ferry Lane under s.78 Building Act 1984",
        "you must make the application to the County Court at Testbridge",
    ):
        assert expected in text, expected
    assert "£5,005.00" not in text and "charges for services" not in text


def test_individual_demand_on_a_judgment_names_its_date_and_court(
    sample_case: SampleCase, settings: Settings
) -> None:
    text = text_of(render("statutory_demand_individual", sample_case(JWP), settings))
    assert "founded on a judgment of the County Court at Croydon given on 14 November 2022" in text
    assert "How the sum is made up" in text and "£5,600.00 of the instalments fallen due is unpaid" in text
    assert "Recharge for emergency works to 14 Birchanger Road under s.80 Building Act 1984" in text
    assert "Total amount of the debt £9,621.31" not in text


def test_company_demand_to_the_registered_office(sample_case: SampleCase, settings: Settings) -> None:
    text = text_of(render("statutory_demand_company", sample_case(COMPANY), settings))
    for expected in (
        "Statutory demand under section 123(1)(a) of the Insolvency Act 1986",
        "Registered office: Unit 4, Rushey Green Business Centre",
        "3 weeks (21 days)",
        "Interest (shown separately",
        "Fixed compensation",
        "Licence fee, market pitch, Q4 2023 (invoice SI-2024-000871",
    ):
        assert expected in text, expected


def test_a_certificate_preview_ends_with_the_demand_rendered_for_the_service_date(
    sample_case: SampleCase, settings: Settings
) -> None:
    # outside the register (``docgen render``) the demand is rendered again for the service date;
    # a stored certificate exhibits the stored demand instead (the test below)
    case = sample_case(COMPANY, served("2025-04-01", "left_at_address"))
    cert = render("certificate_of_service_sd", case, settings)
    demand = render("statutory_demand_company", case, settings, as_of=date(2025, 4, 1))
    pages = pages_of(cert)
    n_demand = len(PdfReader(io.BytesIO(demand)).pages)
    assert "Certificate of service of statutory demand" in pages[0]
    assert "by leaving it at Unit 4, Rushey Green Business Centre" in pages[
        0
    ] and "Statement of truth" in " ".join(pages[:-n_demand])
    # the demand's pages as rendered alone, numbered on through the one PDF
    unnumbered = re.compile(r" ?Page \d+ of \d+")
    assert [unnumbered.sub("", p) for p in pages[-n_demand:]] == [
        unnumbered.sub("", p) for p in pages_of(demand)
    ]
    assert [f"Page {n} of {len(pages)}" in p for n, p in enumerate(pages, start=1)] == [True] * len(pages)
    assert "This demand is dated 1 April 2025" in pages[-n_demand]
    assert render("certificate_of_service_sd", case, settings) == cert
    alone = render("certificate_of_service_sd", case, settings, demand="none")
    assert len(pages_of(alone)) == len(pages) - n_demand


def test_bankruptcy_petition_on_a_copy_with_a_served_demand(
    sample_case: SampleCase, settings: Settings
) -> None:
    case = sample_case(CTX, served("2025-04-01"))
    text = text_of(render("bankruptcy_petition", case, settings))
    for expected in (
        "Creditor's bankruptcy petition",
        "requests the court to make a bankruptcy order",
        "Occupation not known to the petitioner",
        "Other names used none known to the petitioner",
        "Business names and addresses none known to the petitioner",
        "The debtor lives at 9 Harefield Road, Uxbridge, UB8 1PH, in England and Wales",
        "centre of main interests is in England and Wales",
        "is resident in England and Wales",
        "This petition is presented to the County Court at Uxbridge",
        "insolvency district of the County Court at Uxbridge, the debtor's own hearing centre",
        "rule 10.11",
        "£6,016.49",
        "on 1 April 2025",
        "ended on 22 April 2025",
        "The debt equals or exceeds the bankruptcy level of £5,000.00",
        "£1,500.00",
        "The petitioner believes",
    ):
        assert expected in text, expected


def test_bankruptcy_petition_in_the_london_insolvency_district(settings: Settings) -> None:
    """The debtor's own court is the London Insolvency District and the debt (£6,016.49) is under
    £50,000: the County Court at Central London (r.10.11(1)(b)). Served by post: the officer is
    warned (r.10.2), and nothing of the warning reaches the paper."""
    case = data_case("demand-served-by-post")
    dt = registry.get("bankruptcy_petition")
    warnings = [p for p in dt.eligibility(dt.request(case, AS_OF, {}, settings=settings)) if not p.blocking]
    assert "personal_service_not_attempted" in {p.code for p in warnings}
    text = text_of(render("bankruptcy_petition", case, settings))
    assert "This petition is presented to the County Court at Central London" in text
    assert "the London Insolvency District, and the debt is £6,016.49, less than £50,000.00" in text
    assert "by sending it by first class post to Flat 6, 18 Bridge Street" in text
    assert "rule 10.2" not in text and "personal service" not in text


def test_winding_up_petition_states_the_company_record(settings: Settings) -> None:
    text = text_of(render("winding_up_petition", data_case("company-record"), settings))
    for expected in (
        "Winding-up petition",
        "sections 122(1)(f) and 123(1)(a)",
        "Quayside Traders Ltd",
        "incorporated in England and Wales on 14 March 2016 with registered number 09876543",
        "registered office is at Unit 4, Quayside Business Centre",
        "nominal capital of the company is £1,000.00, of which £100.00 is paid up",
        "principal business carried on by the company is running market stalls selling household goods",
        "area served by the County Court at Testbridge",
        "paid-up share capital is £100.00, not more than £120,000.00 (section 117(2)",
        "statutory demand under section 123(1)(a)",
        "unable to pay its debts within the meaning of section 123(1)(a)",
        "be wound up by the court",
        "£6,210.00",
        "£2,600.00",
    ):
        assert expected in text, expected


def test_winding_up_petition_on_execution_returned_unsatisfied(settings: Settings) -> None:
    text = text_of(
        render(
            "winding_up_petition",
            data_case("company-record"),
            settings,
            unsatisfied_execution="writ of control returned unsatisfied on 2 May 2025",
        )
    )
    assert "sections 122(1)(f) and 123(1)(a) and 123(1)(b)" in text
    assert "section 123(1)(a) and (b)" in text


def test_winding_up_petition_refused_without_the_share_capital(
    sample_case: SampleCase, settings: Settings
) -> None:
    with pytest.raises(Ineligible) as err:
        render("winding_up_petition", sample_case(COMPANY, served("2025-04-01", "left_at_address")), settings)
    problems = {p.path: p for p in err.value.problems if p.blocking}
    assert "debtors[0].share_capital" in problems and "debtors[0].incorporated_on" in problems
    assert "--option" not in problems["debtors[0].share_capital"].message


def test_same_inputs_same_bytes(sample_case: SampleCase, settings: Settings) -> None:
    case = sample_case(JWP, addresses)
    assert render("n379", case, settings) == render("n379", case, settings)


def test_cli_refuses_n337_for_the_self_employed_debtor(
    shared_cases_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DOCGEN_DATA_DIR", str(tmp_path / "var"))
    out = tmp_path / "n337.pdf"
    status = main(
        [
            "render",
            "n337",
            "--case",
            str(shared_cases_dir / f"{CTX}.json"),
            "--as-of",
            "2025-06-02",
            "-o",
            str(out),
        ]
    )
    assert status == 3
    assert "self-employed" in capsys.readouterr().err
    assert not out.exists()


def test_certificate_exhibits_the_issued_demand_from_the_register(
    sample_case: SampleCase, settings: Settings
) -> None:
    import hashlib

    from docgen.register import open_register, unit_of_work
    from docgen.register.models import Role
    from docgen.register.versions import fetch, issue
    from docgen.services.auth import Principal
    from docgen.services.backend import Backend
    from docgen.services.generation import generate_case
    from docgen.storage import make_store

    officer = Principal("officer", Role.officer)
    backend = Backend(settings, open_register(settings), make_store(settings))
    # GIVEN a demand dated 31 March, stored and issued, and served the next day
    case = sample_case(CTX, served("2025-04-01"))
    stored = generate_case(backend, case, "statutory_demand_individual", date(2025, 3, 31), officer)
    with unit_of_work(backend.sessions) as session:
        issue(session, backend.store, stored.version.document_id, stored.version.number, "officer")
        _, demand = fetch(session, backend.store, stored.version.document_id, stored.version.number, "test")
    # WHEN the certificate is made through the corridor
    cert = generate_case(backend, case, "certificate_of_service_sd", AS_OF, officer)
    # THEN it names the stored demand it exhibits by the register's sha256 of the served bytes
    served_input = cert.version.inputs["demand"]
    assert served_input["sha256"] == stored.version.sha256 == hashlib.sha256(demand).hexdigest()
    assert (served_input["document_id"], served_input["version"]) == (stored.version.document_id, 1)
    # AND its last pages are those bytes' pages, not a re-render for the service date
    assert cert.pdf is not None
    pages, n = pages_of(cert.pdf), len(PdfReader(io.BytesIO(demand)).pages)
    assert pages[-n:] == pages_of(demand)
    assert "This demand is dated 31 March 2025" in pages[-n]
    # AND asking again is answered from the register; a new issued demand makes a new certificate
    assert not generate_case(backend, case, "certificate_of_service_sd", AS_OF, officer).stored

    def later_copy(data: dict[str, Any]) -> None:
        served("2025-04-01")(data)
        data["notes"] = "A later copy"

    changed = sample_case(CTX, later_copy)
    redone = generate_case(backend, changed, "statutory_demand_individual", date(2025, 3, 31), officer)
    with unit_of_work(backend.sessions) as session:
        issue(session, backend.store, redone.version.document_id, redone.version.number, "officer")
    again = generate_case(backend, changed, "certificate_of_service_sd", AS_OF, officer)
    assert again.stored and again.version.inputs["demand"]["sha256"] == redone.version.sha256


def test_certificate_is_refused_when_the_served_demand_is_not_stored(
    sample_case: SampleCase, settings: Settings
) -> None:
    from docgen.register.models import Role
    from docgen.services.auth import Principal
    from docgen.services.backend import Backend
    from docgen.services.generation import generate_case

    case = sample_case(COMPANY, served("2025-04-01", "left_at_address"))
    with pytest.raises(Ineligible) as refused:
        generate_case(
            Backend.open(settings), case, "certificate_of_service_sd", AS_OF, Principal("o", Role.officer)
        )
    [problem] = refused.value.problems
    assert problem.code == "stored_input_missing" and problem.path == "stored.demand"
    assert "served on 1 April 2025 is not in the register" in problem.message
