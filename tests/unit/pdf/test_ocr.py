"""OCR of scanned pages, read back by poppler (pdftotext, pdftoppm), not by the code that wrote it.

A few small pages only: the cost per page and a whole 300-page bundle are in bench/ocr.py.
"""

from __future__ import annotations

import hashlib
import io
import shutil
import subprocess
from pathlib import Path

import pikepdf
import pytest
from PIL import Image, ImageDraw, ImageFont
from pypdf import PdfReader, PdfWriter

from docgen.bundles.builder import Finishing, SourceFile, build_bundle
from docgen.bundles.spec import parse_spec
from docgen.config import PROJECT_ROOT
from docgen.pdf.inputs import InputLimits
from docgen.pdf.ocr import OcrOptions, cache_key, ocr_pdf, scanned_pages
from tests.fixtures.pdfs import make_pdf

pytestmark = pytest.mark.skipif(
    shutil.which("tesseract") is None, reason="Tesseract is not installed (scripts/setup.sh installs it)"
)

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
ENGLISH = OcrOptions(languages="eng")


def scan_png(lines: list[str], size: tuple[int, int] = (1240, 1754)) -> bytes:
    """A page as a scanner at 150 dpi would give it: black text on white, no text layer."""
    img = Image.new("L", size, 255)
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(FONT, 34)
    for n, line in enumerate(lines):
        draw.text((120, 150 + n * 60), line, font=font, fill=0)
    out = io.BytesIO()
    img.save(out, format="PNG")
    return out.getvalue()


def scan_pdf(lines: list[str]) -> bytes:
    img = Image.open(io.BytesIO(scan_png(lines)))
    out = io.BytesIO()
    img.save(out, format="PDF", resolution=150)
    return out.getvalue()


def joined(*parts: bytes) -> bytes:
    writer = PdfWriter()
    for part in parts:
        writer.append(PdfReader(io.BytesIO(part)))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def poppler_text(pdf: bytes, tmp_path: Path, page: int | None = None) -> str:
    path = tmp_path / "in.pdf"
    path.write_bytes(pdf)
    args = ["pdftotext", "-layout"]
    if page is not None:
        args += ["-f", str(page), "-l", str(page)]
    return subprocess.run([*args, str(path), "-"], capture_output=True, text=True, check=True).stdout


def page_pixels(pdf: bytes, tmp_path: Path, name: str) -> list[bytes]:
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(path), str(tmp_path / name)], check=True)
    return [Image.open(p).tobytes() for p in sorted(tmp_path.glob(f"{name}-*.png"))]


WITNESS = ["WITNESS STATEMENT OF ZOE SMITH", "I visited the property on 4 March 2026.", "Nobody answered."]


def test_only_the_scanned_page_is_read_and_nothing_visible_changes(tmp_path: Path) -> None:
    typed = make_pdf(1, label="typed")
    source = joined(typed, scan_pdf(WITNESS))
    assert scanned_pages(source) == [1]
    assert "WITNESS" not in poppler_text(source, tmp_path)

    progress: list[tuple[int, int]] = []
    result = ocr_pdf(source, ENGLISH, progress=lambda done, total: progress.append((done, total)))

    assert result.pages_read == (1,)
    assert progress[-1] == (1, 1)
    text = poppler_text(result.pdf, tmp_path, page=2)
    assert "WITNESS STATEMENT OF ZOE SMITH" in text
    assert "4 March 2026" in text
    assert "typed page 1" in poppler_text(result.pdf, tmp_path, page=1)
    # the page images are the same, pixel for pixel, and so are the image's stored bytes
    assert page_pixels(source, tmp_path, "before") == page_pixels(result.pdf, tmp_path, "after")
    with pikepdf.open(io.BytesIO(source)) as a, pikepdf.open(io.BytesIO(result.pdf)) as b:
        before = [x.read_raw_bytes() for x in a.pages[1].Resources.XObject.values() if x.Subtype == "/Image"]
        after = [x.read_raw_bytes() for x in b.pages[1].Resources.XObject.values() if x.Subtype == "/Image"]
        assert before
        assert [hashlib.sha256(x).digest() for x in before] == [hashlib.sha256(x).digest() for x in after]
        assert a.pages[0].Contents.read_bytes() == b.pages[0].Contents.read_bytes()  # typed page untouched
    assert scanned_pages(result.pdf) == []  # read once, never again


def test_the_same_scan_gives_the_same_bytes() -> None:
    source = scan_pdf(WITNESS)
    assert ocr_pdf(source, ENGLISH).pdf == ocr_pdf(source, ENGLISH).pdf


class DictCache:
    def __init__(self) -> None:
        self.kept: dict[str, bytes] = {}

    def get(self, key: str) -> bytes | None:
        return self.kept.get(key)

    def put(self, key: str, data: bytes) -> None:
        self.kept[key] = data


def test_a_scan_read_once_is_taken_from_the_cache_after(monkeypatch: pytest.MonkeyPatch) -> None:
    source = scan_pdf(WITNESS)
    cache = DictCache()
    first = ocr_pdf(source, ENGLISH, cache=cache)
    assert not first.cached and list(cache.kept.values()) == [first.pdf]
    assert list(cache.kept) == [cache_key(source, ENGLISH)]

    def no_tesseract(*_args: object) -> bytes:
        raise AssertionError("read again")

    monkeypatch.setattr("docgen.pdf.ocr._run_ocrmypdf", no_tesseract)
    progress: list[tuple[int, int]] = []
    again = ocr_pdf(source, ENGLISH, cache=cache, progress=lambda d, t: progress.append((d, t)))
    assert again.cached and again.pdf == first.pdf and again.pages_read == (0,)
    assert progress == [(1, 1)]
    # other languages, other tools or other bytes are another key
    assert cache_key(source, OcrOptions(languages="eng+cym")) != cache_key(source, ENGLISH)
    assert cache_key(scan_pdf(["Another page"]), ENGLISH) != cache_key(source, ENGLISH)
    monkeypatch.setattr("docgen.pdf.ocr.tool_versions", lambda: (("tesseract", "tesseract 9"),))
    assert cache_key(source, ENGLISH) not in cache.kept
    # a kept file that no longer opens is not used
    cache.kept = {k: b"%PDF-1.7 broken" for k in cache.kept}
    monkeypatch.undo()
    assert not ocr_pdf(source, ENGLISH, cache=cache).cached


def test_a_file_with_text_everywhere_comes_back_unchanged() -> None:
    typed = make_pdf(2)
    result = ocr_pdf(typed, ENGLISH)
    assert result.pdf == typed and result.pages_read == ()


def test_welsh_text_is_read_with_its_accents(tmp_path: Path) -> None:
    source = scan_pdf(["Mae'r ddyled yn ddyledus i'r Cyngor.", "Ni thalwyd y swm erbyn y dyddiad hwn."])
    text = poppler_text(ocr_pdf(source, OcrOptions(languages="eng+cym")).pdf, tmp_path)
    assert "ddyledus" in text and "Cyngor" in text


def test_a_bundle_makes_a_photographed_page_searchable(tmp_path: Path) -> None:
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
                        {"source": {"file": "visit.png"}, "date": "2026-03-04", "description": "Visit note"},
                        {"source": {"file": "typed.pdf"}, "date": "2026-03-05", "description": "Letter"},
                    ],
                }
            ],
        }
    )
    png = scan_png(WITNESS)
    files = {
        "file:visit.png": SourceFile("file:visit.png", "visit.png", png),
        "file:typed.pdf": SourceFile("file:typed.pdf", "typed.pdf", make_pdf(1, label="typed")),
    }
    progress: list[tuple[int, int]] = []
    built = build_bundle(
        spec,
        files,
        limits=InputLimits(10_000_000, 100),
        volume_pages=300,
        templates_dir=PROJECT_ROOT / "templates",
        finish=Finishing(pdfa=True, ocr=ENGLISH, progress=lambda d, t: progress.append((d, t))),
    )
    assert built.ocr_pages == 1 and built.warnings == []
    assert progress[-1] == (1, 1)
    text = poppler_text(built.volumes[0].pdf, tmp_path, page=2)  # page 1 is the index
    assert "WITNESS STATEMENT OF ZOE SMITH" in text
    # the manifest still names the upload by the sha256 of the bytes that were uploaded
    entry = next(e for e in built.manifest.entries if e.key == "file:visit.png")
    assert entry.sha256 == hashlib.sha256(png).hexdigest()
