"""The claim documents rendered through the pipeline and read back."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from docgen.config import Settings
from docgen.domain.case import Case, load_case, parse_case
from docgen.errors import Ineligible, InvalidInput
from docgen.render.pipeline import render_document

DATA = Path(__file__).resolve().parents[1] / "data" / "cases"
SOT_2020 = (
    "I understand that proceedings for contempt of court may be brought against anyone who makes, or causes "
    "to be made, a false statement in a document verified by a statement of truth without an honest belief in its truth."
)
AS_OF = date(2025, 5, 16)


def text_of(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join((p.extract_text() or "").split()) for p in reader.pages)


def case(name: str = "individual-care-charges.json", **changes: object) -> Case:
    data = json.loads((DATA / name).read_text())
    data.update(changes)
    return parse_case(data)


@pytest.fixture(scope="module")
def settings() -> Settings:
    return Settings(environment="test")


def test_letter_before_claim_has_every_para_3_1_item(settings: Settings) -> None:
    r = render_document("letter_before_claim", case(), AS_OF, settings=settings)
    text = text_of(r.pdf)
    for expected in (
        "LETTER OF CLAIM",
        "£1,234.56",  # the amount of the debt
        "Amount owed: £1,234.56.",  # the debt alone: no s.69 interest is owed before proceedings
        "will ask the court to award interest under section 69 of the County Courts Act 1984 at 8% a year",
        "Dear Mr Price-Jones,",  # title and surname
        "the invoice listed in the statement of account, which was sent to you",
        "You may ask the council for a copy",  # copy of the agreement/invoices on request
        "How to pay",
        "RW-" if False else "TST-ASC-2025-0310",
        "within 30 days",
        "15 June 2025",  # reply by: 30 days from the letter
        "Statement of account",
        "Information Sheet",
        "Reply Form",
        "Financial Statement",
        "I owe the debt in full",
        "I owe part of the debt",
        "I don't know whether I owe the debt",
        "I dispute the debt",
        "offer of payment",
        "StepChange",
    ):
        assert expected in text, expected
    assert "is being charged" not in text and "the claimant" not in text.lower().replace("claimant's", "")
    pages = len(PdfReader(io.BytesIO(r.pdf)).pages)
    assert pages >= 5
    # one numbering through the letter and its enclosures
    assert f"Page 1 of {pages}" in text and f"Page {pages} of {pages}" in text


def test_letter_may_show_the_s69_figure_apart_from_the_debt(settings: Settings) -> None:
    r = render_document(
        "letter_before_claim", case(), AS_OF, options={"show_s69_interest": "yes"}, settings=settings
    )
    text = text_of(r.pdf)
    # 100 days on £1,234.56 at 8%: 27.0588 -> £27.06, and 1234.56 x 8% / 365 = 0.2706 -> £0.27 a day
    assert "Amount owed: £1,234.56." in text
    assert "that would be £27.06 (£0.27 a day), which is not part of the amount owed above" in text
    assert "Interest the council would ask the court for (not part of the amount owed)" in text


def test_company_gets_a_letter_before_action_citing_the_late_payment_act(settings: Settings) -> None:
    r = render_document(
        "letter_before_claim", case("company-late-payment.json"), date(2025, 2, 1), settings=settings
    )
    text = text_of(r.pdf)
    assert "LETTER BEFORE ACTION" in text and "LETTER OF CLAIM" not in text
    assert "Late Payment of Commercial Debts (Interest) Act 1998" in text
    assert "Reply Form" not in text


def test_particulars_state_the_cpr_16_4_facts_and_the_statement_of_truth(settings: Settings) -> None:
    text = text_of(render_document("particulars_of_claim", case(), AS_OF, settings=settings).pdf)
    for expected in (
        "PARTICULARS OF CLAIM",
        "Borough" if False else "TESTSHIRE COUNTY COUNCIL",
        "MR OWEN PRICE-JONES",
        "at 8% a year from 5 February 2025 to 16 May 2025",
        "£27.06",
        "daily rate of £0.27",
        "CARE-5001",
        "The claimant believes that the facts stated in these particulars of claim are true",
        SOT_2020,
        # the legal representative acts: its named solicitor signs, and documents go to the firm
        "Morgan Hale",
        "Solicitor",
        "Testshire Legal Services",
        "IN THE COUNTY COURT CIVIL NATIONAL BUSINESS CENTRE",
    ):
        assert expected in text, expected
    assert "Jo Bright" not in text


def test_n1_like_effect_has_the_figures_from_the_calculators(settings: Settings) -> None:
    text = text_of(render_document("n1", case(), AS_OF, engine="html", settings=settings).pdf)
    # claim 1,261.62 (debt + interest), fee £80, fixed costs £80 (legal representative acts), total £1,421.62
    for expected in (
        "Claim Form",
        "Amount claimed £1,261.62",
        "Court fee £80.00",
        "Legal representative's costs £80.00",
        "Total amount £1,421.62",
        "Particulars of Claim",
        "Human Rights Act 1998",
        "preferred County Court Hearing Centre",
        "Testshire Legal Services",
        "Statement of truth",
    ):
        assert expected in text, expected


def test_n1_official_fills_the_right_fields(settings: Settings, official_forms_dir: Path) -> None:
    s = settings.model_copy(update={"official_forms_dir": official_forms_dir})
    r = render_document("n1", case(), AS_OF, engine="official", settings=s)
    fields = PdfReader(io.BytesIO(r.pdf)).get_fields() or {}
    value = {k: (v.get("/V") if hasattr(v, "get") else None) for k, v in fields.items()}
    assert value["Text25"] == "1,261.62"  # amount claimed
    assert value["Text26"] == "80.00"  # court fee
    assert value["Text27"] == "80.00"  # legal representative's costs
    assert value["Text28"] == "1,421.62"  # total
    assert "Mr Owen Price-Jones" in str(value["Text22"])  # defendant
    assert value["Check Box46"] == "/Yes"  # the claimant believes
    assert value["Text Field 46"] == "Morgan Hale"  # the firm's solicitor, not the council's officer
    assert value["Check Box49"] == "/Yes"  # signed as the claimant's legal representative
    assert value["Text Field 45"] == "Testshire Legal Services"
    assert value["Text Field 6"] == "01632 961500"  # the firm's phone, with the firm's address
    flat = render_document("n1", case(), AS_OF, engine="official", options={"flatten": "true"}, settings=s)
    assert not (PdfReader(io.BytesIO(flat.pdf)).get_fields() or {})
    assert "1,421.62" in text_of(flat.pdf)


def test_n225_and_n215_on_a_served_claim(settings: Settings) -> None:
    c = case(
        recovery_history=[
            {"date": "2025-04-01", "action": "letter_before_claim", "note": ""},
            {"date": "2025-05-16", "action": "claim_issued", "note": "Claim K1AB2CD3"},
            {"date": "2025-05-19", "action": "claim_served", "note": "", "method": "first_class_post"},
        ]
    )
    # deemed served Wed 21 May; 14 days for acknowledgment runs to 4 June
    with pytest.raises(Ineligible) as exc:
        render_document("n225", c, date(2025, 6, 4), settings=settings)
    assert exc.value.problems[0].code == "response_period_running"
    r = render_document("n225", c, date(2025, 6, 5), engine="html", settings=settings)
    text = text_of(r.pdf)
    # 20 days at the daily rate the particulars state (£0.27): £5.40;
    # 1,261.62 + 5.40 + 80.00 fee + 80.00 costs on issue + 22.00 on judgment = 1,449.02
    for expected in (
        "Claim no. K1AB2CD3",
        "£1,261.62",
        "20 days at £0.27 a day",
        "£5.40",
        "£80.00",
        "Fixed costs on entering judgment £22.00",
        "Amount payable by defendant £1,449.02",
        SOT_2020.replace("anyone", "a person"),
    ):
        assert expected in text, expected
    # what the address is to the defendant must come from the case or the officer, never be guessed
    with pytest.raises(Ineligible) as exc:
        render_document("n215", c, date(2025, 5, 20), settings=settings)
    assert "address_character_unknown" in {p.code for p in exc.value.problems}
    cert = text_of(
        render_document(
            "n215", c, date(2025, 5, 20), options={"address_type": "usual_residence"}, settings=settings
        ).pdf
    )
    assert "19 May 2025" in cert and "21 May 2025" in cert and "First class post" in cert and SOT_2020 in cert


def test_n225_official(settings: Settings, official_forms_dir: Path) -> None:
    c = case(
        recovery_history=[
            {"date": "2025-04-01", "action": "letter_before_claim", "note": ""},
            {"date": "2025-05-16", "action": "claim_issued", "note": "Claim K1AB2CD3"},
            {"date": "2025-05-19", "action": "claim_served", "note": "", "method": "first_class_post"},
        ]
    )
    s = settings.model_copy(update={"official_forms_dir": official_forms_dir})
    r = render_document("n225", c, date(2025, 6, 5), engine="official", settings=s)
    values = " ".join(str(v.get("/V")) for v in (PdfReader(io.BytesIO(r.pdf)).get_fields() or {}).values())
    assert "K1AB2CD3" in values and "1,449.02" in values and "22.00" in values


@pytest.mark.parametrize("doc_type", ["letter_before_claim", "particulars_of_claim", "n1"])
def test_breathing_space_blocks_every_claim_document(settings: Settings, doc_type: str) -> None:
    data = json.loads((DATA / "individual-care-charges.json").read_text())
    data["debtors"][0]["breathing_space"] = {"start": "2025-05-01", "end": None}
    with pytest.raises(Ineligible) as exc:
        render_document(doc_type, parse_case(data), AS_OF, settings=settings)
    assert "breathing_space" in {p.code for p in exc.value.problems}


def test_statute_barred_needs_an_override_with_a_reason(settings: Settings) -> None:
    c = case()
    late = date(2031, 3, 1)
    with pytest.raises(Ineligible) as exc:
        render_document("letter_before_claim", c, late, settings=settings)
    assert "statute_barred" in {p.code for p in exc.value.problems}
    r = render_document(
        "letter_before_claim",
        c,
        late,
        options={"override_limitation": "acknowledged in writing 2030"},
        settings=settings,
    )
    assert [w.code for w in r.warnings] == ["limitation_override"]


def test_n1_waits_30_days_after_the_letter_of_claim(settings: Settings) -> None:
    with pytest.raises(Ineligible) as exc:
        render_document("n1", case(), date(2025, 4, 30), settings=settings)
    assert [p.code for p in exc.value.problems if p.blocking] == ["pap_period_running"]


def test_vulnerability_must_be_acknowledged(settings: Settings) -> None:
    data = json.loads((DATA / "individual-care-charges.json").read_text())
    data["debtors"][0]["vulnerability"] = {"flags": ["mental_health"], "notes": ""}
    with pytest.raises(Ineligible):
        render_document("n1", parse_case(data), AS_OF, settings=settings)
    r = render_document(
        "n1", parse_case(data), AS_OF, options={"acknowledge_vulnerability": "true"}, settings=settings
    )
    codes = [w.code for w in r.warnings]
    assert "vulnerability" in codes and "limitation_running" in codes


def test_deceased_debtor_blocks(settings: Settings, shared_cases_dir: Path) -> None:
    c = load_case(shared_cases_dir / "deceased-no-estate-writeoff.json")
    with pytest.raises(Ineligible) as exc:
        render_document("letter_before_claim", c, date(2026, 11, 23), settings=settings)
    assert "deceased" in {p.code for p in exc.value.problems}


def test_unknown_option_and_engine_are_refused(settings: Settings) -> None:
    with pytest.raises(InvalidInput, match="unknown option"):
        render_document("n1", case(), AS_OF, options={"colour": "red"}, settings=settings)
    with pytest.raises(InvalidInput, match="cannot be rendered"):
        render_document("particulars_of_claim", case(), AS_OF, engine="official", settings=settings)


def test_hostile_name_renders_literally_and_fetches_nothing(settings: Settings) -> None:
    data = json.loads((DATA / "individual-care-charges.json").read_text())
    data["debtors"][0]["family_name"] = '<img src="file:///etc/passwd">{{ 7*7 }}'
    r = render_document("particulars_of_claim", parse_case(data), AS_OF, settings=settings)
    text = text_of(r.pdf)
    assert '<IMG SRC="FILE:///ETC/PASSWD">{{ 7*7 }}' in text  # the heading prints names in capitals
    assert '<img src="file:///etc/passwd">{{ 7*7 }}' in text
    assert b"/Subtype /Image" not in r.pdf


def test_same_inputs_give_the_same_bytes_across_processes(tmp_path: Path) -> None:
    outs = []
    for i in range(2):
        out = tmp_path / f"n1-{i}.pdf"
        subprocess.run(
            [
                sys.executable,
                "-m",
                "docgen",
                "render",
                "n1",
                "--case",
                str(DATA / "individual-care-charges.json"),
                "--as-of",
                "2025-05-16",
                "-o",
                str(out),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
        outs.append(out.read_bytes())
    assert outs[0] == outs[1]
    changed = render_document("n1", case(notes="changed"), AS_OF)
    assert changed.input_hash != render_document("n1", case(), AS_OF).input_hash


def test_render_cli_exit_codes(tmp_path: Path, shared_cases_dir: Path) -> None:
    out = tmp_path / "x.pdf"
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "docgen",
            "render",
            "n1",
            "--case",
            str(shared_cases_dir / "deceased-no-estate-writeoff.json"),
            "--as-of",
            "2026-11-23",
            "-o",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 3 and "deceased" in r.stderr and not out.exists()
    bad = tmp_path / "bad.json"
    bad.write_text("{}")
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "docgen",
            "render",
            "n1",
            "--case",
            str(bad),
            "--as-of",
            "2026-11-23",
            "-o",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 2 and not out.exists()
