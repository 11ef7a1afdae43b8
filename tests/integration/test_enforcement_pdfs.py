"""Enforcement and insolvency papers rendered to real PDFs and read back."""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from docgen.cli import main
from docgen.config import Settings
from docgen.domain.case import Case
from docgen.errors import Ineligible
from docgen.render.pipeline import render_document
from tests.fixtures.enforcement_cases import SampleCase, served

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


def render(doc_type: str, case: Case, settings: Settings, as_of: date = AS_OF, **options: str) -> bytes:
    return render_document(doc_type, case, as_of, options, settings=settings).pdf


def small_judgment(data: dict[str, Any]) -> None:
    j = data["judgments"][0]
    j["amount"], j["costs"] = "2700.00", "300.00"


def test_n379_on_the_judgment(sample_case: SampleCase, settings: Settings) -> None:
    text = text_of(render("n379", sample_case(JWP), settings))
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
        "Form K restriction",
        "Persons to be served",
        "Statement of truth",
    ):
        assert expected in text, expected


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
    ):
        assert expected in text, expected
    assert "Form K" not in text  # sole owner


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
        "I certify that the whole or part of an instalment",
    ):
        assert expected in text, expected


def test_n323_over_5000_is_refused_with_the_high_court_route(
    sample_case: SampleCase, settings: Settings
) -> None:
    with pytest.raises(Ineligible) as err:
        render("n323", sample_case(JWP), settings)
    assert {p.code for p in err.value.problems if p.blocking} == {"high_court_enforcement"}


def test_n244_permission_to_enforce(sample_case: SampleCase, settings: Settings) -> None:
    text = text_of(
        render(
            "n244",
            sample_case(JWP),
            settings,
            application="permission_to_enforce",
            notice="on_notice",
            time_estimate="15 minutes",
        )
    )
    for expected in (
        "Application notice",
        "What order are you asking the court to make and why?",
        "CPR 83.2(3)(a)",
        "15 minutes",
        "Court fee: £313.00",
        "application on notice",
        "Statement of truth",
        "Draft order",
        "IT IS ORDERED THAT",
    ):
        assert expected in text, expected


def test_individual_demand_on_liability_orders(sample_case: SampleCase, settings: Settings) -> None:
    text = text_of(render("statutory_demand_individual", sample_case(CTX), settings))
    for expected in (
        "Statutory demand under section 268(1)(a) of the Insolvency Act 1986",
        "Debt for a liquidated sum payable immediately",
        "following a judgment or order of the court",
        "WARNINGS",
        "Costs allowed on the liability order of 19 June 2020",
        "Total amount of the debt £6,016.49",
        "within 21 days after the date on which it is served on you",
        "within 18 days after the date on which the demand is served on you",
        "rule 10.4(4)",
        "Sarah Whitfield",
        "01895 250999",
    ):
        assert expected in text, expected


def test_individual_demand_on_a_judgment_names_its_date_and_court(
    sample_case: SampleCase, settings: Settings
) -> None:
    text = text_of(render("statutory_demand_individual", sample_case(JWP), settings))
    assert "founded on a judgment of the County Court at Croydon given on 14 November 2022" in text
    assert "Total amount of the debt £9,621.31" in text


def test_company_demand_to_the_registered_office(sample_case: SampleCase, settings: Settings) -> None:
    text = text_of(render("statutory_demand_company", sample_case(COMPANY), settings))
    for expected in (
        "Statutory demand under section 123(1)(a) of the Insolvency Act 1986",
        "Registered office: Unit 4, Rushey Green Business Centre",
        "3 weeks (21 days)",
        "Interest (shown separately",
        "Fixed compensation",
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
    text = text_of(render("bankruptcy_petition", case, settings, court="County Court at Central London"))
    for expected in (
        "Creditor's bankruptcy petition",
        "requests the court to make a bankruptcy order",
        "centre of main interests is in England and Wales",
        "resident in England and Wales",
        "County Court at Central London",
        "rule 10.11",
        "£6,016.49",
        "on 1 April 2025",
        "ended on 22 April 2025",
        "£1,500.00",
        "The petitioner believes",
    ):
        assert expected in text, expected


def test_winding_up_petition_on_a_copy_with_a_served_demand(
    sample_case: SampleCase, settings: Settings
) -> None:
    case = sample_case(COMPANY, served("2025-04-01", "left_at_address"))
    text = text_of(render("winding_up_petition", case, settings, court="High Court of Justice"))
    for expected in (
        "Winding-up petition",
        "Catford Market Traders Ltd",
        "09876543",
        "statutory demand under section 123(1)(a)",
        "be wound up by the court",
        "£2,600.00",
    ):
        assert expected in text, expected


def test_same_inputs_same_bytes(sample_case: SampleCase, settings: Settings) -> None:
    case = sample_case(JWP)
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
