"""Replacement templates: every one an admin put in force, newest last; none is ever removed."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from docgen.register.models import TemplateVersion


def in_force(session: Session, council: str, names: Sequence[str]) -> dict[str, TemplateVersion]:
    """name -> the replacement in force (the newest not undone), for the names that have one."""
    rows = session.scalars(
        select(TemplateVersion)
        .where(
            TemplateVersion.council == council,
            TemplateVersion.name.in_(list(names)),
            TemplateVersion.undone_at.is_(None),
        )
        .order_by(TemplateVersion.name, TemplateVersion.number)
    )
    return {row.name: row for row in rows}  # the newest of each name comes last


def history(session: Session, council: str, name: str) -> list[TemplateVersion]:
    """Every replacement of the template, newest first."""
    return list(
        session.scalars(
            select(TemplateVersion)
            .where(TemplateVersion.council == council, TemplateVersion.name == name)
            .order_by(TemplateVersion.number.desc())
        )
    )


def add(session: Session, **fields: Any) -> TemplateVersion:
    row = TemplateVersion(**fields)
    session.add(row)
    session.flush()
    return row


def iter_all(session: Session) -> Iterator[TemplateVersion]:
    yield from session.scalars(select(TemplateVersion).order_by(TemplateVersion.id))
