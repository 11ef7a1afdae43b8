"""The worklist's rows: one per case, its next step as the rules gave it on the day it was worked
out. Queries filter, sort and page them in the database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Literal

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session

from docgen.register.models import CaseRecord, WorklistRow

Due = Literal["all", "overdue", "today", "week"]
Sort = Literal["due", "balance", "case", "debtor"]


@dataclass(frozen=True)
class Query:
    today: date
    due: Due = "all"
    debt_type: str = ""
    officer: str = ""
    step: str = ""
    balance_min_pence: int | None = None
    balance_max_pence: int | None = None
    sort: Sort = "due"
    descending: bool = False
    page: int = 1
    per_page: int = 25
    #: only these case references (a legal partner's shared cases); None: every case
    within: Any = None


def get(session: Session, case_ref: str) -> WorklistRow | None:
    return session.get(WorklistRow, case_ref)


def stale_refs(session: Session, today: date) -> list[tuple[str, int]]:
    """(case_ref, snapshot_id) of every case whose row is missing, made from another snapshot, or
    worked out on another day."""
    query = (
        select(CaseRecord.case_ref, CaseRecord.snapshot_id)
        .outerjoin(WorklistRow, WorklistRow.case_ref == CaseRecord.case_ref)
        .where(
            or_(
                WorklistRow.case_ref.is_(None),
                WorklistRow.snapshot_id != CaseRecord.snapshot_id,
                WorklistRow.computed_on != today,
            )
        )
        .order_by(CaseRecord.case_ref)
    )
    return [(ref, snap) for ref, snap in session.execute(query)]


def put(session: Session, row: WorklistRow) -> WorklistRow:
    merged = session.merge(row)
    session.flush()
    return merged


def _due(query: Query) -> ColumnElement[bool] | None:
    today, week_end = query.today, query.today + timedelta(days=6)
    if query.due == "overdue":
        return or_(WorklistRow.due_on < today, WorklistRow.deadline < today)
    if query.due == "today":
        return or_(WorklistRow.due_on == today, WorklistRow.deadline == today)
    if query.due == "week":
        return or_(
            and_(WorklistRow.due_on >= today, WorklistRow.due_on <= week_end),
            and_(WorklistRow.deadline >= today, WorklistRow.deadline <= week_end),
        )
    return None


def search(session: Session, query: Query) -> tuple[list[WorklistRow], int]:
    """(the page of rows, how many rows match in all)."""
    conditions: list[ColumnElement[bool]] = []
    due = _due(query)
    if due is not None:
        conditions.append(due)
    if query.debt_type:
        conditions.append(WorklistRow.debt_type == query.debt_type)
    if query.officer:
        conditions.append(WorklistRow.officer == query.officer)
    if query.step:
        conditions.append(WorklistRow.step == query.step)
    if query.balance_min_pence is not None:
        conditions.append(WorklistRow.balance_pence >= query.balance_min_pence)
    if query.balance_max_pence is not None:
        conditions.append(WorklistRow.balance_pence <= query.balance_max_pence)
    if query.within is not None:
        conditions.append(WorklistRow.case_ref.in_(query.within))
    total = session.scalar(select(func.count()).select_from(WorklistRow).where(*conditions)) or 0
    key: Any = {
        "due": func.coalesce(WorklistRow.due_on, WorklistRow.deadline, date.max),
        "balance": WorklistRow.balance_pence,
        "case": WorklistRow.case_ref,
        "debtor": WorklistRow.debtor_name,
    }[query.sort]
    order = [key.desc() if query.descending else key.asc(), WorklistRow.case_ref.asc()]
    page = max(query.page, 1)
    rows = session.scalars(
        select(WorklistRow)
        .where(*conditions)
        .order_by(*order)
        .limit(query.per_page)
        .offset((page - 1) * query.per_page)
    )
    return list(rows), total


def choices(session: Session) -> dict[str, list[str]]:
    """The values the filters can take: debt types, officers and steps that occur."""

    def distinct(column: Any) -> list[str]:
        return [v for v in session.scalars(select(column).distinct().order_by(column)) if v]

    return {
        "debt_type": distinct(WorklistRow.debt_type),
        "officer": distinct(WorklistRow.officer),
        "step": distinct(WorklistRow.step),
    }
