"""What every page shares: the template environment, the signed-in user, CSRF, and errors shown
as pages instead of JSON."""

from __future__ import annotations

import hmac
import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, Form, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.routing import APIRoute
from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException

from api.deps import ServicesDep, SessionDep
from api.ui import session as ui_session
from docgen.config import shipped
from docgen.domain.money import fmt_gbp
from docgen.errors import DocgenError, Problem
from docgen.services.auth import Principal

log = logging.getLogger("docgen.ui")

TEMPLATES_DIR = shipped("templates") / "ui"
PREFIX = "/ui"


def _long_date(value: object) -> str:
    """``2030-11-04`` (or a date) as ``4 November 2030``; anything else unchanged."""
    if value is None or value == "":
        return "not known"
    try:
        day = value if isinstance(value, date) else date.fromisoformat(str(value))
    except ValueError:
        return str(value)
    return f"{day.day} {day:%B %Y}"


_env = Environment(
    loader=FileSystemLoader(TEMPLATES_DIR),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)
_env.filters["gbp"] = lambda v: fmt_gbp(Decimal(str(v)))
_env.filters["urlpath"] = lambda v: quote(str(v), safe="/")
_env.filters["longdate"] = _long_date
_env.filters["lowerfirst"] = lambda v: str(v)[:1].lower() + str(v)[1:]
_env.filters["upperfirst"] = lambda v: str(v)[:1].upper() + str(v)[1:]

STATUS_TITLES = {
    400: "There is a problem with the form",
    403: "You cannot do this",
    404: "Page not found",
    409: "This cannot be done now",
    413: "The file is too large",
    422: "There is a problem",
    503: "A service is unavailable",
}


@dataclass(frozen=True)
class Viewer:
    """The signed-in user and what their pages need to repeat the session's CSRF token."""

    who: Principal
    csrf: str

    @property
    def role(self) -> str:
        return self.who.role.value


def page(
    request: Request, template: str, viewer: Viewer | None, status: int = 200, **context: Any
) -> HTMLResponse:
    html = _env.get_template(template).render(
        path=request.url.path,
        viewer=viewer,
        user=viewer.who if viewer else None,
        csrf=viewer.csrf if viewer else "",
        **context,
    )
    return HTMLResponse(html, status_code=status)


def field_errors(problems: list[Problem], prefix: str = "") -> dict[str, str]:
    """Problems keyed by the form field they belong to; one message per field."""
    out: dict[str, str] = {}
    for p in problems:
        key = p.path.removeprefix(prefix) if prefix else p.path
        out.setdefault(key, p.message)
    return out


def see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _ui_session(request: Request, session: SessionDep) -> ui_session.UiSession | None:
    return ui_session.read(request, session)


UiSessionDep = Annotated[ui_session.UiSession | None, Depends(_ui_session)]


def _viewer(request: Request, session: SessionDep, ui: UiSessionDep) -> Viewer:
    who = ui_session.principal(session, ui)
    assert ui is not None  # principal() raises without a session
    viewer = Viewer(who, ui.csrf)
    request.state.viewer = viewer
    return viewer


ViewerDep = Annotated[Viewer, Depends(_viewer)]


def _checked_viewer(viewer: ViewerDep, csrf_token: Annotated[str | None, Form()] = None) -> Viewer:
    if not csrf_token or not hmac.compare_digest(viewer.csrf, csrf_token):
        raise ui_session.BadCsrf()
    return viewer


#: for POST handlers: the signed-in user, after the form's CSRF token was checked
FormViewerDep = Annotated[Viewer, Depends(_checked_viewer)]


async def _viewer_own_transaction(request: Request, services: ServicesDep) -> Viewer:
    """For ``async`` pages: the signed-in user found in a short transaction of its own, in a worker
    thread, so that the event loop never waits on the database and no transaction is held open
    while the page reads an upload."""

    def find(session: Session) -> tuple[ui_session.UiSession, Principal]:
        ui = ui_session.read(request, session)
        who = ui_session.principal(session, ui)
        assert ui is not None  # principal() raises without a session
        return ui, who

    ui, who = await services.in_transaction(find)
    viewer = Viewer(who, ui.csrf)
    request.state.viewer = viewer
    return viewer


def _checked_viewer_own_transaction(
    viewer: Annotated[Viewer, Depends(_viewer_own_transaction)],
    csrf_token: Annotated[str | None, Form()] = None,
) -> Viewer:
    if not csrf_token or not hmac.compare_digest(viewer.csrf, csrf_token):
        raise ui_session.BadCsrf()
    return viewer


#: for ``async`` POST handlers, which do their database work through ``services.in_transaction``
AsyncFormViewerDep = Annotated[Viewer, Depends(_checked_viewer_own_transaction)]


def error_page(request: Request, status: int, message: str, problems: list[Problem]) -> HTMLResponse:
    title = STATUS_TITLES.get(status, "Sorry, something went wrong")
    text = message[:1].upper() + message[1:]
    if status == 404:
        text += ". Check the address, or go back to your list."
    return page(
        request,
        "error.html",
        _viewer_of(request),
        status=status,
        title=title,
        message=text,
        problems=problems,
    )


def _viewer_of(request: Request) -> Viewer | None:
    """The signed-in user when the failing page got as far as knowing them, so that an error
    page keeps the navigation."""
    viewer = getattr(request.state, "viewer", None)
    return viewer if isinstance(viewer, Viewer) else None


class UiRoute(APIRoute):
    """Answers a page's failures with a page: sign-in for no session, an error page otherwise."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def guarded(request: Request) -> Response:
            try:
                return await handler(request)
            except ui_session.SignInRequired:
                target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
                return see_other(f"{PREFIX}/sign-in?next={quote(target, safe='')}")
            except DocgenError as exc:
                if exc.denied:
                    detail = {
                        "reason": exc.denied["reason"],
                        "path": request.url.path[:300],
                        "status": exc.status,
                    }
                    event = (exc.denied["actor"], exc.denied["subject"], detail)
                    request.state.denied = [*getattr(request.state, "denied", ()), event]
                return error_page(request, exc.status, exc.message, exc.problems)
            except HTTPException as exc:  # the body was cut off at its cap, or could not be parsed
                text = exc.detail if isinstance(exc.detail, str) else "the form could not be read"
                response = error_page(request, exc.status_code, text, [])
                if exc.status_code == 413:
                    response.headers["Connection"] = "close"
                return response
            except RequestValidationError as exc:
                problems = [
                    Problem(".".join(str(x) for x in e.get("loc", ())[1:]), str(e.get("msg", "")))
                    for e in exc.errors()
                ]
                return error_page(request, 422, "the form has problems", problems)
            except Exception:
                # the cause goes to the log; the page says only that it was logged
                log.exception("unexpected error on %s %s", request.method, request.url.path)
                response = error_page(request, 500, "an unexpected error occurred; it has been logged", [])
                response.headers["Connection"] = "close"
                return response

        return guarded
