"""A manager's pages: the write-off approvals queue (what they can still decide, and what has been
decided) and the debt-panel packs, with the builder that makes a meeting's pack and e-mails it.

Every decision about who may decide what, and every pack, is the services' (docgen.services.
approvals and docgen.services.packs), called the same way as from the API."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from api.deps import ServicesDep, SessionDep
from api.ui.forms import Field, errors_for, raw_values, to_data
from api.ui.web import AsyncFormViewerDep, FormViewerDep, UiRoute, Viewer, ViewerDep, page, see_other
from docgen.config import Settings
from docgen.documents.panel import PanelBriefing
from docgen.errors import DocgenError, InvalidInput
from docgen.register.models import Role
from docgen.services import approvals, cases, packs
from docgen.services.access import APPROVERS, require_role

router = APIRouter(route_class=UiRoute)

READERS = frozenset({Role.manager, Role.admin, Role.officer})


@router.get("/approvals", response_class=HTMLResponse)
def queue(
    request: Request, session: SessionDep, services: ServicesDep, viewer: ViewerDep, show: str = ""
) -> HTMLResponse:
    require_role(viewer.who, APPROVERS, "approve write-offs")
    return _queue(request, session, services.settings, viewer, show=show)


def _queue(
    request: Request,
    session: Session,
    settings: Settings,
    viewer: Viewer,
    status: int = 200,
    errors: dict[str, str] | None = None,
    notes: dict[str, str] | None = None,
    chosen: dict[str, str] | None = None,
    show: str = "",
) -> HTMLResponse:
    open_items, decided = approvals.to_decide_and_decided(session, viewer.who, settings)
    decided_now = ""
    just = request.query_params.get("decided", "")
    for item in decided:
        if just == f"{item.version.document_id}-{item.version.number}" and item.decisions:
            last = item.decisions[-1]
            decided_now = (
                f"{last.status.capitalize()}: {item.version.document.case_ref}. It is on the decided list."
            )
    return page(
        request,
        "approvals.html",
        viewer,
        status=status,
        open_items=open_items,
        decided=decided,
        show="decided" if show == "decided" else "",
        decided_now=decided_now,
        errors=errors or {},
        notes=notes or {},
        chosen=chosen or {},
    )


@router.post("/approvals/{document_id}/{number}", response_class=HTMLResponse)
def decide(
    request: Request,
    session: SessionDep,
    services: ServicesDep,
    viewer: FormViewerDep,
    document_id: str,
    number: int,
    decision: Annotated[str, Form()] = "",
    note: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    key = f"{document_id}-{number}"
    try:
        if decision not in approvals.DECISIONS:
            raise InvalidInput("Choose approve or reject")
        session.commit()  # the decision is its own transaction, with the report version that records it
        decided = approvals.record_decision(
            services.backend, viewer.who, document_id, number, decision, note.strip()
        )
    except DocgenError as exc:
        session.rollback()
        return _queue(
            request,
            session,
            services.settings,
            viewer,
            status=exc.status,
            errors={key: exc.message},
            notes={key: note},
            chosen={key: decision},
        )
    # the decision is kept on a new version of the report: the notice names that one
    return see_other(f"/ui/approvals?decided={document_id}-{decided.version.number}#notice")


@router.get("/panel-packs", response_class=HTMLResponse)
def panel_packs(request: Request, session: SessionDep, viewer: ViewerDep) -> HTMLResponse:
    require_role(viewer.who, READERS, "read panel packs")
    return page(
        request,
        "panel_packs.html",
        viewer,
        packs=approvals.latest_visible(session, viewer.who, (packs.KIND,)),
        versions=approvals.latest_visible(session, viewer.who, (PanelBriefing.id,)),
    )


PACK_FIELDS = (
    Field("meeting", "Date of the meeting", "date", "For example, 10 7 2026"),
    Field(
        "agenda",
        "The meeting's own agenda items",
        "textarea",
        "One per line. They follow the cases, before any other business.",
        optional=True,
    ),
    Field(
        "save_as",
        "Save these cases as a list called",
        hint="For the next meeting, for example",
        optional=True,
    ),
)


def _builder(
    request: Request,
    session: Session,
    viewer: Viewer,
    values: dict[str, Any],
    errors: dict[str, str],
    status: int = 200,
) -> HTMLResponse:
    return page(
        request,
        "panel_new.html",
        viewer,
        status=status,
        fields=PACK_FIELDS,
        summary_fields=(Field("case_refs", "Which cases"), *PACK_FIELDS),
        values=values,
        errors=errors,
        lists=packs.saved_lists(session, viewer.who),
        cases=cases.list_cases(session, viewer.who, None, limit=200),
        members=packs.members(session),
    )


@router.get("/panel-packs/new", response_class=HTMLResponse)
def pack_builder(request: Request, session: SessionDep, viewer: ViewerDep) -> HTMLResponse:
    require_role(viewer.who, packs.BUILDERS, "build panel packs")
    soon = date.today() + timedelta(days=7)
    values: dict[str, Any] = {
        "meeting": {"day": str(soon.day), "month": str(soon.month), "year": str(soon.year)}
    }
    return _builder(request, session, viewer, values, {})


@router.post("/panel-packs/new", response_class=HTMLResponse)
async def make_pack(request: Request, services: ServicesDep, viewer: AsyncFormViewerDep) -> Response:
    form = await request.form()
    raw = raw_values(PACK_FIELDS, form)
    picked = [str(v) for v in form.getlist("case_refs")]
    chosen_list = str(form.get("case_list", ""))
    raw.update({"case_refs": picked, "case_list": chosen_list})

    def work(session: Session) -> Response:
        require_role(viewer.who, packs.BUILDERS, "build panel packs")
        data, problems = to_data(PACK_FIELDS, raw)
        refs = list(picked)
        if chosen_list.isdigit():
            saved = packs.saved_list(session, viewer.who, int(chosen_list))
            refs = [*[str(r) for r in saved.case_refs], *refs]
        if not problems:
            asked = packs.PackRequest(
                case_refs=tuple(refs),
                meeting=date.fromisoformat(data["meeting"]),
                agenda=tuple(
                    line.strip() for line in str(data.get("agenda", "")).splitlines() if line.strip()
                ),
                save_as=str(data.get("save_as", "")),
            )
            try:
                job = packs.submit(session, viewer.who, asked, date.today(), services.send)
            except InvalidInput as exc:
                session.rollback()
                problems = exc.problems
            else:
                return see_other(f"/ui/jobs/{job.id}")
        fields = (Field("case_refs", "Which cases"), *PACK_FIELDS)
        return _builder(request, session, viewer, raw, errors_for(fields, problems), status=422)

    return await services.in_transaction(work)
