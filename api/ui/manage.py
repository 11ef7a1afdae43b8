"""A manager's pages: the write-off approvals queue and the debt-panel packs.

Whether a decision is within the manager's delegation is decided by the same service the API
calls (docgen.services.approvals); the queue only shows it in advance."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from api.deps import SessionDep
from api.ui.web import FormViewerDep, UiRoute, Viewer, ViewerDep, page, see_other
from docgen.documents.panel import PanelBriefing
from docgen.documents.writeoff import WriteOffReport
from docgen.domain.writeoff_policy import can_approve, load_policy
from docgen.errors import DocgenError, InvalidInput
from docgen.register.models import Role, Version
from docgen.register.repositories import documents as documents_repo
from docgen.services import approvals
from docgen.services.access import APPROVERS, can_see_case, require_role

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
    rows = [_row(session, viewer, v) for v in _latest(session, viewer, (WriteOffReport.id,))]
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


def _latest(session: Session, viewer: Viewer, doc_types: tuple[str, ...]) -> list[Version]:
    seen: set[str] = set()
    out = []
    for version in documents_repo.current_versions(session, doc_types):
        if version.document_id in seen or not can_see_case(session, viewer.who, version.document.case_ref):
            continue
        seen.add(version.document_id)
        out.append(version)
    return out


def _row(session: Session, viewer: Viewer, version: Version) -> dict[str, Any]:
    key = f"{version.document_id}-{version.number}"
    decisions = documents_repo.approvals_for(session, version.id)
    try:
        amount = approvals.write_off_amount(session, version)
        policy = load_policy(version.options.get("policy"))
        verdict = can_approve(approvals.delegated_level(policy), viewer.who.approval_limit, amount, policy)
        within, reason = verdict.allowed, verdict.reason
    except DocgenError as exc:
        amount, within, reason = None, False, exc.message
    return {
        "key": key,
        "version": version,
        "document": version.document,
        "amount": amount,
        "within": within,
        "reason": reason,
        "decisions": decisions,
        "reason_code": version.options.get("reason", ""),
    }


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
    versions = _latest(session, viewer, (PanelBriefing.id,))
    return page(request, "panel_packs.html", viewer, versions=versions)
