"""Next steps on the cases the service holds: what each door (API, pages, jobs) asks for."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from docgen.documents.next_steps import NextSteps, next_steps
from docgen.services import cases
from docgen.services.auth import Principal


def for_case(session: Session, who: Principal, case_ref: str, as_of: date) -> NextSteps:
    """The steps on a case held by the service, as its current content stands at ``as_of``."""
    _record, case = cases.load(session, who, case_ref)
    return next_steps(case, as_of)
