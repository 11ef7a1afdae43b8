"""Importing a batch of cases from a council's CSV or XLSX export, with the per-row report.

The files are read and kept by docgen.services.imports: read exactly as the command line reads them,
each accepted case added through the same service as the API's POST /cases."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response

from api.deps import ServicesDep
from api.ui.web import AsyncFormViewerDep, UiRoute, ViewerDep, page
from docgen.errors import DocgenError
from docgen.services import imports
from docgen.services.access import require_writer

router = APIRouter(route_class=UiRoute)
SUFFIXES = {
    "cases_file": (".csv", ".xlsx"),
    "debts_file": (".csv", ".xlsx"),
    "mapping_file": (".yaml", ".yml", ".json"),
}


@router.get("/import", response_class=HTMLResponse)
def import_form(request: Request, viewer: ViewerDep) -> HTMLResponse:
    require_writer(viewer.who, "import cases")
    return page(request, "import.html", viewer, errors={}, report=None)


@router.post("/import", response_class=HTMLResponse)
async def import_batch(
    request: Request,
    services: ServicesDep,
    viewer: AsyncFormViewerDep,
    cases_file: Annotated[UploadFile | None, File()] = None,
    debts_file: Annotated[UploadFile | None, File()] = None,
    mapping_file: Annotated[UploadFile | None, File()] = None,
    valid_only: Annotated[str, Form()] = "",
) -> Response:
    require_writer(viewer.who, "import cases")
    limit = services.settings.max_upload_bytes
    errors: dict[str, str] = {}
    uploads: dict[str, tuple[str, bytes]] = {}
    for name, upload in (
        ("cases_file", cases_file),
        ("debts_file", debts_file),
        ("mapping_file", mapping_file),
    ):
        if upload is None or not upload.filename:
            continue
        suffix = Path(upload.filename).suffix.lower()
        data = await upload.read(limit + 1)
        if suffix not in SUFFIXES[name]:
            errors[name] = f"Choose a {' or '.join(SUFFIXES[name])} file"
        elif not data:
            errors[name] = "The file is empty"
        elif len(data) > limit:
            errors[name] = f"The file must be smaller than {limit:,} bytes"
        else:
            uploads[name] = (Path(upload.filename).name, data)
    if "cases_file" not in uploads and "cases_file" not in errors:
        errors["cases_file"] = "Choose the cases file (.csv or .xlsx)"
    if errors:
        return page(request, "import.html", viewer, status=422, errors=errors, report=None)
    try:
        # read in a worker thread with no transaction open; kept in one short transaction
        result = await run_in_threadpool(imports.read, uploads)
        report = await services.in_transaction(
            lambda session: imports.keep(session, viewer.who, result, bool(valid_only))
        )
    except DocgenError as exc:
        return page(
            request, "import.html", viewer, status=exc.status, errors={"cases_file": exc.message}, report=None
        )
    return page(request, "import.html", viewer, errors={}, report=report)
