"""Court bundles built by a worker, for bundles with many scanned pages to read for text (OCR).

A door that waits for its answer (the API's POST .../bundles, the bundle builder page) asks the
corridor to read at most ``settings.bundle_job_scanned_pages`` scanned pages; a bundle with more
stops before the first is read (``TooSlowHere``) and the door queues it here instead, so that the
request does not wait minutes for Tesseract. POST .../bundle-jobs queues any bundle.

The job row holds the spec, so the task needs only the job's id. ``total`` and ``progress`` count
the scanned pages read, written at most once a second in short transactions of their own. The
bundle goes through the generation corridor like any other: its store step writes the volumes into
the job's result and ends the job in the same transaction. A job taken up again after a lost worker
starts over; the register's input-hash check answers with volumes already stored. A reasoned refusal
(a bad spec, a damaged upload) ends the job ``failed`` with that reason; any other fault is logged
and ends it ``failed`` as internal; the store or the database down is left to the task to retry.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from docgen.bundles.builder import TooSlowHere
from docgen.errors import Conflict
from docgen.register import unit_of_work
from docgen.register.models import Job, Role
from docgen.register.repositories import jobs as jobs_repo
from docgen.services import generation, jobs
from docgen.services.access import require_visible_case, require_writer
from docgen.services.auth import Principal
from docgen.services.backend import Backend
from docgen.services.bundles import DOC_TYPE, BundleRequest
from docgen.services.generation import Generated, ItemError

log = logging.getLogger(__name__)

KIND = "bundle"
TASK_BUNDLE = jobs.TASKS[KIND]
#: progress is written at most this often (each write is a transaction)
PROGRESS_EVERY_S = 1.0

__all__ = ["KIND", "TASK_BUNDLE", "TooSlowHere", "run_bundle_job", "submit"]


def submit(session: Session, request: BundleRequest) -> Job:
    """A queued bundle job (sent by ``jobs.enqueue``), its maker's access checked now."""
    who = request.actor
    require_visible_case(session, who, request.case_ref)
    require_writer(who, "make bundles")
    job = Job(
        id=uuid.uuid4().hex,
        kind=KIND,
        status=jobs.QUEUED,
        total=0,
        progress=0,
        request={
            "case_ref": request.case_ref,
            "spec": request.spec.model_dump(mode="json"),
            "late": request.late,
        },
        result={"items": []},
        errors=[],
        created_by=who.name,
    )
    jobs_repo.add(session, job)
    return job


def run_bundle_job(backend: Backend, job_id: str) -> str | None:
    """Build and store the bundle a job asks for; the final status (None: no such job)."""
    me = jobs.worker_name()
    lease = timedelta(seconds=backend.settings.job_lease_s)
    with unit_of_work(backend.sessions) as session:
        job = jobs_repo.get(session, job_id)
        if job is None:
            return None
        if job.status in jobs.FINISHED:
            return job.status
        taken = jobs.take(job, me, lease, backend.settings.job_max_resumes)
        if taken is not None:
            return taken
        job.progress = 0
        request, actor = dict(job.request or {}), job.created_by
    with jobs.heartbeat(backend.sessions, job_id, me, lease / 4):
        return _run(backend, job_id, request, actor)


def _run(backend: Backend, job_id: str, request: dict[str, Any], actor: str) -> str:
    reported = _Progress(backend, job_id)
    case_ref = str(request["case_ref"])

    def stored(session: Session, made: Generated) -> None:
        job = _job(session, job_id)
        job.result = {
            "items": [{"index": n, **r.as_dict()} for n, r in enumerate(made.results)],
            "warnings": list(made.warnings),
        }
        job.total = max(job.total, reported.total)
        job.progress = job.total
        job.status = jobs.SUCCEEDED

    def work() -> str:
        bundle = BundleRequest.of(
            case_ref, request["spec"], Principal(actor, Role.officer), bool(request.get("late"))
        )
        # the maker's access was checked when the job was submitted
        bundle = replace(bundle, access_checked=True, progress=reported)
        generation.generate(backend, bundle, on_stored=stored)
        return jobs.SUCCEEDED

    outcome = generation.attempt(work, f"bundle job {job_id}", reraise=jobs.RETRYABLE)
    if isinstance(outcome, ItemError):
        _fail(backend, job_id, case_ref, outcome)
        return jobs.FAILED
    return outcome


class _Progress:
    """Scanned pages read, written to the job at most once a second (and always at the end)."""

    def __init__(self, backend: Backend, job_id: str) -> None:
        self.backend, self.job_id = backend, job_id
        self.total = 0
        self._last = 0.0
        self._lock = threading.Lock()

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        with self._lock:
            self.total = total
            if 0 < done < total and now - self._last < PROGRESS_EVERY_S:
                return
            self._last = now
        try:
            with unit_of_work(self.backend.sessions) as session:
                job = _job(session, self.job_id)
                job.progress, job.total = done, total
        except Exception:  # progress is news, not the work: the bundle goes on without it
            log.warning("bundle job %s: progress not written", self.job_id, exc_info=True)


def _fail(backend: Backend, job_id: str, case_ref: str, error: ItemError) -> None:
    def record(session: Session) -> None:
        job = _job(session, job_id)
        job.errors = [
            *job.errors,
            {"index": 0, "case_ref": case_ref, "doc_type": DOC_TYPE, **error.as_dict()},
        ]
        job.status = jobs.FAILED

    generation.retrying(lambda: _in_transaction(backend, record))


def _in_transaction(backend: Backend, work: Callable[[Session], None]) -> None:
    with unit_of_work(backend.sessions) as session:
        work(session)


def _job(session: Session, job_id: str) -> Job:
    job = jobs_repo.get(session, job_id)
    if job is None:
        raise Conflict(f"bundle job {job_id} disappeared while it ran", code="job_missing")
    return job
