"""Bundle builder: a pure function from a spec and input bytes to bundle PDFs and a manifest.

The order of the finishing steps matters: pages are added first (the index, then each document),
then the index links are pointed at pages, then stamps and back-links go on (they need the final
page objects), then the outline, labels and metadata, and the file id last, since it hashes the
finished bytes.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from pypdf import PdfReader, PdfWriter
from pypdf.generic import IndirectObject
from weasyprint.document import Document

from docgen.bundles.index import LINK_SCHEME, IndexRequest, estimate_pages, layout_index
from docgen.bundles.layout import (
    SUPPLEMENT_PREFIX,
    SUPPLEMENT_TITLE,
    Doc,
    Manifest,
    ManifestVolume,
    Numbering,
    Placed,
    as_late,
    late_section_letter,
    manifest_entry,
    page_labels,
    place,
    split_volumes,
)
from docgen.bundles.spec import BundleSpec, Item, Section
from docgen.errors import BadPdf, DocgenError, InvalidInput
from docgen.pdf.inputs import InputLimits, as_pdf_bytes, open_pdf, sniff
from docgen.pdf.links import add_link, retarget_uri_links
from docgen.pdf.metadata import LabelRange, set_metadata, set_open_view, set_page_labels, write_deterministic
from docgen.pdf.outline import add_bookmark, copy_outline
from docgen.pdf.stamp import PageStamper
from docgen.render.slot import WEASYPRINT

if TYPE_CHECKING:
    from docgen.config import Settings
    from docgen.pdf.ocr import OcrCache, OcrOptions

#: (pages done, pages to do) of the slow stage under way (OCR of scanned pages)
Progress = Callable[[int, int], None]

# Rendering the index can change its own length (page ranges get wider); this settles in 2-3 passes.
_MAX_INDEX_PASSES = 5


@dataclass(frozen=True)
class SourceFile:
    """The bytes of one bundle input; ``name`` is what error messages call it."""

    key: str
    name: str
    data: bytes
    password: str | None = None


class TooSlowHere(DocgenError):
    """The bundle has more scanned pages to read than its door builds while a request waits."""

    def __init__(self, pages: int, limit: int):
        super().__init__(
            f"the bundle has {pages} scanned pages to read for text, more than the {limit} "
            "read while a request waits; it is built as a job",
            code="bundle_needs_job",
            status=202,
        )
        self.pages = pages


@dataclass(frozen=True)
class Finishing:
    """What is done to the inputs and the volumes beyond assembling them."""

    pdfa: bool = False  # each volume as PDF/A-2b
    ocr: OcrOptions | None = None  # a text layer on scanned input pages
    progress: Progress | None = None
    #: at most this many scanned pages are read (None: any number); more stop the build with
    #: TooSlowHere before the first is read, so that the door can hand the bundle to a worker
    ocr_page_limit: int | None = None
    #: files read before, by their bytes and the OCR settings and tools (docgen.pdf.ocr.cache_key)
    ocr_cache: OcrCache | None = None

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        progress: Progress | None = None,
        ocr_page_limit: int | None = None,
        ocr_cache: OcrCache | None = None,
    ) -> Finishing:
        from docgen.pdf.ocr import OcrOptions

        ocr = OcrOptions(settings.ocr_languages, settings.ocr_timeout_s) if settings.ocr else None
        return cls(
            pdfa=settings.pdfa,
            ocr=ocr,
            progress=progress,
            ocr_page_limit=ocr_page_limit,
            ocr_cache=ocr_cache if settings.ocr_cache else None,
        )


@dataclass(frozen=True)
class BuiltVolume:
    number: int
    pdf: bytes
    pages: int


@dataclass(frozen=True)
class BuiltBundle:
    volumes: list[BuiltVolume]
    manifest: Manifest
    warnings: list[str] = field(default_factory=list)
    ocr_pages: int = 0  # scanned pages given a text layer
    redacted: bool = False  # made from redacted copies only (the spec's options.redact)


def build_bundle(
    spec: BundleSpec,
    files: Mapping[str, SourceFile],
    *,
    limits: InputLimits,
    volume_pages: int,
    templates_dir: Path,
    previous: Manifest | None = None,
    finish: Finishing | None = None,
) -> BuiltBundle:
    """Build the bundle; with ``previous``, keep its pages where they were and add new items at the end."""
    finish = finish or Finishing()
    readers: dict[str, PdfReader] = {}
    docs: list[Doc] = []
    warnings: list[str] = []
    ordered = [(section, item) for section in spec.sections for item in section.ordered_items()]
    for _section, item in ordered:
        if item.source.key not in files:
            raise InvalidInput(f"no input supplied for {item.source.key}")
    prepared = _redact_marked(ordered, files, limits)
    _flatten_forms(ordered, files, prepared, limits)
    ocr_pages = _read_scans(ordered, files, prepared, limits, finish, warnings)
    for section, item in ordered:
        key = item.source.key
        src = files[key]
        data, password = prepared.get(key, (src.data, src.password or item.password))
        reader = open_pdf(data, src.name, password=password, limits=limits)
        readers[key] = reader
        docs.append(
            Doc(
                key,
                section.letter,
                section.title,
                item.description,
                item.date,
                len(reader.pages),
                hashlib.sha256(src.data).hexdigest(),
            )
        )
    numbering = spec.options.numbering
    vol_pages = spec.options.volume_pages or volume_pages
    if previous is None:
        layout = _settle_index(spec, docs, vol_pages, numbering, templates_dir)
    else:
        kept, new = _pin_previous(docs, previous)
        numbering, vol_pages = previous.numbering, previous.volume_pages
        layout = _settle_late(spec, kept, new, vol_pages, numbering, templates_dir, previous.index_pages)
    for p in layout.placed:
        if p.doc.generated and p.doc.key not in layout.supplements:
            raise RuntimeError(f"{p.doc.key} of the earlier bundle cannot be reproduced at its length")
    for key, pdf in layout.supplements.items():
        readers[key] = PdfReader(io.BytesIO(pdf))
    index_pages, placed, indexes = layout.index_pages, layout.placed, layout.indexes
    volume_count = len(indexes)

    built = [
        _assemble(spec, n, indexes[n - 1], index_pages, placed, readers, numbering, finish.pdfa, warnings)
        for n in range(1, volume_count + 1)
    ]
    manifest = Manifest(
        title=spec.title,
        case_ref=spec.case_ref,
        spec_hash=spec.spec_hash(),
        numbering=numbering,
        volume_pages=vol_pages,
        index_pages=index_pages,
        entries=[manifest_entry(p) for p in placed],
        volumes=[
            ManifestVolume(
                number=v.number,
                pages=v.pages,
                index_pages=index_pages,
                sha256=hashlib.sha256(v.pdf).hexdigest(),
            )
            for v in built
        ],
    )
    return BuiltBundle(built, manifest, warnings, ocr_pages, spec.options.redact)


def _redact_marked(
    ordered: Sequence[tuple[Section, Item]], files: Mapping[str, SourceFile], limits: InputLimits
) -> dict[str, tuple[bytes, str | None]]:
    """Inputs with marked areas, those areas removed for good: key -> (bytes, password still needed)."""
    from docgen.pdf.redact import Area, redact_pdf

    out: dict[str, tuple[bytes, str | None]] = {}
    for _section, item in ordered:
        if not item.redact:
            continue
        src = files[item.source.key]
        if len(src.data) > limits.max_bytes:
            continue  # refused by name when it is opened
        areas = [Area(a.page, a.box) for a in item.redact]
        data = as_pdf_bytes(src.data, src.name)
        out[item.source.key] = (redact_pdf(data, areas, src.name, src.password or item.password), None)
    return out


def _flatten_forms(
    ordered: Sequence[tuple[Section, Item]],
    files: Mapping[str, SourceFile],
    prepared: dict[str, tuple[bytes, str | None]],
    limits: InputLimits,
) -> None:
    """Inputs with form fields (a filled N1, an upload's form), each field's value drawn into its
    page and the form removed (docgen.pdf.forms), so that every viewer shows the values; updates
    ``prepared`` (key -> bytes, password still needed)."""
    from docgen.pdf.forms import flatten_forms

    for _section, item in ordered:
        key = item.source.key
        src = files[key]
        raw, password = prepared.get(key, (src.data, src.password or item.password))
        if len(raw) > limits.max_bytes or sniff(raw) != "pdf":
            continue  # too big: refused by name when it is opened; an image has no form
        try:
            flat = flatten_forms(raw, password)
        except Exception:  # unreadable here: opening it below names the file and the fault
            continue
        if flat is not None:
            prepared[key] = (flat, None)  # decrypted when it was encrypted


def _read_scans(
    ordered: Sequence[tuple[Section, Item]],
    files: Mapping[str, SourceFile],
    prepared: dict[str, tuple[bytes, str | None]],
    limits: InputLimits,
    finish: Finishing,
    warnings: list[str],
) -> int:
    """Give scanned pages a text layer, updating ``prepared`` (key -> bytes, password still
    needed); the number of pages read.

    Scanned pages are counted first over every input, so that progress is told in pages of the
    whole bundle."""
    if finish.ocr is None:
        return 0
    from docgen.pdf.ocr import ocr_pdf, scanned_pages

    todo: list[tuple[str, bytes, str | None, int]] = []
    for _section, item in ordered:
        key = item.source.key
        src = files[key]
        raw, password = prepared.get(key, (src.data, src.password or item.password))
        if len(raw) > limits.max_bytes:
            continue  # refused by name when it is opened
        try:
            data = as_pdf_bytes(raw, src.name)
            count = len(scanned_pages(data, password))
        except Exception:  # unreadable here: opening it below names the file and the fault
            continue
        if count:
            todo.append((key, data, password, count))
    total = sum(t[3] for t in todo)
    if finish.ocr_page_limit is not None and total > finish.ocr_page_limit:
        raise TooSlowHere(total, finish.ocr_page_limit)
    if finish.progress is not None:
        finish.progress(0, total)
    done = read = 0
    for key, data, password, count in todo:

        def report(n: int, _of: int, base: int = done) -> None:
            if finish.progress is not None:
                finish.progress(base + n, total)

        result = ocr_pdf(data, finish.ocr, password=password, progress=report, cache=finish.ocr_cache)
        if result.warning:
            warnings.append(f"{files[key].name}: {result.warning}")
        else:
            prepared[key] = (result.pdf, None)  # decrypted by OCR when it was encrypted
            read += count
        done += count
        if finish.progress is not None:
            finish.progress(done, total)
    return read


@dataclass(frozen=True)
class _Layout:
    index_pages: int
    placed: list[Placed]
    indexes: list[bytes]  # the front index of each volume
    supplements: dict[str, bytes]  # supplementary indexes of late additions, by key
    supplement_pages: dict[str, int]  # their rendered lengths, which may differ from the plan


def _front_indexes(spec: BundleSpec, placed: list[Placed], templates_dir: Path) -> list[Document]:
    count = max(p.volume for p in placed)
    front = [p for p in placed if not p.doc.listed_in]
    return [layout_index(IndexRequest(spec, front, n, count), templates_dir) for n in range(1, count + 1)]


def _supplements(spec: BundleSpec, placed: list[Placed], templates_dir: Path) -> dict[str, Document]:
    count = max(p.volume for p in placed)
    out: dict[str, Document] = {}
    for p in placed:
        if not p.doc.generated:
            continue
        listed = [q for q in placed if q.doc.listed_in == p.doc.key and not q.doc.generated]
        real = [q for q in placed if not q.doc.generated]
        request = IndexRequest(
            spec, listed, p.volume, count, supplementary=SUPPLEMENT_TITLE, first_tab=real.index(listed[0]) + 1
        )
        out[p.doc.key] = layout_index(request, templates_dir)
    return out


def _settle_index(
    spec: BundleSpec, docs: list[Doc], vol_pages: int, numbering: Numbering, templates_dir: Path
) -> _Layout:
    """Lay out the front index until its length agrees with the page numbers printed in it."""
    sections = len({d.section for d in docs})
    index_pages = estimate_pages(len(docs) + sections)
    tried: set[int] = set()
    for _ in range(_MAX_INDEX_PASSES):
        placed = place(split_volumes(docs, index_pages, vol_pages), index_pages, numbering)
        layouts = _front_indexes(spec, placed, templates_dir)
        needed = max(len(layout.pages) for layout in layouts)
        tried.add(index_pages)
        if needed == index_pages or (needed < index_pages and needed in tried):
            # Settled. An index shorter than planned is padded with blank pages by _assemble.
            return _Layout(index_pages, placed, [_write(x) for x in layouts], {}, {})
        index_pages = needed
    raise RuntimeError("the bundle index did not settle on a page count")


def _settle_late(
    spec: BundleSpec,
    kept: list[Doc],
    new: list[Doc],
    vol_pages: int,
    numbering: Numbering,
    templates_dir: Path,
    index_pages: int,
) -> _Layout:
    """Late additions after the earlier pages, which keep their numbers.

    They go into the front index if it still fits in its pages; otherwise a supplementary index
    listing them opens the late section, and the front index stays as it was.
    """
    layout = _try_late(spec, kept + new, vol_pages, numbering, templates_dir, index_pages)
    if layout is not None:
        return layout
    key = f"{SUPPLEMENT_PREFIX}{1 + sum(d.generated for d in kept)}"
    listed = [replace(d, listed_in=key) for d in new]
    pages = 1
    for _ in range(_MAX_INDEX_PASSES):
        head = replace(listed[0], key=key, description=SUPPLEMENT_TITLE, pages=pages, sha256="")
        layout = _try_late(spec, [*kept, head, *listed], vol_pages, numbering, templates_dir, index_pages)
        if layout is None:
            raise RuntimeError("the front index of a bundle with a supplementary index does not fit")
        if key in layout.supplements:
            return layout
        pages = layout.supplement_pages[key]
    raise RuntimeError("the supplementary index did not settle on a page count")


def _try_late(
    spec: BundleSpec,
    docs: list[Doc],
    vol_pages: int,
    numbering: Numbering,
    templates_dir: Path,
    index_pages: int,
) -> _Layout | None:
    """The layout with the front index at its fixed length, or None when the front index does not fit.

    A supplementary index that came out another length than planned is left out of ``supplements``
    so that the caller can plan again.
    """
    placed = place(split_volumes(docs, index_pages, vol_pages), index_pages, numbering)
    fronts = _front_indexes(spec, placed, templates_dir)
    if max(len(x.pages) for x in fronts) > index_pages:
        return None
    rendered: dict[str, bytes] = {}
    lengths: dict[str, int] = {}
    for key, layout in _supplements(spec, placed, templates_dir).items():
        lengths[key] = len(layout.pages)
        if lengths[key] == next(p.doc.pages for p in placed if p.doc.key == key):
            rendered[key] = _write(layout)
    hashes = {key: hashlib.sha256(pdf).hexdigest() for key, pdf in rendered.items()}
    placed = [
        replace(p, doc=replace(p.doc, sha256=hashes[p.doc.key])) if p.doc.key in hashes else p for p in placed
    ]
    return _Layout(index_pages, placed, [_write(x) for x in fronts], rendered, lengths)


def _write(layout: Document) -> bytes:
    with WEASYPRINT:
        return bytes(layout.write_pdf())


def _pin_previous(docs: list[Doc], previous: Manifest) -> tuple[list[Doc], list[Doc]]:
    """Earlier entries in their earlier order, unchanged; and what is new, as late additions."""
    by_key = {d.key: d for d in docs}
    kept: list[Doc] = []
    for old in previous.docs():
        if old.generated:
            kept.append(old)
            continue
        now = by_key.get(old.key)
        if now is None:
            raise InvalidInput(
                f"{old.key} is in the earlier bundle but not in the spec; "
                "documents cannot be taken out of an issued bundle"
            )
        if now.sha256 != old.sha256:
            raise InvalidInput(f"{old.key} has changed since the earlier bundle; build a fresh bundle")
        kept.append(old)
    kept_keys = {k.key for k in kept}
    new = [d for d in docs if d.key not in kept_keys]
    if not new:
        raise InvalidInput("nothing to add: every document is already in the earlier bundle")
    letter = late_section_letter(kept)
    return kept, [as_late(d, letter) for d in sorted(new, key=lambda d: d.date)]


def _assemble(
    spec: BundleSpec,
    volume: int,
    index_pdf: bytes,
    index_pages: int,
    placed: Sequence[Placed],
    readers: Mapping[str, PdfReader],
    numbering: Numbering,
    pdfa: bool = False,
    warnings: list[str] | None = None,
) -> BuiltVolume:
    writer = PdfWriter()
    index_reader = PdfReader(io.BytesIO(index_pdf))
    for page in index_reader.pages:
        writer.add_page(page)
    while len(writer.pages) < index_pages:
        writer.add_blank_page()  # the index came out shorter than planned: keep the numbering
    mine = [p for p in placed if p.volume == volume]
    for p in mine:
        try:
            for page in readers[p.doc.key].pages:
                writer.add_page(page)
        except Exception as exc:  # a page that fails to copy is a damaged input, not a crash
            raise BadPdf(f"{p.doc.key}: a page cannot be copied ({exc})", code="corrupt") from exc

    pages = writer.pages
    refs: list[IndirectObject] = []
    for page in pages:
        assert page.indirect_reference is not None
        refs.append(page.indirect_reference)

    def resolve(target: str) -> IndirectObject | None:
        return refs[int(target)] if target.isdigit() and int(target) < len(refs) else None

    index_page_numbers = list(range(index_pages))
    for p in mine:
        if p.doc.generated:
            index_page_numbers.extend(range(p.first_page - 1, p.last_page))
    for i in index_page_numbers:
        retarget_uri_links(pages[i], LINK_SCHEME, resolve)

    labels = page_labels(placed, volume, index_pages, numbering)
    stamper = PageStamper(writer, widest_label=max(labels, key=len))
    for page, label in zip(pages, labels, strict=True):
        rect = stamper.stamp(page, label)
        add_link(writer, page, rect, refs[0], contents="Back to the index")

    _outline(writer, mine, readers)
    if numbering == "section":
        ranges = [LabelRange(0, "/r")]
        for p in mine:
            ranges.append(LabelRange(p.first_page - 1, "/D", p.doc.section, int(p.first_label[1:])))
        set_page_labels(writer, ranges)
    else:
        set_page_labels(writer, [LabelRange(0, "/D")])
    set_open_view(writer, 0, zoom=1.0)
    title = (
        spec.title
        if volume == 1 and len({p.volume for p in placed}) == 1
        else f"{spec.title} (volume {volume})"
    )
    set_metadata(
        writer,
        title=title,
        subject=f"{spec.case_ref} {spec.parties.claimant} v {spec.parties.defendant}",
        keywords=f"court bundle; {spec.case_ref}; {spec.court}",
    )
    pdf = write_deterministic(writer)
    if pdfa:  # last, because it describes the finished file (fonts, annotations, metadata)
        pdf = _archival(pdf, title, spec, volume, warnings if warnings is not None else [])
    return BuiltVolume(volume, pdf, len(labels))


def _archival(pdf: bytes, title: str, spec: BundleSpec, volume: int, warnings: list[str]) -> bytes:
    from docgen.pdf.pdfa import ArchiveInfo, NotArchivable, make_pdfa

    info = ArchiveInfo(
        title=title,
        subject=f"{spec.case_ref} {spec.parties.claimant} v {spec.parties.defendant}",
        keywords=f"court bundle; {spec.case_ref}; {spec.court}",
    )
    try:
        return make_pdfa(pdf, info)
    except NotArchivable as exc:
        # the bundle is still made and served: it just does not claim to be archival
        warnings.append(f"volume {volume} is not PDF/A: {exc.message}")
        return pdf


def _outline(writer: PdfWriter, mine: Sequence[Placed], readers: Mapping[str, PdfReader]) -> None:
    add_bookmark(writer, "Index (p. 1)", 0)
    section_item: IndirectObject | None = None
    current = None
    for p in mine:
        if p.doc.section != current:
            current = p.doc.section
            section_item = add_bookmark(
                writer, f"{p.doc.section}. {p.doc.section_title} (p. {p.first_label})", p.first_page - 1
            )
        pages = (
            f"p. {p.first_label}" if p.first_label == p.last_label else f"pp. {p.first_label}–{p.last_label}"
        )
        if p.doc.generated:
            add_bookmark(writer, f"{p.doc.description} ({pages})", p.first_page - 1, section_item)
            continue
        title = f"{p.doc.description}, {p.doc.date.day} {p.doc.date:%b %Y} ({pages})"
        doc_item = add_bookmark(writer, title, p.first_page - 1, section_item, is_open=False)
        copy_outline(readers[p.doc.key], writer, doc_item, p.first_page - 1)
