"""The DOCX engine: template lint, sandbox and escaping, stable DOCX and PDF bytes."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from docx import Document
from pypdf import PdfReader

from docgen.config import PROJECT_ROOT, Settings
from docgen.errors import NotFound, UnsafeTemplate
from docgen.render.base import PdfMeta
from docgen.render.docx import DocxEngine, lint_docx_template
from docgen.render.libreoffice import LibreOffice
from docgen.tabular import normalise_zip

META = PdfMeta(
    title="Test report", document_id="0123456789abcdef" * 2, created=date(2025, 3, 4), author="Council"
)


def make_docx(*paragraphs: str, header: str | None = None) -> bytes:
    doc = Document()
    for text in paragraphs:
        doc.add_paragraph(text)
    if header is not None:
        doc.sections[0].header.paragraphs[0].text = header
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


@pytest.fixture
def template_root(tmp_path: Path) -> Path:
    (tmp_path / "docx").mkdir()
    return tmp_path


def engine_for(root: Path, office: LibreOffice, council: str = "default") -> DocxEngine:
    return DocxEngine(Settings(environment="test", templates_dir=root, council=council), office=office)


# -- lint ---------------------------------------------------------------------------------------


def test_lint_accepts_a_template_whose_names_are_all_known() -> None:
    data = make_docx("Dear {{ name }}", "{%p if amount %}", "You owe {{ amount|gbp }}", "{%p endif %}")
    assert lint_docx_template(data, {"name", "amount"}) == []


def test_lint_names_the_paragraph_of_an_undefined_variable() -> None:
    data = make_docx("Dear {{ name }}", "Reference {{ case_ref }}", "You owe {{ amout }}")
    problems = lint_docx_template(data, {"name", "case_ref", "amount"})
    assert [p.code for p in problems] == ["undefined_variable"]
    assert "amout" in problems[0].message
    assert problems[0].path.startswith("body paragraph 3")
    assert "You owe" in problems[0].path


def test_lint_reports_a_syntax_error_with_its_paragraph() -> None:
    data = make_docx("Intro", "Total {{ amount | }}", "End")
    problems = lint_docx_template(data, {"amount"})
    assert len(problems) == 1 and problems[0].code == "template_syntax"
    assert problems[0].path.startswith("body paragraph 2")


def test_lint_reports_unknown_filters_and_private_attributes() -> None:
    data = make_docx("{{ amount|shout }}", "{{ name.__class__ }}")
    codes = sorted(p.code for p in lint_docx_template(data, {"amount", "name"}))
    assert codes == ["template_syntax", "unsafe_attribute"]


def test_lint_checks_headers_as_well_as_the_body() -> None:
    data = make_docx("Body {{ name }}", header="{{ council_nme }}")
    problems = lint_docx_template(data, {"name", "council"})
    assert len(problems) == 1
    assert problems[0].path.startswith("header") and "council_nme" in problems[0].message


def test_lint_refuses_a_file_that_is_not_a_docx() -> None:
    problems = lint_docx_template(b"%PDF-1.7 not a word file", set())
    assert [p.code for p in problems] == ["not_docx"]


@pytest.mark.parametrize("name", sorted(p.name for p in (PROJECT_ROOT / "templates" / "docx").glob("*.docx")))
def test_shipped_templates_parse(name: str) -> None:
    data = (PROJECT_ROOT / "templates" / "docx" / name).read_bytes()
    syntax = [p for p in lint_docx_template(data, set()) if p.code != "undefined_variable"]
    assert syntax == []


def test_shipped_templates_match_their_build_script(tmp_path: Path) -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "build", PROJECT_ROOT / "scripts" / "build_docx_templates.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for path in module.build(tmp_path):
        assert path.read_bytes() == (PROJECT_ROOT / "templates" / "docx" / path.name).read_bytes(), path.name


# -- zip normalisation --------------------------------------------------------------------------


def test_normalise_zip_fixes_dates_and_keeps_order() -> None:
    data = make_docx("Hello")
    fixed = normalise_zip(data)
    with zipfile.ZipFile(io.BytesIO(fixed)) as zf:
        names = [i.filename for i in zf.infolist()]
        assert {i.date_time for i in zf.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert names == [i.filename for i in zf.infolist()]
    assert names[0] == "[Content_Types].xml"
    assert normalise_zip(fixed) == fixed


# -- rendering (real LibreOffice) ---------------------------------------------------------------


@pytest.mark.libreoffice
def test_render_fills_escapes_and_returns_pdf_and_docx(template_root: Path, libreoffice: LibreOffice) -> None:
    (template_root / "docx" / "t.docx").write_bytes(
        make_docx("Debtor: {{ name }}", "Owed {{ amount|gbp }} on {{ day|date_uk }}")
    )
    engine = engine_for(template_root, libreoffice)
    hostile = 'Smith & Sons </w:t></w:r><w:r><w:t>"injected"'
    out = engine.render(
        "t.docx", {"name": hostile, "amount": Decimal("1234.5"), "day": date(2025, 1, 2)}, META
    )
    text = PdfReader(io.BytesIO(out.pdf)).pages[0].extract_text()
    assert "Owed £1,234.50 on 2 January 2025" in text
    assert hostile in text.replace("\n", "")  # shown as text, not spliced into the document XML
    with zipfile.ZipFile(io.BytesIO(out.attachments["docx"])) as zf:
        xml = zf.read("word/document.xml").decode()
    assert "Smith &amp; Sons &lt;/w:t&gt;" in xml


@pytest.mark.libreoffice
def test_same_inputs_give_identical_pdf_and_docx_bytes(template_root: Path, libreoffice: LibreOffice) -> None:
    (template_root / "docx" / "t.docx").write_bytes(make_docx("Case {{ ref }}"))
    engine = engine_for(template_root, libreoffice)
    first = engine.render("t.docx", {"ref": "A/1"}, META)
    second = engine.render("t.docx", {"ref": "A/1"}, META)
    assert first.pdf == second.pdf
    assert first.attachments["docx"] == second.attachments["docx"]
    reader = PdfReader(io.BytesIO(first.pdf))
    assert reader.metadata is not None
    assert reader.metadata["/Title"] == "Test report"
    assert reader.metadata["/CreationDate"] == "D:20250304000000Z"
    ident = reader.trailer["/ID"][0]  # type: ignore[index]
    assert getattr(ident, "original_bytes", ident) == bytes.fromhex(META.document_id)
    other = engine.render("t.docx", {"ref": "A/2"}, META)
    assert other.pdf != first.pdf


@pytest.mark.libreoffice
def test_nothing_is_rendered_with_a_template_that_fails_lint(
    template_root: Path, libreoffice: LibreOffice
) -> None:
    (template_root / "docx" / "bad.docx").write_bytes(make_docx("Hello {{ nme }}"))
    engine = engine_for(template_root, libreoffice)
    before = libreoffice.conversions
    with pytest.raises(UnsafeTemplate) as err:
        engine.render("bad.docx", {"name": "x"}, META)
    assert err.value.problems and "nme" in err.value.problems[0].message
    assert libreoffice.conversions == before


@pytest.mark.libreoffice
def test_sandbox_refuses_unsafe_calls_at_render(template_root: Path, libreoffice: LibreOffice) -> None:
    (template_root / "docx" / "t.docx").write_bytes(make_docx("{{ items.append(1) }}"))
    engine = engine_for(template_root, libreoffice)
    with pytest.raises(UnsafeTemplate):
        engine.render("t.docx", {"items": [1, 2]}, META)


def test_a_council_branded_template_wins_and_bad_names_are_refused(template_root: Path) -> None:
    (template_root / "docx" / "t.docx").write_bytes(make_docx("shipped"))
    branded = template_root / "branding" / "north" / "docx"
    branded.mkdir(parents=True)
    (branded / "t.docx").write_bytes(make_docx("branded"))
    office = LibreOffice()
    try:
        assert engine_for(template_root, office, "north").template_path("t.docx") == branded / "t.docx"
        assert engine_for(template_root, office).template_path("t.docx") == template_root / "docx" / "t.docx"
        with pytest.raises(NotFound):
            engine_for(template_root, office).template_path("../t.docx")
        with pytest.raises(NotFound):
            engine_for(template_root, office).template_path("missing.docx")
    finally:
        office.close()


def test_finish_pdf_rewrites_a_pdf_not_made_by_libreoffice() -> None:
    from pypdf import PdfWriter

    from docgen.render.docx import finish_pdf

    writer = PdfWriter()
    for _ in range(2):
        writer.add_blank_page(595, 842)
    writer.add_metadata({"/Title": "original"})
    buf = io.BytesIO()
    writer.write(buf)
    source = buf.getvalue()
    first = finish_pdf(source, META, producer="docgen")
    assert first == finish_pdf(source, META, producer="docgen")
    reader = PdfReader(io.BytesIO(first))
    assert len(reader.pages) == 2
    assert reader.metadata is not None and reader.metadata["/Title"] == "Test report"
    ident = reader.trailer["/ID"][0]  # type: ignore[index]
    assert getattr(ident, "original_bytes", ident) == bytes.fromhex(META.document_id)
