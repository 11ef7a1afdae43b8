"""Document-level finishing: metadata, opening view, page labels and a deterministic file id."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Sequence
from dataclasses import dataclass

from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    ByteStringObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

from docgen.pdf.compact import write_compact
from docgen.pdf.links import xyz_dest

PRODUCER = "docgen"
_ID_PLACEHOLDER = b"\x00" * 16


@dataclass(frozen=True)
class LabelRange:
    """Pages from ``start_index`` on are labelled ``prefix`` + a number in ``style`` from ``first``."""

    start_index: int
    style: str = "/D"  # /D decimal, /r lower-case roman
    prefix: str = ""
    first: int = 1


def set_metadata(
    writer: PdfWriter, *, title: str, subject: str = "", keywords: str = "", author: str = ""
) -> None:
    # No dates: the same inputs must give the same bytes.
    info = {"/Title": title, "/Producer": PRODUCER, "/Creator": PRODUCER}
    if subject:
        info["/Subject"] = subject
    if keywords:
        info["/Keywords"] = keywords
    if author:
        info["/Author"] = author
    writer.add_metadata(info)


def set_open_view(
    writer: PdfWriter, page_index: int = 0, zoom: float = 1.0, show_outline: bool = True
) -> None:
    """Open at ``page_index`` at ``zoom`` (1.0 is 100%), with the bookmarks panel shown."""
    ref = writer.pages[page_index].indirect_reference
    assert ref is not None
    writer._root_object[NameObject("/OpenAction")] = xyz_dest(ref, zoom)
    if show_outline:
        writer._root_object[NameObject("/PageMode")] = NameObject("/UseOutlines")


def set_page_labels(writer: PdfWriter, ranges: Sequence[LabelRange]) -> None:
    nums = ArrayObject()
    for r in sorted(ranges, key=lambda r: r.start_index):
        label = DictionaryObject({NameObject("/S"): NameObject(r.style)})
        if r.prefix:
            label[NameObject("/P")] = TextStringObject(r.prefix)
        if r.first != 1:
            label[NameObject("/St")] = NumberObject(r.first)
        nums.extend([NumberObject(r.start_index), label])
    writer._root_object[NameObject("/PageLabels")] = DictionaryObject({NameObject("/Nums"): nums})


def write_deterministic(writer: PdfWriter, compact: bool = True) -> bytes:
    """The file's bytes with /ID derived from its own content, so equal inputs give equal files.

    ``compact`` packs dictionaries into object streams (see docgen.pdf.compact); without it the file
    is written by pypdf as plain objects and a classic cross-reference table.
    """
    if compact and writer._encryption is None:  # encrypted files keep pypdf's writer, which encrypts
        data = write_compact(writer, _ID_PLACEHOLDER)
    else:
        writer._ID = ArrayObject([ByteStringObject(_ID_PLACEHOLDER), ByteStringObject(_ID_PLACEHOLDER)])
        out = io.BytesIO()
        writer.write(out)
        data = out.getvalue()
    placeholder = b"<" + _ID_PLACEHOLDER.hex().encode() + b">"
    at = data.rfind(placeholder + b" " + placeholder)
    if at < 0:
        raise RuntimeError("file identifier placeholder not found in the written PDF")
    digest = hashlib.sha256(data).digest()[:16]
    real = b"<" + digest.hex().encode() + b">"
    return data[:at] + real + b" " + real + data[at + 2 * len(placeholder) + 1 :]
