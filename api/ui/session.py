"""The browser session: a signed cookie naming the user, and a CSRF token bound to it.

The cookie carries the user's name and a random token, signed with the server's secret; the API
key itself is never kept in the browser after sign-in. Every POST form repeats the token in a
hidden field, which a page on another site cannot read, so it cannot forge the form."""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass

from fastapi import Request, Response
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy.orm import Session

from docgen.errors import DocgenError
from docgen.services.auth import Principal, principal_named

COOKIE = "docgen_session"
MAX_AGE = 8 * 60 * 60  # a working day
_SALT = "docgen.ui.session"


class SignInRequired(DocgenError):
    def __init__(self) -> None:
        super().__init__("sign in to continue", code="sign_in_required", status=401, exit_code=6)


class BadCsrf(DocgenError):
    def __init__(self) -> None:
        super().__init__(
            "the form had expired or did not come from this site; go back, reload it and try again",
            code="csrf",
            status=400,
            exit_code=2,
        )


@dataclass(frozen=True)
class UiSession:
    user: str
    csrf: str


def _serializer(secret: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt=_SALT)


def start(response: Response, secret: str, user: str, secure: bool) -> None:
    token = _serializer(secret).dumps({"u": user, "c": secrets.token_urlsafe(24)})
    response.set_cookie(
        COOKIE, token, max_age=MAX_AGE, httponly=True, samesite="lax", secure=secure, path="/"
    )


def end(response: Response) -> None:
    response.delete_cookie(COOKIE, path="/")


def read(request: Request, secret: str) -> UiSession | None:
    raw = request.cookies.get(COOKIE)
    if not raw:
        return None
    try:
        data = _serializer(secret).loads(raw, max_age=MAX_AGE)
    except BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("u"), str) or not isinstance(data.get("c"), str):
        return None
    return UiSession(data["u"], data["c"])


def principal(session: Session, ui: UiSession | None) -> Principal:
    """The signed-in user as the API's access rules know them; a removed user is signed out."""
    if ui is None:
        raise SignInRequired()
    who = principal_named(session, ui.user)
    if who is None:
        raise SignInRequired()
    return who


def check_csrf(ui: UiSession | None, sent: str | None) -> None:
    if ui is None or not sent or not hmac.compare_digest(ui.csrf, sent):
        raise BadCsrf()
