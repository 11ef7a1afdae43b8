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
