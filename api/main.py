"""The FastAPI application. ``create_app(settings)`` builds everything the routes need once:
the register (migrated), the object store and the Celery client used to queue jobs."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI

from api import errors, openapi
from api.deps import Services
from api.guard import Guard
from api.routes import (
    approvals,
    bundles,
    cases,
    doctypes,
    documents,
    health,
    jobs,
    panels,
    shares,
    signatures,
    uploads,
    users,
    worklist,
    writeoff_batches,
)
from api.ui import routes as ui_routes
from docgen.config import Settings, get_settings
from docgen.jobs.app import make_celery
from docgen.register import open_register
from docgen.storage import make_store

API_PREFIX = "/api/v1"


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    services = Services(
        settings=settings,
        sessions=open_register(settings),
        store=make_store(settings),
        celery=make_celery(settings),
    )

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        services.render_pool.close()  # its worker processes go with the app

    app = FastAPI(
        lifespan=lifespan,
        title="docgen",
        version="1",
        description="Court-ready documents and bundles for council debt recovery",
        docs_url=None,  # served from the package by api.openapi: no CDN
        redoc_url=None,
        openapi_url="/openapi.json",
        generate_unique_id_function=openapi.operation_id,
    )
    app.state.services = services
    errors.install(app)
    # outermost: headers, body caps and credentials before any route reads a body
    app.add_middleware(Guard, services=services)
    app.include_router(health.router)
    v1 = APIRouter(prefix=API_PREFIX)
    # routes with a suffix after a case reference must come before /cases/{ref} itself
    for module in (
        doctypes,
        users,
        jobs,
        documents,
        signatures,
        uploads,
        shares,
        approvals,
        panels,
        writeoff_batches,
        bundles,
        worklist,
    ):
        v1.include_router(module.router)
    v1.include_router(cases.router)
    v1.include_router(cases.case_root)
    app.include_router(v1)
    ui_routes.mount(app)
    openapi.install(app)
    return app
