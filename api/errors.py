"""Errors as HTTP answers: a DocgenError's status, stable code, safe message and problem list.

The cause of an unexpected failure is logged with its traceback and kept from the client."""

from __future__ import annotations

import logging
from typing import Any

import sqlalchemy.exc
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from api.guard import BodyTooLarge
from docgen.errors import DocgenError, Problem
from docgen.render.pool import PoolBusy
from docgen.services.access import audit_refusal

log = logging.getLogger("docgen.api")


def _clean(value: Any) -> Any:
    """Text that may quote the request back, made encodable (no lone surrogates) and short."""
    if isinstance(value, str):
        text = value.encode("utf-8", "replace").decode("utf-8")
        return text if len(text) <= 2000 else text[:1997] + "..."
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    return value


def problem_body(code: str, message: str, problems: list[Problem]) -> dict[str, Any]:
    return {
        "code": code,
        "message": _clean(message),
        "problems": [_clean(p.as_dict()) for p in problems],
    }


def _path(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc[1:] if loc and loc[0] in {"body", "query", "path", "header"} else loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


async def audit_denied(request: Request, exc: DocgenError) -> None:
    """Record a refusal of access in its own transaction (the request's own was rolled back)."""
    denied = exc.denied
    if not denied:
        return
    detail = {"reason": denied["reason"], "path": request.url.path[:300], "status": exc.status}

    def write(session: Any) -> None:
        audit_refusal(session, denied["actor"], denied["subject"], detail)

    try:
        await request.app.state.services.in_transaction(write)
    except Exception:  # the refusal stands whether or not the register could note it
        log.warning("could not audit a refused request to %s", request.url.path, exc_info=True)


async def _docgen_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DocgenError)
    await audit_denied(request, exc)
    headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
    if isinstance(exc, PoolBusy):
        headers = {"Retry-After": str(exc.retry_after)}
    elif exc.status == 503:
        headers = {"Retry-After": "5"}
    return JSONResponse(problem_body(exc.code, exc.message, exc.problems), exc.status, headers=headers)


_HTTP_CODES = {
    400: "bad_request",
    404: "not_found",
    405: "method_not_allowed",
    413: "request_too_large",
    415: "unsupported_media_type",
}


async def _http_error(_request: Request, exc: Exception) -> JSONResponse:
    """The framework's own refusals (no such route, wrong method, a body it cannot parse) in the
    same shape as every other error."""
    assert isinstance(exc, HTTPException)
    code = exc.cap.code if isinstance(exc, BodyTooLarge) else _HTTP_CODES.get(exc.status_code, "error")
    message = exc.detail if isinstance(exc.detail, str) else "the request cannot be answered"
    headers = dict(exc.headers or {})
    if exc.status_code == 413:
        headers["Connection"] = "close"
    return JSONResponse(problem_body(code, message, []), exc.status_code, headers=headers or None)


async def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    problems = [Problem(_path(tuple(e.get("loc", ()))), str(e.get("msg", "invalid"))) for e in exc.errors()]
    return JSONResponse(problem_body("invalid_input", "the request has problems", problems), 422)


async def _register_busy(_request: Request, exc: Exception) -> JSONResponse:
    # every pooled connection is taken, or the database does not answer: try again shortly
    log.warning("register unavailable: %s", exc)
    body = problem_body("register_unavailable", "the register is busy or unreachable; try again shortly", [])
    return JSONResponse(body, 503, headers={"Retry-After": "2"})


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
    # said, not left to the server: after a failure it does not know the state of, the server
    # closes this connection, and the client must not send its next request down it
    return JSONResponse(
        problem_body("internal", "an unexpected error occurred; it has been logged", []),
        500,
        headers={"Connection": "close"},
    )


def install(app: FastAPI) -> None:
    app.add_exception_handler(DocgenError, _docgen_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(sqlalchemy.exc.TimeoutError, _register_busy)
    app.add_exception_handler(sqlalchemy.exc.OperationalError, _register_busy)
    app.add_exception_handler(Exception, _unexpected)
