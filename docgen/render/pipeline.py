"""One document from one case: eligibility, context, engine, deterministic PDF.

The steps run in this order because each needs the one before: eligibility first so that nothing
is rendered for a case the law does not allow; the input hash before rendering so that the PDF's
identifier can be derived from it (same inputs, same bytes); the engine last.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, cast

from docgen.config import Settings, get_settings
from docgen.documents import registry
from docgen.documents.base import DocumentType
from docgen.domain.case import Case
from docgen.errors import Ineligible, InvalidInput, Problem
from docgen.render.base import PdfMeta
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
    payload = {
        "case": case.content_hash(),
        "doc_type": doc_type,
        "options": dict(sorted(options.items())),
        "as_of": as_of.isoformat(),
        "engine": engine,
        "template": template_hash,
    }
    extras = registry.get(doc_type).input_extras(case, as_of, options)
    if extras:
        payload["extras"] = dict(sorted(extras.items()))
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def check(
    dt: DocumentType, case: Case, as_of: date, options: Mapping[str, str]
) -> tuple[list[Problem], list[Problem]]:
    """(blocking, warnings) for this case."""
    problems = dt.eligibility(case, as_of, options)
    return [p for p in problems if p.blocking], [p for p in problems if not p.blocking]


def _append_static(eng: Any, parts: list[tuple[str, dict[str, Any]]], pdf: bytes, meta: PdfMeta) -> bytes:
    from docgen.pdf.merge import merge_pdfs

    static = [eng.render_static(tpl, ctx, title=meta.title, created=meta.created) for tpl, ctx in parts]
    return merge_pdfs(
        [pdf, *static],
        title=meta.title,
        subject=meta.subject,
        author=meta.author,
        keywords=", ".join(meta.keywords),
    )


def render_document(
    doc_type: str,
    case: Case,
    as_of: date,
    options: Mapping[str, str] | None = None,
    engine: str | None = None,
    settings: Settings | None = None,
) -> Rendered:
    settings = settings or get_settings()
    options = dict(options or {})
    dt = registry.get(doc_type)
    engine_name = engine or dt.default_engine
    if engine_name not in dt.templates:
        raise InvalidInput(
            f"{doc_type} cannot be rendered with the {engine_name!r} engine (use {', '.join(dt.templates)})",
            [Problem("engine", f"not one of {', '.join(dt.templates)}")],
        )
    unknown = sorted(set(options) - set(dt.option_help))
    if unknown:
        raise InvalidInput(
            f"{doc_type}: unknown option(s) {', '.join(unknown)}",
            [Problem(f"options.{k}", "unknown option for this document type") for k in unknown],
        )

    blocking, warnings = check(dt, case, as_of, options)
    if blocking:
        raise Ineligible(
            f"{doc_type} cannot be made for {case.case_ref} on {as_of.isoformat()}", blocking + warnings
        )

    eng = get_engine(engine_name, settings)
    template = dt.templates[engine_name]
    t_hash = eng.template_hash(template)
    i_hash = input_hash(case, doc_type, options, as_of, engine_name, t_hash)
    context: dict[str, Any] = dt.context_for(engine_name, case, as_of, options)
    meta = PdfMeta(
        title=dt.pdf_title(case),
        document_id=i_hash[:32],
        created=as_of,
        author=case.creditor.name,
        subject=dt.title,
        keywords=(case.case_ref, doc_type),
    )
    extra = dt.render_options(engine_name, options)
    # only engines that take keyword options are handed them (the Protocol's render takes none)
    out = (
        cast(Any, eng).render(template, context, meta, **extra)
        if extra
        else eng.render(template, context, meta)
    )
    parts = dt.static_parts(case, as_of, options)
    if parts:
        out.pdf = _append_static(eng, parts, out.pdf, meta)
    return Rendered(
        doc_type=doc_type,
        engine=engine_name,
        pdf=out.pdf,
        sha256=hashlib.sha256(out.pdf).hexdigest(),
        input_hash=i_hash,
        template_hash=t_hash,
        engine_versions=eng.versions(),
        document_key=dt.document_key(case, options),
        title=meta.title,
        options=options,
        as_of=as_of,
        attachments=dict(out.attachments),
        warnings=warnings,
    )
