"""Many documents as a job: 202 with the job's id, then status, progress, result and errors."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Header, Response

from api.deps import CurrentUser, ServicesDep, SessionDep
from api.schemas import JobCreate, JobPublic
from docgen.services import callbacks, jobs

router = APIRouter(tags=["jobs"])


@router.post("/jobs", status_code=202, response_model=JobPublic)
def submit(
    session: SessionDep,
    services: ServicesDep,
    user: CurrentUser,
    body: JobCreate,
    response: Response,
    idempotency_key: Annotated[str | None, Header(max_length=150)] = None,
) -> JobPublic:
    """Queue a batch. Sending the same Idempotency-Key again returns the first job and queues nothing."""
    items = [jobs.Item(i.case_ref, i.doc_type, i.options, i.engine, i.redacted) for i in body.items]
    callback = callbacks.check_url(body.callback_url, services.settings) if body.callback_url else None
    job, created = jobs.submit_generate(
        session, user, items, body.as_of or date.today(), idempotency_key, callback_url=callback
    )
    response.headers["Location"] = f"/api/v1/jobs/{job.id}"
    if not created:
        response.headers["Idempotent-Replayed"] = "true"
        return JobPublic.of(job)
    jobs.enqueue(session, job, services.send)
    return JobPublic.of(job)


@router.get("/jobs/{job_id}", response_model=JobPublic)
def get_job(session: SessionDep, user: CurrentUser, job_id: str) -> JobPublic:
    return JobPublic.of(jobs.get_job(session, user, job_id))
