"""Next steps on the cases the service holds: what each door (API, pages, jobs) asks for."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from sqlalchemy.orm import Session

from docgen.documents import registry
from docgen.documents.next_steps import NextSteps, Step, next_steps, step_of
from docgen.domain.case import Case
from docgen.errors import Problem
from docgen.render.pipeline import check, prepare
from docgen.services import cases
from docgen.services.access import require_writer
from docgen.services.auth import Principal


def for_case(session: Session, who: Principal, case_ref: str, as_of: date) -> NextSteps:
    """The steps on a case held by the service, as its current content stands at ``as_of``."""
    _record, case = cases.load(session, who, case_ref)
    return next_steps(case, as_of)


def check_paper(
    session: Session,
    who: Principal,
    case_ref: str,
    doc_type: str,
    as_of: date,
    options: Mapping[str, str],
    engine: str | None = None,
) -> tuple[list[Problem], list[Problem]]:
    """(blocking, warnings) for a paper asked for on a page, before it is queued: the options
    checked against the type's declarations (InvalidInput naming each), then the type's rules with
    those options, exactly as the corridor will run them."""
    require_writer(who, "make documents")
    _record, case = cases.load(session, who, case_ref)
    dt, req = prepare(doc_type, case, as_of, options, engine)
    return check(dt, req)


def step(session: Session, who: Principal, case_ref: str, doc_type: str, as_of: date) -> tuple[Case, Step]:
    """One type's standing on a case, with no options given."""
    _record, case = cases.load(session, who, case_ref)
    dt = registry.get(doc_type)
    return case, step_of(dt, dt.eligibility_of(case, as_of), case, as_of)
