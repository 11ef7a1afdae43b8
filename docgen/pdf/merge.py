"""Joining PDFs made by the engines into one deterministic file."""

from __future__ import annotations

import hashlib
import io
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import NamedTuple, cast

from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    StreamObject,
)

from docgen.pdf.metadata import set_metadata, write_deterministic


def merge_with_outline(
    parts: Sequence[tuple[str, bytes]], *, title: str, subject: str = "", author: str = ""
) -> bytes:
    """The pages of each (bookmark, pdf) part in order, each part's first page bookmarked, with one
    set of metadata and an /ID derived from the content."""
    writer = PdfWriter()
    for bookmark, data in parts:
        first = len(writer.pages)
        writer.append(PdfReader(io.BytesIO(data)), import_outline=False)
        writer.add_outline_item(title=bookmark, page_number=first)
    set_metadata(writer, title=title, subject=subject, author=author)
    return write_deterministic(writer)


def merge_pdfs(
    parts: Sequence[bytes], *, title: str, subject: str = "", author: str = "", keywords: str = ""
) -> bytes:
    """The pages of ``parts`` in order, with one set of metadata and an /ID derived from the content."""
    writer = PdfWriter()
    for data in parts:
        writer.append(PdfReader(io.BytesIO(data)))
    set_metadata(writer, title=title, subject=subject, author=author, keywords=keywords)
    return write_deterministic(writer)


class Part(NamedTuple):
    """One part of a paper: its PDF; whether page marks are drawn over its pages; and whether the
    same bytes come again and again (a paper's fixed enclosures), so that they are parsed once."""

    pdf: bytes
    marked: bool
    fixed: bool = False


class _Parsed:
    """Readers of PDFs met again and again, parsed once per process (the fixed enclosures of a
    letter, the page marks for each page count), the least recently used dropped past ``size``. A
    reader reads its objects lazily while they are copied, so one merge at a time uses them."""

    def __init__(self, size: int = 16) -> None:
        self.size = size
        self.lock = threading.Lock()
        self._readers: OrderedDict[bytes, PdfReader] = OrderedDict()

    def reader(self, data: bytes) -> PdfReader:
        key = hashlib.sha256(data).digest()
        found = self._readers.get(key)
        if found is None:
            found = PdfReader(io.BytesIO(data))
            self._readers[key] = found
            if len(self._readers) > self.size:
                self._readers.popitem(last=False)
        else:
            self._readers.move_to_end(key)
        return found


_PARSED = _Parsed()


def merge_numbered(
    parts: Sequence[Part],
    numbers: Callable[[int], bytes],
    *,
    title: str,
    subject: str = "",
    author: str = "",
    keywords: str = "",
) -> bytes:
    """The pages of ``parts`` in order, in one pass: over every page of a marked part is drawn the
    page of the same index of ``numbers(total pages)`` (a PDF of page marks, the same bytes for the
    same count), moved so that its bottom-right corner sits on the page's, whatever their sizes. One
    set of metadata; the file id is derived from the content."""
    writer = PdfWriter()
    marked: list[int] = []
    with _PARSED.lock:
        for part in parts:
            start = len(writer.pages)
            writer.append(_PARSED.reader(part.pdf) if part.fixed else PdfReader(io.BytesIO(part.pdf)))
            if part.marked:
                marked.extend(range(start, len(writer.pages)))
        marks = _PARSED.reader(numbers(len(writer.pages)))
        opening: IndirectObject | None = None
        for index in marked:
            if index >= len(marks.pages):
                continue
            opening = opening or writer._add_object(_stream(b"q\n"))
            _draw_over(writer, writer.pages[index], marks.pages[index], opening)
    set_metadata(writer, title=title, subject=subject, author=author, keywords=keywords)
    return write_deterministic(writer)


_MARK = NameObject("/DocgenPageMark")


def _stream(data: bytes) -> StreamObject:
    stream = StreamObject()
    stream.set_data(data)
    return stream


def _dictionary(value: object) -> DictionaryObject:
    found = value.get_object() if isinstance(value, IndirectObject) else value
    return found if isinstance(found, DictionaryObject) else DictionaryObject()


def _draw_over(writer: PdfWriter, page: PageObject, mark: PageObject, opening: IndirectObject) -> None:
    """Draw ``mark`` over ``page`` as a form XObject, bottom-right corners together.

    The page's own content is left as it is, bracketed by a save and a restore of the graphics
    state, so nothing in it is parsed or written again (merging the pages' content streams was
    most of the cost of numbering a letter)."""
    drawn = mark["/Contents"].get_object()
    if isinstance(drawn, StreamObject):
        form = cast(StreamObject, drawn.clone(writer))
    else:  # an array of streams: one content, joined
        form = _stream(
            b"\n".join(cast(StreamObject, s.get_object()).get_data() for s in cast(ArrayObject, drawn))
        )
    box = mark.mediabox
    form.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Form"),
            NameObject("/BBox"): ArrayObject(
                FloatObject(float(v)) for v in (box.left, box.bottom, box.right, box.top)
            ),
            NameObject("/Resources"): cast(DictionaryObject, mark["/Resources"].get_object()).clone(writer),
        }
    )
    resources = DictionaryObject(_dictionary(page.get("/Resources")))
    xobjects = DictionaryObject(_dictionary(resources.get("/XObject")))
    xobjects[_MARK] = writer._add_object(form)
    resources[NameObject("/XObject")] = xobjects
    page[NameObject("/Resources")] = resources
    dx = float(page.mediabox.right) - float(box.right)
    dy = float(page.mediabox.bottom) - float(box.bottom)
    closing = writer._add_object(_stream(f"Q q 1 0 0 1 {dx:g} {dy:g} cm {_MARK} Do Q\n".encode()))
    contents = page.raw_get("/Contents") if "/Contents" in page else ArrayObject()
    own = contents.get_object() if isinstance(contents, IndirectObject) else contents
    middle = list(own) if isinstance(own, ArrayObject) else [contents]
    page[NameObject("/Contents")] = ArrayObject([opening, *middle, closing])
