"""True redaction of marked areas in an uploaded PDF.

A black box drawn over text hides nothing: the text is still in the page's content, in its text
layer, and often in the document's metadata and bookmarks. Here a page with a marked area is
rendered to an image (PDFium, 200 dpi, within the 2021 guidance's 300 dpi), the areas are painted
black in the pixels, and the page is replaced by that image alone: its content streams, fonts,
images, annotations and form fields are gone. Pages without marks are kept as they were. The
document loses everything outside its pages that could repeat what was removed: info dictionary,
XMP metadata, bookmarks, attachments, form and scripts. OCR afterwards (docgen.pdf.ocr) gives the
redacted pages a text layer made only from what is still visible.

Areas are in PDF points on the page as it is displayed, measured from its bottom-left corner:
``(left, bottom, right, top)``.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pikepdf
from PIL import Image, ImageDraw

from docgen.errors import BadPdf

DPI = 200
Box = tuple[float, float, float, float]


@dataclass(frozen=True)
class Area:
    page: int  # 1-based
    box: Box


def _by_page(areas: Sequence[Area], pages: int, name: str) -> dict[int, list[Box]]:
    out: dict[int, list[Box]] = {}
    for area in areas:
        if not 1 <= area.page <= pages:
            raise BadPdf(f"{name}: a redaction is marked on page {area.page}, but the file has {pages} pages")
        out.setdefault(area.page - 1, []).append(area.box)
    return out


def _render(pdf: bytes, index: int, password: str | None) -> Image.Image:
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf, password=password)
    try:
        page = document[index]
        image = page.render(scale=DPI / 72.0, draw_annots=True, may_draw_forms=True).to_pil()
        page.close()
    finally:
        document.close()
    return image.convert("RGB")


def _paint(image: Image.Image, boxes: Sequence[Box], page_w: float, page_h: float) -> None:
    draw = ImageDraw.Draw(image)
    sx, sy = image.width / page_w, image.height / page_h
    for left, bottom, right, top in boxes:
        x0, x1 = sorted((left * sx, right * sx))
        y0, y1 = sorted(((page_h - top) * sy, (page_h - bottom) * sy))
        # a pixel either side, so that anti-aliased edges of removed glyphs do not survive
        draw.rectangle((x0 - 1, y0 - 1, x1 + 1, y1 + 1), fill=(0, 0, 0))


def _image_page(pdf: pikepdf.Pdf, image: Image.Image, width: float, height: float) -> pikepdf.Dictionary:
    jpeg = io.BytesIO()
    image.save(jpeg, format="JPEG", quality=88, optimize=False, subsampling=0)
    xobject = pikepdf.Stream(
        pdf,
        jpeg.getvalue(),
        Type=pikepdf.Name.XObject,
        Subtype=pikepdf.Name.Image,
        Width=image.width,
        Height=image.height,
        ColorSpace=pikepdf.Name.DeviceRGB,
        BitsPerComponent=8,
        Filter=pikepdf.Name.DCTDecode,
    )
    content = pikepdf.Stream(pdf, f"q {width:.2f} 0 0 {height:.2f} 0 0 cm /Im0 Do Q".encode())
    return pikepdf.Dictionary(
        Type=pikepdf.Name.Page,
        MediaBox=[0, 0, round(width, 2), round(height, 2)],
        Resources=pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=pdf.make_indirect(xobject))),
        Contents=pdf.make_indirect(content),
    )


def redact_pdf(data: bytes, areas: Sequence[Area], name: str, password: str | None = None) -> bytes:
    """``data`` with the marked areas removed for good (see the module's notes); deterministic."""
    try:
        src = pikepdf.open(io.BytesIO(data), password=password or "")
    except pikepdf.PasswordError as exc:
        raise BadPdf(f"{name}: the PDF is encrypted; supply its password", code="encrypted") from exc
    except pikepdf.PdfError as exc:
        raise BadPdf(f"{name}: the PDF cannot be read for redaction ({exc})", code="corrupt") from exc
    with src:
        marks = _by_page(areas, len(src.pages), name)
        plain = io.BytesIO()
        src.save(plain)  # decrypted, for the renderer
        rendered = {index: _render(plain.getvalue(), index, None) for index in sorted(marks)}
        out = pikepdf.new()
        for index, page in enumerate(src.pages):
            if index not in marks:
                out.pages.append(page)
                continue
            image = rendered[index]
            width, height = image.width * 72.0 / DPI, image.height * 72.0 / DPI
            _paint(image, marks[index], width, height)
            out.pages.append(pikepdf.Page(_image_page(out, image, width, height)))
        _strip_document(out)
        result = io.BytesIO()
        out.save(result, deterministic_id=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
        return result.getvalue()


def _strip_document(pdf: pikepdf.Pdf) -> None:
    """Nothing outside the pages survives: it might repeat what was removed."""
    for key in ("/Metadata", "/Outlines", "/Names", "/AcroForm", "/OpenAction", "/AA", "/PageLabels"):
        if key in pdf.Root:
            del pdf.Root[key]
    if "/Info" in pdf.trailer:
        del pdf.trailer["/Info"]
    for page in pdf.pages:
        for key in ("/Annots", "/AA", "/Metadata", "/PieceInfo"):
            if key in page.obj:
                del page.obj[key]


def areas_from(marks: Mapping[int, Sequence[Box]]) -> list[Area]:
    return [Area(page, box) for page, boxes in sorted(marks.items()) for box in boxes]
