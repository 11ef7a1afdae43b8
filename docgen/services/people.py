"""Where the service writes to its users: an e-mail address, and membership of the debt panel
(panel members are sent each meeting's pack). Set by an administrator."""

from __future__ import annotations

from sqlalchemy.orm import Session

from docgen.errors import InvalidInput, NotFound, Problem
from docgen.register.models import Role, User
from docgen.register.repositories import audit, users
from docgen.services.access import require_role
from docgen.services.auth import Principal


def valid_email(address: str) -> bool:
    local, at, domain = address.partition("@")
    return (
        bool(at and local and "." in domain)
        and len(address) <= 254
        and not any(c in address for c in " \r\n,;<>")
    )


def set_contact(session: Session, who: Principal, name: str, email: str, panel_member: bool) -> User:
    require_role(who, frozenset({Role.admin}), "manage users")
    user = users.by_name(session, name)
    if user is None:
        raise NotFound(f"no user {name!r}", code="user_not_found")
    email = email.strip()
    if email and not valid_email(email):
        raise InvalidInput(
            "not an e-mail address",
            [
                Problem(
                    "email",
                    "Enter an e-mail address in the right format, like name@example.gov.uk",
                    "bad_email",
                )
            ],
        )
    if panel_member and not email:
        raise InvalidInput(
            "a panel member needs an address",
            [Problem("email", "Enter an e-mail address: the panel's packs are sent by e-mail", "required")],
        )
    user.email, user.panel_member = email or None, panel_member
    session.flush()
    audit.add(
        session, who.name, "user_contact", f"user:{name}", {"email": email, "panel_member": panel_member}
    )
    return user
