"""Internal links: Link annotations whose /Dest is a page of the same file."""

from __future__ import annotations

from collections.abc import Callable

from pypdf import PageObject, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    NullObject,
    NumberObject,
    TextStringObject,
)

from docgen.pdf.stamp import Rect


def xyz_dest(page_ref: IndirectObject, zoom: float | None = None) -> ArrayObject:
    """Go to the top of the page; a null zoom keeps the reader's current zoom."""
    return ArrayObject(
        [
            page_ref,
            NameObject("/XYZ"),
            NullObject(),
            NullObject(),
            NullObject() if zoom is None else FloatObject(zoom),
        ]
    )


def _annots(page: PageObject) -> ArrayObject:
    annots = page.get("/Annots")
    if annots is None:
        annots = ArrayObject()
        page[NameObject("/Annots")] = annots
    resolved = annots.get_object()
    assert isinstance(resolved, ArrayObject)
    return resolved


def add_link(
    writer: PdfWriter, page: PageObject, rect: Rect, target: IndirectObject, contents: str = ""
) -> None:
    """A borderless Link annotation over ``rect`` (user space) going to page ``target``."""
    annot = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Link"),
            NameObject("/Rect"): ArrayObject([FloatObject(round(v, 2)) for v in rect]),
            NameObject("/Border"): ArrayObject([NumberObject(0), NumberObject(0), NumberObject(0)]),
            NameObject("/Dest"): xyz_dest(target),
        }
    )
    if contents:
        annot[NameObject("/Contents")] = TextStringObject(contents)
    _annots(page).append(writer._add_object(annot).indirect_reference)


def retarget_uri_links(page: PageObject, scheme: str, resolve: Callable[[str], IndirectObject | None]) -> int:
    """Turn URI links starting with ``scheme`` into internal /Dest links; return how many were turned.

    HTML renderers can only link to URIs, so an index renders ``<scheme>N`` and this points it at a page.
    """
    annots = page.get("/Annots")
    if annots is None:
        return 0
    done = 0
    for ref in annots.get_object():
        annot = ref.get_object()
        action = annot.get("/A")
        if action is None:
            continue
        uri = action.get_object().get("/URI")
        if not isinstance(uri, str) or not uri.startswith(scheme):
            continue
        target = resolve(uri[len(scheme) :])
        if target is None:
            continue
        del annot["/A"]
        annot[NameObject("/Dest")] = xyz_dest(target)
        done += 1
    return done
