"""The audit trail: who did what to which subject, appended and never changed."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from docgen.register.models import AuditEvent


def add(session: Session, actor: str, action: str, subject: str, detail: Mapping[str, Any]) -> AuditEvent:
    event = AuditEvent(actor=actor, action=action, subject=subject, detail=dict(detail))
    session.add(event)
    session.flush()
    return event


def events(session: Session, subject: str | None = None, action: str | None = None) -> list[AuditEvent]:
    query = select(AuditEvent).order_by(AuditEvent.id)
    if subject is not None:
        query = query.where(AuditEvent.subject == subject)
    if action is not None:
        query = query.where(AuditEvent.action == action)
    return list(session.scalars(query))
