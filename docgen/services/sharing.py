"""An officer shares a case with a legal partner's organisation, and can revoke it."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.orm import Session

from docgen.errors import InvalidInput, NotFound, Problem
from docgen.register import repository as register_repo
from docgen.register.models import Share
from docgen.services import repository as repo
from docgen.services.access import require_visible_case, require_writer
from docgen.services.auth import Principal


def share_case(session: Session, who: Principal, case_ref: str, organisation: str) -> tuple[Share, bool]:
    """(share, created): sharing twice with the same organisation keeps the first share."""
    require_visible_case(session, who, case_ref)
    require_writer(who, "share cases")
    organisation = organisation.strip()
    if not organisation:
        raise InvalidInput("name the organisation to share with", [Problem("organisation", "required")])
    found = repo.active_share(session, case_ref, organisation)
    if found is not None:
        return found, False
    share = repo.add(session, Share(case_ref=case_ref, organisation=organisation, granted_by=who.name))
    register_repo.add_audit(session, who.name, "share", f"case:{case_ref}", {"organisation": organisation})
    return share, True


def revoke_share(session: Session, who: Principal, case_ref: str, share_id: int) -> Share:
    require_visible_case(session, who, case_ref)
    require_writer(who, "revoke shares")
    share = repo.get_share(session, share_id)
    if share is None or share.case_ref != case_ref:
        raise NotFound(f"case {case_ref!r} has no share {share_id}", code="share_not_found")
    if share.revoked_at is None:
        share.revoked_at = datetime.now(UTC)
        session.flush()
        register_repo.add_audit(
            session, who.name, "share_revoke", f"case:{case_ref}", {"organisation": share.organisation}
        )
    return share


def list_shares(session: Session, who: Principal, case_ref: str) -> list[Share]:
    require_visible_case(session, who, case_ref)
    require_writer(who, "see who a case is shared with")
    return repo.shares_for(session, case_ref)
