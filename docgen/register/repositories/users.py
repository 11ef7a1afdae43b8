"""Users and the keyed hashes of their API keys."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from docgen.register.models import User


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
