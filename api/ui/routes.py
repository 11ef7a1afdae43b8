"""The web pages, served by the API app under /ui: sign-in with an API key, then each role's
pages. ``mount(app)`` adds the pages and their static files (no external fonts or scripts)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, FastAPI, Form, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles

from api.deps import ServicesDep, SessionDep
from api.guard import client_address
from api.ui import admin, bundles, cases, documents, imports, make, manage, record, worklist
from api.ui import session as ui_session
from api.ui.web import PREFIX, UiRoute, UiSessionDep, Viewer, ViewerDep, page, see_other
from docgen.errors import DocgenError
from docgen.register.models import Role
from docgen.services.auth import authenticate

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"

router = APIRouter(prefix=PREFIX, route_class=UiRoute, include_in_schema=False)

HOME = {
    Role.officer: "/ui/worklist",
    Role.legal_partner: "/ui/cases",
    Role.manager: "/ui/approvals",
    Role.admin: "/ui/admin/users",
}


def _safe_next(target: str) -> str:
    # only a path on this site, so the sign-in page cannot be used to send someone elsewhere
    return target if target.startswith("/ui/") and not target.startswith("//") else ""


@router.get("", response_class=HTMLResponse)
@router.get("/", response_class=HTMLResponse)
def home(viewer: ViewerDep) -> Response:
    return see_other(HOME[viewer.who.role])


@router.get("/sign-in", response_class=HTMLResponse)
def sign_in_form(request: Request, next: str = "") -> HTMLResponse:
    return page(request, "sign_in.html", None, next=_safe_next(next), errors={})


@router.post("/sign-in", response_class=HTMLResponse)
def sign_in(
    request: Request,
    session: SessionDep,
    services: ServicesDep,
    api_key: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "",
) -> Response:
    # Sign-in carries no CSRF token: there is no session yet to bind one to, and a forged sign-in
    # would need the victim's own key.
    settings = services.settings
    if not api_key.strip():
        return page(
            request,
            "sign_in.html",
            None,
            status=422,
            next=_safe_next(next),
            errors={"api_key": "Enter your API key"},
        )
    try:
        who = authenticate(session, api_key, settings.secret_key)
    except DocgenError:
        services.auth_failures.failed(client_address(request.scope))
        return page(
            request,
            "sign_in.html",
            None,
            status=401,
            next=_safe_next(next),
            errors={"api_key": "That key is not recognised. Check it and try again"},
        )
    response = see_other(_safe_next(next) or HOME[who.role])
    ui_session.start(session, request, response, who.name, secure=settings.environment == "production")
    return response


@router.post("/sign-out")
def sign_out(session: SessionDep, ui: UiSessionDep, csrf_token: Annotated[str, Form()] = "") -> Response:
    ui_session.check_csrf(ui, csrf_token)
    response = see_other(f"{PREFIX}/sign-in")
    ui_session.end(session, ui, response)
    return response


# bundles before cases: /cases/{ref}/bundle would otherwise be read as a case reference
for module in (documents, bundles, imports, admin, manage, worklist, record, make, cases):
    router.include_router(module.router)


@router.get("/{rest:path}", response_class=HTMLResponse)
def not_found(request: Request, viewer: ViewerDep, rest: str) -> HTMLResponse:
    return page(
        request,
        "error.html",
        viewer,
        status=404,
        title="Page not found",
        message="There is no page at this address. Check it, or go back to your cases.",
        problems=[],
    )


def mount(app: FastAPI) -> None:
    app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")


__all__ = ["Viewer", "mount", "router"]
