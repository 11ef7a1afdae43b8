"""The official-form engine's field maps and value rules, without the official PDFs."""

from __future__ import annotations

import json
import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf.generic._font import Font

from docgen.config import PROJECT_ROOT, Settings
from docgen.errors import EngineUnavailable, InvalidInput
from docgen.render.acroform import (
    AcroformEngine,
    _Box,
    _fit,
    _Text,
    _Tick,
    _wrap,
    load_form,
    resolve_context,
)
from docgen.render.base import PdfMeta

FORMS = PROJECT_ROOT / "forms"
FORM_IDS = ["n1", "n225"]
META = PdfMeta(title="t", document_id="00" * 16, created=date(2026, 11, 23))


def _spec(form_id: str) -> dict:
    return json.loads((FORMS / form_id / "spec.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_every_value_field_of_the_official_pdf_is_mapped_exactly_once(form_id: str) -> None:
    form = load_form(FORMS, form_id)
    spec = _spec(form_id)
    mapped = [pdf for rule in form.rules.values() for pdf in rule.pdf_names()]
    assert len(mapped) == len(set(mapped)), "a PDF field is mapped twice"
    value_fields = {f["name"] for f in spec["fields"] if f["type"] != "pushbutton"}
    assert set(mapped) == value_fields
    assert spec["field_count"] == len(spec["fields"])


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_checkbox_on_states_exist_in_the_pinned_form(form_id: str) -> None:
    form = load_form(FORMS, form_id)
    states = {f["name"]: f.get("states", []) for f in _spec(form_id)["fields"]}
    for rule in form.rules.values():
        if rule.type == "checkbox":
            assert rule.on in states[str(rule.pdf)], rule.name
        if rule.type == "choice":
            for opt in rule.options.values():
                assert opt["on"] in states[opt["pdf"]], (rule.name, opt)


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_fields_md_lists_every_logical_name_and_pdf_field(form_id: str) -> None:
    form = load_form(FORMS, form_id)
    doc = (FORMS / form_id / "FIELDS.md").read_text(encoding="utf-8")
    assert form.spec.sha256 in doc
    for rule in form.rules.values():
        assert f"`{rule.name}`" in doc
        for pdf in rule.pdf_names():
            assert f"`{pdf}`" in doc


def test_n1_spec_pins_version_12_24_and_n225_its_footer_version() -> None:
    n1, n225 = load_form(FORMS, "n1").spec, load_form(FORMS, "n225").spec
    assert (n1.file, n1.version, n1.pages, n1.field_count) == ("N1.pdf", "12.24", 5, 43)
    assert (n225.file, n225.version, n225.pages, n225.field_count) == ("N225.pdf", "04.13", 1, 45)
    assert n1.source.startswith("https://www.gov.uk/") and n225.source.startswith("https://www.gov.uk/")


def test_unknown_keys_are_refused_all_at_once() -> None:
    form = load_form(FORMS, "n1")
    with pytest.raises(InvalidInput) as exc:
        resolve_context(form, {"court_name": "X", "claimant_name": "A", "amount": Decimal("1")})
    assert sorted(p.path for p in exc.value.problems) == ["amount", "claimant_name"]
    assert all(p.code == "unknown_field" for p in exc.value.problems)


def test_money_is_formatted_and_floats_are_refused() -> None:
    n1, n225 = load_form(FORMS, "n1"), load_form(FORMS, "n225")
    values = resolve_context(n1, {"amount_claimed": Decimal("4512.3"), "court_fee": 205})
    assert values["Text25"] == _Text("4,512.30", "amount_claimed")
    assert values["Text26"] == _Text("205.00", "court_fee")
    assert resolve_context(n225, {"amount_payable": Decimal("12345.675")})[
        "Amount payable by the defendant"
    ] == _Text("£12,345.68", "amount_payable")
    with pytest.raises(InvalidInput) as exc:
        resolve_context(n1, {"amount_claimed": 10.5, "court_fee": "lots", "total_amount": Decimal("-1")})
    messages = {p.path: p.message for p in exc.value.problems}
    assert "float" in messages["amount_claimed"]
    assert "not an amount" in messages["court_fee"]
    assert "negative" in messages["total_amount"]


def test_dates_split_into_day_month_year_or_print_whole() -> None:
    values = resolve_context(
        load_form(FORMS, "n225"), {"signed_date": "2026-03-07", "interest_from": date(2026, 1, 5)}
    )
    assert values["date of signature - DD"].value == "07"  # type: ignore[union-attr]
    assert values["date of signature - MM"].value == "03"  # type: ignore[union-attr]
    assert values["date of signature - YYYY"].value == "2026"  # type: ignore[union-attr]
    assert values["Interest since date of claim - start date"].value == "05/01/2026"  # type: ignore[union-attr]
    with pytest.raises(InvalidInput, match="cannot fill"):
        resolve_context(load_form(FORMS, "n225"), {"signed_date": "7 March"})


def test_choice_ticks_one_box_and_clears_the_others() -> None:
    values = resolve_context(load_form(FORMS, "n225"), {"payment": "instalments"})
    assert values["pay by instalments"] == _Tick("/2", "payment")
    assert values["ordered to pay immediately"] == _Tick("/Off", "payment")
    with pytest.raises(InvalidInput) as exc:
        resolve_context(load_form(FORMS, "n225"), {"payment": "weekly", "judgment_route": ["default"]})
    messages = {p.path: p.message for p in exc.value.problems}
    assert "immediately" in messages["payment"] and "admission" in messages["judgment_route"]


def test_strike_overtypes_the_roles_that_do_not_apply() -> None:
    values = resolve_context(load_form(FORMS, "n225"), {"signer_role": "claimant"})
    assert "Role of the person signing the form - claimant" not in values
    assert values["Role of the person signing the form - litigation friend"].value.startswith("XXXX")  # type: ignore[union-attr]


def test_text_takes_lines_and_postcodes_lose_their_space() -> None:
    values = resolve_context(
        load_form(FORMS, "n1"),
        {"claimant_details": ["Northbridge BC", "", "NB1 2AB"], "address_for_documents_postcode": "nb1 2ab"},
    )
    assert values["Text21"].value == "Northbridge BC\nNB1 2AB"  # type: ignore[union-attr]
    assert values["Text34"].value == "NB12AB"  # type: ignore[union-attr]
    rate = resolve_context(load_form(FORMS, "n225"), {"interest_rate": Decimal("8")})
    assert rate["Interest since date of claim - interest rate"] == _Text("8", "interest_rate")
    with pytest.raises(InvalidInput, match="cannot fill"):
        resolve_context(load_form(FORMS, "n1"), {"court_name": 3.5})


def _box(width: float, height: float, multiline: bool, max_len: int | None = None) -> _Box:
    return _Box(width, height, multiline, max_len, "/Helvetica", Font.from_core_font_name("/Helvetica"), 11.0)


def test_wrap_breaks_on_words_and_splits_overlong_words() -> None:
    font = Font.from_core_font_name("/Helvetica")
    lines = _wrap("the quick brown fox jumps over the lazy dog", font, 11, 80)
    assert len(lines) > 1 and " ".join(lines) == "the quick brown fox jumps over the lazy dog"
    assert all(font.get_text_width(line) * 11 / 1000 <= 80 for line in lines)
    assert "".join(_wrap("X" * 40, font, 11, 50)) == "X" * 40


def test_fit_shrinks_then_refuses_rather_than_clipping() -> None:
    assert _fit("205.00", _box(90, 20, False)) == ("205.00", 11.0)
    fitted = _fit("A fairly long single line of text", _box(120, 20, False))
    assert isinstance(fitted, tuple)
    text, size = fitted
    assert 6 <= size < 11 and text == "A fairly long single line of text"
    assert "too long" in str(_fit("word " * 400, _box(200, 60, True)))
    assert "longer than the 7" in str(_fit("NB12ABCD", _box(138, 24, False, max_len=7)))
    assert "line breaks" in str(_fit("a\nb", _box(200, 20, False)))
    assert "cannot show" in str(_fit("Dŵr Cymru 水", _box(200, 20, False)))


def test_a_missing_form_names_where_it_was_looked_for(tmp_path: Path) -> None:
    # by default the copy shipped beside the field map is filled
    engine = AcroformEngine(Settings(environment="test", data_dir=tmp_path))
    assert engine.render("n1", {"court_name": "X"}, META).pdf.startswith(b"%PDF")
    forms = tmp_path / "forms"
    shutil.copytree(engine.forms_dir / "n1", forms / "n1", ignore=shutil.ignore_patterns("*.pdf"))
    engine = AcroformEngine(Settings(environment="test", data_dir=tmp_path, forms_dir=forms))
    with pytest.raises(EngineUnavailable, match=r"N1\.pdf not found in the project's forms folder"):
        engine.render("n1", {"court_name": "X"}, META)
    engine = AcroformEngine(Settings(environment="test", data_dir=tmp_path, official_forms_dir=tmp_path))
    with pytest.raises(EngineUnavailable, match=r"N1\.pdf not found in DOCGEN_OFFICIAL_FORMS_DIR"):
        engine.render("n1", {"court_name": "X"}, META)
    with pytest.raises(EngineUnavailable, match="no official form"):
        engine.render("../n1", {}, META)


def test_template_hash_follows_the_map_and_versions_name_pypdf(tmp_path: Path) -> None:
    engine = AcroformEngine(Settings(environment="test", data_dir=tmp_path))
    assert engine.template_hash("n1") == engine.template_hash("n1")
    assert engine.template_hash("n1") != engine.template_hash("n225")
    versions = engine.versions()
    assert versions["N1"] == "12.24" and versions["N225"] == "04.13" and versions["pypdf"]
    assert engine.form_version("n1") == "N1 (12.24)"


def test_a_map_naming_a_field_the_form_lacks_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "n1"
    folder.mkdir()
    (folder / "spec.json").write_bytes((FORMS / "n1" / "spec.json").read_bytes())
    fieldmap = json.loads((FORMS / "n1" / "fieldmap.json").read_text(encoding="utf-8"))
    fieldmap["fields"]["court_name"]["pdf"] = "Text99"
    (folder / "fieldmap.json").write_text(json.dumps(fieldmap), encoding="utf-8")
    with pytest.raises(ValueError, match=r"court_name: not fields of N1\.pdf: \['Text99'\]"):
        load_form(tmp_path, "n1")


def test_the_engine_is_registered_as_official(tmp_path: Path) -> None:
    from docgen.render.base import Engine
    from docgen.render.engines import get_engine

    settings = Settings(environment="test", data_dir=tmp_path)
    engine: Engine = AcroformEngine(settings)  # checked structurally by mypy
    assert engine.name == "official"
    assert isinstance(get_engine("official", settings), AcroformEngine)
