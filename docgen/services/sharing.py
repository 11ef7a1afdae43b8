"""An officer shares a case with a registered legal partner's organisation (until a date, or
until revoked), and its contact is told by e-mail; revoking says so in the audit trail."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy.orm import Session

from docgen.config import Settings
from docgen.delivery.mail import send_mail
from docgen.errors import DocgenError, InvalidInput, NotFound, Problem
from docgen.register.models import Organisation, Role, Share
from docgen.register.repositories import audit, cases, organisations
from docgen.services.access import require_role, require_visible_case, require_writer
from docgen.services.auth import Principal


def organisation_named(session: Session, name: str) -> Organisation:
    """The registered organisation of that name; an unknown one is an error naming the field."""
    name = name.strip()
    if not name:
        raise InvalidInput(
            "choose the organisation to share with",
            [Problem("organisation", "Choose the organisation to share the case with", code="required")],
        )
    found = organisations.by_name(session, name)
    if found is None:
        raise InvalidInput(
            f"{name!r} is not a registered organisation",
            [
                Problem(
                    "organisation",
                    f"{name} is not a registered organisation: choose one from the list, or ask an "
                    "administrator to register it",
                    code="unknown_organisation",
                )
            ],
        )
    return found


def check_expiry(expires_on: date | None, today: date) -> None:
    if expires_on is not None and expires_on < today:
        raise InvalidInput(
            "the share would have ended already",
            [Problem("expires_on", "The last day of sharing must be today or later", code="in_the_past")],
        )


def share_case(
    session: Session,
    who: Principal,
    case_ref: str,
    organisation: str,
    expires_on: date | None = None,
    today: date | None = None,
    redacted: bool = False,
) -> tuple[Share, bool]:
    """(share, created): sharing again with an organisation that already sees the case keeps the
    first share, its expiry moved to the new one and whether the partner sees only redacted papers
    set as asked now."""
    require_visible_case(session, who, case_ref)
    require_writer(who, "share cases")
    org = organisation_named(session, organisation)
    check_expiry(expires_on, today or date.today())
    found = cases.active_share(session, case_ref, org.name)
    if found is not None:
        if found.expires_on != expires_on or found.redacted != redacted:
            found.expires_on = expires_on
            found.redacted = redacted
            session.flush()
            audit.add(
                session,
                who.name,
                "share_expiry",
                f"case:{case_ref}",
                {"organisation": org.name, "expires_on": _iso(expires_on), "redacted": redacted},
            )
        return found, False
    share = cases.add_share(session, case_ref, org.name, who.name, expires_on)
    share.redacted = redacted
    session.flush()
    audit.add(
        session,
        who.name,
        "share",
        f"case:{case_ref}",
        {"organisation": org.name, "expires_on": _iso(expires_on), "redacted": redacted},
    )
    return share, True


@dataclass(frozen=True)
class Told:
    to: str
    sent: bool
    problem: str = ""


def tell_partner(session: Session, settings: Settings, who: Principal, share: Share) -> Told:
    """E-mail the organisation's contact that the case is shared with them. A mail server that
    fails is reported, never an error: the share stands either way."""
    org = organisations.by_name(session, share.organisation)
    if org is None:
        return Told("", False, "the organisation has no contact address")
    until = f" until {share.expires_on.day} {share.expires_on:%B %Y}" if share.expires_on else ""
    link = f"{settings.api_base_url.rstrip('/')}/ui/cases/{share.case_ref}"
    body = (
        f"Dear {org.name},\n\n"
        f"{who.name} has shared case {share.case_ref} with your organisation{until}.\n"
        f"Sign in to docgen to see it: {link}\n\n"
        "You can read and download its documents. This message holds no case details.\n"
    )
    try:
        send_mail(settings, [org.contact_email], f"Case {share.case_ref} shared with {org.name}", body)
    except DocgenError as err:
        audit.add(
            session, who.name, "share_email_failed", f"case:{share.case_ref}", {"to": org.contact_email}
        )
        return Told(org.contact_email, False, err.message)
    audit.add(session, who.name, "share_email", f"case:{share.case_ref}", {"to": org.contact_email})
    return Told(org.contact_email, True)


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


def list_organisations(session: Session, who: Principal) -> list[Organisation]:
    require_writer(who, "share cases")
    return organisations.all_organisations(session)


def register_organisation(session: Session, who: Principal, name: str, contact_email: str) -> Organisation:
    """An administrator registers a legal partner's organisation and its contact address."""
    require_role(who, frozenset({Role.admin}), "register organisations")
    name, contact_email = name.strip(), contact_email.strip()
    problems = []
    if not name:
        problems.append(Problem("name", "Enter the organisation's name", code="required"))
    elif len(name) > 200:
        problems.append(Problem("name", "The name must be 200 characters or fewer", code="too_long"))
    elif organisations.by_name(session, name) is not None:
        problems.append(Problem("name", f"{name} is already registered", code="exists"))
    if "@" not in contact_email or any(c in contact_email for c in " \r\n,;<>") or len(contact_email) > 254:
        problems.append(
            Problem(
                "contact_email",
                "Enter the contact's e-mail address, like name@example.co.uk",
                code="bad_email",
            )
        )
    if problems:
        raise InvalidInput("the organisation cannot be registered", problems)
    found = organisations.add(session, name, contact_email, who.name)
    audit.add(
        session, who.name, "organisation_register", f"organisation:{name}", {"contact_email": contact_email}
    )
    return found


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None
