"""Sharing a case with a legal partner's organisation, and revoking it."""

from __future__ import annotations

from fastapi import APIRouter, Response

from api.deps import CurrentUser, SessionDep
from api.schemas import ShareCreate, SharePublic
from docgen.services import sharing

router = APIRouter(tags=["shares"])


@router.post("/cases/{case_ref:path}/shares", status_code=201, response_model=SharePublic)
def share(
    session: SessionDep, user: CurrentUser, case_ref: str, body: ShareCreate, response: Response
) -> SharePublic:
    found, created = sharing.share_case(session, user, case_ref, body.organisation, body.redacted)
    if not created:
        response.status_code = 200
    return SharePublic.of(found)


@router.get("/cases/{case_ref:path}/shares", response_model=list[SharePublic])
def list_shares(session: SessionDep, user: CurrentUser, case_ref: str) -> list[SharePublic]:
    return [SharePublic.of(s) for s in sharing.list_shares(session, user, case_ref)]


@router.delete("/cases/{case_ref:path}/shares/{share_id}", response_model=SharePublic)
def revoke(session: SessionDep, user: CurrentUser, case_ref: str, share_id: int) -> SharePublic:
    return SharePublic.of(sharing.revoke_share(session, user, case_ref, share_id))
