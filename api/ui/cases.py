"""Case pages: the list with search, adding a case from its JSON file, the case itself (figures,
deadlines, every document type's eligibility, documents and their versions, evidence, shares),
and the forms that act on a case.

Case references hold slashes, so they are matched as paths, and the routes with a suffix come
before the plain ``/cases/{ref}`` page. Every rule about who may see or change what is the API's
(docgen.services), called here the same way."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from api.deps import ServicesDep, SessionDep
from api.ui.web import AsyncFormViewerDep, FormViewerDep, UiRoute, Viewer, ViewerDep, page, see_other
from docgen.domain.case import loads_json
from docgen.domain.facts import case_facts
from docgen.errors import DocgenError, InvalidInput, Problem
from docgen.register.models import Document
from docgen.services import cases, documents, evidence, jobs, sharing
from docgen.services.access import WRITERS
from docgen.services.auth import Principal

router = APIRouter(route_class=UiRoute)

MAX_CASE_FILE = 2 * 1024 * 1024


def can_write(who: Principal) -> bool:
    return who.role in WRITERS


def case_url(case_ref: str) -> str:
    return f"/ui/cases/{case_ref}"


@router.get("/cases", response_class=HTMLResponse)
def case_list(request: Request, session: SessionDep, viewer: ViewerDep, q: str = "") -> HTMLResponse:
    return _case_list(request, session, viewer, q.strip()[:100])


def _case_list(
    request: Request,
    session: Session,
    viewer: Viewer,
    q: str = "",
    status: int = 200,
    errors: dict[str, str] | None = None,
    problems: list[Problem] | None = None,
) -> HTMLResponse:
    found = cases.list_cases(session, viewer.who, q or None, limit=200)
    return page(
        request,
        "cases.html",
        viewer,
        status=status,
        cases=found,
        q=q,
        can_write=can_write(viewer.who),
        errors=errors or {},
        problems=problems or [],
    )


@router.post("/cases", response_class=HTMLResponse)
async def add_case(
    request: Request,
    services: ServicesDep,
    viewer: AsyncFormViewerDep,
    case_file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    # a form sent with no file chosen may carry no part at all: the same as an empty file
    data = await case_file.read(MAX_CASE_FILE + 1) if case_file else b""

    def work(session: Session) -> Response:
        try:
            if not data:
                raise InvalidInput(
                    "choose a case file", [Problem("case_file", "Choose a case file (.json) to upload")]
                )
            if len(data) > MAX_CASE_FILE:
                raise InvalidInput(
                    "too large", [Problem("case_file", "The case file must be smaller than 2 MB")]
                )
            try:
                body = loads_json(data.removeprefix(b"\xef\xbb\xbf"), "The case file")
            except InvalidInput as exc:
                raise InvalidInput("not JSON", [Problem("case_file", exc.message)]) from exc
            record, _case = cases.create_case(session, viewer.who, body)
        except DocgenError as exc:
            session.rollback()
            plain = [p for p in exc.problems if p.path == "case_file"]
            errors = {"case_file": plain[0].message if plain else exc.message}
            listed = [] if plain else exc.problems
            return _case_list(request, session, viewer, status=exc.status, errors=errors, problems=listed)
        return see_other(case_url(record.case_ref))

    return await services.in_transaction(work)


@router.post("/cases/{case_ref:path}/generate")
def generate(
    session: SessionDep,
    services: ServicesDep,
    viewer: FormViewerDep,
    case_ref: str,
    doc_type: Annotated[str, Form()],
    options: Annotated[str, Form()] = "",
    redacted: Annotated[str, Form()] = "",
) -> Response:
    item = jobs.Item(case_ref, doc_type, _options(options), redacted=bool(redacted))
    job, _created = jobs.submit_generate(session, viewer.who, [item], date.today())
    jobs.enqueue(session, job, services.send)
    return see_other(f"/ui/jobs/{job.id}")


def _options(text: str) -> dict[str, str]:
    """``key=value`` lines, as an officer types them."""
    out: dict[str, str] = {}
    problems = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        key, sep, value = line.partition("=")
        if not sep or not key.strip():
            problems.append(Problem("options", f"line {n}: write each option as name=value"))
            continue
        out[key.strip()] = value.strip()
    if problems:
        raise InvalidInput("the options have problems", problems)
    return out


@router.post("/cases/{case_ref:path}/share", response_class=HTMLResponse)
def share(
    request: Request,
    session: SessionDep,
    services: ServicesDep,
    viewer: FormViewerDep,
    case_ref: str,
    organisation: Annotated[str, Form()] = "",
    redacted: Annotated[str, Form()] = "",
) -> Response:
    try:
        sharing.share_case(session, viewer.who, case_ref, organisation, bool(redacted))
    except InvalidInput as exc:
        session.rollback()
        errors = {"organisation": "Enter the name of the organisation to share the case with"}
        if exc.problems and exc.problems[0].message != "required":
            errors["organisation"] = exc.problems[0].message
        return case_page(
            request,
            session,
            services,
            viewer,
            case_ref,
            status=422,
            errors=errors,
            values={"organisation": organisation},
        )
    return see_other(case_url(case_ref) + "#sharing")


@router.post("/cases/{case_ref:path}/shares/{share_id}/revoke")
def revoke(session: SessionDep, viewer: FormViewerDep, case_ref: str, share_id: int) -> Response:
    sharing.revoke_share(session, viewer.who, case_ref, share_id)
    return see_other(case_url(case_ref) + "#sharing")


@router.get("/cases/{case_ref:path}", response_class=HTMLResponse)
def case_view(
    request: Request,
    session: SessionDep,
    services: ServicesDep,
    viewer: ViewerDep,
    case_ref: str,
    as_of: date | None = None,
) -> HTMLResponse:
    return case_page(request, session, services, viewer, case_ref, as_of=as_of)


def case_page(
    request: Request,
    session: SessionDep,
    services: ServicesDep,
    viewer: Viewer,
    case_ref: str,
    *,
    as_of: date | None = None,
    status: int = 200,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
) -> HTMLResponse:
    record, case = cases.load(session, viewer.who, case_ref)
    day = as_of or date.today()
    writer = can_write(viewer.who)
    papers = documents.for_case(session, viewer.who, case_ref)
    return page(
        request,
        "case.html",
        viewer,
        status=status,
        record=record,
        case=case,
        as_of=day,
        facts=case_facts(case, day).as_json(),
        eligibility=_eligibility(case, day) if writer else [],
        documents=[_document_view(d) for d in papers],
        uploads=evidence.for_case(session, viewer.who, case_ref),
        shares=sharing.list_shares(session, viewer.who, case_ref) if writer else [],
        can_write=writer,
        errors=errors or {},
        values=values or {},
    )


def _eligibility(case: Any, day: date) -> list[dict[str, Any]]:
    return [
        {
            "id": e.doc_type,
            "title": e.title,
            "family": e.family,
            "eligible": e.eligible,
            "problems": e.problems,
            "warnings": e.warnings,
            "options": e.options,
        }
        for e in sorted(cases.eligibility(case, day), key=lambda e: (e.family, e.title))
    ]


def _document_view(document: Document) -> dict[str, Any]:
    versions = sorted(document.versions, key=lambda v: v.number, reverse=True)
    return {
        "id": document.id,
        "title": document.title or document.doc_type,
        "doc_type": document.doc_type,
        "variant": document.variant,
        "versions": versions,
    }
