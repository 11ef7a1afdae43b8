"""Bookmarks: new items, and a source document's own outline carried over to its new pages."""

from __future__ import annotations

import logging
from typing import Any

from pypdf import PdfReader, PdfWriter
from pypdf.generic import Destination, Fit, IndirectObject

log = logging.getLogger(__name__)

# A hostile file can nest outlines without end; real documents stay far below this.
_MAX_DEPTH = 12


def add_bookmark(
    writer: PdfWriter, title: str, page_index: int, parent: IndirectObject | None = None, is_open: bool = True
) -> IndirectObject:
    return writer.add_outline_item(
        title=title, page_number=page_index, parent=parent, fit=Fit.xyz(), is_open=is_open
    )


def copy_outline(reader: PdfReader, writer: PdfWriter, parent: IndirectObject, first_page: int) -> int:
    """Nest ``reader``'s outline under ``parent``, each item pointing at its page in the writer.

    ``first_page`` is the writer index of the reader's page 0. Items whose target cannot be found
    (actions, broken destinations) point at the document's first page rather than being dropped,
    so the reader's own structure survives. Returns the number of items copied.
    """
    try:
        outline = reader.outline
    except Exception as exc:  # a damaged outline must not sink an otherwise readable document
        log.info("outline unreadable, skipped: %r", exc)
        return 0
    return _copy(reader, writer, outline, parent, first_page, 0)


def _copy(
    reader: PdfReader,
    writer: PdfWriter,
    items: list[Any],
    parent: IndirectObject,
    first_page: int,
    depth: int,
) -> int:
    if depth > _MAX_DEPTH:
        return 0
    count = 0
    last: IndirectObject | None = None
    for item in items:
        if isinstance(item, list):
            if last is not None:
                count += _copy(reader, writer, item, last, first_page, depth + 1)
            continue
        if not isinstance(item, Destination):
            continue
        try:
            index = reader.get_destination_page_number(item) or 0
        except Exception:
            index = 0
        if index < 0 or index >= len(reader.pages):
            index = 0
        title = str(item.title or "").strip() or "(untitled)"
        last = add_bookmark(writer, title, first_page + index, parent, is_open=False)
        count += 1
    return count
