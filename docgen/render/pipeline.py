"""One document from one case: eligibility, context, engine, deterministic PDF.

The steps run in this order because each needs the one before: eligibility first so that nothing
is rendered for a case the law does not allow; the input hash before rendering so that the PDF's
identifier can be derived from it (same inputs, same bytes); the engine last.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any, cast

from docgen.config import Settings, get_settings
from docgen.documents import inputs, registry
from docgen.documents.base import DocumentRequest, DocumentType, Options
from docgen.domain.case import Case
from docgen.domain.redaction import REDACTED, redact_case, redacted_key
from docgen.errors import Ineligible, InvalidInput, Problem
from docgen.pdf.merge import Part, merge_numbered
from docgen.render.base import Engine, PdfMeta
from docgen.render.engines import get_engine

ARCHIVAL_PROFILE = "pdf/a-3b"


@dataclass
class Rendered:
    doc_type: str
    engine: str
    pdf: bytes
    sha256: str
    input_hash: str
    template_hash: str
    engine_versions: dict[str, str]
    document_key: str
    title: str
    options: dict[str, str]
    as_of: date
    attachments: dict[str, bytes] = field(default_factory=dict)
    warnings: list[Problem] = field(default_factory=list)


def input_hash(
    case: Case,
    doc_type: str,
    options: Mapping[str, str],
    as_of: date,
    engine: str,
    template_hash: str,
    *,
    finish: str = "",
    settings: Settings | None = None,
) -> str:
    """The input hash of a single-case paper (see ``request_input_hash``); ``settings`` as the render
    is made under (the write-off policy and the courts they configure are inputs too)."""
    dt = registry.get(doc_type)
    req = DocumentRequest.make(case, as_of, options, engine, settings)
    return request_input_hash(dt, req, template_hash, finish)


def request_input_hash(dt: DocumentType, req: DocumentRequest, template_hash: str, finish: str = "") -> str:
    """The one recipe (``docgen.documents.inputs``) applied to a one-case paper: its declared
    extras and the stored versions it is made from go in with the template hash, and the
    finishing (PDF/A) that changes its bytes."""
    return inputs.input_hash(
        doc_type=dt.id,
        subjects=req.case.content_hash(),
        options=req.options,
        as_of=req.as_of,
        engine=req.engine,
        template_hash=template_hash,
        extras=dt.input_extras(req),
        stored=req.stored,
        finish=finish,
    )


def finish_profile(settings: Settings, redacted: bool = False) -> str:
    """The finishing the settings ask for, as it enters the input hash ("" for none)."""
    profile = ARCHIVAL_PROFILE if settings.pdfa else ""
    return f"{profile}+{REDACTED}" if redacted else profile


def redacted_request(req: DocumentRequest) -> DocumentRequest:
    """The same request over the case with personal data left out (docgen.domain.redaction)."""
    out = DocumentRequest.make(redact_case(req.case), req.as_of, req.options, req.engine, req.settings)
    return out.with_stored(req.stored) if req.stored else out


def document_key(dt: DocumentType, req: DocumentRequest, redacted: bool = False) -> str:
    key = dt.document_key(req)
    return redacted_key(key) if redacted else key


def archival(pdf: bytes, meta: PdfMeta, case: Case) -> bytes:
    """PDF/A-3b carrying the case data the paper was made from (docgen.pdf.pdfa)."""
    from docgen.pdf.pdfa import ArchiveInfo, Attachment, make_pdfa

    snapshot = Attachment(
        "case.json",
        case.canonical_json().encode(),
        relationship="Source",
        description=f"Case data for {case.case_ref} this paper was made from",
    )
    info = ArchiveInfo(
        title=meta.title,
        author=meta.author,
        subject=meta.subject,
        keywords=", ".join(meta.keywords),
        created=meta.created,
        language=meta.language,
        attachments=(snapshot,),
    )
    return make_pdfa(pdf, info)


def check(
    dt: DocumentType, case: Case | DocumentRequest, as_of: date | None = None, options: Options | None = None
) -> tuple[list[Problem], list[Problem]]:
    """(blocking, warnings) for this case (or request)."""
    req = case if isinstance(case, DocumentRequest) else dt.request(case, cast(date, as_of), options)
    problems = dt.eligibility(req)
    return [p for p in problems if p.blocking], [p for p in problems if not p.blocking]


def _numbered(pdfs: list[Part], meta: PdfMeta, settings: Settings) -> bytes:
    """The parts as one PDF, numbered "Page n of m" throughout: pages of an official form carry the
    form's own furniture and are counted but not marked."""
    from docgen.render.html import HtmlEngine

    html = get_engine("html", settings)
    assert isinstance(html, HtmlEngine)
    return merge_numbered(
        pdfs,
        html.page_numbers,
        title=meta.title,
        subject=meta.subject,
        author=meta.author,
        keywords=", ".join(meta.keywords),
    )


def appended_requests(dt: DocumentType, req: DocumentRequest) -> list[tuple[DocumentType, DocumentRequest]]:
    """The papers ``dt`` appends after itself for ``req`` (DocumentType.appended), checked."""
    return [prepare(doc_id, req.case, req.as_of, opts) for doc_id, opts in dt.appended(req)]


def paper_template_hash(
    dt: DocumentType, req: DocumentRequest, settings: Settings, engine: Engine | None = None
) -> str:
    """The template hash a render of ``req`` records: its engine's template (``engine`` when the
    caller hands one over, e.g. with an admin's replacement templates) and those of any papers
    appended to it, so that a change to any of them makes a new version."""
    t_hash = (engine or get_engine(req.engine, settings)).template_hash(dt.templates[req.engine])
    parts = appended_requests(dt, req)
    if not parts:
        return t_hash
    hashes = {f"{req.engine}:{dt.templates[req.engine]}": t_hash}
    for part_dt, part_req in parts:
        hashes[f"{part_dt.id}:{part_req.engine}"] = paper_template_hash(part_dt, part_req, settings)
    return inputs.combined_template_hash(hashes)


def prepare(
    doc_type: str,
    case: Case,
    as_of: date,
    options: Mapping[str, str] | None = None,
    engine: str | None = None,
    settings: Settings | None = None,
) -> tuple[DocumentType, DocumentRequest]:
    """The document type and a checked request: a known engine and known, well-formed options, made
    under ``settings`` (the installation's courts and write-off policies are inputs of the paper)."""
    dt = registry.get(doc_type)
    engine_name = engine or dt.default_engine
    if engine_name not in dt.templates:
        raise InvalidInput(
            f"{dt.title} cannot be rendered with the {engine_name!r} engine (use {', '.join(dt.templates)})",
            [Problem("engine", f"not one of {', '.join(dt.templates)}")],
        )
    opts = {str(k): str(v) for k, v in (options or {}).items()}
    dt.check_options(opts, engine_name)
    return dt, DocumentRequest.make(case, as_of, opts, engine_name, settings)


def render_document(
    doc_type: str,
    case: Case,
    as_of: date,
    options: Mapping[str, str] | None = None,
    engine: str | None = None,
    settings: Settings | None = None,
    redacted: bool = False,
) -> Rendered:
    settings = settings or get_settings()
    dt, req = prepare(doc_type, case, as_of, options, engine, settings)
    return render_request(dt, req, settings, fallback=engine is None, redacted=redacted)


#: the engine a paper falls back to when its default (an official form) cannot take the case
FALLBACK_ENGINE = "html"


def render_request(
    dt: DocumentType,
    req: DocumentRequest,
    settings: Settings,
    engine: Engine | None = None,
    *,
    fallback: bool = False,
    redacted: bool = False,
) -> Rendered:
    """Eligibility, input hash, context, engine: one paper from one checked request. ``engine`` is
    the process's engine for ``req.engine`` unless the caller hands one over (reading an admin's
    replacement templates from the store).

    With ``fallback`` (the caller named no engine), an official form that cannot take the case (text
    longer than its box, a choice the form does not print) is made to the like effect instead, with a
    warning; a caller who asked for the official form gets the refusal and its reasons. Papers the
    type appends after itself are checked with it.

    ``redacted``: eligibility is decided on the full case, then the paper is rendered from the
    case with personal data left out, so what is withheld never reaches the file."""
    if req.settings is None:
        req = req.with_settings(settings)
    blocking, warnings = check(dt, req)
    for part_dt, part_req in appended_requests(dt, req):
        more_blocking, more_warnings = check(part_dt, part_req)
        blocking += [p for p in more_blocking if p not in blocking]
        warnings += [p for p in more_warnings if p not in warnings]
    if blocking:
        raise Ineligible(
            f"{dt.title} cannot be made for {req.case.case_ref} on {req.as_of.isoformat()}",
            blocking + warnings,
        )
    if redacted:
        req = redacted_request(req)
        warnings = []  # they may quote what is withheld; the full paper's row keeps them
    try:
        return _render_checked(dt, req, settings, warnings, engine, redacted)
    except InvalidInput as err:
        if not fallback or req.engine == FALLBACK_ENGINE or FALLBACK_ENGINE not in dt.templates:
            raise
        what = ", ".join(
            dict.fromkeys(p.path.removeprefix("options.").replace("_", " ") for p in err.problems)
        )
        note = Problem(
            "engine",
            f"the official form has no room for {what or 'this case'}: "
            "it was made to the like effect (CPR PD 4 para 1.2) instead",
            code="official_form_fallback",
            blocking=False,
            hint="--engine official shows why the official form refused",
        )
        return _render_checked(
            dt, req.for_engine(FALLBACK_ENGINE), settings, [*warnings, note], None, redacted
        )


def _render_checked(
    dt: DocumentType,
    req: DocumentRequest,
    settings: Settings,
    warnings: list[Problem],
    engine: Engine | None = None,
    redacted: bool = False,
) -> Rendered:
    eng = engine or get_engine(req.engine, settings)
    template = dt.templates[req.engine]
    t_hash = paper_template_hash(dt, req, settings, eng)
    i_hash = request_input_hash(dt, req, t_hash, finish_profile(settings, redacted))
    static = dt.static_parts(req)
    parts = appended_requests(dt, req)
    several = bool(static or parts)
    context: dict[str, Any] = dt.context_for(req)
    if several and req.engine == "html":
        # the page numbers are drawn over the whole file once it is put together
        context = {**context, "continuous_pages": True}
    meta = PdfMeta(
        title=dt.pdf_title(req.case),
        document_id=i_hash[:32],
        created=req.as_of,
        author=req.case.creditor.name,
        subject=dt.title,
        keywords=(req.case.case_ref, dt.id),
    )
    out = eng.render(template, context, meta, dt.render_options(req) or None)
    if several:
        pdfs = [Part(out.pdf, req.engine == "html")]
        for tpl, ctx in static:
            part_pdf = eng.render_static(
                tpl, {**ctx, "continuous_pages": True}, title=meta.title, created=meta.created
            )
            pdfs.append(Part(part_pdf, req.engine == "html", fixed=True))
        for part_dt, part_req in parts:
            part_eng = get_engine(part_req.engine, settings)
            part_ctx = part_dt.context_for(part_req)
            if part_req.engine == "html":
                part_ctx = {**part_ctx, "continuous_pages": True}
            part_meta = replace(meta, title=part_dt.pdf_title(part_req.case), subject=part_dt.title)
            part = part_eng.render(
                part_dt.templates[part_req.engine],
                part_ctx,
                part_meta,
                part_dt.render_options(part_req) or None,
            )
            pdfs.append(Part(part.pdf, part_req.engine == "html"))
        out.pdf = _numbered(pdfs, meta, settings)
    if settings.pdfa:  # last: merging and filling bring in what PDF/A has rules about
        out.pdf = archival(out.pdf, meta, req.case)
    return Rendered(
        doc_type=dt.id,
        engine=req.engine,
        pdf=out.pdf,
        sha256=hashlib.sha256(out.pdf).hexdigest(),
        input_hash=i_hash,
        template_hash=t_hash,
        engine_versions=eng.versions(),
        document_key=document_key(dt, req, redacted),
        title=meta.title,
        options=dict(req.options),
        as_of=req.as_of,
        attachments=dict(out.attachments),
        warnings=warnings,
    )
