"""A manager's pages: the write-off approvals queue and the debt-panel packs.

Whether a decision is within the manager's delegation is decided by the same service the API
calls (docgen.services.approvals); the queue only shows it in advance."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from api.deps import SessionDep
from api.ui.web import FormViewerDep, UiRoute, Viewer, ViewerDep, page, see_other
from docgen.documents.panel import PanelBriefing
from docgen.errors import DocgenError, InvalidInput
from docgen.register.models import Role
from docgen.services import approvals
from docgen.services.access import APPROVERS, require_role

router = APIRouter(route_class=UiRoute)

READERS = frozenset({Role.manager, Role.admin, Role.officer})


@router.get("/approvals", response_class=HTMLResponse)
def queue(request: Request, session: SessionDep, viewer: ViewerDep) -> HTMLResponse:
    require_role(viewer.who, APPROVERS, "approve write-offs")
    return _queue(request, session, viewer)


def _queue(
    request: Request,
    session: Session,
    viewer: Viewer,
    status: int = 200,
    errors: dict[str, str] | None = None,
    notes: dict[str, str] | None = None,
    chosen: dict[str, str] | None = None,
) -> HTMLResponse:
    rows = approvals.queue(session, viewer.who)
    return page(
        request,
        "approvals.html",
        viewer,
        status=status,
        rows=rows,
        errors=errors or {},
        notes=notes or {},
        chosen=chosen or {},
    )


@router.post("/approvals/{document_id}/{number}", response_class=HTMLResponse)
def decide(
    request: Request,
    session: SessionDep,
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
        approvals.decide(session, viewer.who, document_id, number, decision, note.strip())
    except DocgenError as exc:
        session.rollback()
        return _queue(
            request,
            session,
            viewer,
            status=exc.status,
            errors={key: exc.message},
            notes={key: note},
            chosen={key: decision},
        )
    return see_other(f"/ui/approvals#row-{key}")


@router.get("/panel-packs", response_class=HTMLResponse)
def panel_packs(request: Request, session: SessionDep, viewer: ViewerDep) -> HTMLResponse:
    require_role(viewer.who, READERS, "read panel packs")
    versions = approvals.latest_visible(session, viewer.who, (PanelBriefing.id,))
    return page(request, "panel_packs.html", viewer, versions=versions)
