"""Sharing a case with a registered legal partner's organisation, and revoking it; the register of
organisations."""

from __future__ import annotations

from fastapi import APIRouter, Response

from api.deps import CurrentUser, SessionDep, SettingsDep
from api.schemas import (
    OrganisationCreate,
    OrganisationPublic,
    ShareCreate,
    ShareCreatedPublic,
    SharePublic,
)
from docgen.services import sharing

router = APIRouter(tags=["shares"])


@router.get("/organisations", response_model=list[OrganisationPublic])
def list_organisations(session: SessionDep, user: CurrentUser) -> list[OrganisationPublic]:
    """The organisations a case may be shared with."""
    return [OrganisationPublic.of(o) for o in sharing.list_organisations(session, user)]


@router.post("/organisations", status_code=201, response_model=OrganisationPublic)
def register_organisation(
    session: SessionDep, user: CurrentUser, body: OrganisationCreate
) -> OrganisationPublic:
    """Register a legal partner's organisation and its contact (administrators)."""
    return OrganisationPublic.of(sharing.register_organisation(session, user, body.name, body.contact_email))


@router.post("/cases/{case_ref:path}/shares", status_code=201, response_model=ShareCreatedPublic)
def share(
    session: SessionDep,
    settings: SettingsDep,
    user: CurrentUser,
    case_ref: str,
    body: ShareCreate,
    response: Response,
) -> ShareCreatedPublic:
    """Share the case with a registered organisation, optionally until a date; its contact is
    e-mailed. Sharing again with an organisation that already sees the case keeps that share."""
    found, created = sharing.share_case(
        session, user, case_ref, body.organisation, body.expires_on, redacted=body.redacted
    )
    answer = ShareCreatedPublic.model_validate(SharePublic.of(found).model_dump())
    if not created:
        response.status_code = 200
        return answer
    told = sharing.tell_partner(session, settings, user, found)
    return answer.model_copy(
        update={"emailed_to": told.to if told.sent else None, "email_problem": told.problem}
    )


@router.get("/cases/{case_ref:path}/shares", response_model=list[SharePublic])
def list_shares(session: SessionDep, user: CurrentUser, case_ref: str) -> list[SharePublic]:
    """The case's shares with legal partners' organisations, current and stopped."""
    return [SharePublic.of(s) for s in sharing.list_shares(session, user, case_ref)]


@router.delete("/cases/{case_ref:path}/shares/{share_id}", response_model=SharePublic)
def revoke(session: SessionDep, user: CurrentUser, case_ref: str, share_id: int) -> SharePublic:
    return SharePublic.of(sharing.revoke_share(session, user, case_ref, share_id))
