"""The law a claim paper must satisfy, rule by rule, on the cases in tests/data/cases/claims.

Each expected date and figure is worked by hand in the test; refusals are asserted by code and by the
words the officer reads."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from docgen.documents import registry
from docgen.documents.bulk_claims import DoesNotFit, mcol_claim
from docgen.domain.case import Case, parse_case
from docgen.domain.claim import earliest_claim_date
from docgen.errors import Problem

DATA = Path(__file__).resolve().parents[2] / "data" / "cases" / "claims"
D = Decimal


def load(name: str, edit: Any = None) -> Case:
    data = json.loads((DATA / f"{name}.json").read_text(encoding="utf-8"))
    if edit is not None:
        edit(data)
    return parse_case(data, name)


def problems(doc_type: str, case: Case, on: date, **options: str) -> list[Problem]:
    return registry.get(doc_type).eligibility_of(case, on, options)


def blocking(doc_type: str, case: Case, on: date, **options: str) -> dict[str, Problem]:
    return {p.code: p for p in problems(doc_type, case, on, **options) if p.blocking}


def warnings(doc_type: str, case: Case, on: date, **options: str) -> dict[str, Problem]:
    return {p.code: p for p in problems(doc_type, case, on, **options) if not p.blocking}


CLAIM_PAPERS = ["n1", "particulars_of_claim", "claim"]


# -- invoices a claim may include ----------------------------------------------------------------


@pytest.mark.parametrize("doc_type", CLAIM_PAPERS)
def test_an_invoice_not_yet_due_is_named_and_refused(doc_type: str) -> None:
    case = load("invoice-not-yet-due")  # CARE-5002 falls due on 20 May 2025
    found = blocking(doc_type, case, date(2025, 5, 16))
    assert set(found) == {"invoice_not_due"}
    message = found["invoice_not_due"].message
    assert "CARE-5002 (due 20 May 2025)" in message and "CARE-5001" not in message
    assert "--" not in message and found["invoice_not_due"].hint == "--option only_covered_invoices=yes"
    # on its due date the debtor still has the whole day to pay
    assert "invoice_not_due" in blocking(doc_type, case, date(2025, 5, 20))
    assert "invoice_not_due" not in blocking(doc_type, case, date(2025, 5, 21))


def test_leaving_out_the_invoice_not_yet_due_claims_the_rest() -> None:
    case = load("invoice-not-yet-due")
    on = date(2025, 5, 16)
    n1 = registry.get("n1")
    assert not blocking("n1", case, on, only_covered_invoices="yes")
    assert "CARE-5002" in warnings("n1", case, on, only_covered_invoices="yes")["invoices_left_out"].message
    ctx = n1.context_of(case, on, {"only_covered_invoices": "yes"})
    # only CARE-5001: £1,234.56 + 100 days at 8% (27.06) = £1,261.62; fee £80 (£1,000.01 to £1,500)
    assert ctx["amount_claimed"] == D("1261.62")
    assert ctx["court_fee"] == D("80.00")
    assert [ln["ref"] for ln in ctx["schedule"]] == ["CARE-5001"]


def test_once_both_are_due_both_are_claimed() -> None:
    case = load("invoice-not-yet-due")
    ctx = registry.get("n1").context_of(case, date(2025, 5, 21))
    # CARE-5001: 1234.56 x 8% x 105 days (5 Feb - 21 May) / 365 = 28.4117 -> 28.41
    # CARE-5002: 600.00 x 8% x 1 day (20 - 21 May) / 365 = 0.1315 -> 0.13
    # 1,834.56 + 28.54 = 1,863.10; fee £115 (£1,500.01 to £3,000)
    assert ctx["interest"]["total"] == D("28.54")
    assert ctx["amount_claimed"] == D("1863.10")
    assert ctx["court_fee"] == D("115.00")


@pytest.mark.parametrize("doc_type", CLAIM_PAPERS)
def test_an_invoice_issued_after_the_letter_of_claim_is_not_covered(doc_type: str) -> None:
    case = load("letter-predates-invoice")  # letter 1 April 2025; CARE-5003 issued 10 April 2025
    found = blocking(doc_type, case, date(2025, 5, 16))
    assert set(found) == {"invoice_not_covered"}
    message = found["invoice_not_covered"].message
    assert "CARE-5003 (issued 10 April 2025)" in message
    assert "letter of claim of 1 April 2025" in message
    assert not blocking(doc_type, case, date(2025, 5, 16), only_covered_invoices="yes")


def test_a_new_letter_of_claim_covers_the_later_invoice_and_restarts_the_wait() -> None:
    def second_letter(data: dict) -> None:
        data["recovery_history"].append({"date": "2025-05-12", "action": "letter_before_claim", "note": ""})

    case = load("letter-predates-invoice", second_letter)
    # the second letter covers CARE-5003; its 30 days run to 11 June, so the claim waits to 12 June
    found = blocking("n1", case, date(2025, 6, 11))
    assert set(found) == {"pap_period_running"}
    assert "before 12 June 2025" in found["pap_period_running"].message
    assert not blocking("n1", case, date(2025, 6, 12))


def test_a_letter_before_claim_does_not_demand_an_invoice_before_it_is_due() -> None:
    case = load("invoice-not-yet-due")
    assert set(blocking("letter_before_claim", case, date(2025, 5, 16))) == {"invoice_not_due"}
    # a letter is never refused for invoices later than an earlier letter: it is the new letter
    assert not blocking("letter_before_claim", load("letter-predates-invoice"), date(2025, 5, 16))


# -- the Pre-Action Protocol reply period ---------------------------------------------------------


@pytest.mark.parametrize("doc_type", [*CLAIM_PAPERS, "letter_before_claim"])
def test_day_30_of_the_reply_period_is_the_debtors_and_day_31_the_first_claim_day(doc_type: str) -> None:
    case = load("reply-period")  # letter of claim dated 1 April 2025
    # 1 April + 30 days = 1 May 2025 is the 30th day; the claim may be issued from 2 May
    day_30, day_31 = date(2025, 5, 1), date(2025, 5, 2)
    if doc_type == "letter_before_claim":
        assert not blocking(doc_type, case, day_30)  # the wait is the claim's, not the letter's
        return
    found = blocking(doc_type, case, day_30)
    assert set(found) == {"pap_period_running"}
    assert "may not be issued before 2 May 2025" in found["pap_period_running"].message
    assert not blocking(doc_type, case, day_31)
    assert earliest_claim_date(date(2025, 4, 1)) == day_31


def test_a_reply_form_adds_30_days_from_its_receipt() -> None:
    def reply(data: dict) -> None:
        data["recovery_history"].append({"date": "2025-04-20", "action": "reply_form_received", "note": ""})

    case = load("reply-period", reply)
    # reply received 20 April: 30 days more run to 20 May; the claim may be issued from 21 May
    assert "pap_period_running" in blocking("n1", case, date(2025, 5, 20))
    assert not blocking("n1", case, date(2025, 5, 21))


# -- service of the claim form ------------------------------------------------------------------


@pytest.mark.parametrize("doc_type", ["n215", "n225"])
def test_service_more_than_four_months_after_issue(doc_type: str) -> None:
    case = load("served-late")  # issued 31 January 2025, served 2 June 2025
    # four months after 31 January is 31 May 2025: the step on 2 June was too late (CPR 7.5)
    found = blocking(doc_type, case, date(2025, 7, 1))
    assert "served_too_late" in found
    assert "after 31 May 2025" in found["served_too_late"].message
    # an order under CPR 7.6 extending the time to 30 June makes that service good
    assert "served_too_late" not in blocking(
        doc_type, case, date(2025, 7, 1), service_extended_to="2025-06-30"
    )


@pytest.mark.parametrize("doc_type", ["n215", "n225"])
def test_service_inside_a_breathing_space_moratorium_has_no_effect(doc_type: str) -> None:
    case = load("served-in-moratorium")  # moratorium 18 May - 16 July 2025; served 19 May
    found = blocking(doc_type, case, date(2025, 7, 20))
    assert "served_in_moratorium" in found
    assert "serve again after it ends" in found["served_in_moratorium"].message


def test_request_for_judgment_waits_for_the_deemed_date_plus_14_days() -> None:
    case = load("council-unrepresented")  # served by first class post on Monday 19 May 2025
    # deemed served the second business day after: Wednesday 21 May; 14 days run to 4 June
    found = blocking("n225", case, date(2025, 6, 4))
    assert set(found) == {"response_period_running"}
    assert "from 5 June 2025" in found["response_period_running"].message
    assert not blocking("n225", case, date(2025, 6, 5))


def test_the_certificate_of_service_takes_the_address_character_from_the_case() -> None:
    case = load("council-unrepresented")  # recorded: usual residence
    n215 = registry.get("n215")
    ctx = n215.context_of(case, date(2025, 6, 20))
    assert ctx["address_type"] == "usual residence"
    assert ctx["deemed"] == date(2025, 5, 21) and ctx["respond_by"] == date(2025, 6, 4)
    assert ctx["time_passed"] is True
    # a company's registered office for an individual is refused (CPR 6.9)
    found = blocking("n215", case, date(2025, 6, 20), address_type="registered_office")
    assert set(found) == {"address_character_wrong"}
    assert "certificate_late" in warnings("n215", case, date(2025, 6, 20))  # due by 9 June


# -- capacity -----------------------------------------------------------------------------------


@pytest.mark.parametrize("doc_type", CLAIM_PAPERS)
def test_a_protected_party_without_a_litigation_friend_cannot_be_sued(doc_type: str) -> None:
    case = load("lacks-capacity")
    on = date(2025, 5, 16)
    found = blocking(doc_type, case, on, acknowledge_vulnerability="yes")
    # acknowledging the vulnerability flag does not unlock the capacity rule
    assert set(found) == {"protected_party_no_friend"}
    assert "CPR 21.3(4)" in found["protected_party_no_friend"].message
    # the claim may be issued if the council will ask the court to appoint one (CPR 21.3(2), 21.6)
    opts = {"acknowledge_vulnerability": "yes", "litigation_friend_to_be_appointed": "yes"}
    assert not blocking(doc_type, case, on, **opts)
    assert "litigation_friend_to_be_appointed" in warnings(doc_type, case, on, **opts)


def test_a_protected_party_with_a_litigation_friend() -> None:
    case = load("lacks-capacity-with-friend")
    on = date(2025, 5, 16)
    assert not blocking("n1", case, on, acknowledge_vulnerability="yes")
    ctx = registry.get("n215").context_of(case, date(2025, 6, 20), {"acknowledge_vulnerability": "yes"})
    assert ctx["person_served"] == "Rhian Price-Jones, litigation friend of Mr Owen Price-Jones"
    # default judgment against a protected party needs an application, friend or not (CPR 12.10)
    for name in ("lacks-capacity", "lacks-capacity-with-friend"):
        found = blocking("n225", load(name), date(2025, 6, 5), acknowledge_vulnerability="yes")
        assert "protected_party_judgment" in found


def test_a_protected_party_is_never_in_a_bulk_claim() -> None:
    with pytest.raises(DoesNotFit) as err:
        mcol_claim(load("lacks-capacity-with-friend"), date(2025, 5, 16))
    assert "protected_party_bulk" in {p.code for p in err.value.problems}


def test_the_letter_to_a_protected_party_goes_to_the_friend_or_warns() -> None:
    on = date(2025, 5, 16)
    without = load("lacks-capacity")
    assert "protected_party_no_friend" in warnings(
        "letter_before_claim", without, on, acknowledge_vulnerability="yes"
    )
    ctx = registry.get("letter_before_claim").context_of(
        load("lacks-capacity-with-friend"), on, {"acknowledge_vulnerability": "yes"}
    )
    assert ctx["friend"].name == "Rhian Price-Jones"


# -- who signs ----------------------------------------------------------------------------------


def test_unrepresented_council_signs_through_its_officer_and_is_reached_at_the_council() -> None:
    ctx = registry.get("n1").context_of(load("council-unrepresented"), date(2025, 5, 16))
    sig, sot = ctx["signatory"], ctx["sot"]
    assert sot["role"] == "claimant" and sot["name"] == "Jo Bright" and sot["firm"] is None
    assert sot["position"] == "Senior Recovery Officer"
    assert (sig.address.postcode, sig.phone, sig.email, sig.dx) == (
        "TF1 2CC",
        "01632 961234",
        "j.bright@testshire.example",
        "DX 12345 Testford",
    )
    assert ctx["legal_costs"] == D("0.00")  # a council acting for itself claims no fixed costs
    assert ctx["preferred_court"] == "County Court at Oxford"


def test_represented_council_signs_through_the_firm_and_is_reached_at_the_firm() -> None:
    ctx = registry.get("n1").context_of(load("council-represented"), date(2025, 5, 16))
    sig, sot = ctx["signatory"], ctx["sot"]
    assert (sot["role"], sot["name"], sot["position"], sot["firm"]) == (
        "legal_representative",
        "Dana Whitlock",
        "Solicitor",
        "Testshire Legal Services",
    )
    # every contact detail is the firm's: none of the council's officer's
    assert (sig.address.postcode, sig.phone, sig.email, sig.dx, sig.reference) == (
        "TF1 2CD",
        "01632 962000",
        "litigation@tls.example",
        "DX 999 Testford",
        "TLS/ASC/0310",
    )
    # fixed costs on issue on a claim of £1,261.62: £80 (over £1,000 to £5,000, court service)
    assert ctx["legal_costs"] == D("80.00")


def test_a_firm_without_a_named_signer_leaves_the_name_blank_and_warns() -> None:
    def unnamed(data: dict) -> None:
        rep = data["creditor"]["legal_representative"]
        rep["name"] = rep["position"] = None

    case = load("council-represented", unnamed)
    ctx = registry.get("n1").context_of(case, date(2025, 5, 16))
    assert ctx["sot"]["name"] == "" and ctx["sot"]["firm"] == "Testshire Legal Services"
    assert "no_named_signer" in warnings("n1", case, date(2025, 5, 16))


def test_no_hearing_centre_is_a_warning_and_no_made_up_default() -> None:
    def none(data: dict) -> None:
        data["creditor"]["preferred_hearing_centre"] = None

    case = load("council-unrepresented", none)
    assert "no_hearing_centre" in warnings("n1", case, date(2025, 5, 16))
    assert registry.get("n1").context_of(case, date(2025, 5, 16))["preferred_court"] == ""


def test_brief_details_mention_interest_only_when_it_is_claimed() -> None:
    def no_interest(data: dict) -> None:
        data["interest"] = {"basis": "none"}

    with_interest = registry.get("n1").context_of(load("council-unrepresented"), date(2025, 5, 16))
    without = registry.get("n1").context_of(load("council-unrepresented", no_interest), date(2025, 5, 16))
    assert "interest" in with_interest["brief_details"]
    assert "interest" not in without["brief_details"]


def test_judgment_entered_refuses_a_fresh_claim() -> None:
    case = parse_case(json.loads((DATA.parent / "judgment-with-property.json").read_text(encoding="utf-8")))
    for doc_type in CLAIM_PAPERS:
        assert "judgment_entered" in blocking(doc_type, case, date(2023, 6, 3))
