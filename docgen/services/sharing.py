"""An officer shares a case with a legal partner's organisation, and can revoke it."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.orm import Session

from docgen.errors import InvalidInput, NotFound, Problem
from docgen.register.models import Share
from docgen.register.repositories import audit, cases
from docgen.services.access import require_visible_case, require_writer
from docgen.services.auth import Principal


def share_case(
    session: Session, who: Principal, case_ref: str, organisation: str, redacted: bool = False
) -> tuple[Share, bool]:
    """(share, created): sharing twice with the same organisation keeps the first share, with
    whether the partner sees only redacted papers set as asked now."""
    require_visible_case(session, who, case_ref)
    require_writer(who, "share cases")
    organisation = organisation.strip()
    if not organisation:
        raise InvalidInput("name the organisation to share with", [Problem("organisation", "required")])
    found = cases.active_share(session, case_ref, organisation)
    if found is not None:
        if found.redacted != redacted:
            found.redacted = redacted
            session.flush()
            audit.add(
                session,
                who.name,
                "share",
                f"case:{case_ref}",
                {"organisation": organisation, "redacted": redacted},
            )
        return found, False
    share = cases.add_share(session, case_ref, organisation, who.name)
    share.redacted = redacted
    session.flush()
    audit.add(
        session, who.name, "share", f"case:{case_ref}", {"organisation": organisation, "redacted": redacted}
    )
    return share, True


def revoke_share(session: Session, who: Principal, case_ref: str, share_id: int) -> Share:
    require_visible_case(session, who, case_ref)
    require_writer(who, "revoke shares")
    share = cases.get_share(session, share_id)
    if share is None or share.case_ref != case_ref:
        raise NotFound(f"case {case_ref!r} has no share {share_id}", code="share_not_found")
    if share.revoked_at is None:
        share.revoked_at = datetime.now(UTC)
        session.flush()
        audit.add(session, who.name, "share_revoke", f"case:{case_ref}", {"organisation": share.organisation})
    return share


def list_shares(session: Session, who: Principal, case_ref: str) -> list[Share]:
    require_visible_case(session, who, case_ref)
    require_writer(who, "see who a case is shared with")
    return cases.shares_for(session, case_ref)
