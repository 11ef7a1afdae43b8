"""Documents and their versions: generate one now, list, read, download, issue.

Every route by document id answers 404 when the caller may not see the document's case, exactly
as for an id that does not exist."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Header, Request, Response
from fastapi.responses import JSONResponse, StreamingResponse
from sqlalchemy.orm import Session

from api.deps import CurrentUser, CurrentUserOwnTransaction, ServicesDep, SessionDep, SettingsDep, StoreDep
from api.guard import prefers_async
from api.schemas import (
    DocumentPublic,
    GenerateCreate,
    GeneratedPublic,
    IssuedPublic,
    JobPublic,
    MatchingEventPublic,
    VersionPublic,
)
from docgen.render.pool import PoolBusy
from docgen.services import documents, generation, jobs, notices

router = APIRouter(tags=["documents"])


@router.post(
    "/cases/{case_ref:path}/documents",
    status_code=201,
    response_model=GeneratedPublic,
    responses={
        202: {
            "model": JobPublic,
            "description": "busy, and the client sent Prefer: respond-async: queued as a job",
        },
        429: {"description": "busy: try again after Retry-After seconds, or send Prefer: respond-async"},
    },
)
async def generate(
    services: ServicesDep,
    user: CurrentUserOwnTransaction,
    case_ref: str,
    body: GenerateCreate,
    response: Response,
    http: Request,
    prefer: Annotated[str | None, Header()] = None,
) -> GeneratedPublic | JSONResponse:
    """Make one document now. Unchanged inputs return the existing version (200, stored false).

    The render runs in the render pool. When the renders already admitted would make this one wait
    longer than the configured time, the answer comes at once: 429 with Retry-After from the door,
    before the key is checked or the body read, or, when the client sent ``Prefer: respond-async``
    (RFC 7240), 202 with a job from here, before the case is read (a request whose inputs are
    unchanged is refused too while the pool is that busy: telling it apart would cost the work the
    refusal saves)."""
    as_of = body.as_of or date.today()
    request = generation.PaperRequest(
        body.doc_type, case_ref, as_of, user, body.options, body.engine, redacted=body.redacted
    )
    # admitted at the door (api.guard) unless the client prefers a job when busy
    seat = getattr(http.state, "render_seat", None)
    try:
        if seat is None:
            seat = services.render_pool.take_seat()
        with seat:
            made = await generation.generate_async(services.backend, request, services.seated_gates(seat))
    except PoolBusy:
        if not prefers_async(prefer):
            raise

        def as_job(session: Session) -> JobPublic:
            item = jobs.Item(case_ref, body.doc_type, body.options, body.engine, body.redacted)
            job, _created = jobs.submit_generate(session, user, [item], as_of, None)
            jobs.enqueue(session, job, services.send)
            return JobPublic.of(job)

        job = await services.in_transaction(as_job)
        headers = {"Location": f"/api/v1/jobs/{job.id}", "Preference-Applied": "respond-async"}
        return JSONResponse(job.model_dump(mode="json"), 202, headers=headers)
    if not made.stored:
        response.status_code = 200
    return GeneratedPublic(stored=made.stored, version=VersionPublic.of(made.version))


@router.get("/cases/{case_ref:path}/documents", response_model=list[DocumentPublic])
def list_documents(session: SessionDep, user: CurrentUser, case_ref: str) -> list[DocumentPublic]:
    return [DocumentPublic.of(d) for d in documents.for_case(session, user, case_ref)]


@router.get("/documents/{document_id}", response_model=DocumentPublic)
def get_document(session: SessionDep, user: CurrentUser, document_id: str) -> DocumentPublic:
    return DocumentPublic.of(documents.get(session, user, document_id))


@router.get("/documents/{document_id}/versions/{number}", response_model=VersionPublic)
def get_version(session: SessionDep, user: CurrentUser, document_id: str, number: int) -> VersionPublic:
    return VersionPublic.of(documents.version(session, user, document_id, number))


def _download(
    session: SessionDep,
    store: StoreDep,
    user: CurrentUser,
    document_id: str,
    number: int | None,
    if_none_match: str | None,
) -> Response:
    # the audit event is committed with the request's transaction, before the first byte goes out
    got = documents.download(session, store, user, document_id, number, if_none_match)
    if got.chunks is None:
        return Response(status_code=304, headers={"ETag": got.etag})
    headers = {
        "ETag": got.etag,
        "Content-Length": str(got.version.size),
        "Content-Disposition": f'attachment; filename="{got.filename}"',
        "Cache-Control": "private, no-cache",
    }
    return StreamingResponse(got.chunks, media_type="application/pdf", headers=headers)


@router.get("/documents/{document_id}/download", response_class=StreamingResponse)
def download_latest(
    session: SessionDep,
    store: StoreDep,
    user: CurrentUser,
    document_id: str,
    if_none_match: Annotated[str | None, Header()] = None,
) -> Response:
    return _download(session, store, user, document_id, None, if_none_match)


@router.get("/documents/{document_id}/versions/{number}/download", response_class=StreamingResponse)
def download_version(
    session: SessionDep,
    store: StoreDep,
    user: CurrentUser,
    document_id: str,
    number: int,
    if_none_match: Annotated[str | None, Header()] = None,
) -> Response:
    return _download(session, store, user, document_id, number, if_none_match)


@router.post("/documents/{document_id}/versions/{number}/issue", response_model=IssuedPublic)
def issue(
    session: SessionDep,
    store: StoreDep,
    settings: SettingsDep,
    user: CurrentUser,
    document_id: str,
    number: int,
) -> IssuedPublic:
    """Mark a version filed or served: from now on it can never be changed or deleted. For a letter,
    a claim or a demand the answer names the case event that records it (``record_event``)."""
    version = documents.issue(session, store, user, document_id, number, settings)
    document = documents.get(session, user, document_id)
    match = notices.matching_event(document.doc_type)
    offer = None
    if match is not None:
        kind, fields = match
        offer = MatchingEventPublic(kind=kind, fields=fields, url=f"/api/v1/cases/{document.case_ref}/events")
    return IssuedPublic(**VersionPublic.of(version).model_dump(), record_event=offer)
