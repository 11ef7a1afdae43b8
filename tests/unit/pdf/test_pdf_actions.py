"""A bundle keeps nothing from its inputs that could run, launch, submit or call out: only internal
links. Checked on the bundle's bytes as qpdf lays them out (every object uncompressed), an oracle
apart from the code that strips."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from docgen.bundles.builder import SourceFile, build_bundle
from docgen.bundles.spec import parse_spec
from docgen.config import PROJECT_ROOT
from docgen.pdf.inputs import InputLimits, check_upload, open_pdf
from tests.hostile.pdfs import INTERNAL_LINKS, scripted_pdf

FORBIDDEN = (
    b"/JavaScript",
    b"/JS",
    b"/Launch",
    b"/URI",
    b"/SubmitForm",
    b"/FileAttachment",
    b"/OpenAction",
    b"/AA",
)


def _bundle(data: bytes) -> bytes:
    spec = parse_spec(
        {
            "title": "Trial bundle",
            "case_ref": "K00NN123",
            "court": "County Court at Northampton",
            "parties": {"claimant": "Northshire Borough Council", "defendant": "A Debtor"},
            "hearing": {"date": "2026-12-01", "type": "Small claims hearing"},
            "sections": [
                {
                    "letter": "C",
                    "title": "Evidence",
                    "items": [
                        {"source": {"file": "evidence.pdf"}, "date": "2025-01-05", "description": "Evidence"}
                    ],
                }
            ],
        }
    )
    key = spec.sections[0].items[0].source.key
    built = build_bundle(
        spec,
        {key: SourceFile(key, "evidence.pdf", data)},
        limits=InputLimits(10_000_000, 100),
        volume_pages=300,
        templates_dir=PROJECT_ROOT / "templates",
    )
    return built.volumes[0].pdf


def _qdf(pdf: bytes, tmp_path: Path) -> bytes:
    qpdf = shutil.which("qpdf")
    if qpdf is None:
        pytest.skip("qpdf is not installed: run scripts/setup.sh")
    src, out = tmp_path / "in.pdf", tmp_path / "out.pdf"
    src.write_bytes(pdf)
    subprocess.run([qpdf, "--qdf", "--object-streams=disable", str(src), str(out)], check=False, timeout=60)
    return out.read_bytes()


def test_the_hostile_input_really_carries_every_action(tmp_path: Path) -> None:
    raw = _qdf(scripted_pdf(), tmp_path)
    for name in FORBIDDEN:
        assert name in raw, name


def test_a_bundle_keeps_no_action_but_internal_links(tmp_path: Path) -> None:
    bundle = _bundle(scripted_pdf())
    raw = _qdf(bundle, tmp_path)
    for name in FORBIDDEN:
        if name != b"/OpenAction":
            assert name not in raw, name
    reader = PdfReader(io.BytesIO(bundle))
    # the bundle's own open view is a destination (page 1 at 100%), never an action
    opening = reader.trailer["/Root"].get("/OpenAction")
    assert opening is None or isinstance(opening.get_object(), list)
    evidence_page = reader.pages[-2]  # the index, then the evidence's two pages
    links = [a.get_object() for a in evidence_page.get("/Annots", [])]
    internal = [a for a in links if "/Dest" in a or (a.get("/A") or {}).get("/S") == "/GoTo"]
    # the bundle adds one link of its own to each page (back to the index)
    assert len(internal) == INTERNAL_LINKS + 1


def test_the_stripped_reader_still_opens_every_page() -> None:
    reader = open_pdf(scripted_pdf(), "evidence.pdf")
    assert len(reader.pages) == 2
    assert "/AA" not in reader.pages[0]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"<html><script>alert(1)</script></html>", "not a PDF, PNG or JPEG"),
        (b"%PDF-1.7\n" + b"\x00" * 500, "damaged"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "cannot be read"),
        (b"\xff\xd8\xff" + b"garbage", "cannot be read"),
    ],
)
def test_an_upload_is_checked_by_its_content(data: bytes, expected: str) -> None:
    from docgen.errors import BadPdf

    with pytest.raises(BadPdf) as err:
        check_upload(data, "evidence.pdf")
    assert expected in err.value.message and "evidence.pdf" in err.value.message
