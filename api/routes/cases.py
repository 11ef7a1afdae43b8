"""Cases: create, replace, read, list and search; per case the facts and each type's eligibility.

Case references may hold slashes (KGN/SUN/2024/0101), so they are matched as paths; the routes
with a suffix come before the plain ``/cases/{ref}`` routes in ``case_root``."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query, Request, Response

from api.deps import CurrentUser, SessionDep
from api.schemas import (
    CasePublic,
    CaseSummaryPublic,
    EligibilityPublic,
    EventRecordedPublic,
    HistoryEntryPublic,
    NextStepsPublic,
    ProblemPublic,
)
from docgen.domain.case import loads_json
from docgen.domain.facts import case_facts
from docgen.services import case_events, cases, steps

router = APIRouter(tags=["cases"])
case_root = APIRouter(tags=["cases"])


async def _case_json(request: Request) -> Any:
    """The body read as the command line reads a case file (docgen.domain.case.loads_json), so that
    both accept and refuse exactly the same documents. Its size was capped by api.guard."""
    return loads_json(await request.body(), "case")


CaseBody = Annotated[Any, Depends(_case_json)]


@router.get("/cases", response_model=list[CaseSummaryPublic])
def list_cases(
    session: SessionDep,
    user: CurrentUser,
    q: Annotated[str | None, Query(max_length=100, description="part of a reference or debtor name")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> list[CaseSummaryPublic]:
    return [CaseSummaryPublic.of(r) for r in cases.list_cases(session, user, q, limit, offset)]


@router.post("/cases", status_code=201, response_model=CasePublic)
def create_case(session: SessionDep, user: CurrentUser, body: CaseBody, response: Response) -> CasePublic:
    record, _case = cases.create_case(session, user, body)
    response.headers["Location"] = f"/api/v1/cases/{record.case_ref}"
    return CasePublic.of(record)


@router.get("/cases/{case_ref:path}/facts")
def case_facts_route(
    session: SessionDep, user: CurrentUser, case_ref: str, as_of: date | None = None
) -> dict[str, Any]:
    _record, case = cases.load(session, user, case_ref)
    return case_facts(case, as_of or date.today()).as_json()


@router.get("/cases/{case_ref:path}/eligibility", response_model=list[EligibilityPublic])
def eligibility(
    session: SessionDep,
    user: CurrentUser,
    case_ref: str,
    as_of: date | None = None,
    doc_type: Annotated[list[str] | None, Query()] = None,
) -> list[EligibilityPublic]:
    _record, case = cases.load(session, user, case_ref)
    return [
        EligibilityPublic(
            doc_type=e.doc_type,
            title=e.title,
            eligible=e.eligible,
            problems=[ProblemPublic(**p.as_dict()) for p in e.problems],
            warnings=[ProblemPublic(**p.as_dict()) for p in e.warnings],
        )
        for e in cases.eligibility(case, as_of or date.today(), doc_type)
    ]


EventBody = Annotated[
    dict[str, Any],
    Body(
        description="what happened: a kind (payment, letter_sent, claim_issued, claim_served, "
        "acknowledgment, defence, judgment, statutory_demand_served, insolvency, trace_attempt, "
        "breathing_space_start, breathing_space_end, vulnerability, death, correct_party) and its fields"
    ),
]


@router.post("/cases/{case_ref:path}/events", status_code=201, response_model=EventRecordedPublic)
def record_event(
    session: SessionDep, user: CurrentUser, case_ref: str, body: EventBody
) -> EventRecordedPublic:
    """Record what happened on the case: a new snapshot of the case and an audit entry."""
    done = case_events.record(session, user, case_ref, body)
    return EventRecordedPublic.model_validate(
        {"summary": done.summary, "changes": done.changes, "case": CasePublic.of(done.record)}
    )


@router.get("/cases/{case_ref:path}/history", response_model=list[HistoryEntryPublic])
def case_history(session: SessionDep, user: CurrentUser, case_ref: str) -> list[HistoryEntryPublic]:
    """Every change to the case's content, oldest first."""
    return [
        HistoryEntryPublic(
            at=e.at,
            actor=e.actor,
            action=e.action,
            event=e.detail.get("event"),
            summary=e.detail.get("summary") or case_events.CASE_CHANGES[e.action],
            changes=e.detail.get("changes", []),
            sha256=e.detail.get("sha256", ""),
        )
        for e in case_events.history(session, user, case_ref)
    ]


@router.get("/cases/{case_ref:path}/next-steps", response_model=NextStepsPublic)
def next_steps(
    session: SessionDep, user: CurrentUser, case_ref: str, as_of: date | None = None
) -> NextStepsPublic:
    """The steps possible on the case, and for each blocked step the date it opens and what is
    missing, from the same rules as the documents."""
    found = steps.for_case(session, user, case_ref, as_of or date.today())
    return NextStepsPublic.model_validate(found.as_json())


@case_root.get("/cases/{case_ref:path}", response_model=CasePublic)
def get_case(session: SessionDep, user: CurrentUser, case_ref: str) -> CasePublic:
    record, _case = cases.load(session, user, case_ref)
    return CasePublic.of(record)


@case_root.put("/cases/{case_ref:path}", response_model=CasePublic)
def replace_case(session: SessionDep, user: CurrentUser, case_ref: str, body: CaseBody) -> CasePublic:
    record, _case = cases.replace_case(session, user, case_ref, body)
    return CasePublic.of(record)
