"""One document from one case: eligibility, context, engine, deterministic PDF.

The steps run in this order because each needs the one before: eligibility first so that nothing
is rendered for a case the law does not allow; the input hash before rendering so that the PDF's
identifier can be derived from it (same inputs, same bytes); the engine last.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, cast

from docgen.config import Settings, get_settings
from docgen.documents import inputs, registry
from docgen.documents.base import DocumentRequest, DocumentType, Options
from docgen.domain.case import Case
from docgen.errors import Ineligible, InvalidInput, Problem
from docgen.render.base import Engine, PdfMeta
from docgen.render.engines import get_engine


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
    case: Case, doc_type: str, options: Mapping[str, str], as_of: date, engine: str, template_hash: str
) -> str:
    """The input hash of a single-case paper (see ``request_input_hash``)."""
    dt = registry.get(doc_type)
    return request_input_hash(dt, DocumentRequest.make(case, as_of, options, engine), template_hash)


def request_input_hash(dt: DocumentType, req: DocumentRequest, template_hash: str) -> str:
    """The one recipe (``docgen.documents.inputs``) applied to a one-case paper: its declared
    extras and the stored versions it is made from go in with the template hash."""
    return inputs.input_hash(
        doc_type=dt.id,
        subjects=req.case.content_hash(),
        options=req.options,
        as_of=req.as_of,
        engine=req.engine,
        template_hash=template_hash,
        extras=dt.input_extras(req),
        stored=req.stored,
    )


def check(
    dt: DocumentType, case: Case | DocumentRequest, as_of: date | None = None, options: Options | None = None
) -> tuple[list[Problem], list[Problem]]:
    """(blocking, warnings) for this case (or request)."""
    req = case if isinstance(case, DocumentRequest) else dt.request(case, cast(date, as_of), options)
    problems = dt.eligibility(req)
    return [p for p in problems if p.blocking], [p for p in problems if not p.blocking]


def _append_static(eng: Engine, parts: list[tuple[str, dict[str, Any]]], pdf: bytes, meta: PdfMeta) -> bytes:
    from docgen.pdf.merge import merge_pdfs

    static = [eng.render_static(tpl, ctx, title=meta.title, created=meta.created) for tpl, ctx in parts]
    return merge_pdfs(
        [pdf, *static],
        title=meta.title,
        subject=meta.subject,
        author=meta.author,
        keywords=", ".join(meta.keywords),
    )


def prepare(
    doc_type: str,
    case: Case,
    as_of: date,
    options: Mapping[str, str] | None = None,
    engine: str | None = None,
) -> tuple[DocumentType, DocumentRequest]:
    """The document type and a checked request: a known engine and known, well-formed options."""
    dt = registry.get(doc_type)
    engine_name = engine or dt.default_engine
    if engine_name not in dt.templates:
        raise InvalidInput(
            f"{dt.title} cannot be rendered with the {engine_name!r} engine (use {', '.join(dt.templates)})",
            [Problem("engine", f"not one of {', '.join(dt.templates)}")],
        )
    opts = {str(k): str(v) for k, v in (options or {}).items()}
    dt.check_options(opts, engine_name)
    return dt, DocumentRequest.make(case, as_of, opts, engine_name)


def render_document(
    doc_type: str,
    case: Case,
    as_of: date,
    options: Mapping[str, str] | None = None,
    engine: str | None = None,
    settings: Settings | None = None,
) -> Rendered:
    dt, req = prepare(doc_type, case, as_of, options, engine)
    return render_request(dt, req, settings or get_settings(), fallback=engine is None)


#: the engine a paper falls back to when its default (an official form) cannot take the case
FALLBACK_ENGINE = "html"


def render_request(
    dt: DocumentType,
    req: DocumentRequest,
    settings: Settings,
    engine: Engine | None = None,
    *,
    fallback: bool = False,
) -> Rendered:
    """Eligibility, input hash, context, engine: one paper from one checked request. ``engine`` is
    the process's engine for ``req.engine`` unless the caller hands one over (reading an admin's
    replacement templates from the store).

    With ``fallback`` (the caller named no engine), an official form that cannot take the case (text
    longer than its box, a choice the form does not print) is made to the like effect instead, with a
    warning; a caller who asked for the official form gets the refusal and its reasons."""
    blocking, warnings = check(dt, req)
    if blocking:
        raise Ineligible(
            f"{dt.title} cannot be made for {req.case.case_ref} on {req.as_of.isoformat()}",
            blocking + warnings,
        )
    try:
        return _render_checked(dt, req, settings, warnings, engine)
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
        return _render_checked(dt, req.for_engine(FALLBACK_ENGINE), settings, [*warnings, note])


def _render_checked(
    dt: DocumentType,
    req: DocumentRequest,
    settings: Settings,
    warnings: list[Problem],
    engine: Engine | None = None,
) -> Rendered:
    eng = engine or get_engine(req.engine, settings)
    template = dt.templates[req.engine]
    t_hash = eng.template_hash(template)
    i_hash = request_input_hash(dt, req, t_hash)
    context: dict[str, Any] = dt.context_for(req)
    meta = PdfMeta(
        title=dt.pdf_title(req.case),
        document_id=i_hash[:32],
        created=req.as_of,
        author=req.case.creditor.name,
        subject=dt.title,
        keywords=(req.case.case_ref, dt.id),
    )
    out = eng.render(template, context, meta, dt.render_options(req) or None)
    parts = dt.static_parts(req)
    if parts:
        out.pdf = _append_static(eng, parts, out.pdf, meta)
    return Rendered(
        doc_type=dt.id,
        engine=req.engine,
        pdf=out.pdf,
        sha256=hashlib.sha256(out.pdf).hexdigest(),
        input_hash=i_hash,
        template_hash=t_hash,
        engine_versions=eng.versions(),
        document_key=dt.document_key(req),
        title=meta.title,
        options=dict(req.options),
        as_of=req.as_of,
        attachments=dict(out.attachments),
        warnings=warnings,
    )
