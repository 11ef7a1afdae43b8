"""Legal partners' organisations registered with the service."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from docgen.register.models import Organisation


def all_organisations(session: Session) -> list[Organisation]:
    return list(session.scalars(select(Organisation).order_by(Organisation.name)))


def by_name(session: Session, name: str) -> Organisation | None:
    return session.scalar(select(Organisation).where(Organisation.name == name))


def get(session: Session, organisation_id: int) -> Organisation | None:
    return session.get(Organisation, organisation_id)


def add(session: Session, name: str, contact_email: str, created_by: str) -> Organisation:
    found = Organisation(name=name, contact_email=contact_email, created_by=created_by)
    session.add(found)
    session.flush()
    return found
