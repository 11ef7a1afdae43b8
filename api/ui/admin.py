"""An admin's pages: users and their keys, the write-off policies, and the templates in use.

Policies are shown read-only: a council's policy is a file shipped with the service, changed through
a release. Word templates can be replaced (after a lint) and rolled back; HTML templates, which
lay out court forms, are listed with their fingerprints only."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile as StarletteUpload

from api.deps import ServicesDep, SessionDep
from api.ui import template_files
from api.ui.web import FormViewerDep, UiRoute, Viewer, ViewerDep, field_errors, page
from docgen.config import Settings
from docgen.domain.writeoff_policy import load_policy, policy_names
from docgen.errors import DocgenError, InvalidInput, NotFound, Problem
from docgen.register.models import Role
from docgen.register.repositories import audit
from docgen.register.repositories import users as users_repo
from docgen.services import auth
from docgen.services.access import require_role

router = APIRouter(route_class=UiRoute)
ADMINS = frozenset({Role.admin})
ROLES = [r.value for r in Role]
MAX_TEMPLATE = 10 * 1024 * 1024


@router.get("/admin/users", response_class=HTMLResponse)
def users(request: Request, session: SessionDep, viewer: ViewerDep) -> HTMLResponse:
    require_role(viewer.who, ADMINS, "manage users")
    return _users(request, session, viewer)


def _users(
    request: Request, session: Session, viewer: Viewer, status: int = 200, **extra: Any
) -> HTMLResponse:
    extra.setdefault("errors", {})
    extra.setdefault("values", {})
    return page(
        request,
        "admin_users.html",
        viewer,
        status=status,
        users=users_repo.all_users(session),
        roles=ROLES,
        **extra,
    )


@router.post("/admin/users", response_class=HTMLResponse)
def create_user(
    request: Request,
    session: SessionDep,
    services: ServicesDep,
    viewer: FormViewerDep,
    name: Annotated[str, Form()] = "",
    role: Annotated[str, Form()] = "",
    organisation: Annotated[str, Form()] = "",
    approval_limit: Annotated[str, Form()] = "",
) -> Response:
    require_role(viewer.who, ADMINS, "manage users")
    values = {"name": name, "role": role, "organisation": organisation, "approval_limit": approval_limit}
    try:
        made, key = auth.create_user(
            session,
            name=name.strip(),
            role=role,
            organisation=organisation.strip(),
            approval_limit=approval_limit.strip() or None,
            pepper=services.settings.secret_key,
            actor=viewer.who.name,
        )
    except DocgenError as exc:
        session.rollback()
        errors = field_errors(exc.problems) or {"name": exc.message}
        return _users(request, session, viewer, status=exc.status, errors=errors, values=values)
    return _users(request, session, viewer, status=201, new_key={"name": made.name, "key": key})


@router.post("/admin/users/{name}/rotate", response_class=HTMLResponse)
def rotate(
    request: Request, session: SessionDep, services: ServicesDep, viewer: FormViewerDep, name: str
) -> Response:
    require_role(viewer.who, ADMINS, "manage users")
    user = users_repo.by_name(session, name)
    if user is None:
        raise NotFound(f"no user {name!r}", code="user_not_found")
    key = auth.rotate_key(session, user, services.settings.secret_key, viewer.who.name)
    return _users(request, session, viewer, new_key={"name": user.name, "key": key})


@router.get("/admin/policies", response_class=HTMLResponse)
def policies(request: Request, viewer: ViewerDep) -> HTMLResponse:
    require_role(viewer.who, ADMINS | {Role.manager}, "see the write-off policies")
    return page(request, "admin_policies.html", viewer, policies=[load_policy(n) for n in policy_names()])


@router.get("/admin/templates", response_class=HTMLResponse)
def templates(request: Request, services: ServicesDep, viewer: ViewerDep) -> HTMLResponse:
    require_role(viewer.who, ADMINS, "see the templates")
    return _templates(request, services.settings, viewer)


def _templates(
    request: Request, settings: Settings, viewer: Viewer, status: int = 200, **extra: Any
) -> HTMLResponse:
    root = settings.templates_dir
    files = [
        _template_row(root, p)
        for p in sorted((root / "html").rglob("*"))
        if p.is_file() and p.suffix in {".html", ".css"}
    ]
    extra.setdefault("errors", {})
    return page(
        request,
        "admin_templates.html",
        viewer,
        status=status,
        files=files,
        word=template_files.word_templates(settings),
        **extra,
    )


def _template_row(root: Path, path: Path) -> dict[str, Any]:
    data = path.read_bytes()
    return {
        "name": str(path.relative_to(root)),
        "size": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
    }


@router.post("/admin/templates/{doc_type}", response_class=HTMLResponse)
async def replace_template(
    request: Request,
    session: SessionDep,
    services: ServicesDep,
    viewer: FormViewerDep,
    doc_type: str,
) -> Response:
    require_role(viewer.who, ADMINS, "replace templates")
    word = template_files.find(services.settings, doc_type)
    # each type's file field is named after the type, so that its error sits beside it
    field = f"template_{doc_type}"
    upload = (await request.form()).get(field)
    data = await upload.read(MAX_TEMPLATE + 1) if isinstance(upload, StarletteUpload) else b""
    try:
        if not data:
            raise InvalidInput("empty", [Problem("template", "Choose a Word (.docx) file")])
        if len(data) > MAX_TEMPLATE:
            raise InvalidInput("too large", [Problem("template", "The template must be smaller than 10 MB")])
        sha = template_files.install(word, data)
    except InvalidInput as exc:
        plain = [p for p in exc.problems if p.path == "template"]
        message = plain[0].message if plain and len(exc.problems) == 1 else exc.message
        return _templates(
            request,
            services.settings,
            viewer,
            status=422,
            errors={field: message},
            lint={doc_type: exc.problems},
        )
    audit.add(session, viewer.who.name, "template_replace", f"template:{word.name}", {"sha256": sha})
    return _templates(
        request, services.settings, viewer, done=f"{word.name} replaced; new documents use it now."
    )


@router.post("/admin/templates/{doc_type}/rollback", response_class=HTMLResponse)
def roll_back_template(
    request: Request, session: SessionDep, services: ServicesDep, viewer: FormViewerDep, doc_type: str
) -> Response:
    require_role(viewer.who, ADMINS, "roll back templates")
    word = template_files.find(services.settings, doc_type)
    sha = template_files.roll_back(word)
    audit.add(session, viewer.who.name, "template_rollback", f"template:{word.name}", {"sha256": sha})
    return _templates(request, services.settings, viewer, done=f"{word.name} rolled back.")
