"""Versions (download, thumbnail, issue), evidence uploads and the progress of generation jobs."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse, Response, StreamingResponse
from sqlalchemy.orm import Session

from api.deps import ServicesDep, SessionDep
from api.ui.cases import case_page, case_url
from api.ui.forms import Field, errors_for
from api.ui.web import AsyncFormViewerDep, FormViewerDep, UiRoute, ViewerDep, page, see_other
from docgen.errors import DocgenError, InvalidInput, Problem
from docgen.register.models import Upload
from docgen.services import documents, evidence, job_results, jobs, thumbnails
from docgen.services.access import require_writer

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


@router.get("/documents/{document_id}/versions/{number}/issue", response_class=HTMLResponse)
def issue_confirm(
    request: Request, session: SessionDep, viewer: ViewerDep, document_id: str, number: int
) -> Response:
    """Issuing is for good: the page says so and asks."""
    document = documents.get(session, viewer.who, document_id)
    require_writer(viewer.who, "issue documents")
    version = documents.version(session, viewer.who, document_id, number)
    title = (document.title or document.doc_type).split(" - ")[0]
    if version.is_issued:
        return see_other(case_url(document.case_ref) + "#documents")
    return page(
        request,
        "confirm.html",
        viewer,
        title=f"Issue version {number} of the {title}?",
        caption=f"Case {document.case_ref}",
        lines=[
            "Issue a version when it is filed at court, served or sent: it becomes the version of record.",
            f"Made {version.created_at:%-d %B %Y} by {version.created_by}"
            + (f", figures as at {version.as_of:%-d %B %Y}." if version.as_of else "."),
        ],
        warning="An issued version can never be changed or deleted.",
        action=f"/ui/documents/{document_id}/versions/{number}/issue",
        hidden={},
        fields=(),
        values={},
        errors={},
        confirm_words=f"Issue version {number}",
        back_url=case_url(document.case_ref) + "#documents",
        danger=False,
    )


@router.post("/documents/{document_id}/versions/{number}/issue")
def issue(
    session: SessionDep, services: ServicesDep, viewer: FormViewerDep, document_id: str, number: int
) -> Response:
    documents.issue(session, services.store, viewer.who, document_id, number, services.settings)
    case_ref = documents.get(session, viewer.who, document_id).case_ref
    return see_other(f"{case_url(case_ref)}?issued={document_id}-{number}#notice")


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
                    "too large",
                    [Problem("evidence", f"The file must be smaller than {evidence.size_words(limit)}")],
                )
            if data:
                evidence.kind_of(filename, data)
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


@router.get("/cases/{case_ref:path}/evidence/{upload_id}/withdraw", response_class=HTMLResponse)
def withdraw_confirm(
    request: Request, session: SessionDep, viewer: ViewerDep, case_ref: str, upload_id: str
) -> HTMLResponse:
    upload = _upload_of(session, viewer.who, case_ref, upload_id)
    require_writer(viewer.who, "withdraw evidence")
    return _withdraw_page(request, viewer, case_ref, upload, {}, {})


REASON = Field(
    "reason",
    "Why is it withdrawn?",
    "textarea",
    "For example, sent in error or replaced by a later statement",
)


def _withdraw_page(
    request: Request,
    viewer: Any,
    case_ref: str,
    upload: Upload,
    values: dict[str, Any],
    errors: dict[str, str],
    status: int = 200,
) -> HTMLResponse:
    return page(
        request,
        "confirm.html",
        viewer,
        status=status,
        title=f"Withdraw {upload.filename}?",
        caption=f"Case {case_ref}",
        lines=[
            "It will stay on the case and in any bundle already made, marked as withdrawn.",
            "It will not be offered for new bundles.",
        ],
        warning="",
        action=f"{case_url(case_ref)}/evidence/{upload.public_id}/withdraw",
        hidden={},
        fields=(REASON,),
        values=values,
        errors=errors,
        confirm_words="Withdraw it",
        back_url=case_url(case_ref) + "#uploads",
        danger=True,
    )


def _upload_of(session: Any, who: Any, case_ref: str, upload_id: str) -> Upload:
    return evidence.on_case(session, who, case_ref, upload_id)


@router.post("/cases/{case_ref:path}/evidence/{upload_id}/withdraw", response_class=HTMLResponse)
def withdraw(
    request: Request,
    session: SessionDep,
    viewer: FormViewerDep,
    case_ref: str,
    upload_id: str,
    reason: Annotated[str, Form(max_length=4000)] = "",
) -> Response:
    upload = _upload_of(session, viewer.who, case_ref, upload_id)
    try:
        evidence.withdraw(session, viewer.who, upload, reason)
    except InvalidInput as exc:
        session.rollback()
        return _withdraw_page(
            request,
            viewer,
            case_ref,
            upload,
            {"reason": reason},
            errors_for((REASON,), exc.problems),
            status=422,
        )
    return see_other(f"{case_url(case_ref)}?withdrawn={upload.public_id}#uploads")


@router.get("/jobs/{job_id}", response_class=HTMLResponse)
def job_page(request: Request, session: SessionDep, viewer: ViewerDep, job_id: str) -> HTMLResponse:
    job = jobs.get_job(session, viewer.who, job_id)
    return page(request, "job.html", viewer, job=job_view(job))


@router.get("/jobs/{job_id}/status")
def job_status(session: SessionDep, viewer: ViewerDep, job_id: str) -> JSONResponse:
    return JSONResponse(job_view(jobs.get_job(session, viewer.who, job_id)))


@router.get("/jobs/{job_id}/papers.zip")
def job_papers(session: SessionDep, services: ServicesDep, viewer: ViewerDep, job_id: str) -> Response:
    """Every paper the job made or kept, as one ZIP, each checked against the register."""
    job = jobs.get_job(session, viewer.who, job_id)
    archive = job_results.papers_zip(session, services.store, viewer.who, job)

    def chunks() -> Any:
        with archive:
            while block := archive.read(256 * 1024):
                yield block

    return StreamingResponse(
        chunks(),
        media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="papers-{job.id[:8]}.zip"'},
    )


def _working_words(job: Any) -> str:
    """What the page says while the job runs."""
    if job.kind != "bundle":
        return f"Working: {job.progress} of {job.total} done."
    if job.total:
        return f"Reading the scanned pages for text: {job.progress} of {job.total} read."
    return "Building the bundle."


def job_view(job: Any) -> dict[str, Any]:
    items = job_results.results(job)
    finished = job.status in jobs.FINISHED
    counts = {state: sum(1 for r in items if r.state == state) for state in ("made", "unchanged", "refused")}
    refs = {r.case_ref for r in items}
    single = next(iter(refs)) if len(refs) == 1 and job.kind != "panel_pack" else ""
    if job.kind == "panel_pack":
        heading, back_url, back_words = "Making the panel pack", "/ui/panel-packs", "Back to the panel packs"
    elif job.kind == "bundle":
        heading, back_url, back_words = (
            "Building the court bundle",
            case_url(single) + "#documents",
            "Back to the case",
        )
    elif single:
        heading = (
            "Making " + ", ".join(r.title for r in items)[:1].lower() + ", ".join(r.title for r in items)[1:]
        )
        back_url, back_words = case_url(single) + "#documents", "Back to the case"
    else:
        heading, back_url, back_words = (
            f"Making the next step for {len(items)} cases",
            "/ui/worklist",
            "Back to the worklist",
        )
    rows = []
    for r in items:
        row = r.as_dict()
        row["case_url"] = "" if r.case_ref.startswith("panel:") else case_url(r.case_ref)
        if r.case_ref.startswith("panel:"):
            meeting = date.fromisoformat(r.case_ref.split(":", 1)[1])
            row["case_words"] = f"Meeting of {meeting.day} {meeting:%B %Y}"
        rows.append(row)
    return {
        "id": job.id,
        "kind": job.kind,
        "status": job.status,
        "progress": job.progress,
        "total": job.total,
        "finished": finished,
        "working": _working_words(job),
        "heading": heading,
        "case_ref": single,
        "case_url": case_url(single) if single else "",
        "rows": rows,
        "counts": counts,
        "general": job_results.general_errors(job),
        "errors": [
            {"message": r.message, "problems": [{"message": m} for m in r.reasons]}
            for r in items
            if r.state == "refused"
        ],
        "zip_url": f"/ui/jobs/{job.id}/papers.zip"
        if finished and counts["made"] + counts["unchanged"]
        else "",
        "back_url": back_url,
        "back_words": back_words,
    }
