"""Joining PDFs made by the engines into one deterministic file."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence

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


def merge_numbered(
    parts: Sequence[tuple[bytes, bool]],
    numbers: Callable[[int], bytes],
    *,
    title: str,
    subject: str = "",
    author: str = "",
    keywords: str = "",
) -> bytes:
    """The pages of ``parts`` in order, in one pass: each part is (pdf, marked), and over every page
    of a marked part is drawn the page of the same index of ``numbers(total pages)`` (a PDF of page
    marks), moved so that its bottom-right corner sits on the page's, whatever their sizes. One set
    of metadata; the file id is derived from the content."""
    from pypdf import Transformation

    writer = PdfWriter()
    marked: list[int] = []
    for data, numbered in parts:
        start = len(writer.pages)
        writer.append(PdfReader(io.BytesIO(data)))
        if numbered:
            marked.extend(range(start, len(writer.pages)))
    marks = PdfReader(io.BytesIO(numbers(len(writer.pages))))
    for index in marked:
        if index >= len(marks.pages):
            continue
        page, mark = writer.pages[index], marks.pages[index]
        dx = float(page.mediabox.right) - float(mark.mediabox.right)
        dy = float(page.mediabox.bottom) - float(mark.mediabox.bottom)
        page.merge_transformed_page(mark, Transformation().translate(dx, dy))
    set_metadata(writer, title=title, subject=subject, author=author, keywords=keywords)
    return write_deterministic(writer)
