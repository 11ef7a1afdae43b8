"""Users and API keys. A key is shown once, when made; the register keeps only its keyed hash.

The hash is HMAC-SHA256 under the server's secret (a pepper): keys are long random strings, so a
slow password hash buys nothing, while a deterministic hash lets a request find its user by index.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from sqlalchemy.orm import Session

from docgen.errors import Conflict, DocgenError, InvalidInput, NotFound, Problem
from docgen.register.models import Role, User, utcnow
from docgen.register.repositories import audit, users

KEY_PREFIX = "dg_"


class Unauthenticated(DocgenError):
    def __init__(self, message: str = "a valid API key is required (Authorization: Bearer <key>)"):
        super().__init__(message, code="unauthenticated", status=401, exit_code=6)


@dataclass(frozen=True)
class Principal:
    """Who is asking: what every access decision and audit event is made from."""

    name: str
    role: Role
    organisation: str = ""
    approval_limit: Decimal | None = None

    @property
    def sees_every_case(self) -> bool:
        return self.role is not Role.legal_partner


def hash_key(key: str, pepper: str) -> str:
    return hmac.new(pepper.encode(), key.encode(), hashlib.sha256).hexdigest()


def new_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


def principal_of(user: User) -> Principal:
    limit = Decimal(user.approval_limit) if user.approval_limit is not None else None
    return Principal(user.name, Role(user.role), user.organisation, limit)


def create_user(
    session: Session,
    *,
    name: str,
    role: str,
    pepper: str,
    organisation: str = "",
    approval_limit: str | None = None,
    actor: str = "system",
    key: str | None = None,
) -> tuple[User, str]:
    """Add a user with a fresh key; returns the user and the key, which is not kept anywhere."""
    problems = _user_problems(name, role, organisation, approval_limit)
    if problems:
        raise InvalidInput("the user cannot be created", problems)
    if users.by_name(session, name) is not None:
        raise Conflict(f"a user called {name!r} already exists", code="user_exists")
    key = key or new_key()
    user = users.add(
        session,
        User(
            name=name,
            role=role,
            organisation=organisation,
            approval_limit=approval_limit,
            api_key_hash=hash_key(key, pepper),
        ),
    )
    audit.add(session, actor, "user_create", f"user:{name}", {"role": role})
    return user, key


def rotate_key(session: Session, user: User, pepper: str, actor: str) -> str:
    """A new key for ``user``; the old one stops working and every session begun with it ends."""
    if user.disabled_at is not None:
        raise Conflict(
            f"the user {user.name!r} is disabled; enable it before giving it a new key", "user_disabled"
        )
    key = new_key()
    user.api_key_hash = hash_key(key, pepper)
    users.end_web_sessions_of(session, user.name)
    audit.add(session, actor, "key_rotate", f"user:{user.name}", {})
    return key


def disable_user(session: Session, user: User, actor: str) -> User:
    """The user's key stops working at once and no new key can be made until it is enabled."""
    if user.disabled_at is None:
        user.disabled_at = utcnow()
        user.api_key_hash = None
        users.end_web_sessions_of(session, user.name)
        audit.add(session, actor, "user_disable", f"user:{user.name}", {})
    return user


def enable_user(session: Session, user: User, pepper: str, actor: str) -> str:
    """Enable a disabled user with a fresh key (the old one never works again)."""
    if user.disabled_at is None:
        raise Conflict(f"the user {user.name!r} is not disabled", "user_not_disabled")
    user.disabled_at = None
    session.flush()
    audit.add(session, actor, "user_enable", f"user:{user.name}", {})
    return rotate_key(session, user, pepper, actor)


def authenticate(session: Session, key: str | None, pepper: str) -> Principal:
    if not key:
        raise Unauthenticated()
    user = users.by_key_hash(session, hash_key(key.strip(), pepper))
    if user is None or user.disabled_at is not None:
        raise Unauthenticated("the API key is not recognised")
    return principal_of(user)


def _user_problems(name: str, role: str, organisation: str, approval_limit: str | None) -> list[Problem]:
    problems = []
    if not name.strip():
        problems.append(Problem("name", "a user needs a name"))
    if role not in {r.value for r in Role}:
        problems.append(Problem("role", f"not one of {', '.join(r.value for r in Role)}"))
    if role == Role.legal_partner and not organisation.strip():
        problems.append(Problem("organisation", "a legal partner belongs to an organisation"))
    if approval_limit is not None:
        try:
            if Decimal(approval_limit) < 0:
                problems.append(Problem("approval_limit", "cannot be negative"))
        except InvalidOperation:
            problems.append(Problem("approval_limit", "not an amount"))
    return problems


def principal_named(session: Session, name: str) -> Principal | None:
    """The user called ``name`` as the access rules know them, or None (removed, or keyless)."""
    user = users.by_name(session, name)
    if user is None or user.api_key_hash is None:
        return None
    return principal_of(user)


def user_named(session: Session, name: str) -> User:
    user = users.by_name(session, name)
    if user is None:
        raise NotFound(f"no user named {name!r}", code="user_not_found")
    return user


def list_users(session: Session) -> list[User]:
    return users.all_users(session)
