"""Importing a batch of cases from a council's CSV or XLSX export, with the per-row report.

The files are read by docgen.imports exactly as the command line reads them; each accepted case
is added through the same service as the API's POST /cases, so the same checks apply."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from api.deps import ServicesDep, SessionDep
from api.ui.web import FormViewerDep, UiRoute, Viewer, ViewerDep, page
from docgen.errors import DocgenError
from docgen.imports import read_cases, report_dict
from docgen.register.repositories import cases as cases_repo
from docgen.services import cases
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
    session: SessionDep,
    services: ServicesDep,
    viewer: FormViewerDep,
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
        report = _run(session, viewer, uploads, bool(valid_only))
    except DocgenError as exc:
        session.rollback()
        return page(
            request, "import.html", viewer, status=exc.status, errors={"cases_file": exc.message}, report=None
        )
    return page(request, "import.html", viewer, errors={}, report=report)


def _run(
    session: Session, viewer: Viewer, uploads: dict[str, tuple[str, bytes]], valid_only: bool
) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="docgen-import-") as tmp:
        paths = {}
        for field, (filename, data) in uploads.items():
            # each file in a folder of its own, so the report names it as the officer knows it
            folder = Path(tmp) / field
            folder.mkdir()
            paths[field] = folder / filename
            paths[field].write_bytes(data)
        result = read_cases(paths["cases_file"], paths.get("debts_file"), paths.get("mapping_file"))
    report = report_dict(result)
    report["imported"], report["skipped"] = [], []
    if result.problems and not valid_only:
        report["nothing_imported"] = True
        return report
    for case in result.accepted(valid_only=True):
        if cases_repo.get(session, case.case_ref) is not None:
            report["skipped"].append(case.case_ref)
            continue
        cases.create_case(session, viewer.who, case.model_dump(mode="json", by_alias=True))
        report["imported"].append(case.case_ref)
    return report
