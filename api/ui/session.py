"""The browser session: a cookie holding a random token for a session kept in the register
(docgen.services.web_sessions), and a CSRF token bound to that session.

The API key itself is never kept in the browser after sign-in. Every POST form repeats the CSRF
token in a hidden field, which a page on another site cannot read, so it cannot forge the form.
Signing out, or a new key for the user, ends the session in the register: the old cookie is then
worth nothing."""

from __future__ import annotations

import hmac

from fastapi import Request, Response
from sqlalchemy.orm import Session

from docgen.errors import DocgenError
from docgen.services import web_sessions
from docgen.services.auth import Principal

COOKIE = "docgen_session"
MAX_AGE = int(web_sessions.LIFETIME.total_seconds())

#: the session as the pages know it: its id, user and CSRF token
UiSession = web_sessions.Active


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


def is_https(request: Request) -> bool:
    return request.url.scheme == "https"


def start(session: Session, request: Request, response: Response, user: str, secure: bool) -> None:
    """Begin a session for ``user``; its cookie is Secure whenever the page came over https."""
    token = web_sessions.begin(session, user)
    response.set_cookie(
        COOKIE,
        token,
        max_age=MAX_AGE,
        httponly=True,
        samesite="lax",
        secure=secure or is_https(request),
        path="/",
    )


def end(session: Session, ui: UiSession | None, response: Response) -> None:
    web_sessions.end(session, ui)
    response.delete_cookie(COOKIE, path="/")


def read(request: Request, session: Session) -> UiSession | None:
    return web_sessions.find(session, request.cookies.get(COOKIE))


def principal(session: Session, ui: UiSession | None) -> Principal:
    """The signed-in user as the API's access rules know them; a removed user, or one with a new
    key since signing in, is signed out."""
    if ui is None:
        raise SignInRequired()
    who = web_sessions.principal(session, ui)
    if who is None:
        raise SignInRequired()
    return who


def check_csrf(ui: UiSession | None, sent: str | None) -> None:
    if ui is None or not sent or not hmac.compare_digest(ui.csrf, sent):
        raise BadCsrf()
