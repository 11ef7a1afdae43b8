"""Many documents as a job: 202 with the job's id, then status, progress, result and errors."""

from __future__ import annotations

import logging
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Header, Response

from api.deps import CurrentUser, ServicesDep, SessionDep
from api.schemas import JobCreate, JobPublic
from docgen.errors import DocgenError
from docgen.services import jobs

router = APIRouter(tags=["jobs"])
log = logging.getLogger("docgen.api")

TASK_GENERATE = "docgen.generate"


class QueueUnavailable(DocgenError):
    def __init__(self, message: str):
        super().__init__(message, code="queue_unavailable", status=503, exit_code=8)


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
    items = [jobs.Item(i.case_ref, i.doc_type, i.options, i.engine) for i in body.items]
    job, created = jobs.submit_generate(session, user, items, body.as_of or date.today(), idempotency_key)
    response.headers["Location"] = f"/api/v1/jobs/{job.id}"
    if not created:
        response.headers["Idempotent-Replayed"] = "true"
        return JobPublic.of(job)
    # committed before queueing: the worker must find the job row when the message reaches it
    session.commit()
    try:
        services.celery.send_task(TASK_GENERATE, args=[job.id])
    except Exception as exc:
        log.exception("could not queue job %s", job.id)
        # freed so that the client's retry with the same key makes a fresh job
        job.status, job.idempotency_key = jobs.FAILED, None
        job.errors = [{"index": None, "code": "queue_unavailable", "message": str(exc), "problems": []}]
        session.commit()
        raise QueueUnavailable("the job queue is unavailable; submit the job again later") from exc
    return JobPublic.of(job)


@router.get("/jobs/{job_id}", response_model=JobPublic)
def get_job(session: SessionDep, user: CurrentUser, job_id: str) -> JobPublic:
    return JobPublic.of(jobs.get_job(session, user, job_id))
