"""The worklist: cases with their next step, when it falls due and the sum owing; and the next
step made for many cases as one job."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, ConfigDict, Field

from api.deps import CurrentUser, ServicesDep, SessionDep
from api.schemas import JobPublic
from docgen.services import worklist
from docgen.services.worklist import Query as WorkQuery

router = APIRouter(tags=["worklist"])


class WorklistRowPublic(BaseModel):
    case_ref: str
    debtor_name: str
    debt_type: str
    officer: str
    #: the sum owing, in pounds
    balance: str
    #: the document type that moves the case on (None: nothing on the recovery path)
    step: str | None
    step_title: str
    step_status: str
    #: the day the step opens (waiting) or has been possible since
    due_on: date | None
    #: the earliest last day a rule reported
    deadline: date | None
    deadline_text: str
    reasons: list[str]


class WorklistPublic(BaseModel):
    as_of: date
    total: int
    page: int
    pages: int
    rows: list[WorklistRowPublic]


class NextStepsCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    case_refs: list[str] = Field(min_length=1, max_length=worklist.MAX_BATCH)


@router.get("/worklist", response_model=WorklistPublic)
def get_worklist(
    session: SessionDep,
    user: CurrentUser,
    due: Literal["all", "overdue", "today", "week"] = "all",
    debt_type: Annotated[str, Query(max_length=40)] = "",
    officer: Annotated[str, Query(max_length=120)] = "",
    step: Annotated[str, Query(max_length=64)] = "",
    balance_min: Annotated[str, Query(max_length=20, description="pounds, e.g. 500.00")] = "",
    balance_max: Annotated[str, Query(max_length=20, description="pounds")] = "",
    sort: Literal["due", "balance", "case", "debtor"] = "due",
    order: Literal["asc", "desc"] = "asc",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=200)] = 50,
) -> WorklistPublic:
    """Cases due an action (overdue, today, within seven days, or all), filtered, sorted and paged."""
    today = date.today()
    query = WorkQuery(
        today=today,
        due=due,
        debt_type=debt_type,
        officer=officer,
        step=step,
        balance_min_pence=worklist.pence(balance_min, "balance_min"),
        balance_max_pence=worklist.pence(balance_max, "balance_max"),
        sort=sort,
        descending=order == "desc",
        page=page,
        per_page=per_page,
    )
    found = worklist.search(session, user, query)
    return WorklistPublic(
        as_of=today,
        total=found.total,
        page=query.page,
        pages=found.pages,
        rows=[
            WorklistRowPublic(
                case_ref=r.case_ref,
                debtor_name=r.debtor_name,
                debt_type=r.debt_type,
                officer=r.officer,
                balance=f"{Decimal(r.balance_pence) / 100:.2f}",
                step=r.step,
                step_title=r.step_title,
                step_status=r.step_status,
                due_on=r.due_on,
                deadline=r.deadline,
                deadline_text=r.deadline_text,
                reasons=[str(x) for x in r.reasons],
            )
            for r in found.rows
        ],
    )


@router.post("/worklist/next-steps", status_code=202, response_model=JobPublic)
def make_next_steps(
    session: SessionDep, services: ServicesDep, user: CurrentUser, body: NextStepsCreate, response: Response
) -> JobPublic:
    """One job making each chosen case's next step through the generation corridor."""
    job = worklist.make_next_steps(session, user, body.case_refs, date.today(), services.send)
    response.headers["Location"] = f"/api/v1/jobs/{job.id}"
    return JobPublic.of(job)
