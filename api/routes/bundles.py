"""Court bundles from a spec naming stored versions and uploads; late documents added at the
end of the stored bundle without moving a page. Volumes download like any document.

A bundle with more scanned pages to read for text than ``bundle_job_scanned_pages`` (OCR takes a
few seconds a page) is not built while the request waits: the answer is 202 with a job whose
progress counts the scanned pages read, as it is for any bundle when the client sends
``Prefer: respond-async``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Header, Query, Response
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from api.deps import CurrentUserOwnTransaction, ServicesDep
from api.routes.documents import prefers_async
from api.schemas import GeneratedPublic, JobPublic, VersionPublic
from docgen.services import bundle_jobs, generation, jobs

router = APIRouter(tags=["bundles"])


@router.post(
    "/cases/{case_ref:path}/bundles",
    status_code=201,
    response_model=list[GeneratedPublic],
    responses={
        202: {
            "model": JobPublic,
            "description": "queued as a job: the bundle has many scanned pages to read for text, or "
            "the client sent Prefer: respond-async; the job's progress counts the scanned pages read",
        }
    },
)
async def make_bundle(
    services: ServicesDep,
    user: CurrentUserOwnTransaction,
    case_ref: str,
    spec: Annotated[dict[str, Any], Body(description="a bundle spec whose sources are versions or uploads")],
    response: Response,
    late: Annotated[bool, Query(description="add the spec's new items to the stored bundle")] = False,
    prefer: Annotated[str | None, Header()] = None,
) -> list[GeneratedPublic] | JSONResponse:
    """One version per volume; unchanged inputs return the stored volumes (200, stored false)."""
    request = generation.BundleRequest.of(
        case_ref, spec, user, late, ocr_page_limit=services.settings.bundle_job_scanned_pages
    )
    if prefers_async(prefer):
        return await _as_job(services, request, {"Preference-Applied": "respond-async"})
    try:
        made = await generation.generate_async(services.backend, request, services.gates)
    except bundle_jobs.TooSlowHere:
        return await _as_job(services, request, {})
    if not made.stored:
        response.status_code = 200
    return [GeneratedPublic(stored=r.created, version=VersionPublic.of(r.version)) for r in made.results]


async def _as_job(
    services: ServicesDep, request: generation.BundleRequest, headers: dict[str, str]
) -> JSONResponse:
    def queue(session: Session) -> JobPublic:
        job = bundle_jobs.submit(session, request)
        jobs.enqueue(session, job, services.send)
        return JobPublic.of(job)

    job = await services.in_transaction(queue)
    headers = {"Location": f"/api/v1/jobs/{job.id}", **headers}
    return JSONResponse(job.model_dump(mode="json"), 202, headers=headers)
