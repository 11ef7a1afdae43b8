"""Archival PDF (PDF/A-2b, or PDF/A-3b with the data the paper was made from attached).

One finishing step for every path (html, docx, official forms, bundles), run after everything
else has been added to the file, because each earlier step (merging static parts, filling forms,
stamping pages) may bring in fonts or annotations that PDF/A has rules about, and because the XMP
packet must describe the final info dictionary. What it does:

- embeds the standard fonts a file names but does not carry (docgen.pdf.fonts), and refuses a file
  with any other font left unembedded, naming it, rather than calling it archival;
- adds an sRGB output intent (GTS_PDFA1), so device RGB and grey are defined colours;
- makes every annotation printable and visible, and drops form-level NeedAppearances and XFA;
- removes document JavaScript and additional actions (PDF/A forbids both);
- attaches the given files as associated files (PDF/A-3: /AF, /AFRelationship, MIME subtype);
- writes the XMP packet from the info dictionary (title, author, subject, keywords, producer,
  creator, dates) with the PDF/A identification, and no clock: the date is the paper's as_of;
- saves with a file identifier derived from the content, so equal inputs give equal bytes.

``check_pdfa`` reads a file back with pikepdf (qpdf), not with the library that wrote it, and lists
every clause it checks that the file breaks. It is not a full validator (see its docstring).
"""

from __future__ import annotations

import hashlib
import io
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from importlib.resources import files
from typing import Literal

import pikepdf

from docgen.errors import DocgenError
from docgen.pdf.fonts import embed_replacement, is_embedded

PRODUCER = "docgen"
PDFA_NS = "http://www.aiim.org/pdfa/ns/id/"
OUTPUT_CONDITION = "sRGB IEC61966-2.1"
_PRINT = 4
_HIDDEN_FLAGS = 1 | 2 | 32  # Invisible, Hidden, NoView
_TOGGLE_NO_VIEW = 256
_FORBIDDEN_ACTIONS = {
    "/JavaScript",
    "/Launch",
    "/ImportData",
    "/ResetForm",
    "/SubmitForm",
    "/Sound",
    "/Movie",
}

Relationship = Literal["Source", "Data", "Alternative", "Supplement", "Unspecified"]


class NotArchivable(DocgenError):
    """The file has content PDF/A cannot hold and docgen cannot replace (e.g. an unembedded font)."""

    def __init__(self, message: str):
        super().__init__(message, code="not_archivable", status=422, exit_code=2)


@dataclass(frozen=True)
class Attachment:
    name: str
    data: bytes
    mime: str = "application/json"
    relationship: Relationship = "Source"
    description: str = ""


@dataclass(frozen=True)
class ArchiveInfo:
    title: str
    author: str = ""
    subject: str = ""
    keywords: str = ""
    created: date | None = None
    language: str = "en-GB"
    attachments: tuple[Attachment, ...] = field(default_factory=tuple)


def _icc_profile() -> bytes:
    return files("weasyprint").joinpath("pdf/sRGB2014.icc").read_bytes()


def open_bytes(data: bytes) -> pikepdf.Pdf:
    """``data`` opened by qpdf. From a BytesIO qpdf reads through Python, a small read at a time;
    from a file in memory (a Linux memfd) it maps the bytes: an official form of some 600 objects
    opens and is written again in half the time. Where there is no memfd, the BytesIO."""
    if not hasattr(os, "memfd_create"):
        return pikepdf.open(io.BytesIO(data))
    fd = os.memfd_create("docgen-pdf", os.MFD_CLOEXEC)
    try:
        with open(fd, "wb", closefd=False) as out:
            out.write(data)
        path = f"/proc/self/fd/{fd}"
        if not os.path.exists(path):  # no /proc
            return pikepdf.open(io.BytesIO(data))
        return pikepdf.open(path, access_mode=pikepdf.AccessMode.mmap)  # qpdf keeps its own mapping
    finally:
        os.close(fd)


def make_pdfa(pdf_bytes: bytes, info: ArchiveInfo) -> bytes:
    """The same pages as PDF/A-3b when ``info`` has attachments, else PDF/A-2b."""
    try:
        pdf = open_bytes(pdf_bytes)
    except pikepdf.PasswordError as exc:
        raise NotArchivable("the PDF is encrypted; PDF/A does not allow encryption") from exc
    with pdf:
        if pdf.is_encrypted:
            raise NotArchivable("the PDF is encrypted; PDF/A does not allow encryption")
        part = 3 if info.attachments else 2
        _embed_fonts(pdf)
        _output_intent(pdf)
        _annotations(pdf)
        _strip_scripts(pdf)
        _attachments(pdf, info.attachments)
        _info_and_xmp(pdf, info, part)
        out = io.BytesIO()
        pdf.save(
            out,
            deterministic_id=True,
            object_stream_mode=pikepdf.ObjectStreamMode.generate,
            compress_streams=True,
            min_version="1.7",
        )
        return out.getvalue()


# -- walking the parts of a file that draw ----------------------------------------------------------


def _resources(pdf: pikepdf.Pdf) -> Iterator[pikepdf.Dictionary]:
    """Every resource dictionary reachable from the pages, their annotations' appearances, form
    XObjects, patterns and Type 3 fonts, each once."""
    seen: set[tuple[int, int]] = set()
    stack: list[pikepdf.Object] = []
    for page in pdf.pages:
        stack.append(page.obj)
        for annot in page.obj.get("/Annots", []):
            appearance = annot.get("/AP") if isinstance(annot, pikepdf.Dictionary) else None
            if appearance is None:
                continue
            for key in ("/N", "/R", "/D"):
                entry = appearance.get(key)
                if isinstance(entry, pikepdf.Stream):
                    stack.append(entry)
                elif isinstance(entry, pikepdf.Dictionary):
                    stack.extend(v for v in entry.values() if isinstance(v, pikepdf.Stream))
    while stack:
        holder = stack.pop()
        if holder.is_indirect:
            if holder.objgen in seen:
                continue
            seen.add(holder.objgen)
        res = holder.get("/Resources")
        if not isinstance(res, pikepdf.Dictionary):
            continue
        yield res
        for sub in ("/XObject", "/Pattern"):
            group = res.get(sub)
            if isinstance(group, pikepdf.Dictionary):
                stack.extend(v for v in group.values() if isinstance(v, pikepdf.Stream | pikepdf.Dictionary))
        fonts = res.get("/Font")
        if isinstance(fonts, pikepdf.Dictionary):
            stack.extend(f for f in fonts.values() if f.get("/Subtype") == "/Type3")


def _fonts(pdf: pikepdf.Pdf) -> Iterator[tuple[str, pikepdf.Dictionary]]:
    seen: set[tuple[int, int]] = set()
    for res in _resources(pdf):
        fonts = res.get("/Font")
        if not isinstance(fonts, pikepdf.Dictionary):
            continue
        for name, font in fonts.items():
            if not isinstance(font, pikepdf.Dictionary):
                continue
            if font.is_indirect:
                if font.objgen in seen:
                    continue
                seen.add(font.objgen)
            yield name, font


def _embed_fonts(pdf: pikepdf.Pdf) -> None:
    missing = []
    for name, font in _fonts(pdf):
        if is_embedded(font) or embed_replacement(pdf, font):
            continue
        missing.append(str(font.get("/BaseFont", name)).lstrip("/"))
    if missing:
        raise NotArchivable(
            "the PDF uses fonts it does not contain and that have no standard replacement: "
            + ", ".join(sorted(set(missing)))
        )


def _output_intent(pdf: pikepdf.Pdf) -> None:
    for intent in pdf.Root.get("/OutputIntents", []):
        if intent.get("/S") == "/GTS_PDFA1" and "/DestOutputProfile" in intent:
            return
    profile = pikepdf.Stream(pdf, _icc_profile())
    profile[pikepdf.Name.N] = 3
    intent = pikepdf.Dictionary(
        Type=pikepdf.Name.OutputIntent,
        S=pikepdf.Name.GTS_PDFA1,
        OutputConditionIdentifier=OUTPUT_CONDITION,
        Info=OUTPUT_CONDITION,
        DestOutputProfile=pdf.make_indirect(profile),
    )
    pdf.Root[pikepdf.Name.OutputIntents] = pikepdf.Array([pdf.make_indirect(intent)])


def _annotations(pdf: pikepdf.Pdf) -> None:
    for page in pdf.pages:
        for annot in page.obj.get("/Annots", []):
            if not isinstance(annot, pikepdf.Dictionary) or annot.get("/Subtype") == "/Popup":
                continue
            flags = int(annot.get("/F", 0))
            annot[pikepdf.Name.F] = (flags | _PRINT) & ~(_HIDDEN_FLAGS | _TOGGLE_NO_VIEW)
            if "/AA" in annot:
                del annot["/AA"]
            action = annot.get("/A")
            if isinstance(action, pikepdf.Dictionary) and action.get("/S") in _FORBIDDEN_ACTIONS:
                del annot["/A"]
            if annot.get("/Subtype") != "/Link" and "/N" not in annot.get("/AP", {}):
                annot[pikepdf.Name.AP] = pikepdf.Dictionary(N=_empty_appearance(pdf, annot))
    form = pdf.Root.get("/AcroForm")
    if isinstance(form, pikepdf.Dictionary):
        for key in ("/NeedAppearances", "/XFA"):
            if key in form:
                del form[key]


def _empty_appearance(pdf: pikepdf.Pdf, annot: pikepdf.Dictionary) -> pikepdf.Stream:
    """What a viewer shows for an empty field: nothing, stated explicitly as PDF/A asks."""
    x0, y0, x1, y1 = (float(v) for v in annot.get("/Rect", [0, 0, 0, 0]))
    stream = pikepdf.Stream(pdf, b"")
    stream[pikepdf.Name.Type] = pikepdf.Name.XObject
    stream[pikepdf.Name.Subtype] = pikepdf.Name.Form
    stream[pikepdf.Name.BBox] = pikepdf.Array([0, 0, abs(x1 - x0), abs(y1 - y0)])
    return pdf.make_indirect(stream)


def _strip_scripts(pdf: pikepdf.Pdf) -> None:
    names = pdf.Root.get("/Names")
    if isinstance(names, pikepdf.Dictionary) and "/JavaScript" in names:
        del names["/JavaScript"]
    if "/AA" in pdf.Root:
        del pdf.Root["/AA"]
    action = pdf.Root.get("/OpenAction")
    if isinstance(action, pikepdf.Dictionary) and action.get("/S") in _FORBIDDEN_ACTIONS:
        del pdf.Root["/OpenAction"]
    for page in pdf.pages:
        if "/AA" in page.obj:
            del page.obj["/AA"]


def _attachments(pdf: pikepdf.Pdf, attachments: tuple[Attachment, ...]) -> None:
    names = pdf.Root.get("/Names")
    if isinstance(names, pikepdf.Dictionary) and "/EmbeddedFiles" in names:
        # files the source carried: PDF/A-2 cannot hold them and they are not ours to describe
        del names["/EmbeddedFiles"]
    if "/AF" in pdf.Root:
        del pdf.Root["/AF"]
    if not attachments:
        return
    specs = []
    tree = []
    for item in sorted(attachments, key=lambda a: a.name):
        stream = pikepdf.Stream(pdf, item.data)
        stream[pikepdf.Name.Type] = pikepdf.Name.EmbeddedFile
        stream[pikepdf.Name.Subtype] = pikepdf.Name("/" + item.mime.replace("/", "#2F"))
        stream[pikepdf.Name.Params] = pikepdf.Dictionary(
            Size=len(item.data), CheckSum=pikepdf.String(hashlib.md5(item.data).digest())
        )
        spec = pdf.make_indirect(
            pikepdf.Dictionary(
                Type=pikepdf.Name.Filespec,
                F=item.name,
                UF=item.name,
                Desc=item.description or item.name,
                AFRelationship=pikepdf.Name("/" + item.relationship),
                EF=pikepdf.Dictionary(F=pdf.make_indirect(stream), UF=pdf.make_indirect(stream)),
            )
        )
        specs.append(spec)
        tree.extend([pikepdf.String(item.name), spec])
    if not isinstance(names, pikepdf.Dictionary):
        names = pikepdf.Dictionary()
        pdf.Root[pikepdf.Name.Names] = names
    names[pikepdf.Name.EmbeddedFiles] = pikepdf.Dictionary(Names=pikepdf.Array(tree))
    pdf.Root[pikepdf.Name.AF] = pikepdf.Array(specs)


def _pdf_date(day: date) -> str:
    return f"D:{day:%Y%m%d}000000Z"


def _info_and_xmp(pdf: pikepdf.Pdf, info: ArchiveInfo, part: int) -> None:
    # the engine's own producer stays (an official form names its version there)
    before = pdf.trailer.get("/Info")
    kept = {
        key: str(before[key])
        for key in ("/Producer", "/Creator")
        if isinstance(before, pikepdf.Dictionary) and key in before and str(before[key]).strip()
    }
    docinfo = pikepdf.Dictionary(
        Title=info.title, Producer=kept.get("/Producer", PRODUCER), Creator=kept.get("/Creator", PRODUCER)
    )
    if info.author:
        docinfo[pikepdf.Name.Author] = info.author
    if info.subject:
        docinfo[pikepdf.Name.Subject] = info.subject
    if info.keywords:
        docinfo[pikepdf.Name.Keywords] = info.keywords
    if info.created is not None:
        docinfo[pikepdf.Name.CreationDate] = _pdf_date(info.created)
        docinfo[pikepdf.Name.ModDate] = _pdf_date(info.created)
    pdf.trailer[pikepdf.Name.Info] = pdf.make_indirect(docinfo)
    if "/Metadata" in pdf.Root:
        del pdf.Root["/Metadata"]
    pdf.Root[pikepdf.Name.Lang] = info.language
    mark = pikepdf.Dictionary(Marked=True)
    if "/MarkInfo" not in pdf.Root:
        pdf.Root[pikepdf.Name.MarkInfo] = mark
    with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
        meta.load_from_docinfo(pdf.docinfo)
        meta["pdfaid:part"] = str(part)
        meta["pdfaid:conformance"] = "B"
        if info.created is not None:
            stamp = f"{info.created.isoformat()}T00:00:00Z"
            meta["xmp:CreateDate"] = stamp
            meta["xmp:ModifyDate"] = stamp
            meta["xmp:MetadataDate"] = stamp


# -- reading a file back ---------------------------------------------------------------------------


@dataclass
class PdfaReport:
    part: int | None
    conformance: str | None
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


def check_pdfa(pdf_bytes: bytes) -> PdfaReport:
    """Check the PDF/A clauses docgen relies on; every broken one is listed.

    Checked: header and trailer /ID; no encryption; an output intent GTS_PDFA1 with an ICC profile;
    the XMP packet's pdfaid part and conformance, and its agreement with the info dictionary
    (title, author, subject, keywords, producer, creator); every font that draws, on pages, in
    annotation appearances, form XObjects, patterns and Type 3 fonts, embedded; no JavaScript,
    additional actions or forbidden actions; annotations printable and not hidden; widgets with
    appearance streams and no NeedAppearances; no XFA; embedded files only as PDF/A-3 associated
    files with a MIME subtype; no LZW; no device CMYK against the RGB output intent (images and
    content operators). Not checked (a full validator such as veraPDF does these): glyph widths
    against the font programs, transparency group colour spaces, content stream operator limits,
    XMP schema extensions, Unicode mapping of every glyph.
    """
    problems: list[str] = []
    try:
        pdf = pikepdf.open(io.BytesIO(pdf_bytes))
    except pikepdf.PasswordError:
        return PdfaReport(None, None, ["encrypted (6.1.3)"])
    with pdf:
        if not pdf_bytes.startswith(b"%PDF-1."):
            problems.append("header is not %PDF-1.n (6.1.2)")
        if pdf.is_encrypted or "/Encrypt" in pdf.trailer:
            problems.append("encrypted (6.1.3)")
        if "/ID" not in pdf.trailer:
            problems.append("no file identifier in the trailer (6.1.3)")
        part, conformance = _check_xmp(pdf, problems)
        _check_output_intent(pdf, problems)
        for name, font in _fonts(pdf):
            if not is_embedded(font):
                problems.append(f"font {font.get('/BaseFont', name)} is not embedded (6.2.11.4)")
        _check_actions(pdf, problems)
        _check_annotations(pdf, problems)
        _check_files(pdf, part, problems)
        _check_filters_and_colour(pdf, problems)
    return PdfaReport(part, conformance, problems)


def _check_xmp(pdf: pikepdf.Pdf, problems: list[str]) -> tuple[int | None, str | None]:
    if "/Metadata" not in pdf.Root:
        problems.append("no XMP metadata stream (6.6.2.1)")
        return None, None
    meta = pdf.open_metadata()
    part_text, conformance = meta.get("pdfaid:part"), meta.get("pdfaid:conformance")
    part = int(part_text) if part_text and str(part_text).isdigit() else None
    if part not in (2, 3) or conformance not in ("B", "U", "A"):
        problems.append(f"XMP does not identify PDF/A-2 or -3 (part {part_text}, conformance {conformance})")
    pairs = {
        "/Title": "dc:title",
        "/Author": "dc:creator",
        "/Subject": "dc:description",
        "/Keywords": "pdf:Keywords",
        "/Producer": "pdf:Producer",
        "/Creator": "xmp:CreatorTool",
    }
    for key, prop in pairs.items():
        if key not in pdf.docinfo:
            continue
        value = meta.get(prop)
        if isinstance(value, list):
            value = value[0] if len(value) == 1 else "; ".join(value)
        if str(pdf.docinfo[key]) != str(value or ""):
            problems.append(f"info {key} does not match XMP {prop} (6.6.3)")
    return part, str(conformance) if conformance else None


def _check_output_intent(pdf: pikepdf.Pdf, problems: list[str]) -> None:
    for intent in pdf.Root.get("/OutputIntents", []):
        if intent.get("/S") == "/GTS_PDFA1":
            profile = intent.get("/DestOutputProfile")
            if not isinstance(profile, pikepdf.Stream):
                problems.append("output intent without an ICC profile (6.2.3)")
            elif int(profile.get("/N", 0)) not in (1, 3, 4):
                problems.append("output intent profile has no valid /N (6.2.3)")
            return
    problems.append("no PDF/A output intent (6.2.3)")


def _check_actions(pdf: pikepdf.Pdf, problems: list[str]) -> None:
    names = pdf.Root.get("/Names")
    if isinstance(names, pikepdf.Dictionary) and "/JavaScript" in names:
        problems.append("document JavaScript (6.6.1)")
    if "/AA" in pdf.Root:
        problems.append("document additional actions (6.6.2)")
    action = pdf.Root.get("/OpenAction")
    if isinstance(action, pikepdf.Dictionary) and action.get("/S") in _FORBIDDEN_ACTIONS:
        problems.append(f"open action {action.get('/S')} (6.6.1)")
    for n, page in enumerate(pdf.pages, start=1):
        if "/AA" in page.obj:
            problems.append(f"page {n}: additional actions (6.6.2)")


def _check_annotations(pdf: pikepdf.Pdf, problems: list[str]) -> None:
    form = pdf.Root.get("/AcroForm")
    if isinstance(form, pikepdf.Dictionary):
        if bool(form.get("/NeedAppearances", False)):
            problems.append("form asks viewers to draw its appearances (NeedAppearances) (6.4.1)")
        if "/XFA" in form:
            problems.append("XFA form (6.4.2)")
    for n, page in enumerate(pdf.pages, start=1):
        for annot in page.obj.get("/Annots", []):
            if not isinstance(annot, pikepdf.Dictionary):
                continue
            subtype = annot.get("/Subtype")
            if subtype == "/Popup":
                continue
            flags = int(annot.get("/F", 0))
            if not flags & _PRINT or flags & (_HIDDEN_FLAGS | _TOGGLE_NO_VIEW):
                problems.append(f"page {n}: {subtype} annotation not printable or hidden (6.3.2)")
            if "/AA" in annot:
                problems.append(f"page {n}: annotation additional actions (6.6.2)")
            action = annot.get("/A")
            if isinstance(action, pikepdf.Dictionary) and action.get("/S") in _FORBIDDEN_ACTIONS:
                problems.append(f"page {n}: annotation action {action.get('/S')} (6.6.1)")
            rect = [float(v) for v in annot.get("/Rect", [0, 0, 0, 0])]
            zero = rect[0] == rect[2] or rect[1] == rect[3]
            if subtype != "/Link" and not zero:
                appearance = annot.get("/AP")
                if not isinstance(appearance, pikepdf.Dictionary) or "/N" not in appearance:
                    problems.append(f"page {n}: {subtype} annotation without an appearance stream (6.3.3)")


def _check_files(pdf: pikepdf.Pdf, part: int | None, problems: list[str]) -> None:
    names = pdf.Root.get("/Names")
    tree = names.get("/EmbeddedFiles") if isinstance(names, pikepdf.Dictionary) else None
    if tree is None:
        return
    specs = [spec for _name, spec in pikepdf.NameTree(tree).items()]
    if specs and part != 3:
        problems.append("embedded files in a file that is not PDF/A-3 (6.8)")
    associated = {s.objgen for s in pdf.Root.get("/AF", []) if s.is_indirect}
    for spec in specs:
        label = str(spec.get("/F", "?"))
        if "/AFRelationship" not in spec:
            problems.append(f"embedded file {label} has no AFRelationship (6.8)")
        if spec.is_indirect and spec.objgen not in associated:
            problems.append(f"embedded file {label} is not in the catalogue's /AF (6.8)")
        if "/F" not in spec or "/UF" not in spec:
            problems.append(f"embedded file {label} lacks /F or /UF (6.8)")
        ef = spec.get("/EF")
        stream = ef.get("/F") if isinstance(ef, pikepdf.Dictionary) else None
        if not isinstance(stream, pikepdf.Stream) or "/Subtype" not in stream:
            problems.append(f"embedded file {label} has no MIME subtype (6.8)")


def _check_filters_and_colour(pdf: pikepdf.Pdf, problems: list[str]) -> None:
    for obj in pdf.objects:
        if not isinstance(obj, pikepdf.Stream):
            continue
        filters = obj.get("/Filter")
        listed = [filters] if isinstance(filters, pikepdf.Name) else list(filters or [])
        if pikepdf.Name.LZWDecode in listed:
            problems.append(f"LZW-compressed stream {obj.objgen} (6.1.7)")
        if obj.get("/Subtype") == "/Image" and obj.get("/ColorSpace") == "/DeviceCMYK":
            problems.append(f"image {obj.objgen} in device CMYK against an RGB output intent (6.2.4.3)")
    for n, page in enumerate(pdf.pages, start=1):
        for instruction in pikepdf.parse_content_stream(page, operators="k K cs CS"):
            op = str(instruction.operator)
            first = (
                str(instruction.operands[0])
                if isinstance(instruction, pikepdf.ContentStreamInstruction) and instruction.operands
                else ""
            )
            if op in ("k", "K") or first == "/DeviceCMYK":
                problems.append(f"page {n}: device CMYK colour against an RGB output intent (6.2.4.3)")
                break


def required_attachments(mapping: Mapping[str, bytes]) -> tuple[Attachment, ...]:
    """Attachments from a name -> JSON bytes mapping, in name order."""
    return tuple(Attachment(name, data) for name, data in sorted(mapping.items()))
