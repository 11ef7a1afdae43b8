"""Archival PDF from every path, read back by libraries other than the one that wrote it.

No PDF/A validator (veraPDF) can be installed from the registries this project uses, so each
clause docgen relies on is checked on its own: fonts by poppler's pdffonts, text by pdftotext,
the rest by pikepdf (qpdf) in docgen.pdf.pdfa.check_pdfa, whose own negative cases are here too.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import subprocess
from pathlib import Path

import pikepdf
import pytest

from docgen.bundles.builder import Finishing, SourceFile, build_bundle
from docgen.bundles.spec import parse_spec
from docgen.config import PROJECT_ROOT, Settings
from docgen.domain.case import load_case
from docgen.pdf.inputs import InputLimits
from docgen.pdf.pdfa import ArchiveInfo, Attachment, NotArchivable, check_pdfa, make_pdfa
from docgen.render.pipeline import render_document
from tests.fixtures.pdfs import make_pdf

CASE = PROJECT_ROOT / "tests" / "data" / "cases" / "individual-care-charges.json"
AS_OF = dt.date(2026, 3, 2)


def pdffonts(pdf: bytes, tmp_path: Path) -> list[tuple[str, bool]]:
    """(name, embedded) per font, as poppler reads them."""
    path = tmp_path / "f.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    rows = out.splitlines()[2:]
    # columns: name type encoding emb sub uni object ID; the name never has spaces in our files
    return [(row.split()[0], row.split()[-5] == "yes") for row in rows]


def pdftotext(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "t.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def embedded_files(pdf: bytes) -> dict[str, bytes]:
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        return {name: spec.get_file().read_bytes() for name, spec in doc.attachments.items()}


def test_an_html_paper_is_pdfa_3b_and_carries_its_case_data(settings: Settings, tmp_path: Path) -> None:
    case = load_case(CASE)
    first = render_document("letter_before_claim", case, AS_OF, settings=settings)
    again = render_document("letter_before_claim", case, AS_OF, settings=settings)
    assert first.pdf == again.pdf  # no clock in the archival metadata
    report = check_pdfa(first.pdf)
    assert report.problems == []
    assert (report.part, report.conformance) == (3, "B")
    assert all(embedded for _name, embedded in pdffonts(first.pdf, tmp_path))
    attached = embedded_files(first.pdf)
    assert json.loads(attached["case.json"]) == json.loads(case.canonical_json())
    with pikepdf.open(io.BytesIO(first.pdf)) as doc:
        meta = doc.open_metadata()
        assert meta["dc:title"] == first.title == str(doc.docinfo["/Title"])
        assert meta["xmp:CreateDate"].startswith("2026-03-02")
        assert str(doc.Root.AF[0].AFRelationship) == "/Source"


def test_pdfa_can_be_turned_off_and_that_is_another_input(tmp_path: Path) -> None:
    case = load_case(CASE)
    on = render_document("letter_before_claim", case, AS_OF, settings=Settings(environment="test"))
    off = render_document(
        "letter_before_claim", case, AS_OF, settings=Settings(environment="test", pdfa=False)
    )
    assert check_pdfa(off.pdf).problems  # nothing claims to be archival
    with pikepdf.open(io.BytesIO(off.pdf)) as doc:
        assert "/OutputIntents" not in doc.Root
    assert on.input_hash != off.input_hash  # a stored plain version is not reused for PDF/A


@pytest.mark.shared
def test_the_official_n1_is_pdfa_with_its_fonts_embedded(official_forms_dir: Path, tmp_path: Path) -> None:
    settings = Settings(environment="test", data_dir=tmp_path, official_forms_dir=official_forms_dir)
    case = load_case(CASE)
    rendered = render_document("n1", case, dt.date(2026, 6, 1), engine="official", settings=settings)
    assert check_pdfa(rendered.pdf).problems == []
    fonts = pdffonts(rendered.pdf, tmp_path)
    assert fonts and all(embedded for _name, embedded in fonts), fonts
    # the filled values are still text, drawn in the embedded stand-in for Helvetica
    text = pdftotext(rendered.pdf, tmp_path)
    assert case.primary_debtor.display_name in text
    assert any(name.endswith("NimbusSans-Regular") for name, _ in fonts)


@pytest.mark.shared
def test_the_blank_n225_with_unembedded_fonts_is_made_archival(official_forms_dir: Path) -> None:
    blank = (official_forms_dir / "N225.pdf").read_bytes()
    before = check_pdfa(blank).problems
    assert any("Times-Roman is not embedded" in p for p in before)
    assert any("ZapfDingbats is not embedded" in p for p in before)
    out = make_pdfa(blank, ArchiveInfo(title="N225"))
    assert check_pdfa(out).problems == []


@pytest.mark.libreoffice
def test_a_docx_paper_is_pdfa(settings: Settings, tmp_path: Path) -> None:
    from tests.unit.documents.test_writeoff import make_case

    case = make_case("PDFA-01", [("2024-01-10", "2650.00", "530.00")])
    options = {"reason": "uneconomic", "evidence": "untraceable", "policy": "district_example"}
    rendered = render_document(
        "write_off_report", case, dt.date(2025, 6, 30), options=options, settings=settings
    )
    assert check_pdfa(rendered.pdf).problems == []
    assert all(embedded for _name, embedded in pdffonts(rendered.pdf, tmp_path))
    assert "docx" in rendered.attachments  # the editable copy is still made


def _bundle_spec() -> dict[str, object]:
    return {
        "title": "Trial bundle",
        "case_ref": "K00NN123",
        "court": "County Court at Northampton",
        "parties": {"claimant": "Northshire Borough Council", "defendant": "Zoë Brontë"},
        "sections": [
            {
                "letter": "A",
                "title": "Statements of case",
                "items": [
                    {"source": {"file": "letter.pdf"}, "date": "2026-01-01", "description": "Letter"},
                    {"source": {"file": "plain.pdf"}, "date": "2026-02-01", "description": "Defence"},
                ],
            }
        ],
    }


def _build(files: dict[str, bytes], pdfa: bool = True):  # type: ignore[no-untyped-def]
    return build_bundle(
        parse_spec(_bundle_spec()),
        {f"file:{k}": SourceFile(f"file:{k}", k, v) for k, v in files.items()},
        limits=InputLimits(10_000_000, 500),
        volume_pages=300,
        templates_dir=PROJECT_ROOT / "templates",
        finish=Finishing(pdfa=pdfa),
    )


def test_a_bundle_of_rendered_and_uploaded_pdfs_is_pdfa_2b(settings: Settings, tmp_path: Path) -> None:
    letter = render_document("letter_before_claim", load_case(CASE), AS_OF, settings=settings).pdf
    plain = make_pdf(2, label="defence")  # Helvetica by name only, as many uploads are
    built = _build({"letter.pdf": letter, "plain.pdf": plain})
    assert built.warnings == []
    pdf = built.volumes[0].pdf
    report = check_pdfa(pdf)
    assert report.problems == [] and (report.part, report.conformance) == (2, "B")
    assert all(embedded for _name, embedded in pdffonts(pdf, tmp_path))
    assert "defence page 2" in pdftotext(pdf, tmp_path)
    # the letter's own case data is not carried into the bundle (PDF/A-2 holds no such file)
    assert embedded_files(pdf) == {}
    assert _build({"letter.pdf": letter, "plain.pdf": plain}).volumes[0].pdf == pdf


def _with_font(base_font: str) -> bytes:
    data = make_pdf(1, label="odd font")
    with pikepdf.open(io.BytesIO(data)) as doc:
        doc.pages[0].Resources.Font.F1.BaseFont = pikepdf.Name(base_font)
        out = io.BytesIO()
        doc.save(out)
        return out.getvalue()


def test_a_bundle_input_with_an_unknown_unembedded_font_is_named_and_not_called_archival() -> None:
    built = _build({"letter.pdf": make_pdf(1), "plain.pdf": _with_font("/Calibri")})
    assert built.warnings == [
        "volume 1 is not PDF/A: the PDF uses fonts it does not contain and that have no standard "
        "replacement: Calibri"
    ]
    assert check_pdfa(built.volumes[0].pdf).problems  # and it does not claim to be


def test_encrypted_input_is_refused() -> None:
    with pytest.raises(NotArchivable):
        make_pdfa(make_pdf(1, password="pw"), ArchiveInfo(title="x"))


def test_the_checker_names_what_a_plain_pdf_lacks() -> None:
    problems = check_pdfa(make_pdf(1))
    text = "\n".join(problems.problems)
    assert "no XMP metadata" in text
    assert "no PDF/A output intent" in text
    assert "font /Helvetica is not embedded" in text


def test_the_checker_finds_scripts_hidden_annotations_and_loose_files() -> None:
    archival = make_pdfa(make_pdf(1), ArchiveInfo(title="x", attachments=(Attachment("a.json", b"{}"),)))
    with pikepdf.open(io.BytesIO(archival)) as doc:
        doc.Root.Names.JavaScript = pikepdf.Dictionary(Names=pikepdf.Array())
        doc.pages[0].Annots = doc.make_indirect(
            pikepdf.Array(
                [
                    pikepdf.Dictionary(
                        Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Text, Rect=[0, 0, 10, 10], F=2
                    )
                ]
            )
        )
        del doc.Root.AF[0].AFRelationship
        out = io.BytesIO()
        doc.save(out)
    problems = "\n".join(check_pdfa(out.getvalue()).problems)
    assert "document JavaScript" in problems
    assert "/Text annotation not printable or hidden" in problems
    assert "/Text annotation without an appearance stream" in problems
    assert "has no AFRelationship" in problems


def test_finishing_from_a_file_in_memory_matches_the_stream_and_leaves_no_descriptor(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import os

    source = make_pdf(3, label="letter")
    info = ArchiveInfo(title="Letter", created=dt.date(2026, 3, 2))
    before = len(os.listdir("/proc/self/fd"))
    mapped = [make_pdfa(source, info) for _ in range(50)]
    assert len(os.listdir("/proc/self/fd")) == before
    monkeypatch.delattr(os, "memfd_create")  # a system without memfd: the bytes are read as a stream
    streamed = make_pdfa(source, info)
    assert set(mapped) == {streamed}
    report = check_pdfa(streamed)
    assert (report.part, report.problems) == (2, [])
    text = subprocess.run(["pdftotext", "-", "-"], input=streamed, capture_output=True, check=True).stdout
    assert [f"letter page {n}".encode() in text for n in (1, 2, 3)] == [True] * 3
