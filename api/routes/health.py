"""Liveness (the process answers) and readiness (the database answers and the store takes a write).

``/healthz`` runs on the event loop itself, never in the worker-thread pool, so that it answers
even when every thread is busy."""

from __future__ import annotations

import logging

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text

from api.deps import ServicesDep
from docgen.storage import check_writable

router = APIRouter(tags=["health"])
log = logging.getLogger("docgen.api")


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz")
def readyz(services: ServicesDep) -> JSONResponse:
    checks: dict[str, str] = {}
    try:
        with services.sessions() as session:
            session.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception as exc:
        log.warning("readiness: database: %s", exc)
        checks["database"] = "unavailable"
    try:
        check_writable(services.store)
        checks["storage"] = "ok"
    except Exception as exc:
        log.warning("readiness: storage: %s", exc)
        checks["storage"] = "unavailable"
    ready = all(v == "ok" for v in checks.values())
    return JSONResponse(
        {"status": "ready" if ready else "not ready", "checks": checks}, 200 if ready else 503
    )
