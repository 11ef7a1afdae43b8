"""What can be done next on a case, and when.

Every answer here is read from the document types' own eligibility rules, run once for the case
on the day asked about: a step is possible when its type's rules raise nothing blocking; it waits
when everything blocking it is a period that the rule says when it ends (``Problem.opens_on``:
the Pre-Action Protocol reply period, the time for acknowledgment or defence after deemed service,
the 21 days after a statutory demand, a Breathing Space moratorium with a recorded end); it needs
an answer when the rest is settled by one of the type's own options (``Problem.answered_by``); it
is blocked when something must be recorded or done first; and it is not for this case when the
rules say so by the nature of the case (a winding-up petition against an individual). The last
day a step can still be taken as things stand comes from the rules too (``Problem.closes_on``:
limitation, the four months to serve a claim form, the four-month petition window, six years to
enforce a judgment without permission). Nothing is worked out here a second time.

The recovery path orders the steps that move a case on (letter, claim, judgment, enforcement or
demand, petition); the event recorded when a step was taken (``recovery_history``) marks it done.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from docgen.documents import registry
from docgen.documents.base import DocumentRequest, DocumentType
from docgen.domain.case import Case
from docgen.errors import Problem

Status = Literal["possible", "answer", "waiting", "blocked", "not_for_case"]

#: problem codes by which a rule says a type does not apply to a case of this kind at all
NOT_FOR_CASE = frozenset(
    {
        "company",
        "individual",
        "reg50_council_tax_only",
        "liability_orders",
        "judgment_entered",
        "deceased",
        "nothing_owed",
        "nothing_outstanding",
    }
)

#: the recovery path: doc type -> (stage, the recorded event that marks the step taken)
PATH: dict[str, tuple[int, str]] = {
    "letter_before_claim": (1, "letter_before_claim"),
    "particulars_of_claim": (2, "claim_issued"),
    "n1": (2, "claim_issued"),
    "n225": (3, "judgment"),
    "n379": (4, "charging_order"),
    "n337": (4, "attachment_of_earnings"),
    "n323": (4, "warrant_of_control"),
    "statutory_demand_individual": (4, "statutory_demand_served"),
    "statutory_demand_company": (4, "statutory_demand_served"),
    "bankruptcy_petition": (5, "petition_presented"),
    "winding_up_petition": (5, "petition_presented"),
}

_RANK = {"possible": 0, "answer": 1, "waiting": 2, "blocked": 3, "not_for_case": 4}


@dataclass(frozen=True)
class Step:
    """One document type's standing on the case on the day asked about."""

    doc_type: str
    title: str
    family: str
    status: Status
    #: waiting (or blocked): the first day every period holding it up has ended
    opens_on: date | None
    #: the last day it can still be taken as things stand
    closes_on: date | None
    #: what stands in the way, other than periods and answers
    reasons: tuple[Problem, ...]
    #: the periods holding it up
    periods: tuple[Problem, ...]
    #: what the officer must answer when making it
    questions: tuple[Problem, ...]
    warnings: tuple[Problem, ...]
    #: its place on the recovery path (None: a paper off the path, e.g. a write-off report)
    stage: int | None
    #: the day the step was recorded as taken
    done_on: date | None

    @property
    def done(self) -> bool:
        return self.done_on is not None

    def as_json(self) -> dict[str, Any]:
        return {
            "doc_type": self.doc_type,
            "title": self.title,
            "family": self.family,
            "status": self.status,
            "opens_on": _iso(self.opens_on),
            "closes_on": _iso(self.closes_on),
            "stage": self.stage,
            "done_on": _iso(self.done_on),
            "reasons": [p.as_dict() for p in self.reasons],
            "periods": [p.as_dict() for p in self.periods],
            "questions": [p.as_dict() for p in self.questions],
            "warnings": [p.as_dict() for p in self.warnings],
        }


@dataclass(frozen=True)
class Deadline:
    """The last day something can be done, as a rule reported it."""

    on: date
    code: str
    message: str
    doc_types: tuple[str, ...]

    def as_json(self) -> dict[str, Any]:
        return {
            "on": self.on.isoformat(),
            "code": self.code,
            "message": self.message,
            "doc_types": list(self.doc_types),
        }


@dataclass(frozen=True)
class NextSteps:
    case_ref: str
    as_of: date
    steps: tuple[Step, ...]
    #: the sum owing at ``as_of``, from the same facts the rules read
    outstanding: Decimal = Decimal("0")

    def having(self, *statuses: Status) -> list[Step]:
        return [s for s in self.steps if s.status in statuses]

    @property
    def possible(self) -> list[Step]:
        """Possible today, or once the officer answers the type's questions."""
        return self.having("possible", "answer")

    @property
    def waiting(self) -> list[Step]:
        return sorted(self.having("waiting"), key=lambda s: (s.opens_on or date.max, s.doc_type))

    @property
    def blocked(self) -> list[Step]:
        return self.having("blocked")

    @property
    def not_for_case(self) -> list[Step]:
        return self.having("not_for_case")

    @property
    def done(self) -> list[Step]:
        return sorted((s for s in self.steps if s.done), key=lambda s: (s.done_on or date.min, s.doc_type))

    @property
    def deadlines(self) -> list[Deadline]:
        """Every last day a rule reported, earliest first, one per rule and date."""
        found: dict[tuple[str, date], tuple[str, list[str]]] = {}
        for step in self.steps:
            if step.status == "not_for_case" or step.done:
                continue
            for p in (*step.reasons, *step.periods, *step.questions, *step.warnings):
                if p.closes_on is None:
                    continue
                entry = found.setdefault((p.code, p.closes_on), (p.message, []))
                entry[1].append(step.doc_type)
        return sorted(
            (Deadline(on, code, message, tuple(types)) for (code, on), (message, types) in found.items()),
            key=lambda d: (d.on, d.code),
        )

    @property
    def next_step(self) -> Step | None:
        """The step that moves the case on: the earliest stage of the recovery path not yet taken,
        at or after the furthest stage taken, that is not ruled out for this case; possible before
        waiting before blocked."""
        reached = max((s.stage or 0 for s in self.steps if s.done), default=0)
        candidates = [
            s
            for s in self.steps
            if s.stage is not None and s.stage >= reached and not s.done and s.status != "not_for_case"
        ]
        if not candidates:
            return None
        return min(
            candidates,
            key=lambda s: (s.stage or 0, _RANK[s.status], s.opens_on or date.min, s.doc_type),
        )

    def as_json(self) -> dict[str, Any]:
        nxt = self.next_step
        return {
            "case_ref": self.case_ref,
            "as_of": self.as_of.isoformat(),
            "outstanding": f"{self.outstanding:.2f}",
            "next_step": nxt.as_json() if nxt else None,
            "possible": [s.as_json() for s in self.possible if not s.done],
            "waiting": [s.as_json() for s in self.waiting if not s.done],
            "blocked": [s.as_json() for s in self.blocked if not s.done],
            "done": [s.as_json() for s in self.done],
            "not_for_case": [s.as_json() for s in self.not_for_case],
            "deadlines": [d.as_json() for d in self.deadlines],
        }


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def step_of(dt: DocumentType, problems: Iterable[Problem], case: Case, as_of: date) -> Step:
    problems = list(problems)
    blocking = [p for p in problems if p.blocking]
    warnings = tuple(p for p in problems if not p.blocking)
    stage, event = PATH.get(dt.id, (None, ""))
    done_on = _done_on(case, event, as_of) if event else None
    structural = tuple(p for p in blocking if p.code in NOT_FOR_CASE)
    periods = tuple(p for p in blocking if p.opens_on is not None and p.code not in NOT_FOR_CASE)
    questions = tuple(
        p
        for p in blocking
        if p.opens_on is None and p.answered_by in dt.option_specs and p.code not in NOT_FOR_CASE
    )
    others = tuple(p for p in blocking if p not in structural and p not in periods and p not in questions)
    status: Status
    if structural:
        status, others = "not_for_case", structural
    elif others:
        status = "blocked"
    elif periods:
        status = "waiting"
    elif questions:
        status = "answer"
    else:
        status = "possible"
    closing = [p.closes_on for p in problems if p.closes_on is not None]
    return Step(
        doc_type=dt.id,
        title=dt.title,
        family=dt.family,
        status=status,
        opens_on=max((p.opens_on for p in periods if p.opens_on is not None), default=None),
        closes_on=min(closing, default=None),
        reasons=others,
        periods=periods,
        questions=questions,
        warnings=warnings,
        stage=stage,
        done_on=done_on,
    )


def _done_on(case: Case, event: str, as_of: date) -> date | None:
    days = [h.date for h in case.recovery_history if h.action == event and h.date <= as_of]
    if event == "judgment":
        days += [j.date for j in case.judgments if j.date <= as_of]
    return max(days, default=None)


def case_types() -> list[DocumentType]:
    """The types made for one case: every registered type but those that are papers over several
    cases (a write-off schedule, a committee report), which a batch makes."""
    from docgen.documents.batch import all_batch_types

    batch = {t.id for t in all_batch_types()}
    return [t for t in registry.all_types() if t.id not in batch]


def next_steps(case: Case, as_of: date, types: Iterable[DocumentType] | None = None) -> NextSteps:
    """Every one-case document type's standing on ``case`` at ``as_of``. The case facts are worked
    out once and shared by every type's rules."""
    base = DocumentRequest.make(case, as_of)
    base.facts  # noqa: B018 - worked out once here, then shared by every type's request
    steps = []
    for dt in types if types is not None else case_types():
        req = base.for_engine(dt.default_engine)
        steps.append(step_of(dt, dt.eligibility(req), case, as_of))
    return NextSteps(case.case_ref, as_of, tuple(steps), base.facts.outstanding)
