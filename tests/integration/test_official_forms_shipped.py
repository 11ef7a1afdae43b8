"""The official N1 and N225 shipped in forms/: pinned, filled by default, ticks visible in poppler and
MuPDF, and the like-effect layout as the fallback when a case does not fit the official boxes."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import subprocess
from datetime import date
from pathlib import Path
from typing import Any, cast

import pytest
from PIL import Image
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject

from docgen.config import PROJECT_ROOT, Settings
from docgen.domain.case import Case, parse_case
from docgen.errors import InvalidInput
from docgen.render.pipeline import render_document

DATA = Path(__file__).resolve().parents[1] / "data" / "cases"
FORMS = PROJECT_ROOT / "forms"


def _case(**changes: Any) -> Case:
    data = json.loads((DATA / "individual-care-charges.json").read_text(encoding="utf-8"))
    data.update(changes)
    return parse_case(data)


SERVED = _case(
    recovery_history=[
        {"date": "2025-04-01", "action": "letter_before_claim", "note": ""},
        {"date": "2025-05-16", "action": "claim_issued", "note": "Claim K1AB2CD3"},
        {"date": "2025-05-19", "action": "claim_served", "note": "", "method": "first_class_post"},
    ]
)


@pytest.fixture(scope="module")
def settings() -> Settings:
    return Settings(environment="test")  # no DOCGEN_OFFICIAL_FORMS_DIR: the shipped copies


@pytest.mark.parametrize("form_id", ["n1", "n225"])
def test_shipped_pdf_is_the_pinned_version_with_its_source_and_licence(form_id: str) -> None:
    spec = json.loads((FORMS / form_id / "spec.json").read_text(encoding="utf-8"))
    pdf = FORMS / form_id / spec["file"]
    # the pin is checked against the bytes by a second implementation (hashlib over the file)
    assert hashlib.sha256(pdf.read_bytes()).hexdigest() == spec["sha256"]
    assert spec["source"].startswith("https://www.gov.uk/")
    assert "Open Government Licence" in spec["licence"]
    listing = (FORMS / "OFFICIAL-FORMS.md").read_text(encoding="utf-8")
    assert spec["sha256"] in listing and spec["version"] in listing
    names = {f.split(".")[0] for f in (PdfReader(pdf).get_fields() or {})}
    assert names == {f["name"].split(".")[0] for f in spec["fields"]}


def test_official_forms_are_the_default_engine(settings: Settings) -> None:
    n1 = render_document("n1", _case(), date(2025, 5, 16), settings=settings)
    assert n1.engine == "official"
    assert "official_form_fallback" not in {w.code for w in n1.warnings}
    assert "12.24" in str(PdfReader(io.BytesIO(n1.pdf)).metadata.get("/Producer"))
    n225 = render_document("n225", SERVED, date(2025, 6, 5), settings=settings)
    assert n225.engine == "official"
    values = {k: str(v.get("/V")) for k, v in (PdfReader(io.BytesIO(n225.pdf)).get_fields() or {}).items()}
    assert "K1AB2CD3" in values.values()


def test_a_case_the_official_form_cannot_hold_falls_back_to_the_like_effect_layout(
    settings: Settings,
) -> None:
    """The official N225 prints monthly instalments only: weekly ones are made to the like effect,
    with a warning; asked for explicitly, the official engine still refuses with the reason."""
    options = {
        "payment": "instalments",
        "instalment_amount": "20.00",
        "frequency": "weekly",
        "first_payment": "2025-07-01",
    }
    r = render_document("n225", SERVED, date(2025, 6, 5), options=options, settings=settings)
    assert r.engine == "html"
    fallback = [w for w in r.warnings if w.code == "official_form_fallback"]
    assert len(fallback) == 1 and not fallback[0].blocking
    assert "frequency" in fallback[0].message and "like effect" in fallback[0].message
    assert "each week" in " ".join(p.extract_text() for p in PdfReader(io.BytesIO(r.pdf)).pages).lower()
    with pytest.raises(InvalidInput, match="monthly instalments only"):
        render_document(
            "n225", SERVED, date(2025, 6, 5), options=options, engine="official", settings=settings
        )


def _checkboxes(pdf: bytes) -> list[tuple[int, str, list[float], bool, float]]:
    """(page, field, rect, ticked, page height) for every checkbox widget, read with pypdf."""
    out = []
    for n, page in enumerate(PdfReader(io.BytesIO(pdf)).pages, start=1):
        for ref in cast(ArrayObject, page.get("/Annots", ArrayObject())):
            annot = cast(DictionaryObject, ref.get_object())
            if annot.get("/FT") != "/Btn" or int(annot.get("/Ff", 0)) & (
                1 << 16
            ):  # push buttons carry no value
                continue
            rect = [float(x) for x in cast(ArrayObject, annot["/Rect"])]
            out.append((n, str(annot["/T"]), rect, annot.get("/AS") != "/Off", float(page.mediabox.height)))
    return out


def _pages(pdf: Path, tool: str, out: Path) -> dict[int, Path]:
    out.mkdir()
    if tool == "pdftoppm":
        subprocess.run(["pdftoppm", "-png", "-r", "72", pdf, out / "p"], check=True, capture_output=True)
    else:
        subprocess.run(["mutool", "draw", "-q", "-r", "72", "-o", out / "p-%d.png", pdf], check=True)
    return {int(p.stem.rsplit("-", 1)[1]): p for p in out.glob("p-*.png")}


def _ink(png: Path, rect: list[float], height: float) -> int:
    x0, y0, x1, y1 = rect
    box = (int(x0) + 2, int(height - y1) + 2, int(x1) - 2, int(height - y0) - 2)  # inside the frame
    return sum(Image.open(png).convert("L").crop(box).histogram()[:110])


@pytest.mark.parametrize("tool", ["pdftoppm", "mutool"])
@pytest.mark.parametrize("form_id", ["n1", "n225"])
def test_ticks_show_in_poppler_and_mupdf(settings: Settings, tmp_path: Path, tool: str, form_id: str) -> None:
    if shutil.which(tool) is None:
        pytest.skip(f"{tool} is not installed (poppler-utils / mupdf-tools)")
    if form_id == "n1":
        pdf = render_document("n1", _case(), date(2025, 5, 16), settings=settings).pdf
    else:
        pdf = render_document("n225", SERVED, date(2025, 6, 5), settings=settings).pdf
    boxes = _checkboxes(pdf)
    ticked = [b for b in boxes if b[3]]
    assert ticked and len(ticked) < len(boxes)
    (tmp_path / "f.pdf").write_bytes(pdf)
    filled = _pages(tmp_path / "f.pdf", tool, tmp_path / "filled")
    blank = _pages(FORMS / form_id / ("N1.pdf" if form_id == "n1" else "N225.pdf"), tool, tmp_path / "blank")
    for page, name, rect, is_ticked, height in boxes:
        inked = _ink(filled[page], rect, height) - _ink(blank[page], rect, height)
        area = (rect[2] - rect[0] - 4) * (rect[3] - rect[1] - 4)
        if is_ticked:  # a tick covers well over a tenth of its box
            assert inked > 0.1 * area, f"{tool}: {name} on page {page} is ticked but shows no tick"
        else:
            assert inked <= 3, f"{tool}: {name} on page {page} is not ticked but shows ink"
