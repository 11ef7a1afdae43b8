"""Recording what happened on a case: each event makes a new snapshot of the case and an audit
entry saying who recorded what, when, and what changed, so a version still points at the data it
was made from. The history of a case is read back from the same audit trail."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from docgen.domain import events
from docgen.domain.case import Case
from docgen.errors import Conflict
from docgen.register.models import AuditEvent, CaseRecord
from docgen.register.repositories import audit
from docgen.services import cases
from docgen.services.access import require_visible_case, require_writer
from docgen.services.auth import Principal

EVENT_ACTION = "case_event"
#: the audit actions that change a case's content, and the plain words for them
CASE_CHANGES = {
    "case_create": "Case added",
    "case_replace": "Case data replaced",
    EVENT_ACTION: "Recorded",
}


@dataclass(frozen=True)
class Recorded:
    record: CaseRecord
    case: Case
    summary: str
    changes: list[dict[str, Any]]


def record(session: Session, who: Principal, case_ref: str, data: Any) -> Recorded:
    """Record the event described by ``data`` (JSON) on the case held by the service."""
    require_visible_case(session, who, case_ref)
    require_writer(who, "record events on cases")
    event = events.parse_event(data)
    current, before = cases.load(session, who, case_ref)
    after = events.apply(before, event)
    summary = event.summary(before)
    changed = events.changes(before, after)
    if not changed:
        raise Conflict("the case already holds exactly this", code="no_change")
    detail = {"event": data.get("kind"), "summary": summary, "changes": changed}
    cases.keep(session, who, current, after, EVENT_ACTION, detail)
    return Recorded(current, after, summary, changed)


def history(session: Session, who: Principal, case_ref: str) -> list[AuditEvent]:
    """Every change to the case's content, oldest first: who, when, and what changed."""
    require_visible_case(session, who, case_ref)
    return [e for e in audit.events(session, subject=f"case:{case_ref}") if e.action in CASE_CHANGES]
