"""Filling the real official N1 (12.24) and N225 PDFs from ../shared/official-forms, reading every
value back with pypdf, and looking at the rendered pages with poppler."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import date
from decimal import Decimal
from io import BytesIO
from pathlib import Path
from typing import Any, cast

import pytest
from PIL import Image
from pypdf import PdfReader
from pypdf.generic import ArrayObject, BooleanObject, DictionaryObject

from docgen.config import PROJECT_ROOT, Settings
from docgen.errors import EngineUnavailable, InvalidInput
from docgen.render.acroform import AcroformEngine, load_form
from docgen.render.base import PdfMeta

pytestmark = pytest.mark.shared

META = PdfMeta(
    title="N1 claim form - DR-2026-00123",
    document_id="3f" * 16,
    created=date(2026, 11, 23),
    author="Northbridge Borough Council",
)

N1_CONTEXT: dict[str, Any] = {
    "court_name": "County Court Business Centre",
    "fee_account_no": "PBA0012345",
    "claimant_details": "Northbridge Borough Council\nTown Hall, 1 Market Square\nNorthbridge\nNB1 2AB",
    "defendant_details": [
        "Mr Jonathan Alexander Smythe-Williams",
        "Flat 4, 27 Long Lane",
        "Northbridge",
        "NB3 9ZZ",
    ],
    "brief_details": (
        "The claimant claims £4,512.30 for unpaid invoices for commercial waste collection services "
        "supplied to the defendant between April 2024 and March 2025, with interest under section 69 "
        "of the County Courts Act 1984 at 8% a year."
    ),
    "value": "The claimant expects to recover not more than £10,000.",
    "defendant_service_address": (
        "Mr Jonathan Alexander Smythe-Williams\nFlat 4, 27 Long Lane\nNorthbridge\nNB3 9ZZ"
    ),
    "amount_claimed": Decimal("4512.30"),
    "court_fee": Decimal("205.00"),
    "total_amount": Decimal("4717.30"),
    "preferred_court": "Northbridge County Court and Family Court",
    "claimant_vulnerability": "no",
    "human_rights": "no",
    "particulars_status": "attached",
    "sot_belief": "claimant_believes",
    "signature": "A. Officer",
    "signer_capacity": "claimant",
    "signed_date": date(2026, 11, 23),
    "signer_name": "Alex Officer",
    "signer_position": "Debt Recovery Officer",
    "address_for_documents_building": "Town Hall, 1 Market Square",
    "address_for_documents_town": "Northbridge",
    "address_for_documents_postcode": "NB1 2AB",
    "contact_phone": "01234 567890",
    "contact_ref": "DR/2026/00123",
    "contact_email": "debt.recovery@northbridge.gov.uk",
}

N225_CONTEXT: dict[str, Any] = {
    "court_name": "County Court Business Centre",
    "claim_number": "K1QZ4X7A",
    "claimant": "Northbridge Borough Council\nRef: DR/2026/00123",
    "defendant": "Mr Jonathan Alexander Smythe-Williams",
    "judgment_route": "default",
    "particulars_served": True,
    "defendant_dob_status": "not_known",
    "payment": "instalments",
    "instalment_amount": Decimal("150"),
    "amount_of_claim": Decimal("4512.30"),
    "interest_from": date(2026, 1, 5),
    "interest_to": date(2026, 11, 23),
    "interest_rate": "8",
    "interest_amount": Decimal("318.77"),
    "court_fees": Decimal("205"),
    "subtotal_1": Decimal("5036.07"),
    "fixed_costs_on_judgment": Decimal("22"),
    "subtotal_2": Decimal("5058.07"),
    "amount_paid_since_issue": Decimal("100"),
    "amount_payable": Decimal("4958.07"),
    "signature": "A. Officer",
    "signer_role": "claimant",
    "signer_position": "Debt Recovery Officer, Northbridge Borough Council",
    "signed_date": date(2026, 11, 23),
}


@pytest.fixture
def engine(official_forms_dir: Path, tmp_path: Path) -> AcroformEngine:
    return AcroformEngine(
        Settings(environment="test", data_dir=tmp_path, official_forms_dir=official_forms_dir)
    )


def _read(pdf: bytes) -> PdfReader:
    return PdfReader(BytesIO(pdf))


def _root(reader: PdfReader) -> DictionaryObject:
    return cast(DictionaryObject, reader.trailer["/Root"])


def _field_values(pdf: bytes) -> dict[str, Any]:
    return {name: f.get("/V") for name, f in (_read(pdf).get_fields() or {}).items()}


def test_n1_values_land_in_the_mapped_fields(engine: AcroformEngine) -> None:
    pdf = engine.render("n1", N1_CONTEXT, META).pdf
    rules = load_form(engine.forms_dir, "n1").rules
    values = _field_values(pdf)

    def at(name: str) -> Any:
        return values[str(rules[name].pdf)]

    assert at("court_name") == "County Court Business Centre"
    assert at("claimant_details").startswith("Northbridge Borough Council\nTown Hall")
    assert (
        at("defendant_details")
        == "Mr Jonathan Alexander Smythe-Williams\nFlat 4, 27 Long Lane\nNorthbridge\nNB3 9ZZ"
    )
    assert at("brief_details") == N1_CONTEXT["brief_details"]  # wrapped on the page, whole in the field
    assert (at("amount_claimed"), at("court_fee"), at("total_amount")) == ("4,512.30", "205.00", "4,717.30")
    assert at("legal_rep_costs") in (None, "")  # not given: left blank
    assert at("address_for_documents_postcode") == "NB12AB"
    assert [values[p] for p in ("Text31", "Text32", "Text33")] == ["23", "11", "2026"]
    ticked = {name for name, v in values.items() if name.startswith("Check Box") and v == "/Yes"}
    # no vulnerability, no human rights issue, particulars attached, the claimant believes, signed as claimant
    assert ticked == {"Check Box40", "Check Box42", "Check Box43", "Check Box46", "Check Box47"}


def test_n1_carries_its_own_appearances(engine: AcroformEngine) -> None:
    reader = _read(engine.render("n1", N1_CONTEXT, META).pdf)
    acro_form = cast(DictionaryObject, _root(reader)["/AcroForm"])
    assert acro_form["/NeedAppearances"] == BooleanObject(False)
    widgets = {
        str(a.get_object()["/T"]): a.get_object() for page in reader.pages for a in page.get("/Annots", [])
    }
    assert b"(4,512.30) Tj" in widgets["Text25"]["/AP"]["/N"].get_data()
    brief = widgets["Text23"]["/AP"]["/N"].get_data()
    assert brief.count(b" Tj") >= 2, "a long multi-line value must wrap onto several lines"
    assert widgets["Check Box46"]["/AS"] == "/Yes" and widgets["Check Box45"]["/AS"] == "/Off"


def test_n225_default_judgment_by_instalments(engine: AcroformEngine) -> None:
    values = _field_values(engine.render("n225", N225_CONTEXT, META).pdf)
    assert values["Claim number"] == "K1QZ4X7A"
    assert values["the defendant has not filed an admission"] == "/Yes"
    assert values["particulars of claim have been served"] == "/Yes"
    assert values["the defendant admits that all the money is owed"] in (None, "/Off")
    assert values["Defendant’s date of birth is not known"] == "/2"
    assert values["pay by instalments"] == "/2" and values["ordered to pay immediately"] in (None, "/Off")
    assert values["Amount of instalments"] == "150.00"
    assert values["Interest since date of claim - start date"] == "05/01/2026"
    assert values["Legal Representative's costs on entering judgment"] == "£22.00"
    assert values["Amount payable by the defendant"] == "£4,958.07"
    assert values["Role of the person signing the form - claimant"] in (None, "")
    assert values["Role of the person signing the form - litigation friend"].startswith("XXXX")
    assert [values[f"date of signature - {p}"] for p in ("DD", "MM", "YYYY")] == ["23", "11", "2026"]
    assert "/Perms" not in _root(_read(engine.render("n225", N225_CONTEXT, META).pdf))


@pytest.mark.parametrize(("form_id", "context", "expected"), [
    ("n1", N1_CONTEXT, ["Mr Jonathan Alexander", "4,512.30", "4,717.30", "Alex Officer", "NB3 9ZZ"]),
    ("n225", N225_CONTEXT, ["K1QZ4X7A", "£4,958.07", "150.00", "05/01/2026"]),
])  # fmt: skip
def test_flattened_output_has_no_form_but_keeps_the_text(
    engine: AcroformEngine, form_id: str, context: dict[str, Any], expected: list[str]
) -> None:
    reader = _read(engine.render(form_id, context, META, {"flatten": True}).pdf)
    assert "/AcroForm" not in _root(reader)
    assert not reader.get_fields()
    assert not [
        a for page in reader.pages for a in page.get("/Annots", []) if a.get_object()["/Subtype"] == "/Widget"
    ]
    text = "\n".join(page.extract_text() for page in reader.pages)
    for value in expected:
        assert value in text


def test_same_inputs_give_the_same_bytes_and_the_id_comes_from_meta(engine: AcroformEngine) -> None:
    first = engine.render("n1", N1_CONTEXT, META).pdf
    assert engine.render("n1", dict(N1_CONTEXT), META).pdf == first
    assert AcroformEngine(engine_settings(engine), flatten=True).render("n1", N1_CONTEXT, META).pdf == (
        engine.render("n1", N1_CONTEXT, META, {"flatten": True}).pdf
    )
    reader = _read(first)
    first_id = cast(ArrayObject, reader.trailer["/ID"])[0]
    assert getattr(first_id, "original_bytes", first_id) == bytes.fromhex("3f" * 16)
    assert reader.metadata is not None
    assert reader.metadata["/CreationDate"] == "D:20261123000000Z"
    assert reader.metadata["/Title"] == "N1 claim form - DR-2026-00123"
    assert reader.xmp_metadata is None  # the blank form's XMP would hide our title
    other = PdfMeta(title=META.title, document_id="40" * 16, created=META.created)
    assert engine.render("n1", N1_CONTEXT, other).pdf != first


def engine_settings(engine: AcroformEngine) -> Settings:
    return Settings(environment="test", official_forms_dir=engine.official_forms_dir)


def test_a_tampered_copy_is_refused_with_the_version(official_forms_dir: Path, tmp_path: Path) -> None:
    data = bytearray((official_forms_dir / "N1.pdf").read_bytes())
    data[len(data) // 2] ^= 0x01
    (tmp_path / "N1.pdf").write_bytes(bytes(data))
    engine = AcroformEngine(Settings(environment="test", data_dir=tmp_path, official_forms_dir=tmp_path))
    with pytest.raises(EngineUnavailable, match=r"N1\.pdf is not version 12\.24 \(sha256 ") as exc:
        engine.render("n1", N1_CONTEXT, META)
    assert exc.value.code == "form_version_mismatch"


def test_another_form_under_the_right_name_is_refused(official_forms_dir: Path, tmp_path: Path) -> None:
    shutil.copy(official_forms_dir / "N225.pdf", tmp_path / "N1.pdf")
    engine = AcroformEngine(Settings(environment="test", data_dir=tmp_path, official_forms_dir=tmp_path))
    with pytest.raises(EngineUnavailable, match=r"N1\.pdf is not version 12\.24"):
        engine.render("n1", {}, META)
    spec = load_form(engine.forms_dir, "n1").spec
    with pytest.raises(EngineUnavailable, match="its fields differ"):
        engine._check_fields(spec, PdfReader(official_forms_dir / "N225.pdf"))


def test_text_too_long_for_its_box_names_the_field(engine: AcroformEngine) -> None:
    context = dict(N1_CONTEXT, value="word " * 600, contact_phone="0" * 200)
    with pytest.raises(InvalidInput) as exc:
        engine.render("n1", context, META)
    problems = {p.path: p.message for p in exc.value.problems}
    assert set(problems) == {"value", "contact_phone"}
    assert "too long for its box" in problems["value"] and "Text24, page 1" in problems["value"]


def _ink(png: Path, rect: list[float], dpi: int = 72, page_height: float = 841.89) -> int:
    """Dark pixels inside a PDF rectangle (points, origin bottom left) on a rendered page."""
    scale = dpi / 72
    x0, y0, x1, y1 = rect
    box = (
        int(x0 * scale) + 2,
        int((page_height - y1) * scale) + 2,
        int(x1 * scale) - 2,
        int((page_height - y0) * scale) - 2,
    )
    region = Image.open(png).convert("L").crop(box)
    return sum(region.histogram()[:110])


def _page_png(pdf: Path, out: Path) -> Path:
    subprocess.run(
        ["pdftoppm", "-png", "-r", "72", "-f", "1", "-l", "1", "-singlefile", pdf, out], check=True
    )
    return out.with_suffix(".png")


@pytest.mark.parametrize("flatten", [False, True])
def test_values_are_drawn_inside_their_boxes(
    engine: AcroformEngine, official_forms_dir: Path, tmp_path: Path, flatten: bool
) -> None:
    if shutil.which("pdftoppm") is None:
        pytest.skip("poppler-utils (pdftoppm) is not installed")
    filled = tmp_path / "n1.pdf"
    filled.write_bytes(engine.render("n1", N1_CONTEXT, META, {"flatten": flatten}).pdf)
    page = _page_png(filled, tmp_path / "filled")
    blank = _page_png(official_forms_dir / "N1.pdf", tmp_path / "blank")
    spec = json.loads((PROJECT_ROOT / "forms" / "n1" / "spec.json").read_text(encoding="utf-8"))
    rects = {f["name"]: f["rect"] for f in spec["fields"]}
    for name in ("Text35", "Text21", "Text22", "Text23", "Text25", "Text28", "Text Field 48"):
        assert _ink(page, rects[name]) > _ink(blank, rects[name]) + 20, f"{name} shows no value"
    assert _ink(page, rects["Text27"]) == _ink(blank, rects["Text27"]), "legal_rep_costs was not given"
