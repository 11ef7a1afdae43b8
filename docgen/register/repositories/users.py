"""Users, the keyed hashes of their API keys, and their browser sessions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from docgen.register.models import User, WebSession


def by_key_hash(session: Session, key_hash: str) -> User | None:
    return session.scalar(select(User).where(User.api_key_hash == key_hash))


def by_name(session: Session, name: str) -> User | None:
    return session.scalar(select(User).where(User.name == name))


def all_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.id)))


def add(session: Session, user: User) -> User:
    session.add(user)
    session.flush()
    return user


def managers(session: Session) -> list[User]:
    return list(session.scalars(select(User).where(User.role == "manager").order_by(User.name)))


def panel_members(session: Session) -> list[User]:
    return list(session.scalars(select(User).where(User.panel_member.is_(True)).order_by(User.name)))


# -- browser sessions, which belong to their user ------------------------------------------------


def web_session(session: Session, session_id: str) -> WebSession | None:
    return session.get(WebSession, session_id)


def add_web_session(session: Session, row: WebSession) -> WebSession:
    session.add(row)
    session.flush()
    return row


def end_web_session(session: Session, session_id: str) -> None:
    session.execute(delete(WebSession).where(WebSession.id == session_id))


def end_expired_web_sessions(session: Session, now: datetime) -> None:
    session.execute(delete(WebSession).where(WebSession.expires_at < now))


def end_web_sessions_of(session: Session, user_name: str) -> int:
    """End every browser session of a user; returns how many there were."""
    ids = list(session.scalars(select(WebSession.id).where(WebSession.user_name == user_name)))
    if ids:
        session.execute(delete(WebSession).where(WebSession.id.in_(ids)))
    session.flush()
    return len(ids)
