"""An admin's pages: users and their keys, the write-off policies, and the templates in use.

Policies are shown read-only: a council's policy is a file in a folder the settings name, mapped to
the council there. Word templates can be replaced (after a lint) and rolled back; HTML templates, which
lay out court forms, are listed with their fingerprints only."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile as StarletteUpload

from api.deps import ServicesDep, SessionDep
from api.ui.web import AsyncFormViewerDep, FormViewerDep, UiRoute, Viewer, ViewerDep, field_errors, page
from docgen.config import Settings
from docgen.documents.writeoff import policy_book
from docgen.errors import DocgenError, InvalidInput
from docgen.register.models import Role
from docgen.services import auth, people, sharing
from docgen.services import templates as word_templates
from docgen.services.access import require_role

router = APIRouter(route_class=UiRoute)
ADMINS = frozenset({Role.admin})
ROLES = [r.value for r in Role]


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
        users=auth.list_users(session),
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
    user = auth.user_named(session, name)
    key = auth.rotate_key(session, user, services.settings.secret_key, viewer.who.name)
    return _users(request, session, viewer, new_key={"name": user.name, "key": key})


@router.get("/admin/policies", response_class=HTMLResponse)
def policies(request: Request, services: ServicesDep, viewer: ViewerDep) -> HTMLResponse:
    require_role(viewer.who, ADMINS | {Role.manager}, "see the write-off policies")
    return page(request, "admin_policies.html", viewer, policies=policy_book(services.settings).all())


@router.get("/admin/templates", response_class=HTMLResponse)
def templates(
    request: Request, session: SessionDep, services: ServicesDep, viewer: ViewerDep
) -> HTMLResponse:
    require_role(viewer.who, ADMINS, "see the templates")
    return _templates(request, session, services.settings, viewer)


def _templates(
    request: Request, session: Session, settings: Settings, viewer: Viewer, status: int = 200, **extra: Any
) -> HTMLResponse:
    extra.setdefault("errors", {})
    return page(
        request,
        "admin_templates.html",
        viewer,
        status=status,
        files=word_templates.html_templates(settings),
        word=word_templates.word_templates(session, settings),
        **extra,
    )


@router.post("/admin/templates/{doc_type}", response_class=HTMLResponse)
async def replace_template(
    request: Request, services: ServicesDep, viewer: AsyncFormViewerDep, doc_type: str
) -> Response:
    require_role(viewer.who, ADMINS, "replace templates")
    # each type's file field is named after the type, so that its error sits beside it
    field = f"template_{doc_type}"
    upload = (await request.form()).get(field)
    limit = word_templates.MAX_TEMPLATE_BYTES
    data = await upload.read(limit + 1) if isinstance(upload, StarletteUpload) else b""
    settings = services.settings

    def work(session: Session) -> Response:
        try:
            row = word_templates.replace(session, services.store, settings, viewer.who, doc_type, data)
        except InvalidInput as exc:
            session.rollback()
            plain = [p for p in exc.problems if p.path == "template"]
            message = plain[0].message if plain and len(exc.problems) == 1 else exc.message
            return _templates(
                request,
                session,
                settings,
                viewer,
                status=422,
                errors={field: message},
                lint={doc_type: exc.problems},
            )
        return _templates(
            request, session, settings, viewer, done=f"{row.name} replaced; new documents use it now."
        )

    return await services.in_transaction(work)


@router.post("/admin/templates/{doc_type}/rollback", response_class=HTMLResponse)
def roll_back_template(
    request: Request, session: SessionDep, services: ServicesDep, viewer: FormViewerDep, doc_type: str
) -> Response:
    require_role(viewer.who, ADMINS, "roll back templates")
    word_templates.roll_back(session, services.settings, viewer.who, doc_type)
    name = word_templates.find(session, services.settings, doc_type).name
    return _templates(request, session, services.settings, viewer, done=f"{name} rolled back.")


@router.post("/admin/users/contact", response_class=HTMLResponse)
def user_contact(
    request: Request,
    session: SessionDep,
    viewer: FormViewerDep,
    user_name: Annotated[str, Form()] = "",
    email: Annotated[str, Form(max_length=300)] = "",
    panel_member: Annotated[str, Form()] = "",
) -> Response:
    require_role(viewer.who, ADMINS, "manage users")
    values = {"user_name": user_name, "email": email, "panel_member": panel_member}
    try:
        people.set_contact(session, viewer.who, user_name, email, panel_member == "yes")
    except DocgenError as exc:
        session.rollback()
        errors = field_errors(exc.problems) or {"email": exc.message}
        return _users(
            request, session, viewer, status=exc.status, contact_errors=errors, contact_values=values
        )
    return _users(request, session, viewer, contact_saved=user_name)


@router.get("/admin/organisations", response_class=HTMLResponse)
def organisations_page(request: Request, session: SessionDep, viewer: ViewerDep) -> HTMLResponse:
    require_role(viewer.who, ADMINS, "register organisations")
    return _organisations(request, session, viewer)


def _organisations(
    request: Request, session: Session, viewer: Viewer, status: int = 200, **extra: Any
) -> HTMLResponse:
    extra.setdefault("errors", {})
    extra.setdefault("values", {})
    return page(
        request,
        "admin_organisations.html",
        viewer,
        status=status,
        organisations=sharing.list_organisations(session, viewer.who),
        **extra,
    )


@router.post("/admin/organisations", response_class=HTMLResponse)
def register_organisation(
    request: Request,
    session: SessionDep,
    viewer: FormViewerDep,
    name: Annotated[str, Form(max_length=300)] = "",
    contact_email: Annotated[str, Form(max_length=300)] = "",
) -> Response:
    values = {"name": name, "contact_email": contact_email}
    try:
        made = sharing.register_organisation(session, viewer.who, name, contact_email)
    except DocgenError as exc:
        session.rollback()
        return _organisations(
            request, session, viewer, status=exc.status, errors=field_errors(exc.problems), values=values
        )
    return _organisations(request, session, viewer, registered=made.name)
