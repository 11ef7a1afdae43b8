"""Browser sessions kept in the register: begun at sign-in, ended by sign-out, by a new API key for
the user, by the user's removal, or by age.

The browser holds only a random token; the register keeps its SHA-256, the user, the CSRF token
bound to the session and the hash of the key the user signed in with. A session whose user's key
has changed since is refused, whichever path changed it."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from docgen.register.models import WebSession
from docgen.register.repositories import users
from docgen.services.auth import Principal, principal_of

LIFETIME = timedelta(hours=8)  # a working day


@dataclass(frozen=True)
class Active:
    """A live session: whose it is, and the CSRF token its forms must repeat."""

    id: str
    user: str
    csrf: str


def _id(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _now() -> datetime:
    return datetime.now(UTC)


def begin(session: Session, user_name: str) -> str:
    """A new session for the user just authenticated; returns the token for the cookie (kept
    nowhere else)."""
    user = users.by_name(session, user_name)
    if user is None or user.api_key_hash is None:
        raise ValueError(f"{user_name!r} has no key to sign in with")
    now = _now()
    users.end_expired_web_sessions(session, now)
    token = secrets.token_urlsafe(32)
    users.add_web_session(
        session,
        WebSession(
            id=_id(token),
            user_name=user.name,
            key_hash=user.api_key_hash,
            csrf=secrets.token_urlsafe(24),
            created_at=now,
            expires_at=now + LIFETIME,
        ),
    )
    return token


def find(session: Session, token: str | None) -> Active | None:
    """The live session the token belongs to, or None (unknown, ended, expired)."""
    if not token or len(token) > 200:
        return None
    row = users.web_session(session, _id(token))
    if row is None or row.expires_at <= _now():
        return None
    return Active(row.id, row.user_name, row.csrf)


def principal(session: Session, active: Active) -> Principal | None:
    """The session's user as the access rules know them; None once the user was removed or given a
    new key since the session began."""
    row = users.web_session(session, active.id)
    user = users.by_name(session, active.user)
    if row is None or user is None or user.api_key_hash is None or user.api_key_hash != row.key_hash:
        return None
    if getattr(user, "disabled_at", None) is not None:
        return None
    return principal_of(user)


def end(session: Session, active: Active | None) -> None:
    if active is not None:
        users.end_web_session(session, active.id)


def end_all(session: Session, user_name: str) -> int:
    """End every session of a user (a new key, a removal). Returns how many there were."""
    return users.end_web_sessions_of(session, user_name)
