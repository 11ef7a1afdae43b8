"""Hostile Word templates: each reaches for something a template may not (an object's internals,
another template, a picture on a web server or in a local file, a field that fetches), and must
fail the template check with a problem naming what to remove."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator, Sequence

from docx import Document
from docx.shared import Mm
from PIL import Image


def png(colour: tuple[int, int, int] = (10, 200, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (60, 40), colour).save(out, "PNG")
    return out.getvalue()


def docx(*paragraphs: str) -> bytes:
    doc = Document()
    for text in paragraphs:
        doc.add_paragraph(text)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _rewrite(data: bytes, change: dict[str, bytes | None]) -> bytes:
    """The same package with some parts replaced (None: removed)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename in change:
                replaced = change[info.filename]
                if replaced is not None:
                    dst.writestr(info, replaced)
            else:
                dst.writestr(info, src.read(info.filename))
    return out.getvalue()


def linked_pictures(targets: Sequence[str], text: str = "Linked pictures follow.") -> bytes:
    """A document whose pictures are not inside it but linked (r:link) to ``targets``: web
    addresses or file URIs that a careless converter fetches and embeds."""
    doc = Document()
    doc.add_paragraph(text)
    for n, _target in enumerate(targets):  # a different picture each: Word keeps one copy of equal ones
        doc.add_picture(io.BytesIO(png((10, 200, n * 40 % 256))), width=Mm(40))
    out = io.BytesIO()
    doc.save(out)
    data = out.getvalue()
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        rels = package.read("word/_rels/document.xml.rels")
        body = package.read("word/document.xml")
        media = [n for n in package.namelist() if n.startswith("word/media/")]
    images = re.findall(rb'<Relationship [^>]*Type="[^"]*/image"[^>]*/>', rels)
    for rel, target in zip(images, targets, strict=True):
        linked = re.sub(rb'Target="[^"]*"', b'Target="' + target.encode() + b'" TargetMode="External"', rel)
        rels = rels.replace(rel, linked)
    change: dict[str, bytes | None] = {
        "word/_rels/document.xml.rels": rels,
        "word/document.xml": body.replace(b"r:embed=", b"r:link="),
    }
    change.update(dict.fromkeys(media))
    return _rewrite(data, change)


def with_field(code: str) -> bytes:
    """A document with one simple field (``<w:fldSimple w:instr=...>``)."""
    data = docx("Before the field.")
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        body = package.read("word/document.xml")
    quoted = code.replace('"', "&quot;")
    field = f'<w:p><w:fldSimple w:instr="{quoted}"><w:r><w:t>x</w:t></w:r></w:fldSimple></w:p>'.encode()
    return _rewrite(data, {"word/document.xml": body.replace(b"</w:body>", field + b"</w:body>", 1)})


def corpus() -> Iterator[tuple[str, bytes, str]]:
    """(name, template bytes, the problem code the check must report)."""
    yield "attr-filter", docx("{{ name|attr('__class__') }}"), "unsafe_attribute"
    yield "class-by-index", docx("{{ name['__class__'] }}"), "unsafe_attribute"
    yield "private-attribute", docx("{{ name.__class__.__mro__ }}"), "unsafe_attribute"
    yield "map-private-attribute", docx("{{ items|map(attribute='__class__')|list }}"), "unsafe_attribute"
    yield "include", docx("{% include 'other.docx' %}"), "template_include"
    yield "import", docx("{% import 'macros' as m %}"), "template_include"
    yield "from-import", docx("{% from 'macros' import box %}"), "template_include"
    yield "extends", docx("{% extends 'base' %}"), "template_include"
    yield "web-picture", linked_pictures(["http://127.0.0.1:9/pic.png"]), "external_relationship"
    yield "local-file-picture", linked_pictures(["file:///etc/hostname"]), "external_relationship"
    yield "includepicture-field", with_field(' INCLUDEPICTURE "http://127.0.0.1:9/x.png" '), "external_field"
    yield "includetext-field", with_field(' INCLUDETEXT "/etc/passwd" '), "external_field"
    yield "not-a-docx", b"PK\x03\x04 not really a zip", "not_docx"
