"""Making a document: one page per type, its inputs drawn from the type's declared options (radios
for a choice, day/month/year for a date, an amount for money), an "as at" date, and the same
checks the corridor runs before the job is queued, so a problem comes back onto its field."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from api.deps import ServicesDep, SessionDep
from api.ui.forms import Field, errors_for, from_option, raw_values, to_data
from api.ui.web import AsyncFormViewerDep, UiRoute, Viewer, ViewerDep, page, see_other
from docgen.documents import registry
from docgen.documents.base import DocumentType
from docgen.documents.next_steps import Step
from docgen.documents.rules import COMMON_OPTIONS
from docgen.domain.case import Case
from docgen.errors import DocgenError, Problem
from docgen.services import jobs, steps
from docgen.services.access import require_writer

router = APIRouter(route_class=UiRoute)

ENGINE_WORDS = {
    "html": "The standard layout",
    "official": "The official HMCTS form, filled in",
    "docx": "A Word document, with its PDF",
}


#: options every claim, enforcement and insolvency paper takes, asked only when the rules raise them
#: for this case (a statute-barred debt, a debtor flagged vulnerable)
ASKED_WHEN_RAISED = frozenset(spec.name for spec in COMMON_OPTIONS)


def fields_for(dt: DocumentType, step: Step | None = None) -> tuple[Field, ...]:
    raised = {q.answered_by for q in step.questions} if step is not None else set()
    out = [Field("as_of", "Figures and dates as at", "date", "Usually today. For example, 15 3 2026")]
    if len(dt.templates) > 1:
        out.append(
            Field(
                "engine",
                "Which version",
                "choice",
                choices=tuple((e, ENGINE_WORDS.get(e, e)) for e in dt.templates),
                default=dt.default_engine,
            )
        )
    out.extend(
        from_option(spec) for spec in dt.options if spec.name not in ASKED_WHEN_RAISED or spec.name in raised
    )
    out.append(COPY)
    return tuple(out)


#: the full paper, or the copy for partners and bundles without the personal data they do not need
COPY = Field(
    "copy",
    "Which copy",
    "choice",
    choices=(
        ("full", "The paper as served"),
        (
            "redacted",
            "A redacted copy, for partners and bundles: no dates of birth, bank details, health notes "
            "or other people's details",
        ),
    ),
    optional=True,
    default="full",
)


def _options(dt: DocumentType, data: dict[str, Any]) -> dict[str, str]:
    out: dict[str, str] = {}
    for spec in dt.options:
        value = data.get(f"opt.{spec.name}")
        if value is None or value == "":
            continue
        out[spec.name] = ("yes" if value else "no") if isinstance(value, bool) else str(value)
    return out


def _parts(day: date) -> dict[str, str]:
    return {"day": str(day.day), "month": str(day.month), "year": str(day.year)}


def _page(
    request: Request,
    viewer: Viewer,
    case: Case,
    dt: DocumentType,
    step: Step,
    values: dict[str, Any],
    errors: dict[str, str],
    reasons: list[Problem],
    status: int = 200,
) -> HTMLResponse:
    fields = fields_for(dt, step)
    return page(
        request,
        "make.html",
        viewer,
        status=status,
        case=case,
        dt=dt,
        step=step,
        fields=fields,
        values=values,
        errors=errors,
        reasons=reasons,
    )


@router.get("/cases/{case_ref:path}/make/{doc_type}", response_class=HTMLResponse)
def make_form(
    request: Request,
    session: SessionDep,
    viewer: ViewerDep,
    case_ref: str,
    doc_type: str,
    as_of: date | None = None,
) -> HTMLResponse:
    require_writer(viewer.who, "make documents")
    day = as_of or date.today()
    case, step = steps.step(session, viewer.who, case_ref, doc_type, day)
    dt = registry.get(doc_type)
    values: dict[str, Any] = {"as_of": _parts(day)}
    return _page(request, viewer, case, dt, step, values, {}, [])


@router.post("/cases/{case_ref:path}/make/{doc_type}", response_class=HTMLResponse)
async def make(
    request: Request,
    services: ServicesDep,
    viewer: AsyncFormViewerDep,
    case_ref: str,
    doc_type: str,
) -> Response:
    dt = registry.get(doc_type)
    raw = raw_values(fields_for(dt), await request.form())

    def work(session: Session) -> Response:
        require_writer(viewer.who, "make documents")
        data, problems = to_data(fields_for(dt), raw)
        day = date.fromisoformat(data["as_of"]) if "as_of" in data else date.today()
        case, step = steps.step(session, viewer.who, case_ref, doc_type, day)
        fields = fields_for(dt, step)
        reasons: list[Problem] = []
        if not problems:
            options, engine = _options(dt, data), data.get("engine") or None
            try:
                blocking, _warnings = steps.check_paper(
                    session, viewer.who, case_ref, doc_type, day, options, engine
                )
            except DocgenError as exc:
                blocking = exc.problems or [Problem("", exc.message)]
            named = {f.name for f in fields}
            for p in blocking:
                if p.answered_by and f"opt.{p.answered_by}" in named:
                    problems.append(Problem(f"opt.{p.answered_by}", p.message, p.code))
                else:
                    reasons.append(p)
            if not problems and not reasons:
                item = jobs.Item(case_ref, doc_type, options, engine, data.get("copy") == "redacted")
                job, _created = jobs.submit_generate(session, viewer.who, [item], day)
                jobs.enqueue(session, job, services.send)
                return see_other(f"/ui/jobs/{job.id}")
        errors = errors_for(fields, problems)
        if reasons and not errors:
            errors[""] = f"{dt.title} cannot be made yet: see the reasons below"
        return _page(request, viewer, case, dt, step, raw, errors, reasons, status=422)

    return await services.in_transaction(work)
