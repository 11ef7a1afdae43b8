"""Versions (download, thumbnail, issue), evidence uploads and the progress of generation jobs."""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, File, Request, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse, Response, StreamingResponse
from sqlalchemy.orm import Session

from api.deps import ServicesDep, SessionDep
from api.ui.cases import case_page, case_url
from api.ui.web import AsyncFormViewerDep, FormViewerDep, UiRoute, ViewerDep, page, see_other
from docgen.documents import registry
from docgen.errors import DocgenError, InvalidInput, Problem
from docgen.services import documents, evidence, jobs, thumbnails

router = APIRouter(route_class=UiRoute)

_UNSAFE_FILENAME = re.compile(r"[^A-Za-z0-9._-]+")


@router.get("/documents/{document_id}/versions/{number}/download")
def download(
    session: SessionDep, services: ServicesDep, viewer: ViewerDep, document_id: str, number: int
) -> Response:
    # the audit event is committed with the request's transaction, before the first byte goes out
    got = documents.download(session, services.store, viewer.who, document_id, number)
    assert got.chunks is not None
    headers = {
        "Content-Length": str(got.version.size),
        "Content-Disposition": f'inline; filename="{got.filename}"',
        "Cache-Control": "private, no-cache",
    }
    return StreamingResponse(got.chunks, media_type="application/pdf", headers=headers)


@router.get("/documents/{document_id}/versions/{number}/page1.png")
def page_one(
    session: SessionDep, services: ServicesDep, viewer: ViewerDep, document_id: str, number: int
) -> Response:
    png = thumbnails.page_one(
        session, services.store, viewer.who, document_id, number, services.settings.data_dir
    )
    return Response(png, media_type="image/png", headers={"Cache-Control": "private, max-age=86400"})


@router.post("/documents/{document_id}/versions/{number}/issue")
def issue(
    session: SessionDep, services: ServicesDep, viewer: FormViewerDep, document_id: str, number: int
) -> Response:
    documents.issue(session, services.store, viewer.who, document_id, number, services.settings)
    return see_other(case_url(documents.get(session, viewer.who, document_id).case_ref) + "#documents")


@router.post("/cases/{case_ref:path}/evidence", response_class=HTMLResponse)
async def upload_evidence(
    request: Request,
    services: ServicesDep,
    viewer: AsyncFormViewerDep,
    case_ref: str,
    evidence_file: Annotated[UploadFile | None, File(alias="evidence")] = None,
) -> Response:
    limit = services.settings.max_upload_bytes
    data = await evidence_file.read(limit + 1) if evidence_file else b""
    filename = (evidence_file and evidence_file.filename) or "evidence"
    content_type = (evidence_file and evidence_file.content_type) or "application/octet-stream"

    def work(session: Session) -> Response:
        try:
            if len(data) > limit:
                raise InvalidInput(
                    "too large", [Problem("evidence", f"The file must be smaller than {limit:,} bytes")]
                )
            evidence.store(
                session, services.store, viewer.who, case_ref, filename, data, content_type, services.settings
            )
        except DocgenError as exc:
            session.rollback()
            message = exc.problems[0].message if exc.problems else exc.message
            return case_page(
                request, session, services, viewer, case_ref, status=exc.status, errors={"evidence": message}
            )
        return see_other(case_url(case_ref) + "#uploads")

    return await services.in_transaction(work)


@router.get("/uploads/{upload_id}/download")
def download_upload(
    session: SessionDep, services: ServicesDep, viewer: ViewerDep, upload_id: str
) -> Response:
    """The file as it was uploaded, with the content type its content was checked to be."""
    upload, chunks = evidence.stream(session, services.store, viewer.who, upload_id)
    name = _UNSAFE_FILENAME.sub("-", upload.filename).strip("-") or "evidence"
    return StreamingResponse(
        chunks,
        media_type=evidence.served_type(upload),
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Content-Length": str(upload.size),
            "Cache-Control": "private, no-cache",
        },
    )


@router.get("/jobs/{job_id}", response_class=HTMLResponse)
def job_page(request: Request, session: SessionDep, viewer: ViewerDep, job_id: str) -> HTMLResponse:
    job = jobs.get_job(session, viewer.who, job_id)
    return page(request, "job.html", viewer, job=job_view(job))


@router.get("/jobs/{job_id}/status")
def job_status(session: SessionDep, viewer: ViewerDep, job_id: str) -> JSONResponse:
    return JSONResponse(job_view(jobs.get_job(session, viewer.who, job_id)))


def job_view(job: Any) -> dict[str, Any]:
    items = (job.request or {}).get("items", [])
    case_ref = items[0]["case_ref"] if items else ""
    return {
        "id": job.id,
        "status": job.status,
        "progress": job.progress,
        "total": job.total,
        "finished": job.status in jobs.FINISHED,
        "case_url": case_url(case_ref) if case_ref else "/ui/cases",
        "case_ref": case_ref,
        "doc_types": [_title(i["doc_type"]) for i in items],
        "errors": [
            {"message": e.get("message", ""), "problems": e.get("problems", [])} for e in job.errors or []
        ],
    }


def _title(doc_type: str) -> str:
    try:
        return registry.get(doc_type).title
    except DocgenError:
        return doc_type
