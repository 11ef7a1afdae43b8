"""Safe opening of untrusted PDFs and images.

Every failure becomes a ``BadPdf`` naming the file, because an uploaded file must never crash a
worker. Images are turned into a one-page PDF so that photographed or scanned evidence can go into
a bundle like any other document.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from typing import Literal

from PIL import Image, ImageOps
from pypdf import PasswordType, PdfReader

from docgen.errors import BadPdf

log = logging.getLogger(__name__)

Kind = Literal["pdf", "png", "jpeg", "other"]

# A4 in points: images are scaled to fit an A4 page in the orientation of the image.
_A4 = (595.276, 841.89)


@dataclass(frozen=True)
class InputLimits:
    max_bytes: int
    max_pages: int


def sniff(data: bytes) -> Kind:
    # Some producers put junk before the header; readers accept it within the first kilobyte.
    if b"%PDF-" in data[:1024]:
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    return "other"


def image_to_pdf(data: bytes, name: str) -> bytes:
    """One A4 page holding the image, scaled to fit; JPEG data is embedded without re-encoding."""
    try:
        with Image.open(io.BytesIO(data)) as img:
            img.load()
            oriented = ImageOps.exif_transpose(img)
            if oriented.mode not in ("RGB", "L"):
                background = Image.new("RGB", oriented.size, "white")
                rgba = oriented.convert("RGBA")
                background.paste(rgba, mask=rgba.getchannel("A"))
                oriented = background
            width_px, height_px = oriented.size
            page_w, page_h = _A4 if height_px >= width_px else (_A4[1], _A4[0])
            # Pillow sizes the page from the resolution: pick the one that makes the image fit.
            resolution = max(width_px / page_w, height_px / page_h) * 72.0
            out = io.BytesIO()
            oriented.save(out, format="PDF", resolution=resolution, title=name)
            return out.getvalue()
    except (OSError, ValueError, Image.DecompressionBombError) as exc:
        raise BadPdf(f"{name}: the image cannot be read ({exc})", code="bad_image") from exc


def as_pdf_bytes(data: bytes, name: str) -> bytes:
    """The bytes of a PDF for this upload: PDFs as they are, images converted, others refused."""
    kind = sniff(data)
    if kind == "pdf":
        return data
    if kind in ("png", "jpeg"):
        return image_to_pdf(data, name)
    raise BadPdf(f"{name}: not a PDF, PNG or JPEG file", code="not_pdf")


def _decrypt(reader: PdfReader, name: str, password: str | None) -> None:
    if not reader.is_encrypted:
        return
    try:
        # An empty user password opens in any viewer without asking, so such files are accepted.
        result = reader.decrypt(password if password is not None else "")
    except (NotImplementedError, ValueError) as exc:
        raise BadPdf(f"{name}: encrypted with an unsupported method ({exc})", code="encrypted") from exc
    if result == PasswordType.NOT_DECRYPTED:
        if password is None:
            raise BadPdf(f"{name}: the PDF is encrypted; supply its password", code="encrypted")
        raise BadPdf(f"{name}: the password supplied does not open the PDF", code="wrong_password")


def open_pdf(
    data: bytes,
    name: str,
    *,
    password: str | None = None,
    limits: InputLimits | None = None,
) -> PdfReader:
    """A reader over an untrusted upload, decrypted, repaired where pypdf can, with every page checked.

    Images are converted to a page. Raises BadPdf naming ``name`` for anything else wrong.
    """
    if limits and len(data) > limits.max_bytes:
        raise BadPdf(
            f"{name}: {len(data):,} bytes is over the limit of {limits.max_bytes:,}", code="too_large"
        )
    pdf_bytes = as_pdf_bytes(data, name)
    try:
        # strict=False lets pypdf rebuild a broken cross-reference table by scanning the file.
        reader = PdfReader(io.BytesIO(pdf_bytes), strict=False)
        _decrypt(reader, name, password)
        count = len(reader.pages)
        if count == 0:
            raise BadPdf(f"{name}: the PDF has no pages", code="no_pages")
        if limits and count > limits.max_pages:
            raise BadPdf(
                f"{name}: {count} pages is over the limit of {limits.max_pages}", code="too_many_pages"
            )
        for page in reader.pages:
            # Touch what the bundle needs from each page now, so a broken page fails here by name.
            _ = page.cropbox, page.rotation, page.get("/Contents")
    except BadPdf:
        raise
    except RecursionError as exc:
        raise BadPdf(f"{name}: the PDF's structure is too deeply nested", code="corrupt") from exc
    except Exception as exc:  # pypdf raises many types on malformed input; all mean "cannot read".
        log.info("cannot read %s: %r", name, exc)
        raise BadPdf(f"{name}: the PDF is damaged and cannot be repaired ({exc})", code="corrupt") from exc
    return reader
