"""What the generation corridor is asked for, and how each kind of paper is planned and rendered.

Three kinds of request, one corridor (``docgen.services.generation``):

- ``PaperRequest``: one paper of one case held by the service. When its type declares stored inputs
  (``DocumentType.stored_inputs``: the certificate of service exhibits the demand that was served),
  the probe finds those versions in the register, their sha256 join the input hash, and their exact
  bytes are appended after the paper's own pages.
- ``BatchPaperRequest``: one paper over several cases held by the service (a write-off schedule, the
  committee report, a debt-panel pack), of a batch type (``docgen.documents.batch``). Every batch
  type is rendered by ``render_batch``: sections first, then the paper's own pages knowing where each
  section starts, merged with one bookmark per part.

Planning happens inside the probe's read transaction and renders nothing: it works out what the
paper would be recorded as (register reference, document key, input hash, template hash, engine),
so the corridor can answer unchanged inputs from the register, and hands back how to render.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pypdf import PdfReader
from sqlalchemy.orm import Session

from docgen.config import Settings
from docgen.documents import inputs, registry
from docgen.documents.base import DocumentRequest, DocumentType
from docgen.documents.batch import BatchDocumentType, BatchEntry, BatchRequest, get_batch
from docgen.documents.inputs import StoredInput, StoredWanted
from docgen.domain.case import Case
from docgen.errors import DocgenError, Ineligible, InvalidInput, Problem
from docgen.pdf.merge import merge_pdfs, merge_with_outline
from docgen.register.models import Version
from docgen.register.repositories import cases as cases_repo
from docgen.register.repositories import documents as documents_repo
from docgen.register.versions import Made, read_exact, unchanged
from docgen.render.base import Engine, PdfMeta
from docgen.render.engines import get_engine
from docgen.render.pipeline import (
    archival,
    document_key,
    finish_profile,
    paper_template_hash,
    prepare,
    redacted_request,
    render_request,
    request_input_hash,
)
from docgen.services import approvals, bundles
from docgen.services.access import can_see_case, case_not_found, require_visible_case, require_writer
from docgen.services.approvals import DecisionRequest
from docgen.services.auth import Principal
from docgen.services.backend import Backend
from docgen.services.bundles import BundleRequest
from docgen.services.cases import case_of
from docgen.services.templates import InForce, with_replacements

# -- the requests ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class PaperRequest:
    """One paper of one case held by the service."""

    doc_type: str
    case_ref: str
    as_of: date
    actor: Principal
    options: Mapping[str, str] = field(default_factory=dict)
    engine: str | None = None
    #: the door checked that ``actor`` may see the case and make papers when the request was made
    #: (a queued job is checked when it is submitted, and runs later with nobody to ask)
    access_checked: bool = False
    #: the paper's redacted copy: personal data a partner or the court does not need left out
    redacted: bool = False


@dataclass(frozen=True)
class BatchPaperRequest:
    """One paper over several cases held by the service, each with what the officer said about it
    (``fields``, e.g. the write-off reason), in the order given."""

    batch_type: str
    entries: tuple[tuple[str, Mapping[str, str]], ...]
    as_of: date
    actor: Principal
    options: Mapping[str, str] = field(default_factory=dict)
    engine: str | None = None
    access_checked: bool = False

    @classmethod
    def of(
        cls,
        batch_type: str,
        case_refs: Sequence[str],
        as_of: date,
        actor: Principal,
        options: Mapping[str, str] | None = None,
        fields: Sequence[Mapping[str, str]] | None = None,
    ) -> BatchPaperRequest:
        per_case = list(fields) if fields is not None else [{} for _ in case_refs]
        return cls(batch_type, tuple(zip(case_refs, per_case, strict=True)), as_of, actor, options or {})


Request = PaperRequest | BatchPaperRequest | BundleRequest | DecisionRequest


@dataclass(frozen=True)
class Plan:
    """What the probe found: the versions already made from these inputs (one per volume of a
    bundle), or how to render."""

    unchanged_ids: tuple[int, ...]
    render: Callable[[], list[Made]]
    #: names the paper in a refusal (e.g. a render stopped at its time limit)
    label: str = ""
    #: ``render`` is picklable, so a door may run it in another process (the API's render pool)
    portable: bool = False


def plan(backend: Backend, request: Request, session: Session) -> Plan:
    if isinstance(request, BatchPaperRequest):
        return _plan_batch(backend, request, session)
    if isinstance(request, BundleRequest):
        return Plan(*bundles.plan(backend, request, session))
    if isinstance(request, DecisionRequest):
        return Plan(*approvals.plan_decision(backend, request, session))
    return _plan_paper(backend, request, session)


# -- one case, and papers derived from stored versions -----------------------------------------------


def _case(session: Session, request: PaperRequest) -> tuple[Case, int]:
    """The case as the service holds it now, and the snapshot the version will point at."""
    if not request.access_checked:
        require_visible_case(session, request.actor, request.case_ref)
        require_writer(request.actor, "generate documents")
    record = cases_repo.get(session, request.case_ref)
    if record is None:
        raise case_not_found(request.case_ref)
    return case_of(record), record.snapshot_id


def _plan_paper(backend: Backend, request: PaperRequest, session: Session) -> Plan:
    case, snapshot_id = _case(session, request)
    # the request is checked (engine, options) and made once: its case facts, worked out for the
    # input hash here, are the ones the render prints
    document_type, req = prepare(
        request.doc_type, case, request.as_of, request.options, request.engine, backend.settings
    )
    wanted = document_type.stored_inputs(req)
    if wanted:
        req = req.with_stored({w.name: _stored_input(backend, session, case.case_ref, w) for w in wanted})
    engine = _engine(backend, session, req.engine, [document_type.templates[req.engine]])
    redacted = request.redacted
    made_from = _made_from(
        engine, document_type, redacted_request(req) if redacted else req, backend.settings, redacted
    )
    found = None
    if made_from is not None:
        found = unchanged(
            session, case.case_ref, document_type.id, document_key(document_type, req, redacted), made_from
        )

    replaced = _replacements(backend, session, req.engine, [document_type.templates[req.engine]])
    render = PaperRender(
        document_type.id,
        req.case,
        req.as_of,
        dict(req.options),
        req.engine,
        dict(req.stored),
        req.facts,
        snapshot_id,
        backend.settings,
        fallback=request.engine is None,
        replaced=replaced,
        redacted=redacted,
    )
    return Plan(
        (found.id,) if found is not None else (),
        render,
        f"{document_type.id} for {case.case_ref}",
        True,
    )


@dataclass(frozen=True)
class PaperRender:
    """The render step of a single-case paper as picklable values (the checked request as its
    parts, with the facts the probe worked out, and the bytes of any replacement template in
    force), so that it can run in another process. With ``fallback`` (no engine was asked for), an
    official form that cannot take the case is made to the like effect, with a warning."""

    doc_type: str
    case: Case
    as_of: date
    options: dict[str, str]
    engine: str
    stored: dict[str, StoredInput]
    facts: Any
    snapshot_id: int
    settings: Settings
    fallback: bool = False
    #: template name -> the bytes of an admin's replacement in force
    replaced: dict[str, bytes] = field(default_factory=dict)
    redacted: bool = False

    def __call__(self) -> list[Made]:
        document_type = registry.get(self.doc_type)
        req = DocumentRequest.make(self.case, self.as_of, self.options, self.engine, self.settings)
        if self.stored:
            req = req.with_stored(self.stored)
        req.__dict__["facts"] = self.facts  # worked out once, in the probe: the same facts hash and print
        case, snapshot_id = self.case, self.snapshot_id
        engine = with_replacements(get_engine(self.engine, self.settings), self.replaced)
        rendered = render_request(
            document_type, req, self.settings, engine=engine, fallback=self.fallback, redacted=self.redacted
        )
        pdf = rendered.pdf
        attached = [s.pdf for s in req.stored.values() if s.attach]
        if attached:
            # the exhibited versions' exact bytes after the paper's own pages
            pdf = merge_pdfs(
                [pdf, *attached], title=rendered.title, subject=document_type.title, author=case.creditor.name
            )
            if self.settings.pdfa:  # the merge keeps the pages only: archival again, over the whole
                meta = PdfMeta(
                    title=rendered.title,
                    document_id=rendered.input_hash[:32],
                    created=rendered.as_of,
                    author=case.creditor.name,
                    subject=document_type.title,
                    keywords=(case.case_ref, document_type.id),
                )
                pdf = archival(pdf, meta, case)
        return [
            Made(
                case_ref=case.case_ref,
                doc_type=rendered.doc_type,
                pdf=pdf,
                input_hash=rendered.input_hash,
                template_hash=rendered.template_hash,
                engine=rendered.engine,
                title=rendered.title,
                variant=rendered.document_key,
                engine_versions=rendered.engine_versions,
                options=rendered.options,
                as_of=rendered.as_of,
                case_snapshot_id=snapshot_id,
                attachments=rendered.attachments,
                warnings=[str(w) for w in rendered.warnings],
                figures=_figures(document_type, req),
                inputs={
                    s.name: {"document_id": s.document_id, "version": s.number, "sha256": s.sha256}
                    for s in req.stored.values()
                },
            )
        ]


def _replacements(
    backend: Backend, session: Session, name: str, templates: Sequence[str]
) -> dict[str, bytes]:
    """The bytes of an admin's replacements in force for ``templates`` (only Word templates can be
    replaced), read from the store once per process and checked against their sha256."""
    if name != "docx":
        return {}
    return InForce.find(session, backend.settings, templates).replacements(backend.store)


def _engine(backend: Backend, session: Session, name: str, templates: Sequence[str]) -> Engine | None:
    """The process's engine ``name``, reading an admin's replacements of ``templates`` from the
    store when any is in force; None when the engine cannot run here (the render reports why)."""
    try:
        engine = get_engine(name, backend.settings)
    except DocgenError:
        return None
    return with_replacements(engine, _replacements(backend, session, name, templates))


def _made_from(
    engine: Engine | None,
    document_type: DocumentType,
    req: DocumentRequest,
    settings: Settings,
    redacted: bool = False,
) -> tuple[str, str, str] | None:
    """(input hash, template hash, engine) as a render would record them, worked out without
    rendering; None when it cannot be known here (the render then reports why)."""
    if engine is None:
        return None
    try:
        template_hash = paper_template_hash(document_type, req, settings, engine)
    except DocgenError:
        return None
    finish = finish_profile(settings, redacted)
    return request_input_hash(document_type, req, template_hash, finish), template_hash, req.engine


def _figures(document_type: DocumentType, req: DocumentRequest) -> dict[str, str]:
    try:
        return document_type.figures(req)
    except DocgenError:
        return {}


def served_version(session: Session, case_ref: str, wanted: StoredWanted) -> Version | None:
    """The stored version a paper exhibits: the newest of its type issued on or before the date,
    else the newest made for that very date; None when the register holds neither."""
    versions = documents_repo.versions_for_case(session, case_ref, doc_type=wanted.doc_type)
    issued = [v for v in versions if v.is_issued and (v.as_of is None or v.as_of <= wanted.on)]
    if issued:
        return max(issued, key=lambda v: (v.as_of or date.min, v.number))
    same_day = [v for v in versions if v.as_of == wanted.on]
    return max(same_day, key=lambda v: v.number) if same_day else None


def _stored_input(backend: Backend, session: Session, case_ref: str, wanted: StoredWanted) -> StoredInput:
    version = served_version(session, case_ref, wanted)
    if version is None:
        message = (
            wanted.missing or f"the {wanted.doc_type.replace('_', ' ')} this paper exhibits is not stored"
        )
        raise Ineligible(message, [Problem(f"stored.{wanted.name}", message, "stored_input_missing")])
    data = read_exact(backend.store, version)
    return StoredInput(wanted.name, version.document_id, version.number, version.sha256, data, wanted.attach)


# -- several cases ------------------------------------------------------------------------------------


def _entries(session: Session, request: BatchPaperRequest) -> list[BatchEntry]:
    if not request.access_checked:
        require_writer(request.actor, "make papers over several cases")
    entries, problems = [], []
    for n, (ref, fields) in enumerate(request.entries):
        record = cases_repo.get(session, ref)
        if record is None or not (request.access_checked or can_see_case(session, request.actor, ref)):
            problems.append(Problem(f"case_refs[{n}]", f"no case {ref!r}", "case_not_found"))
            continue
        entries.append(BatchEntry(case_of(record), dict(fields)))
    if problems:
        raise InvalidInput("the paper names cases that cannot be found", problems)
    return entries


def _plan_batch(backend: Backend, request: BatchPaperRequest, session: Session) -> Plan:
    batch_type = get_batch(request.batch_type)
    engine = request.engine or batch_type.default_engine
    if engine not in batch_type.templates:
        raise InvalidInput(
            f"{batch_type.title} cannot be made with the {engine!r} engine",
            [Problem("engine", f"not one of {', '.join(batch_type.templates)}")],
        )
    req = BatchRequest.make(
        _entries(session, request), request.as_of, request.options, engine, settings=backend.settings
    )
    batch_type.check_request(req)
    ref, variant = batch_type.register_ref(req), batch_type.document_key(req)
    eng = _engine(backend, session, engine, batch_type.all_templates(engine))
    try:
        template_hash = batch_template_hash(eng, batch_type) if eng is not None else ""
    except DocgenError:
        template_hash = ""  # the render reports the engine's problem
    finish = batch_finish(backend.settings)
    input_hash = batch_input_hash(batch_type, req, template_hash, finish) if template_hash else ""
    found = (
        unchanged(session, ref, batch_type.id, variant, (input_hash, template_hash, engine))
        if input_hash
        else None
    )

    def render() -> list[Made]:
        eng_now = eng or get_engine(engine, backend.settings)
        return [render_batch(batch_type, req, eng_now, pdfa=backend.settings.pdfa)]

    return Plan((found.id,) if found is not None else (), render)


def batch_template_hash(engine: Engine, batch_type: BatchDocumentType) -> str:
    names = batch_type.all_templates(engine.name)
    return inputs.combined_template_hash({t: engine.template_hash(t) for t in names})


#: the finishing of a paper over several cases, as it enters the input hash: PDF/A-2b, since such a
#: paper carries no case's data inside it (a panel pack is e-mailed; its cases' full records are not)
BATCH_ARCHIVAL_PROFILE = "pdf/a-2b"


def batch_finish(settings: Settings) -> str:
    return BATCH_ARCHIVAL_PROFILE if settings.pdfa else ""


def batch_input_hash(
    batch_type: BatchDocumentType, req: BatchRequest, template_hash: str, finish: str = ""
) -> str:
    subjects = [e.hash for e in req.entries]
    return inputs.input_hash(
        doc_type=batch_type.id,
        subjects=subjects if batch_type.ordered else sorted(subjects),
        options=req.options,
        as_of=req.as_of,
        engine=req.engine,
        template_hash=template_hash,
        extras=batch_type.input_extras(req),
        finish=finish,
    )


#: how often a paper's own pages are laid out again when their length moves the sections
_LAYOUT_PASSES = 3


def render_batch(
    batch_type: BatchDocumentType, req: BatchRequest, eng: Engine, *, pdfa: bool = False
) -> Made:
    """The one batch path: eligibility, then the sections, then the paper's own pages told where each
    section starts (its index), merged with a bookmark per part, made PDF/A-2b last when ``pdfa``;
    the input hash by the one recipe."""
    problems = batch_type.eligibility(req)
    blocking = [p for p in problems if p.blocking]
    if blocking:
        raise Ineligible(f"{batch_type.title} cannot be made for these cases", problems)
    template_hash = batch_template_hash(eng, batch_type)
    finish = BATCH_ARCHIVAL_PROFILE if pdfa else ""
    input_hash = batch_input_hash(batch_type, req, template_hash, finish)
    title = batch_type.paper_title(req)
    meta = PdfMeta(
        title=title,
        document_id=input_hash[:32],
        created=req.as_of,
        author=req.council,
        subject=batch_type.title,
    )

    sections = batch_type.sections(req)
    section_pdfs = [
        eng.render(
            s.template,
            s.context,
            PdfMeta(
                title=s.title or s.bookmark,
                document_id=hashlib.sha256(f"{input_hash}{n}".encode()).hexdigest()[:32],
                created=req.as_of,
                author=req.council,
            ),
        ).pdf
        for n, s in enumerate(sections)
    ]
    counts = [_pages(pdf) for pdf in section_pdfs]
    own_pages, starts = 1, _starts(1, counts)
    for _ in range(_LAYOUT_PASSES):  # the index's page numbers depend on the paper's own length
        own = eng.render(batch_type.templates[req.engine], batch_type.context(req, starts), meta)
        if not sections or _pages(own.pdf) == own_pages:
            break
        own_pages = _pages(own.pdf)
        starts = _starts(own_pages, counts)

    if sections:
        pdf = merge_with_outline(
            [(batch_type.own_bookmark or batch_type.title, own.pdf)]
            + [(s.bookmark, p) for s, p in zip(sections, section_pdfs, strict=True)],
            title=title,
            subject=batch_type.title,
            author=req.council,
        )
    else:
        pdf = own.pdf
    if pdfa:  # last: the merge keeps the pages only
        from docgen.pdf.pdfa import ArchiveInfo, make_pdfa

        info = ArchiveInfo(title=title, author=req.council, subject=batch_type.title, created=req.as_of)
        pdf = make_pdfa(pdf, info)
    return Made(
        case_ref=batch_type.register_ref(req),
        doc_type=batch_type.id,
        pdf=pdf,
        input_hash=input_hash,
        template_hash=template_hash,
        engine=req.engine,
        title=title,
        variant=batch_type.document_key(req),
        engine_versions=eng.versions(),
        options={
            **req.options,
            **(
                {
                    "page_starts": ",".join(
                        f"{e.case.case_ref}:{p}" for e, p in zip(req.entries, starts, strict=True)
                    )
                }
                if sections
                else {}
            ),
        },
        as_of=req.as_of,
        attachments={**own.attachments, **batch_type.attachments(req)},
        warnings=[str(p) for p in problems if not p.blocking],
        figures=batch_type.figures(req),
        inputs={e.case.case_ref: {"case_sha256": e.case.content_hash(), **e.fields} for e in req.entries},
    )


def _pages(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def _starts(own_pages: int, counts: Sequence[int]) -> list[int]:
    starts, page = [], own_pages + 1
    for count in counts:
        starts.append(page)
        page += count
    return starts


__all__ = [
    "BatchPaperRequest",
    "BundleRequest",
    "PaperRequest",
    "Plan",
    "Request",
    "batch_finish",
    "batch_input_hash",
    "batch_template_hash",
    "plan",
    "render_batch",
    "served_version",
]
