"""The Money Claim Online bulk request: HMCTS's schema, MCOL's limits, and the same facts as the
full particulars of claim."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from pypdf import PdfReader

from docgen.config import Settings
from docgen.documents.bulk_claims import DoesNotFit, claims_bulk_xml, mcol_claim, short_particulars
from docgen.domain.case import Case, parse_case
from docgen.domain.facts import case_facts
from docgen.domain.money import fmt_gbp, to_pence
from docgen.errors import InvalidInput
from docgen.render.pipeline import render_document
from docgen.sdt import validation_errors
from docgen.sdt.request import NS_CLAIM
from tests.fixtures.bulk_cases import CLAIM_AS_OF, CaseFactory

CUSTOMER = "12345678"


@pytest.fixture
def make_case(make_case: CaseFactory) -> CaseFactory:
    """The care-charges test case has postcodes whose inward letters (C, M) Royal Mail never uses;
    MCOL refuses them (see test_postcode_mcol_refuses_is_listed), so these tests use real-shaped ones."""

    def build(base: str = "individual-care-charges", debtor: dict | None = None, **changes: object) -> Case:
        case = make_case(base, debtor=debtor, **changes)
        if base != "individual-care-charges":
            return case
        data = json.loads(case.canonical_json())
        data["creditor"]["address"]["postcode"] = "TF1 2AB"
        if data["debtors"][0]["address"]["postcode"] == "TF3 8ML":
            data["debtors"][0]["address"]["postcode"] = "TF3 8NL"
        return parse_case(data)

    return build


def _claims(xml: bytes) -> list[etree._Element]:
    return etree.fromstring(xml).findall(f".//{{{NS_CLAIM}}}claimAmount/..")


def test_batch_validates_against_hmcts_schema(make_case: CaseFactory, sdt_schemas_dir: Path) -> None:
    cases = [make_case("individual-care-charges"), make_case("company-late-payment")]

    batch = claims_bulk_xml(cases, CLAIM_AS_OF, CUSTOMER)

    assert validation_errors(batch.xml, sdt_schemas_dir) == []
    assert batch.included == [c.case_ref for c in cases] and not batch.excluded
    amounts = [int(c.findtext(f"{{{NS_CLAIM}}}claimAmount") or 0) for c in _claims(batch.xml)]
    assert amounts == [to_pence(case_facts(c, CLAIM_AS_OF).claim_amount) for c in cases]


def test_same_batch_gives_same_bytes(make_case: CaseFactory) -> None:
    cases = [make_case("individual-care-charges"), make_case("company-late-payment")]
    assert (
        claims_bulk_xml(cases, CLAIM_AS_OF, CUSTOMER).xml == claims_bulk_xml(cases, CLAIM_AS_OF, CUSTOMER).xml
    )


def test_short_particulars_state_the_figures_of_the_full_particulars(
    make_case: CaseFactory, settings: Settings
) -> None:
    case = make_case("company-late-payment")
    facts = case_facts(case, CLAIM_AS_OF)

    short = " ".join(short_particulars(facts))
    pdf = render_document("particulars_of_claim", case, CLAIM_AS_OF, settings=settings).pdf
    full = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)

    figures = [
        facts.balance.outstanding,
        facts.interest.total,
        facts.interest.daily_rate,
        facts.interest.compensation,
    ]
    for amount in figures:
        assert fmt_gbp(amount) in short
        assert fmt_gbp(amount) in full
    for line in facts.balance.lines:
        assert line.ref in short


def test_names_and_lines_too_long_are_listed_not_cut(make_case: CaseFactory, sdt_schemas_dir: Path) -> None:
    ok = make_case("individual-care-charges")
    long_name = make_case("individual-care-charges", case_ref="LONG-NAME", debtor={"family_name": "X" * 61})
    long_line = make_case(
        "individual-care-charges",
        case_ref="LONG-LINE",
        debtor={
            "address": {
                "lines": ["The Old Rectory Cottages North Wing"],
                "town": "Sutton",
                "postcode": "SM1 1AA",
            }
        },
    )

    batch = claims_bulk_xml([ok, long_name, long_line], CLAIM_AS_OF, CUSTOMER)

    assert batch.included == [ok.case_ref]
    assert [p.code for p in batch.excluded["LONG-NAME"]] == ["sdt_name_length"]
    assert [p.code for p in batch.excluded["LONG-LINE"]] == ["sdt_line_length"]
    assert "35 characters; MCOL allows 30" in batch.excluded["LONG-LINE"][0].message
    assert b"The Old Rectory" not in batch.xml and b"XXXXXXXX" not in batch.xml
    assert validation_errors(batch.xml, sdt_schemas_dir) == []


def test_unwrappable_invoice_reference_is_reported(make_case: CaseFactory) -> None:
    base = make_case("individual-care-charges")
    invoices = [inv.model_dump(mode="json") for inv in base.invoices]
    invoices[0]["number"] = "INV-" + "9" * 44
    case = make_case("individual-care-charges", invoices=invoices)
    with pytest.raises(DoesNotFit) as info:
        mcol_claim(case, CLAIM_AS_OF)
    assert info.value.problems[0].code == "sdt_particulars_width"


def test_many_invoices_are_summarised_within_24_lines(make_case: CaseFactory) -> None:
    base = make_case("individual-care-charges")
    first = base.invoices[0].model_dump(mode="json")
    invoices = [dict(first, number=f"ASC-{n:06d}") for n in range(30)]
    lines = short_particulars(
        case_facts(make_case("individual-care-charges", invoices=invoices), CLAIM_AS_OF)
    )
    assert len(lines) <= 24 and all(len(line) <= 45 for line in lines)
    assert any(line.startswith("30 invoices dated") for line in lines)


def test_ineligible_cases_are_excluded_with_the_rule(make_case: CaseFactory) -> None:
    early = make_case(
        "individual-care-charges",
        case_ref="TOO-EARLY",
        recovery_history=[{"date": "2025-05-20", "action": "letter_before_claim", "note": ""}],
    )
    batch = claims_bulk_xml([make_case("company-late-payment"), early], CLAIM_AS_OF, CUSTOMER)
    assert [p.code for p in batch.excluded["TOO-EARLY"]] == ["pap_period_running"]


def test_nothing_fits_and_bad_customer_id_are_clear_errors(make_case: CaseFactory) -> None:
    with pytest.raises(InvalidInput, match="8 digits"):
        claims_bulk_xml([make_case()], CLAIM_AS_OF, "01234567")
    long_name = make_case(debtor={"family_name": "X" * 61})
    with pytest.raises(InvalidInput, match="no case fits"):
        claims_bulk_xml([long_name], CLAIM_AS_OF, CUSTOMER)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    family=st.text(alphabet=st.characters(codec="latin-1", categories=["L"]), min_size=1, max_size=70),
    street=st.text(alphabet="ABCDEFGH abcdefgh'-", min_size=1, max_size=40).filter(str.strip),
)
def test_any_name_or_address_is_either_within_limits_or_listed(
    make_case: CaseFactory, sdt_schemas_dir: Path, family: str, street: str
) -> None:
    case = make_case(
        debtor={
            "family_name": family,
            "address": {"lines": [street], "town": "Sutton", "postcode": "SM1 1AA"},
        }
    )
    try:
        batch = claims_bulk_xml([case], CLAIM_AS_OF, CUSTOMER)
    except InvalidInput as err:
        assert re.search(r"MCOL allows (60|30)", err.problems[0].message)
        return
    assert validation_errors(batch.xml, sdt_schemas_dir) == []
    assert family.strip() in batch.xml.decode()


def test_postcode_mcol_refuses_is_listed(make_case: CaseFactory) -> None:
    data = json.loads(make_case().canonical_json())
    data["debtors"][0]["address"]["postcode"] = "TF3 8ML"  # M is never an inward-code letter
    with pytest.raises(DoesNotFit) as info:
        mcol_claim(parse_case(data), CLAIM_AS_OF)
    assert [(p.path, p.code) for p in info.value.problems] == [
        ("debtors[0].address.postcode", "sdt_postcode")
    ]
