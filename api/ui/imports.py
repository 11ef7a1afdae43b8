"""Importing a batch of cases from a council's CSV or XLSX export, with the per-row report.

The form hands the files to docgen.services.imports, which keeps them and queues a job; the page
then follows the job and shows its report when it ends. The files are read by docgen.imports
exactly as the command line reads them, in a worker, never while the request waits; each accepted
case is added through the same service as the API's POST /cases."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response

from api.deps import ServicesDep, SessionDep
from api.ui.web import FormViewerDep, UiRoute, ViewerDep, page, see_other
from docgen.errors import DocgenError, NotFound
from docgen.register.models import Job
from docgen.services import imports, jobs
from docgen.services.access import require_writer

router = APIRouter(route_class=UiRoute)


@router.get("/import", response_class=HTMLResponse)
def import_form(request: Request, viewer: ViewerDep) -> HTMLResponse:
    require_writer(viewer.who, "import cases")
    return page(request, "import.html", viewer, errors={}, report=None, job=None)


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
    limit = services.settings.max_import_bytes
    files: dict[str, imports.ImportFile] = {}
    for field, upload in (
        ("cases_file", cases_file),
        ("debts_file", debts_file),
        ("mapping_file", mapping_file),
    ):
        if upload is not None and upload.filename:
            files[field] = imports.ImportFile(upload.filename, await upload.read(limit + 1))
    errors = imports.check_files(files, limit)
    if errors:
        return page(request, "import.html", viewer, status=422, errors=errors, report=None, job=None)

    def submit() -> Job:
        # the files kept, the job committed, then queued: all off the event loop
        job = imports.submit(session, services.backend, viewer.who, files, bool(valid_only))
        imports.enqueue(session, job, services.send)
        return job

    try:
        job = await run_in_threadpool(submit)
    except DocgenError as exc:
        await run_in_threadpool(session.rollback)
        return page(
            request,
            "import.html",
            viewer,
            status=exc.status,
            errors={"cases_file": exc.message},
            report=None,
            job=None,
        )
    return see_other(f"/ui/import/{job.id}")


@router.get("/import/{job_id}", response_class=HTMLResponse)
def import_progress(request: Request, session: SessionDep, viewer: ViewerDep, job_id: str) -> HTMLResponse:
    """The import's progress while it runs; its report (or what stopped it) once it ends."""
    job = jobs.get_job(session, viewer.who, job_id)
    if job.kind != imports.KIND:
        raise NotFound("no such import", code="job_not_found")
    if job.status not in jobs.FINISHED:
        return page(request, "import.html", viewer, errors={}, report=None, job=_progress(job))
    report = (job.result or {}).get("report") or None
    stopped = [e for e in job.errors or [] if e.get("index") is None]
    errors = {"cases_file": stopped[-1]["message"]} if stopped and not report else {}
    status = 422 if errors else 200
    return page(request, "import.html", viewer, status=status, errors=errors, report=report, job=None)


def _progress(job: Job) -> dict[str, Any]:
    return {"id": job.id, "progress": job.progress, "total": job.total}
