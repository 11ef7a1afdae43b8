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
from pypdf import PageObject, PasswordType, PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, NameObject

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


#: what an evidence upload may be, by its content (never by the name or the type the client sent)
CONTENT_TYPES: dict[Kind, str] = {"pdf": "application/pdf", "png": "image/png", "jpeg": "image/jpeg"}


def check_upload(data: bytes, name: str, limits: InputLimits | None = None) -> str:
    """The content type of an upload, from its content: a PDF that opens with every page readable,
    or a PNG or JPEG image that decodes. Anything else is refused naming the file."""
    kind = sniff(data)
    if kind == "pdf":
        try:
            open_pdf(data, name, limits=limits)
        except BadPdf as exc:
            if exc.code != "encrypted":  # its password is given when it goes into a bundle
                raise
    elif kind in ("png", "jpeg"):
        image_to_pdf(data, name)
    else:
        raise BadPdf(f"{name}: not a PDF, PNG or JPEG file", code="not_pdf")
    return CONTENT_TYPES[kind]


# -- actions ---------------------------------------------------------------------------------------
# A bundle is read by judges and advocates in whatever viewer they use: nothing in it may run
# script, open files, launch programs or call out. Of the actions an input PDF brings, only
# internal links (GoTo an explicit or named destination) are kept.

#: annotations that carry media or files rather than marks on the page
_DROPPED_ANNOTATIONS = frozenset({"/FileAttachment", "/Sound", "/Movie", "/Screen", "/RichMedia", "/3D"})


def _internal_goto(action: object) -> bool:
    return (
        isinstance(action, DictionaryObject)
        and action.get("/S") == "/GoTo"
        and "/Next" not in action
        and "/D" in action
    )


def _strip_field(annot: DictionaryObject) -> int:
    """Remove every action but an internal GoTo from an annotation and the form fields above it."""
    removed = 0
    node: DictionaryObject | None = annot
    for _depth in range(32):  # a form field's parents; a loop in a broken file ends here
        if node is None:
            break
        if "/AA" in node:
            del node["/AA"]
            removed += 1
        action = node.get("/A")
        if action is not None and not _internal_goto(action.get_object()):
            del node["/A"]
            removed += 1
        parent = node.get("/Parent")
        node = parent.get_object() if parent is not None else None
        if not isinstance(node, DictionaryObject):
            break
    return removed


def strip_actions(page: PageObject) -> int:
    """Remove from one page every action except internal links, and annotations that embed media
    or files; returns how many were removed."""
    removed = 0
    if "/AA" in page:
        del page["/AA"]
        removed += 1
    annots = page.get("/Annots")
    if annots is None:
        return removed
    kept = ArrayObject()
    for ref in annots.get_object() or []:
        annot = ref.get_object()
        if not isinstance(annot, DictionaryObject) or annot.get("/Subtype") in _DROPPED_ANNOTATIONS:
            removed += 1
            continue
        removed += _strip_field(annot)
        if annot.get("/Subtype") == "/Link" and "/A" not in annot and "/Dest" not in annot:
            removed += 1  # a link that no longer goes anywhere
            continue
        kept.append(ref)
    page[NameObject("/Annots")] = kept
    return removed


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
        stripped = 0
        for page in reader.pages:
            # Touch what the bundle needs from each page now, so a broken page fails here by name.
            _ = page.cropbox, page.rotation, page.get("/Contents")
            stripped += strip_actions(page)
        if stripped:
            log.info("%s: %d actions and embedded objects removed", name, stripped)
    except BadPdf:
        raise
    except RecursionError as exc:
        raise BadPdf(f"{name}: the PDF's structure is too deeply nested", code="corrupt") from exc
    except Exception as exc:  # pypdf raises many types on malformed input; all mean "cannot read".
        log.info("cannot read %s: %r", name, exc)
        raise BadPdf(f"{name}: the PDF is damaged and cannot be repaired ({exc})", code="corrupt") from exc
    return reader
