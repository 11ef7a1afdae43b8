"""The Word template check refuses, before a template goes live, everything that would only fail
(or do harm) when a paper is made: private attributes reached by filter or index, other templates
pulled in, and anything outside the document (linked pictures, fetching fields). Long document
properties are shortened in the properties, never on the paper."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date

import pytest
from docx import Document

from docgen.render.base import PdfMeta
from docgen.render.docx import lint_docx_template
from tests.hostile.templates import corpus, docx

HOSTILE = list(corpus())
KNOWN = ["name", "items"]


@pytest.mark.parametrize(("name", "data", "code"), HOSTILE, ids=[h[0] for h in HOSTILE])
def test_the_check_refuses_each_hostile_template(name: str, data: bytes, code: str) -> None:
    problems = lint_docx_template(data, KNOWN)
    assert code in {p.code for p in problems}, (name, [str(p) for p in problems])
    assert all(p.message and len(p.message) < 300 for p in problems)


def test_web_hyperlinks_and_plain_fields_pass() -> None:
    doc = Document()
    paragraph = doc.add_paragraph("See ")
    part = doc.part
    rel = part.relate_to(
        "https://www.gov.uk/",
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink",
        is_external=True,
    )
    assert rel
    paragraph.add_run("{{ name }}")
    out = io.BytesIO()
    doc.save(out)
    assert lint_docx_template(out.getvalue(), KNOWN) == []
    from tests.hostile.templates import with_field

    assert lint_docx_template(with_field(" PAGE "), KNOWN) == []


def test_a_zip_bomb_is_refused_without_unpacking_it() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb:
        with zipfile.ZipFile(io.BytesIO(docx("x"))) as real:
            for info in real.infolist():
                bomb.writestr(info, real.read(info.filename))
        bomb.writestr("word/media/huge.bin", b"\0" * (80 * 1024 * 1024))
    problems = lint_docx_template(out.getvalue(), KNOWN)
    assert [p.code for p in problems] == ["template_too_large"]


@pytest.mark.libreoffice
def test_a_creditor_name_over_255_characters_shortens_the_properties_not_the_paper(
    docx_engine: object, tmp_path: object
) -> None:
    from pathlib import Path

    from pypdf import PdfReader

    from docgen.config import Settings
    from docgen.render.docx import DocxEngine

    root = Path(str(tmp_path))
    (root / "docx").mkdir()
    (root / "docx" / "t.docx").write_bytes(docx("Creditor: {{ name }}"))
    assert isinstance(docx_engine, DocxEngine)
    engine = DocxEngine(Settings(environment="test", templates_dir=root), office=docx_engine.office)
    name = "The Mayor and Burgesses of the Royal Borough of " + "Kingston upon Thames " * 14
    assert len(name) > 255
    meta = PdfMeta(
        title=f"Write-off report: {name}", document_id="ab" * 16, created=date(2025, 6, 2), author=name
    )
    out = engine.render("t.docx", {"name": name}, meta)
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(out.pdf)).pages).replace("\n", " ")
    assert " ".join(name.split()) in " ".join(text.split())  # the whole name on the paper
    with zipfile.ZipFile(io.BytesIO(out.attachments["docx"])) as package:
        core = package.read("docProps/core.xml").decode()
    for tag in ("dc:title", "dc:creator", "cp:lastModifiedBy"):
        value = re.search(f"<{tag}>([^<]*)</{tag}>", core)
        assert value and 0 < len(value.group(1)) <= 255 and value.group(1).endswith("…"), tag
