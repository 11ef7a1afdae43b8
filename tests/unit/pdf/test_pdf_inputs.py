"""Untrusted uploads: every bad file is a clear BadPdf naming it, never a crash."""

from __future__ import annotations

import pytest

from docgen.errors import BadPdf
from docgen.pdf.inputs import InputLimits, open_pdf
from tests.fixtures.pdfs import broken_xref, image_bytes, make_pdf, truncated

_CYCLIC_PAGE_TREE = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [2 0 R] /Count 1 >> endobj\n"
    b"trailer << /Root 1 0 R >>\nstartxref\n9999\n%%EOF"
)
_PAGE_WITHOUT_MEDIABOX = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
    b"3 0 obj << /Type /Page /Parent 2 0 R >> endobj\n"
    b"trailer << /Root 1 0 R >>\nstartxref\n9999\n%%EOF"
)


def test_plain_pdf_opens() -> None:
    assert len(open_pdf(make_pdf(3), "a.pdf").pages) == 3


def test_encrypted_pdf_opens_with_its_password() -> None:
    reader = open_pdf(make_pdf(2, label="locked", password="s3cret"), "locked.pdf", password="s3cret")
    assert "locked page 1" in reader.pages[0].extract_text()


@pytest.mark.parametrize(("password", "code"), [(None, "encrypted"), ("wrong", "wrong_password")])
def test_encrypted_pdf_without_the_right_password_is_refused(password: str | None, code: str) -> None:
    with pytest.raises(BadPdf, match=r"locked.pdf") as err:
        open_pdf(make_pdf(2, password="s3cret"), "locked.pdf", password=password)
    assert err.value.code == code


def test_owner_only_encryption_opens_without_a_password() -> None:
    assert len(open_pdf(make_pdf(1, password=""), "owner.pdf").pages) == 1


def test_broken_xref_is_repaired() -> None:
    reader = open_pdf(broken_xref(make_pdf(2, label="mended")), "mended.pdf")
    assert "mended page 2" in reader.pages[1].extract_text()


@pytest.mark.parametrize(
    "data",
    [
        truncated(make_pdf(3)),
        b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF",
        b"%PDF-1.4\n" + bytes(range(256)) * 20,
        _CYCLIC_PAGE_TREE,
        _PAGE_WITHOUT_MEDIABOX,
    ],
)
def test_damaged_beyond_repair_is_refused(data: bytes) -> None:
    with pytest.raises(BadPdf, match=r"bad.pdf") as err:
        open_pdf(data, "bad.pdf")
    assert err.value.code in {"corrupt", "no_pages"}


@pytest.mark.parametrize(
    ("fmt", "size", "landscape"), [("PNG", (300, 500), False), ("JPEG", (900, 400), True)]
)
def test_images_become_an_a4_page(fmt: str, size: tuple[int, int], landscape: bool) -> None:
    page = open_pdf(image_bytes(fmt, size), f"photo.{fmt.lower()}").pages[0]
    w, h = float(page.mediabox.width), float(page.mediabox.height)
    assert (w > h) == landscape
    assert max(w, h) <= 842.5 and min(w, h) <= 595.5
    assert "/XObject" in page["/Resources"]


def test_a_text_file_is_refused() -> None:
    with pytest.raises(BadPdf, match=r"notes.txt: not a PDF") as err:
        open_pdf(b"Dear Sir,\nplease find attached...", "notes.txt")
    assert err.value.code == "not_pdf"


def test_a_broken_image_is_refused() -> None:
    with pytest.raises(BadPdf, match=r"scan.png"):
        open_pdf(b"\x89PNG\r\n\x1a\n" + b"not really an image" * 5, "scan.png")


def test_size_and_page_limits() -> None:
    data = make_pdf(5)
    with pytest.raises(BadPdf, match=r"big.pdf: .* bytes is over the limit") as err:
        open_pdf(data, "big.pdf", limits=InputLimits(max_bytes=len(data) - 1, max_pages=100))
    assert err.value.code == "too_large"
    with pytest.raises(BadPdf, match=r"long.pdf: 5 pages is over the limit of 4"):
        open_pdf(data, "long.pdf", limits=InputLimits(max_bytes=len(data), max_pages=4))
