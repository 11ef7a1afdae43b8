"""Stamps read upright at the bottom right of the page as displayed, sharing one frame and font."""

from __future__ import annotations

import io
import re
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

from docgen.pdf.metadata import write_deterministic
from docgen.pdf.stamp import PageStamper, display_size, display_to_user, page_crop
from tests.fixtures.pdfs import make_pdf, stamps


def _stamp_all(data: bytes) -> PdfReader:
    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(data)).pages:
        writer.add_page(page)
    stamper = PageStamper(writer, widest_label="99")
    for i, page in enumerate(writer.pages):
        stamper.stamp(page, str(i + 1))
    return PdfReader(io.BytesIO(write_deterministic(writer)))


def _display_point(
    rotation: int, crop: tuple[float, float, float, float], x: float, y: float
) -> tuple[float, float]:
    a, b, c, d, e, f = display_to_user(rotation, crop)
    # invert the orthogonal matrix: display = M^T (user - t)
    ux, uy = x - e, y - f
    return (a * ux + b * uy, c * ux + d * uy)


@pytest.mark.parametrize(
    ("size", "rotate"),
    [
        ((595, 842), 0),
        ((842, 595), 0),
        ((595, 842), 90),
        ((595, 842), 180),
        ((595, 842), 270),
        ((842, 595), 90),
    ],
)
def test_stamp_sits_bottom_right_as_displayed(size: tuple[float, float], rotate: int) -> None:
    reader = _stamp_all(make_pdf(3, size=size, rotate=rotate))
    for i, page in enumerate(reader.pages):
        assert page.rotation == rotate  # the page keeps its rotation
        assert (float(page.mediabox.width), float(page.mediabox.height)) == size
        found = stamps(page)
        assert [t for t, _, _ in found] == [str(i + 1)]
        crop = page_crop(page)
        disp_w, disp_h = display_size(rotate, crop)
        x, y = _display_point(rotate, crop, found[0][1], found[0][2])
        assert disp_w * 0.85 < x < disp_w, (x, disp_w)
        assert 0 < y < disp_h * 0.1, (y, disp_h)


@pytest.mark.parametrize("rotate", [0, 90, 180, 270])
def test_stamp_reads_upright_when_rendered(tmp_path: Path, rotate: int) -> None:
    # poppler lays words out as displayed: the caption must be a horizontal word at the bottom right.
    path = tmp_path / "r.pdf"
    out = io.BytesIO()
    writer = PdfWriter()
    for page in _stamp_all(make_pdf(1, rotate=rotate)).pages:
        writer.add_page(page)
    writer.write(out)
    path.write_bytes(out.getvalue())
    bbox = subprocess.run(
        ["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    words = re.findall(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">Index</word>', bbox
    )
    assert len(words) == 1
    x0, y0, x1, y1 = map(float, words[0])
    disp_w, disp_h = (842, 595) if rotate in (90, 270) else (595, 842)
    assert (
        x1 - x0 > y1 - y0
    )  # horizontal, so upright or upside down; the number check below rules out the latter
    assert disp_w * 0.8 < x0 < disp_w and disp_h * 0.9 < y0 < disp_h  # poppler's y grows downwards


def test_frame_and_font_are_shared_not_copied() -> None:
    reader = _stamp_all(make_pdf(20))
    frames = {page["/Resources"]["/XObject"].raw_get("/DGStampFrame").idnum for page in reader.pages}
    fonts = {page["/Resources"]["/Font"].raw_get("/DGStampNum").idnum for page in reader.pages}
    assert len(frames) == 1
    assert len(fonts) == 1


def test_stamp_survives_unbalanced_page_transform() -> None:
    # GIVEN a page whose own content scales the CTM and never restores it
    writer = PdfWriter()
    page = writer.add_blank_page(595, 842)
    from pypdf.generic import DecodedStreamObject, NameObject

    stream = DecodedStreamObject()
    stream.set_data(b"0.1 0 0 0.1 300 300 cm")
    page[NameObject("/Contents")] = writer._add_object(stream).indirect_reference
    # WHEN it is stamped
    PageStamper(writer, widest_label="9").stamp(page, "1")
    reader = PdfReader(io.BytesIO(write_deterministic(writer)))
    # THEN the number is still at the bottom right in page space
    ((_, x, y),) = stamps(reader.pages[0])
    assert x > 500 and y < 60
