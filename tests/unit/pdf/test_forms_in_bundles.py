"""A filled form inside a bundle shows its values in every viewer.

A bundle is assembled page by page, and a form's fields do not come with their pages: left as
widgets with no form above them, Acrobat may show the boxes empty. So each input's fields are drawn
into the page (docgen.pdf.forms). The oracles: pypdf's text extraction, which reads the page's own
content only (never annotations), poppler's pdftotext, and poppler's page images.
"""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import warnings
from pathlib import Path

import pikepdf
import pytest
from PIL import Image
from pypdf import PdfReader

from docgen.bundles.builder import Finishing, SourceFile, build_bundle
from docgen.bundles.spec import parse_spec
from docgen.config import PROJECT_ROOT, Settings
from docgen.domain.case import load_case
from docgen.pdf.forms import flatten_forms
from docgen.pdf.inputs import InputLimits
from docgen.render.pipeline import render_document
from tests.fixtures.pdfs import make_pdf

CASE = PROJECT_ROOT / "tests" / "data" / "cases" / "individual-care-charges.json"


def _n1(official_forms_dir: Path, tmp_path: Path) -> bytes:
    settings = Settings(environment="test", data_dir=tmp_path, official_forms_dir=official_forms_dir)
    case = load_case(CASE)
    return render_document("n1", case, dt.date(2026, 6, 1), engine="official", settings=settings).pdf


def _bundle(files: dict[str, bytes], pdfa: bool) -> bytes:
    spec = parse_spec(
        {
            "title": "Trial bundle",
            "case_ref": "K00NN123",
            "court": "County Court at Northampton",
            "parties": {"claimant": "Northshire Borough Council", "defendant": "Owen Price-Jones"},
            "sections": [
                {
                    "letter": "A",
                    "title": "Statements of case",
                    "items": [
                        {"source": {"file": name}, "date": "2026-06-01", "description": name}
                        for name in files
                    ],
                }
            ],
        }
    )
    built = build_bundle(
        spec,
        {f"file:{k}": SourceFile(f"file:{k}", k, v) for k, v in files.items()},
        limits=InputLimits(10_000_000, 500),
        volume_pages=300,
        templates_dir=PROJECT_ROOT / "templates",
        finish=Finishing(pdfa=pdfa),
    )
    return built.volumes[0].pdf


def _widgets(pdf: bytes) -> int:
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        assert "/AcroForm" not in doc.Root
        return sum(1 for p in doc.pages for a in p.obj.get("/Annots", []) if a.get("/Subtype") == "/Widget")


def _pdftotext(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "t.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def _pixels(pdf: bytes, tmp_path: Path, name: str) -> list[bytes]:
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(path), str(tmp_path / name)], check=True)
    return [Image.open(p).tobytes() for p in sorted(tmp_path.glob(f"{name}-*.png"))]


@pytest.mark.shared
@pytest.mark.parametrize("pdfa", [True, False])
def test_a_filled_n1_in_a_bundle_shows_its_values_in_the_page_itself(
    pdfa: bool, official_forms_dir: Path, tmp_path: Path
) -> None:
    n1 = _n1(official_forms_dir, tmp_path)
    n1_pages = len(PdfReader(io.BytesIO(n1)).pages)
    assert "Mr Owen Price-Jones" not in "".join(p.extract_text() for p in PdfReader(io.BytesIO(n1)).pages)
    with warnings.catch_warnings():
        warnings.simplefilter("error", pikepdf.PageCopyWarning)  # no field left without its form
        bundle = _bundle({"n1.pdf": n1, "note.pdf": make_pdf(1, label="note")}, pdfa)
    assert _widgets(bundle) == 0
    reader = PdfReader(io.BytesIO(bundle))
    # page 1 is the index; the claim form follows; its values are now the page's own text
    form_text = "".join(reader.pages[n].extract_text() for n in range(1, 1 + n1_pages))
    assert "Mr Owen Price-Jones" in form_text
    assert "Northshire" in form_text or "Council" in form_text
    assert _pdftotext(bundle, tmp_path).count("Mr Owen Price-Jones") >= 2


@pytest.mark.shared
def test_drawing_the_fields_in_changes_nothing_a_reader_sees(
    official_forms_dir: Path, tmp_path: Path
) -> None:
    n1 = _n1(official_forms_dir, tmp_path)
    flat = flatten_forms(n1)
    assert flat is not None and flatten_forms(n1) == flat  # the same bytes every time
    assert _pixels(flat, tmp_path, "flat") == _pixels(n1, tmp_path, "filled")
    assert flatten_forms(make_pdf(2)) is None  # nothing to do without a form


@pytest.mark.shared
def test_a_form_left_for_the_viewer_to_draw_is_drawn_before_it_goes_in(
    official_forms_dir: Path, tmp_path: Path
) -> None:
    """An upload filled by software that left the drawing to the viewer (NeedAppearances)."""
    with pikepdf.open(official_forms_dir / "N225.pdf") as doc:
        field = next(f for f in doc.Root.AcroForm.Fields if f.get("/FT") == "/Tx" and "/Kids" not in f)
        field.V = pikepdf.String("FILLED BY HAND 4411")
        if "/AP" in field:
            del field.AP
        doc.Root.AcroForm.NeedAppearances = True
        out = io.BytesIO()
        doc.save(out)
    flat = flatten_forms(out.getvalue())
    assert flat is not None
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(flat)).pages)
    assert "FILLED BY HAND 4411" in text
    assert _widgets(flat) == 0
