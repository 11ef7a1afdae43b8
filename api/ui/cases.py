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
from api.ui import record as record_forms
from api.ui.forms import Field, errors_for, raw_values, to_data
from api.ui.web import AsyncFormViewerDep, FormViewerDep, UiRoute, Viewer, ViewerDep, page, see_other
from docgen.documents.next_steps import next_steps
from docgen.domain.case import loads_json
from docgen.domain.facts import case_facts
from docgen.errors import DocgenError, InvalidInput, Problem
from docgen.register.models import Document
from docgen.services import case_events, cases, documents, evidence, notices, sharing
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


@router.get("/cases/{case_ref:path}/share", response_class=HTMLResponse)
def share_confirm(
    request: Request,
    session: SessionDep,
    services: ServicesDep,
    viewer: ViewerDep,
    case_ref: str,
    organisation: str = "",
    redacted: str = "",
) -> Response:
    """The check before sharing: who, until when, and that their contact will be told."""
    try:
        org = sharing.organisation_named(session, organisation)
        sharing.list_shares(session, viewer.who, case_ref)
    except InvalidInput as exc:
        return _organisation_refused(request, session, services, viewer, case_ref, organisation, exc)
    return _share_page(
        request, viewer, case_ref, org.name, org.contact_email, {}, {}, redacted=bool(redacted)
    )


def _organisation_refused(
    request: Request,
    session: Session,
    services: ServicesDep,
    viewer: Viewer,
    case_ref: str,
    organisation: str,
    exc: InvalidInput,
) -> HTMLResponse:
    """The case page again, the organisation field carrying why it cannot be shared with."""
    errors = {"organisation": exc.problems[0].message if exc.problems else exc.message}
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


EXPIRY = Field(
    "expires_on",
    "Last day they may see it",
    "date",
    "Leave empty to share until you stop sharing. For example, 31 3 2026",
    optional=True,
)


def _share_page(
    request: Request,
    viewer: Viewer,
    case_ref: str,
    organisation: str,
    contact: str,
    values: dict[str, Any],
    errors: dict[str, str],
    status: int = 200,
    redacted: bool = False,
) -> HTMLResponse:
    sees = (
        "see this case and download the redacted copies of its documents only"
        if redacted
        else "see this case and download its documents"
    )
    return page(
        request,
        "confirm.html",
        viewer,
        status=status,
        title=f"Share this case with {organisation}?",
        caption=f"Case {case_ref}",
        lines=[
            f"Everyone at {organisation} who signs in to docgen will {sees}.",
            f"We will e-mail their contact, {contact}, to say so. The e-mail holds no case details.",
        ],
        warning="",
        action=f"{case_url(case_ref)}/share",
        hidden={"organisation": organisation, **({"redacted": "1"} if redacted else {})},
        fields=(EXPIRY,),
        values=values,
        errors=errors,
        confirm_words=f"Share with {organisation}",
        back_url=case_url(case_ref) + "#sharing",
        danger=False,
    )


@router.post("/cases/{case_ref:path}/share", response_class=HTMLResponse)
async def share(
    request: Request,
    services: ServicesDep,
    viewer: AsyncFormViewerDep,
    case_ref: str,
    organisation: Annotated[str, Form()] = "",
    redacted: Annotated[str, Form()] = "",
) -> Response:
    raw = raw_values((EXPIRY,), await request.form())

    def work(session: Session) -> Response:
        data, problems = to_data((EXPIRY,), raw)
        try:
            org = sharing.organisation_named(session, organisation)
        except InvalidInput as exc:
            return _organisation_refused(request, session, services, viewer, case_ref, organisation, exc)
        expires = date.fromisoformat(data["expires_on"]) if "expires_on" in data else None
        if not problems:
            try:
                found, created = sharing.share_case(
                    session, viewer.who, case_ref, org.name, expires, redacted=bool(redacted)
                )
            except InvalidInput as exc:
                session.rollback()
                problems = exc.problems
            else:
                mailed = "2"
                if created:
                    told = sharing.tell_partner(session, services.settings, viewer.who, found)
                    mailed = "1" if told.sent else "0"
                return see_other(f"{case_url(case_ref)}?shared={found.id}&mailed={mailed}#sharing")
        return _share_page(
            request,
            viewer,
            case_ref,
            org.name,
            org.contact_email,
            raw,
            errors_for((EXPIRY,), problems),
            status=422,
            redacted=bool(redacted),
        )

    return await services.in_transaction(work)


@router.post("/cases/{case_ref:path}/shares/{share_id}/revoke")
def revoke(session: SessionDep, viewer: FormViewerDep, case_ref: str, share_id: int) -> Response:
    sharing.revoke_share(session, viewer.who, case_ref, share_id)
    return see_other(f"{case_url(case_ref)}?revoked={share_id}#sharing")


@router.get("/cases/{case_ref:path}", response_class=HTMLResponse)
def case_view(
    request: Request,
    session: SessionDep,
    services: ServicesDep,
    viewer: ViewerDep,
    case_ref: str,
    as_of: date | None = None,
) -> HTMLResponse:
    day = as_of or _as_at(request) or date.today()
    return case_page(request, session, services, viewer, case_ref, as_of=day)


def _as_at(request: Request) -> date | None:
    """The "as at" date from the case page's day, month and year boxes (None when absent or not a date)."""
    q = request.query_params
    try:
        return date(int(q["as_of-year"]), int(q["as_of-month"]), int(q["as_of-day"]))
    except (KeyError, ValueError):
        return None


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
    history = case_events.history(session, viewer.who, case_ref)
    return page(
        request,
        "case.html",
        viewer,
        status=status,
        record=record,
        case=case,
        as_of=day,
        facts=case_facts(case, day).as_json(),
        steps=next_steps(case, day),
        record_links=record_forms.LINKS,
        documents=[_document_view(d) for d in papers],
        uploads=evidence.for_case(session, viewer.who, case_ref),
        shares=sharing.list_shares(session, viewer.who, case_ref) if writer else [],
        organisations=sharing.list_organisations(session, viewer.who) if writer else [],
        history=[_change(e) for e in reversed(history[-12:])],
        notice=notices.for_case(session, case_ref, request.query_params, history) if status == 200 else None,
        evidence_types=evidence.allowed_words(),
        evidence_size=evidence.size_words(services.settings.max_upload_bytes),
        evidence_accept=evidence.ACCEPT,
        can_write=writer,
        errors=errors or {},
        values=values or {},
    )


def _change(event: Any) -> dict[str, Any]:
    return {
        "at": event.at,
        "actor": event.actor,
        "summary": event.detail.get("summary") or case_events.CASE_CHANGES.get(event.action, event.action),
    }


def _document_view(document: Document) -> dict[str, Any]:
    versions = sorted(document.versions, key=lambda v: v.number, reverse=True)
    return {
        "id": document.id,
        "title": document.title or document.doc_type,
        "doc_type": document.doc_type,
        "variant": document.variant,
        "versions": versions,
    }
