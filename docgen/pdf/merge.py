"""Joining PDFs made by the engines into one deterministic file."""

from __future__ import annotations

import io
from collections.abc import Sequence

from pypdf import PdfReader, PdfWriter

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


def overlay_pages(
    data: bytes, overlay: bytes, *, skip: frozenset[int] = frozenset(), title: str = ""
) -> bytes:
    """Each page of ``data`` with the page of the same index of ``overlay`` drawn over it (pages in
    ``skip`` are left as they are). The overlay page is moved so that its bottom-right corner sits on
    the page's, whatever their sizes. Metadata is kept; the file id is derived from the content."""
    from pypdf import Transformation

    reader = PdfReader(io.BytesIO(data))
    marks = PdfReader(io.BytesIO(overlay))
    writer = PdfWriter(clone_from=reader)
    for index, page in enumerate(writer.pages):
        if index in skip or index >= len(marks.pages):
            continue
        mark = marks.pages[index]
        dx = float(page.mediabox.right) - float(mark.mediabox.right)
        dy = float(page.mediabox.bottom) - float(mark.mediabox.bottom)
        page.merge_transformed_page(mark, Transformation().translate(dx, dy))
    if title and reader.metadata is None:
        set_metadata(writer, title=title)
    return write_deterministic(writer)
