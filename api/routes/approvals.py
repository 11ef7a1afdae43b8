"""Write-off approvals: a manager approves or rejects a write-off report within their limit."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import CurrentUser, ServicesDep, SessionDep
from api.schemas import ApprovalCreate, ApprovalPublic, ApprovalQueueItemPublic, ApprovalQueuePublic
from docgen.services import approvals
from docgen.services.access import visible_document

router = APIRouter(tags=["approvals"])


@router.post(
    "/documents/{document_id}/versions/{number}/approval", status_code=201, response_model=ApprovalPublic
)
def decide(
    session: SessionDep,
    services: ServicesDep,
    user: CurrentUser,
    document_id: str,
    number: int,
    body: ApprovalCreate,
) -> ApprovalPublic:
    visible_document(session, user, document_id)
    session.commit()  # the decision is its own transaction, with the report version that records it
    decided = approvals.record_decision(services.backend, user, document_id, number, body.decision, body.note)
    return ApprovalPublic.model_validate(decided.approval, from_attributes=True)


@router.get("/documents/{document_id}/versions/{number}/approvals", response_model=list[ApprovalPublic])
def list_approvals(
    session: SessionDep, user: CurrentUser, document_id: str, number: int
) -> list[ApprovalPublic]:
    visible_document(session, user, document_id)
    return [
        ApprovalPublic.model_validate(a, from_attributes=True)
        for a in approvals.list_for(session, document_id, number)
    ]


@router.get("/approvals", response_model=ApprovalQueuePublic)
def approvals_queue(session: SessionDep, services: ServicesDep, user: CurrentUser) -> ApprovalQueuePublic:
    """Managers: the write-off reports the caller can still decide (within their delegation), and
    those decided, newest decision first. A report above their limit is on neither list."""
    to_decide, decided = approvals.to_decide_and_decided(session, user, services.settings)
    return ApprovalQueuePublic(
        to_decide=[ApprovalQueueItemPublic.of(w) for w in to_decide],
        decided=[ApprovalQueueItemPublic.of(w) for w in decided],
    )
