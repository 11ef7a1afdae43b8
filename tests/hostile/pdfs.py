"""Hostile PDFs for bundle inputs: pages that run script when opened, launch programs, submit
forms, call out to web addresses or carry files, beside the internal links a bundle keeps."""

from __future__ import annotations

import io

from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    TextStringObject,
)


def _action(kind: str, **extra: object) -> DictionaryObject:
    action = DictionaryObject(
        {NameObject("/Type"): NameObject("/Action"), NameObject("/S"): NameObject(kind)}
    )
    for key, value in extra.items():
        action[NameObject(f"/{key}")] = value  # type: ignore[assignment]
    return action


def _annotation(subtype: str, rect: tuple[float, float, float, float], **extra: object) -> DictionaryObject:
    annot = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject(subtype),
            NameObject("/Rect"): ArrayObject([FloatObject(v) for v in rect]),
        }
    )
    for key, value in extra.items():
        annot[NameObject(f"/{key}")] = value  # type: ignore[assignment]
    return annot


def scripted_pdf() -> bytes:
    """Two pages. Page 1: page-open JavaScript (/AA), a Launch link, a web link, a JavaScript link,
    a SubmitForm widget, a file attachment, and an internal link to page 2. Also a document-level
    OpenAction and named JavaScript."""
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.add_blank_page(595, 842)
    first, second = writer.pages[0], writer.pages[1]
    assert second.indirect_reference is not None
    js = _action("/JavaScript", JS=TextStringObject("app.alert('page open')"))
    first[NameObject("/AA")] = DictionaryObject({NameObject("/O"): writer._add_object(js)})
    annots = ArrayObject()
    for annot in (
        _annotation("/Link", (10, 10, 60, 60), A=_action("/Launch", F=TextStringObject("calc.exe"))),
        _annotation(
            "/Link", (70, 10, 120, 60), A=_action("/URI", URI=TextStringObject("http://127.0.0.1:9/x"))
        ),
        _annotation(
            "/Link", (130, 10, 180, 60), A=_action("/JavaScript", JS=TextStringObject("this.print()"))
        ),
        _annotation(
            "/Widget",
            (190, 10, 240, 60),
            FT=NameObject("/Btn"),
            T=TextStringObject("send"),
            A=_action("/SubmitForm", F=TextStringObject("http://127.0.0.1:9/submit")),
            AA=DictionaryObject({NameObject("/E"): _action("/JavaScript", JS=TextStringObject("1"))}),
        ),
        _annotation("/FileAttachment", (250, 10, 300, 60), Contents=TextStringObject("payload")),
        _annotation(
            "/Link",
            (310, 10, 360, 60),
            A=_action(
                "/GoTo",
                D=ArrayObject([second.indirect_reference, NameObject("/Fit")]),
            ),
        ),
        _annotation(
            "/Link", (370, 10, 420, 60), Dest=ArrayObject([second.indirect_reference, NameObject("/Fit")])
        ),
    ):
        annots.append(writer._add_object(annot))
    first[NameObject("/Annots")] = annots
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(
        _action("/JavaScript", JS=TextStringObject("app.alert(1)"))
    )
    names = DictionaryObject(
        {
            NameObject("/JavaScript"): DictionaryObject(
                {
                    NameObject("/Names"): ArrayObject(
                        [
                            TextStringObject("open"),
                            writer._add_object(_action("/JavaScript", JS=TextStringObject("1"))),
                        ]
                    )
                }
            )
        }
    )
    writer._root_object[NameObject("/Names")] = writer._add_object(names)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


INTERNAL_LINKS = 2  # the GoTo link and the /Dest link on page 1
