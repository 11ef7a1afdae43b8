"""The worklist: every case the user may see with its next step, when it falls due and the sum
owing; filtered, sorted and paged; and "make the next step" for many cases as one job.

A case's row is worked out from its next steps (``docgen.documents.next_steps``: the rules' own
dates) and kept, so the list is one query; it is worked out again when the case changes (a new
snapshot) or the day does. A step that became possible keeps the day it opened as the day it fell
due, so a step not taken shows as overdue from then on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from docgen.documents.next_steps import NextSteps, next_steps
from docgen.domain.case import Case
from docgen.errors import InvalidInput, Problem
from docgen.register.models import Job, WorklistRow
from docgen.register.repositories import cases as cases_repo
from docgen.register.repositories import worklist as repo
from docgen.register.repositories.worklist import Query
from docgen.services import jobs
from docgen.services.access import can_see_case, require_writer
from docgen.services.auth import Principal
from docgen.services.cases import case_of

MAX_BATCH = 500


def row_for(
    case: Case, steps: NextSteps, snapshot_id: int, today: date, previous: WorklistRow | None
) -> WorklistRow:
    """A case's worklist row from its next steps on ``today``."""
    nxt = steps.next_step
    due_on: date | None = None
    if nxt is not None and nxt.status == "waiting":
        due_on = nxt.opens_on
    elif nxt is not None and nxt.status in ("possible", "answer"):
        # possible since the day it opened, when the row saw it waiting for that day, else today
        kept = previous is not None and previous.step == nxt.doc_type and previous.due_on is not None
        due_on = min(previous.due_on, today) if kept and previous is not None and previous.due_on else today
    deadlines = steps.deadlines
    first = deadlines[0] if deadlines else None
    reasons = [p.message for p in (nxt.reasons if nxt is not None and nxt.status == "blocked" else ())]
    return WorklistRow(
        case_ref=case.case_ref,
        snapshot_id=snapshot_id,
        computed_on=today,
        debtor_name=case.primary_debtor.display_name[:300],
        debt_type=case.debt_type.value,
        officer=case.officer.name[:120],
        balance_pence=int((steps.outstanding * 100).to_integral_value()),
        step=nxt.doc_type if nxt else None,
        step_title=nxt.title if nxt else "",
        step_status=nxt.status if nxt else "",
        due_on=due_on,
        deadline=first.on if first else None,
        deadline_text=first.message if first else "",
        reasons=reasons,
    )


def refresh(session: Session, today: date) -> int:
    """Work out again the rows of cases changed since, or worked out on another day; how many."""
    stale = repo.stale_refs(session, today)
    made = []
    for case_ref, snapshot_id in stale:
        record = cases_repo.get(session, case_ref)
        if record is None:
            continue
        case = case_of(record)
        made.append(row_for(case, next_steps(case, today), snapshot_id, today, repo.get(session, case_ref)))
    for row in made:
        repo.put(session, row)
    return len(made)


@dataclass(frozen=True)
class Page:
    rows: list[WorklistRow]
    total: int
    query: Query
    choices: dict[str, list[str]]

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.query.per_page))


def pence(value: str, field: str) -> int | None:
    """An amount typed by a user, in pence; "" is no limit."""
    text = value.strip().replace(",", "").removeprefix("£")
    if not text:
        return None
    try:
        amount = Decimal(text)
    except ArithmeticError:
        amount = Decimal("NaN")
    if not amount.is_finite() or amount < 0:
        raise InvalidInput(
            "the filter has a problem", [Problem(field, "Enter an amount of money, such as 500 or 1250.50")]
        )
    return int((amount * 100).to_integral_value())


def search(session: Session, who: Principal, query: Query) -> Page:
    refresh(session, query.today)
    if not who.sees_every_case:
        shared = cases_repo.shared_refs(who.organisation)
        query = Query(**{**query.__dict__, "within": shared})
    rows, total = repo.search(session, query)
    return Page(rows, total, query, repo.choices(session))


def make_next_steps(
    session: Session,
    who: Principal,
    case_refs: Sequence[str],
    today: date,
    send: jobs.Queue,
) -> Job:
    """One job that makes each chosen case's next step through the generation corridor."""
    require_writer(who, "make documents")
    refs = list(dict.fromkeys(r for r in case_refs if r))
    if not refs:
        raise InvalidInput("choose cases", [Problem("case_refs", "Select at least one case")])
    if len(refs) > MAX_BATCH:
        raise InvalidInput(
            "too many cases", [Problem("case_refs", f"Select at most {MAX_BATCH} cases at once")]
        )
    refresh(session, today)
    items, problems = [], []
    for n, ref in enumerate(refs):
        row = repo.get(session, ref)
        if row is None or not can_see_case(session, who, ref):
            problems.append(Problem(f"case_refs[{n}]", f"no case {ref!r}", "case_not_found"))
        elif row.step is None:
            problems.append(Problem(f"case_refs[{n}]", f"{ref} has no next step to make", "no_next_step"))
        else:
            items.append(jobs.Item(ref, row.step, {}))
    if problems:
        raise InvalidInput("some of the chosen cases have no step to make", problems)
    job, _created = jobs.submit_generate(session, who, items, today)
    jobs.enqueue(session, job, send)
    return job
