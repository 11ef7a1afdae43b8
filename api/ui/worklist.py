"""The worklist: cases due an action, with filters, sorting and paging; selected cases' next
steps made as one job. Everything it shows comes from docgen.services.worklist."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, Response

from api.deps import ServicesDep, SessionDep
from api.ui.web import FormViewerDep, UiRoute, Viewer, ViewerDep, page, see_other
from docgen.errors import DocgenError, InvalidInput
from docgen.services import worklist
from docgen.services.access import WRITERS
from docgen.services.worklist import Query as WorkQuery

router = APIRouter(route_class=UiRoute)

DUE = (
    ("all", "All cases"),
    ("overdue", "Overdue"),
    ("today", "Due today"),
    ("week", "Due in the next 7 days"),
)
SORTS = (("due", "Due date"), ("balance", "Balance"), ("case", "Case reference"), ("debtor", "Debtor"))
PER_PAGE = 25


def _query(today: date, params: dict[str, str]) -> tuple[WorkQuery, dict[str, str]]:
    errors: dict[str, str] = {}
    low = high = None
    try:
        low = worklist.pence(params.get("min", ""), "min")
    except InvalidInput:
        errors["min"] = "Balance from must be an amount of money, such as 500 or 1250.50"
    try:
        high = worklist.pence(params.get("max", ""), "max")
    except InvalidInput:
        errors["max"] = "Balance up to must be an amount of money, such as 500 or 1250.50"
    due = params.get("due", "all")
    sort = params.get("sort", "due")
    try:
        number = max(1, int(params.get("page", "1") or 1))
    except ValueError:
        number = 1
    query = WorkQuery(
        today=today,
        due=due if due in dict(DUE) else "all",  # type: ignore[arg-type]
        debt_type=params.get("debt_type", ""),
        officer=params.get("officer", ""),
        step=params.get("step", ""),
        balance_min_pence=low,
        balance_max_pence=high,
        sort=sort if sort in dict(SORTS) else "due",  # type: ignore[arg-type]
        descending=params.get("order") == "desc",
        page=number,
        per_page=PER_PAGE,
    )
    return query, errors


def _page(
    request: Request,
    session: Any,
    viewer: Viewer,
    params: dict[str, str],
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    today = date.today()
    query, filter_errors = _query(today, params)
    found = worklist.search(session, viewer.who, query)
    kept = {k: v for k, v in params.items() if k not in ("page",) and v}
    return page(
        request,
        "worklist.html",
        viewer,
        status=status,
        today=today,
        found=found,
        params=params,
        errors={**filter_errors, **(errors or {})},
        due_choices=DUE,
        sorts=SORTS,
        link=lambda **more: "/ui/worklist?" + urlencode({**kept, **{k: v for k, v in more.items() if v}}),
        can_write=viewer.who.role in WRITERS,
        titles=_step_titles(found.rows),
    )


def _step_titles(rows: list[Any]) -> dict[str, str]:
    from docgen.documents import registry

    out = {}
    for dt in registry.all_types():
        out[dt.id] = dt.title
    return out


@router.get("/worklist", response_class=HTMLResponse)
def worklist_page(
    request: Request,
    session: SessionDep,
    viewer: ViewerDep,
    due: Annotated[str, Query(max_length=20)] = "all",
    debt_type: Annotated[str, Query(max_length=40)] = "",
    officer: Annotated[str, Query(max_length=120)] = "",
    step: Annotated[str, Query(max_length=64)] = "",
    min: Annotated[str, Query(max_length=20)] = "",
    max: Annotated[str, Query(max_length=20)] = "",
    sort: Annotated[str, Query(max_length=20)] = "due",
    order: Annotated[str, Query(max_length=4)] = "",
    page_number: Annotated[str, Query(alias="page", max_length=6)] = "1",
) -> HTMLResponse:
    params = {
        "due": due,
        "debt_type": debt_type,
        "officer": officer,
        "step": step,
        "min": min,
        "max": max,
        "sort": sort,
        "order": order,
        "page": page_number,
    }
    return _page(request, session, viewer, params)


@router.post("/worklist/next-steps", response_class=HTMLResponse)
def make_next_steps(
    request: Request,
    session: SessionDep,
    services: ServicesDep,
    viewer: FormViewerDep,
    case: Annotated[list[str] | None, Form()] = None,
) -> Response:
    try:
        job = worklist.make_next_steps(session, viewer.who, case or [], date.today(), services.send)
    except DocgenError as exc:
        session.rollback()
        message = exc.problems[0].message if exc.problems else exc.message
        return _page(request, session, viewer, {"due": "all"}, {"case": message}, status=exc.status)
    return see_other(f"/ui/jobs/{job.id}")
