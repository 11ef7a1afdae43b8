"""Users and their API keys (admin only). A key is shown once, in the answer that makes it."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import CurrentUser, SessionDep, SettingsDep
from api.schemas import UserCreate, UserCreatedPublic, UserPublic
from docgen.register.models import Role
from docgen.services import auth
from docgen.services.access import require_role

router = APIRouter(tags=["users"])
ADMINS = frozenset({Role.admin})


@router.post("/users", status_code=201, response_model=UserCreatedPublic)
def create_user(
    session: SessionDep, settings: SettingsDep, user: CurrentUser, body: UserCreate
) -> UserCreatedPublic:
    require_role(user, ADMINS, "manage users")
    made, key = auth.create_user(
        session,
        name=body.name,
        role=body.role,
        organisation=body.organisation,
        approval_limit=body.approval_limit,
        pepper=settings.secret_key,
        actor=user.name,
    )
    return UserCreatedPublic(
        name=made.name,
        role=made.role,
        organisation=made.organisation,
        approval_limit=made.approval_limit,
        api_key=key,
    )


@router.get("/users", response_model=list[UserPublic])
def list_users(session: SessionDep, user: CurrentUser) -> list[UserPublic]:
    require_role(user, ADMINS, "list users")
    return [
        UserPublic(name=u.name, role=u.role, organisation=u.organisation, approval_limit=u.approval_limit)
        for u in auth.list_users(session)
    ]


@router.get("/me", response_model=UserPublic)
def me(user: CurrentUser) -> UserPublic:
    limit = str(user.approval_limit) if user.approval_limit is not None else None
    return UserPublic(
        name=user.name, role=user.role.value, organisation=user.organisation, approval_limit=limit
    )
