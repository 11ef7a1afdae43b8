"""Page-number stamps drawn with shared objects.

One form XObject (the white box, its frame and the small "Index" caption) and one font dictionary
are shared by every page; each page gets only a content stream of about 100 bytes drawing its own
number. Merging a whole stamp page into every page instead copies its resources each time and
turns a 2 MB bundle into 30 MB.

The stamp is placed in display space (bottom right of the page as a viewer shows it) and mapped
back through the page's /Rotate and crop box, so it reads upright on landscape and rotated pages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pypdf import PageObject, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
)

Matrix = tuple[float, float, float, float, float, float]
# Labels are drawn as a literal string in a standard font: only characters needing no escaping.
_LABEL_RE = re.compile(r"^[0-9A-Za-z .-]{1,16}$")
Rect = tuple[float, float, float, float]

NUMBER_FONT = "/DGStampNum"
FRAME_XOBJECT = "/DGStampFrame"
_CAPTION_FONT = "/DGStampCap"

# Helvetica-Bold advance widths (AFM, per 1000 em) for the characters a page label may hold.
_HELVETICA_BOLD = {
    **dict.fromkeys("0123456789", 556),
    **dict(
        zip(
            "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
            [
                722,
                722,
                722,
                722,
                667,
                611,
                778,
                722,
                278,
                556,
                722,
                611,
                833,
                722,
                778,
                667,
                778,
                722,
                667,
                611,
                722,
                667,
                944,
                667,
                667,
                611,
            ],
            strict=True,
        )
    ),
    "i": 278,
    "v": 556,
    "x": 556,
    "l": 278,
    "c": 556,
    "d": 611,
    "m": 889,
    "-": 333,
    " ": 278,
}


def text_width(text: str, size: float) -> float:
    return sum(_HELVETICA_BOLD.get(ch, 667) for ch in text) * size / 1000.0


@dataclass(frozen=True)
class StampStyle:
    """Boxed bold numbers, unlike the plain numbers documents carry themselves."""

    font_size: float = 11.0
    caption: str = "Index"
    caption_size: float = 6.0
    pad_x: float = 4.0
    pad_y: float = 3.0
    margin: float = 14.0  # from the right and bottom edges of the page as displayed


def display_to_user(rotation: int, crop: Rect) -> Matrix:
    """The matrix mapping display coordinates (origin bottom left of the page as shown) to user space."""
    x0, y0, x1, y1 = crop
    w, h = x1 - x0, y1 - y0
    if rotation == 90:
        return (0.0, 1.0, -1.0, 0.0, x0 + w, y0)
    if rotation == 180:
        return (-1.0, 0.0, 0.0, -1.0, x0 + w, y0 + h)
    if rotation == 270:
        return (0.0, -1.0, 1.0, 0.0, x0, y0 + h)
    return (1.0, 0.0, 0.0, 1.0, x0, y0)


def display_size(rotation: int, crop: Rect) -> tuple[float, float]:
    w, h = crop[2] - crop[0], crop[3] - crop[1]
    return (h, w) if rotation in (90, 270) else (w, h)


def _apply(m: Matrix, x: float, y: float) -> tuple[float, float]:
    return (m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5])


def transform_rect(m: Matrix, rect: Rect) -> Rect:
    xs, ys = zip(*(_apply(m, x, y) for x in (rect[0], rect[2]) for y in (rect[1], rect[3])), strict=True)
    return (min(xs), min(ys), max(xs), max(ys))


def normalised_rotation(page: PageObject) -> int:
    try:
        rotation = int(page.rotation) % 360
    except (TypeError, ValueError):
        return 0
    return rotation if rotation in (0, 90, 180, 270) else 0


def page_crop(page: PageObject) -> Rect:
    box = page.cropbox
    x0, x1 = sorted((float(box.left), float(box.right)))
    y0, y1 = sorted((float(box.bottom), float(box.top)))
    return (x0, y0, x1, y1)


def _fmt(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


class PageStamper:
    """Stamps page labels onto pages of one writer, sharing the frame and fonts among all of them."""

    def __init__(self, writer: PdfWriter, widest_label: str, style: StampStyle | None = None) -> None:
        self.writer = writer
        self.style = style or StampStyle()
        s = self.style
        self.box_w = text_width(widest_label, s.font_size) + 2 * s.pad_x
        self.box_h = s.font_size + 2 * s.pad_y
        caption_w = text_width(s.caption, s.caption_size)
        # The caption sits left of the box; the link back to the index covers both.
        self.caption_w = caption_w + 3.0
        self._number_font = writer._add_object(_helvetica("/Helvetica-Bold"))
        self._frame = writer._add_object(self._frame_xobject())
        # One shared "q" so that a page's own content cannot leave a transform that moves the stamp.
        self._save_state = writer._add_object(_stream(b"q"))

    def _frame_xobject(self) -> DecodedStreamObject:
        s = self.style
        w, h, cw = self.box_w, self.box_h, self.caption_w
        content = (
            f"q 1 g 0 G 1 w {_fmt(cw + 0.5)} 0.5 {_fmt(w - 1)} {_fmt(h - 1)} re B "
            f"0 g BT {_CAPTION_FONT} {_fmt(s.caption_size)} Tf 0 "
            f"{_fmt((h - s.caption_size) / 2 + 1)} Td ({s.caption}) Tj ET Q"
        ).encode()
        frame = _stream(content)
        frame.update(
            {
                NameObject("/Type"): NameObject("/XObject"),
                NameObject("/Subtype"): NameObject("/Form"),
                NameObject("/BBox"): ArrayObject(
                    [FloatObject(0), FloatObject(0), FloatObject(cw + w), FloatObject(h)]
                ),
                NameObject("/Resources"): DictionaryObject(
                    {
                        NameObject("/Font"): DictionaryObject(
                            {
                                NameObject(_CAPTION_FONT): self.writer._add_object(_helvetica("/Helvetica")),
                            }
                        ),
                    }
                ),
            }
        )
        return frame

    def stamp(self, page: PageObject, label: str) -> Rect:
        """Draw ``label`` at the bottom right of ``page`` as displayed; return its rect in user space."""
        if not _LABEL_RE.match(label):
            raise ValueError(f"page label {label!r} has characters the stamp cannot draw")
        s = self.style
        rotation = normalised_rotation(page)
        crop = page_crop(page)
        disp_w, _ = display_size(rotation, crop)
        m = display_to_user(rotation, crop)
        left = disp_w - s.margin - self.box_w - self.caption_w
        origin = _apply(m, left, s.margin)
        placed: Matrix = (m[0], m[1], m[2], m[3], origin[0], origin[1])
        text_x = self.caption_w + self.box_w - s.pad_x - text_width(label, s.font_size)
        text_y = s.pad_y + s.font_size * 0.18
        content = (
            f"Q q {' '.join(_fmt(v) for v in placed)} cm {FRAME_XOBJECT} Do "
            f"BT {NUMBER_FONT} {_fmt(s.font_size)} Tf {_fmt(text_x)} {_fmt(text_y)} Td ({label}) Tj ET Q"
        ).encode()
        stamp_ref = self.writer._add_object(_stream(content)).indirect_reference
        assert stamp_ref is not None
        self._append_content(page, stamp_ref)
        self._add_resources(page)
        display_rect = (left, s.margin, left + self.caption_w + self.box_w, s.margin + self.box_h)
        return transform_rect(m, display_rect)

    def _append_content(self, page: PageObject, stamp_ref: IndirectObject) -> None:
        contents = page.get("/Contents")
        parts = ArrayObject()
        if contents is not None:
            resolved = contents.get_object()
            if isinstance(resolved, ArrayObject):
                parts.append(self._save_state.indirect_reference)
                parts.extend(resolved)
            else:
                parts.extend([self._save_state.indirect_reference, contents])
        else:
            parts.append(self._save_state.indirect_reference)
        parts.append(stamp_ref)
        page[NameObject("/Contents")] = parts

    def _add_resources(self, page: PageObject) -> None:
        resources = page.get("/Resources")
        if resources is None:
            resources = DictionaryObject()
            page[NameObject("/Resources")] = resources
        res = resources.get_object()
        assert isinstance(res, DictionaryObject)
        _subdict(res, "/Font")[NameObject(NUMBER_FONT)] = self._number_font.indirect_reference
        _subdict(res, "/XObject")[NameObject(FRAME_XOBJECT)] = self._frame.indirect_reference


def _subdict(res: DictionaryObject, key: str) -> DictionaryObject:
    sub = res.get(key)
    if sub is None:
        sub = DictionaryObject()
        res[NameObject(key)] = sub
    resolved = sub.get_object()
    assert isinstance(resolved, DictionaryObject)
    return resolved


def _stream(content: bytes) -> DecodedStreamObject:
    stream = DecodedStreamObject()
    stream.set_data(content)
    return stream


def _helvetica(base: str) -> DictionaryObject:
    return DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject(base),
            NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
        }
    )
