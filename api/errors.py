"""Errors as HTTP answers: a DocgenError's status, stable code, safe message and problem list.

The cause of an unexpected failure is logged with its traceback and kept from the client."""

from __future__ import annotations

import logging
from typing import Any

import sqlalchemy.exc
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from docgen.errors import DocgenError, Problem
from docgen.render.pool import PoolBusy

log = logging.getLogger("docgen.api")


def problem_body(code: str, message: str, problems: list[Problem]) -> dict[str, Any]:
    return {"code": code, "message": message, "problems": [p.as_dict() for p in problems]}


def _path(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc[1:] if loc and loc[0] in {"body", "query", "path", "header"} else loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


async def _docgen_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DocgenError)
    headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
    if isinstance(exc, PoolBusy):
        headers = {"Retry-After": str(exc.retry_after)}
    return JSONResponse(problem_body(exc.code, exc.message, exc.problems), exc.status, headers=headers)


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
    return JSONResponse(problem_body("internal", "an unexpected error occurred; it has been logged", []), 500)


def install(app: FastAPI) -> None:
    app.add_exception_handler(DocgenError, _docgen_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(sqlalchemy.exc.TimeoutError, _register_busy)
    app.add_exception_handler(sqlalchemy.exc.OperationalError, _register_busy)
    app.add_exception_handler(Exception, _unexpected)
