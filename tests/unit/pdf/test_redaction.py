"""Redaction, checked with poppler (pdftotext, pdfinfo, pdfdetach) and qpdf, not with the code that
wrote the files: a redacted paper never contains what it leaves out, and a marked area of an
uploaded PDF is gone from the text, the text layer, the content and the metadata."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from docgen.bundles.builder import Finishing, SourceFile, build_bundle
from docgen.bundles.spec import parse_spec
from docgen.config import PROJECT_ROOT, Settings
from docgen.domain.case import Case, load_case
from docgen.domain.redaction import redact_case
from docgen.errors import BadPdf, Ineligible
from docgen.pdf.inputs import InputLimits
from docgen.pdf.ocr import OcrOptions, ocr_pdf
from docgen.pdf.redact import Area, redact_pdf
from docgen.render.pipeline import render_document
from tests.fixtures.pdfs import make_pdf

CASE = PROJECT_ROOT / "tests" / "data" / "cases" / "judgment-with-property.json"
AS_OF = dt.date(2026, 3, 2)
ACK = {"acknowledge_vulnerability": "yes"}  # the officer has considered the health flag
NOTE = "Carer reports a recent stroke and memory loss"


def _case() -> Case:
    """The sample judgment case, with a health note and a bank reference as officers record them."""
    data = load_case(CASE).model_dump(mode="json", by_alias=True, exclude_none=True)
    data["debtors"][0]["vulnerability"] = {"flags": ["health"], "notes": NOTE}
    data["payments"] = [
        {"date": "2025-01-10", "amount": "10.00", "method": "bank", "reference": "SORT 20-45-77 ACC 41234567"}
    ]
    return Case.model_validate(data)


def poppler(tool: str, pdf: bytes, tmp_path: Path, *args: str) -> str:
    path = tmp_path / f"{tool}.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        [tool, *args, str(path), "-"] if tool == "pdftotext" else [tool, *args, str(path)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def every_byte(pdf: bytes, tmp_path: Path) -> bytes:
    """The whole file with every stream decompressed (qpdf), attachments included."""
    src, out = tmp_path / "all.pdf", tmp_path / "all-qdf.pdf"
    src.write_bytes(pdf)
    subprocess.run(
        ["qpdf", "--qdf", "--object-streams=disable", "--decode-level=all", str(src), str(out)], check=True
    )
    return out.read_bytes()


def attachments(pdf: bytes, tmp_path: Path) -> dict[str, bytes]:
    folder = tmp_path / "detached"
    folder.mkdir(exist_ok=True)
    path = tmp_path / "detach.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdfdetach", "-saveall", "-o", str(folder), str(path)], check=True)
    return {p.name: p.read_bytes() for p in folder.iterdir()}


def test_a_redacted_paper_is_rendered_without_the_personal_data(tmp_path: Path) -> None:
    settings = Settings(environment="test")
    case = _case()
    dob = case.primary_debtor.date_of_birth
    assert dob is not None
    printed_dob = f"{dob.day} {dob:%B %Y}"
    full = render_document("n337", case, AS_OF, ACK, settings=settings)
    redacted = render_document("n337", case, AS_OF, ACK, settings=settings, redacted=True)
    assert printed_dob in poppler("pdftotext", full.pdf, tmp_path)  # the full paper prints it
    assert NOTE.encode() in attachments(full.pdf, tmp_path)["case.json"]

    text = poppler("pdftotext", redacted.pdf, tmp_path)
    assert printed_dob not in text and dob.isoformat() not in text
    assert case.primary_debtor.display_name in text  # the party is still named
    raw = every_byte(redacted.pdf, tmp_path)
    for secret in (dob.isoformat().encode(), NOTE.encode(), b"41234567", printed_dob.encode()):
        assert secret not in raw
    carried = attachments(redacted.pdf, tmp_path)["case.json"]
    assert (
        dob.isoformat().encode() not in carried
        and b"41234567" not in carried
        and NOTE.encode() not in carried
    )
    assert redacted.document_key.endswith("redacted") and redacted.document_key != full.document_key
    assert redacted.input_hash != full.input_hash
    assert redacted.pdf == render_document("n337", case, AS_OF, ACK, settings=settings, redacted=True).pdf


def test_eligibility_is_decided_on_the_full_case() -> None:
    case = _case()
    assert redact_case(case).primary_debtor.vulnerability.flags == []
    settings = Settings(environment="test")
    # the health flag must be acknowledged even though the redacted copy will not show it
    with pytest.raises(Ineligible) as refused:
        render_document("n337", case, AS_OF, settings=settings, redacted=True)
    assert refused.value.problems[0].path == "debtors[0].vulnerability"
    # and the redacted copy carries no warnings that could quote what it leaves out
    redacted = render_document("n337", case, AS_OF, ACK, settings=settings, redacted=True)
    assert redacted.warnings == []


SECRET = "Account 41234567 sort code 20-45-77"


def _statement() -> bytes:
    """A typed page: line 1 is the account, line 2 stays; and the title repeats the account."""
    from tests.fixtures.pdfs import _text_stream  # the fixture's own text drawing

    assert _text_stream
    return make_pdf(1, label=SECRET, title=f"Statement {SECRET}")


def test_a_marked_area_is_removed_not_covered(tmp_path: Path) -> None:
    source = _statement()
    assert SECRET in poppler("pdftotext", source, tmp_path)
    # line 1 has its baseline at y 746 (12 pt text): the box covers it and not line 2 (y 732)
    out = redact_pdf(source, [Area(1, (60, 743, 560, 757))], "statement.pdf")
    assert poppler("pdftotext", out, tmp_path).strip() == ""  # the page is an image now
    read = poppler("pdftotext", ocr_pdf(out, OcrOptions("eng")).pdf, tmp_path)
    assert "41234567" not in read and "20-45-77" not in read
    assert "sit amet" in read and "Own page number 1" in read  # what was not marked is still there
    assert b"41234567" not in every_byte(out, tmp_path)
    info = poppler("pdfinfo", out, tmp_path, "-meta")
    assert "41234567" not in info and "Statement" not in info
    pixels = tmp_path / "page"
    (tmp_path / "red.pdf").write_bytes(out)
    subprocess.run(["pdftoppm", "-r", "72", "-png", str(tmp_path / "red.pdf"), str(pixels)], check=True)
    image = Image.open(next(tmp_path.glob("page-*.png"))).convert("L")
    assert image.getpixel((200, 842 - 749)) < 30  # black where the account was
    assert out == redact_pdf(source, [Area(1, (60, 743, 560, 757))], "statement.pdf")


def test_an_area_on_a_missing_page_is_refused_by_name() -> None:
    with pytest.raises(BadPdf, match="page 3, but the file has 1 pages"):
        redact_pdf(make_pdf(1), [Area(3, (0, 0, 10, 10))], "one-page.pdf")


def test_a_bundle_removes_marked_areas_and_reads_what_is_left(tmp_path: Path) -> None:
    spec = parse_spec(
        {
            "title": "Trial bundle",
            "case_ref": "K00NN123",
            "court": "County Court at Northampton",
            "parties": {"claimant": "Northshire Borough Council", "defendant": "Zoe Smith"},
            "sections": [
                {
                    "letter": "C",
                    "title": "Evidence",
                    "items": [
                        {
                            "source": {"file": "statement.pdf"},
                            "date": "2026-03-04",
                            "description": "Bank statement",
                            "redact": [{"page": 1, "box": [60, 743, 560, 757]}],
                        }
                    ],
                }
            ],
        }
    )
    files = {"file:statement.pdf": SourceFile("file:statement.pdf", "statement.pdf", _statement())}
    built = build_bundle(
        spec,
        files,
        limits=InputLimits(10_000_000, 100),
        volume_pages=300,
        templates_dir=PROJECT_ROOT / "templates",
        finish=Finishing(pdfa=True, ocr=OcrOptions("eng")),
    )
    pdf = built.volumes[0].pdf
    text = poppler("pdftotext", pdf, tmp_path)
    assert "41234567" not in text
    assert "Own page number 1" in text  # the rest of the page, read back by OCR
    assert b"41234567" not in every_byte(pdf, tmp_path)
    assert built.ocr_pages == 1
