"""Batches of generation run as jobs.

A job row holds the request, so a task needs only the job's id. Each item goes through the
generation corridor, whose store step advances the job's progress in the same transaction as the
version it stores: a worker killed mid-job leaves the job at the last item that is really stored,
and the retry carries on from there. An item that was stored but not counted (killed between the
object write and the commit) is made again from the same inputs, and the register's input-hash
check returns the existing version instead of adding one.

One error policy (``generation.attempt``): an item refused for a reason records that reason; an
item that meets a fault records an ``internal`` error, logged with its traceback; either way the
next item is made, and a job always ends succeeded, partial or failed.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from docgen.documents import registry
from docgen.errors import Conflict, DocgenError, InvalidInput, NotFound, Problem, StorageUnavailable
from docgen.register import unit_of_work
from docgen.register.models import Job, Role
from docgen.register.repositories import cases as cases_repo
from docgen.register.repositories import jobs as repo
from docgen.services import generation
from docgen.services.access import can_see_case, require_writer
from docgen.services.auth import Principal
from docgen.services.backend import Backend
from docgen.services.generation import Generated, ItemError, PaperRequest

log = logging.getLogger(__name__)

#: a job meets these when the store or the database is down; the task retries the whole job
RETRYABLE: tuple[type[BaseException], ...] = (StorageUnavailable, OperationalError)
MAX_ITEMS = 5000
TASK_GENERATE = "docgen.generate"

QUEUED, RUNNING, RETRYING, SUCCEEDED, PARTIAL, FAILED = (
    "queued",
    "running",
    "retrying",
    "succeeded",
    "partial",
    "failed",
)
FINISHED = frozenset({SUCCEEDED, PARTIAL, FAILED})


@dataclass(frozen=True)
class Item:
    case_ref: str
    doc_type: str
    options: Mapping[str, str]
    engine: str | None = None
    redacted: bool = False

    def as_json(self) -> dict[str, Any]:
        return {
            "case_ref": self.case_ref,
            "doc_type": self.doc_type,
            "options": dict(self.options),
            "engine": self.engine,
            "redacted": self.redacted,
        }


def submit_generate(
    session: Session,
    who: Principal,
    items: Sequence[Item],
    as_of: date,
    idempotency_key: str | None = None,
    callback_url: str | None = None,
) -> tuple[Job, bool]:
    """(job, created). The same idempotency key from the same user returns the first job.
    With ``callback_url`` (checked by the caller, see services.callbacks) the job is POSTed there
    when it ends."""
    require_writer(who, "generate documents")
    scoped_key = f"{who.name}:{idempotency_key}" if idempotency_key else None
    if scoped_key is not None:
        found = repo.by_key(session, scoped_key)
        if found is not None:
            return found, False
    _check_items(session, who, items)
    job = Job(
        id=uuid.uuid4().hex,
        kind="generate",
        status=QUEUED,
        total=len(items),
        progress=0,
        request={
            "as_of": as_of.isoformat(),
            "items": [i.as_json() for i in items],
            **(
                {"callback": {"url": callback_url, "status": "waiting", "attempts": 0}}
                if callback_url
                else {}
            ),
        },
        result={"items": []},
        errors=[],
        idempotency_key=scoped_key,
        created_by=who.name,
    )
    try:
        with session.begin_nested():
            repo.add(session, job)
    except IntegrityError:
        # the same key arrived twice at once: the other request's job stands
        found = repo.by_key(session, scoped_key or "")
        if found is None:
            raise
        return found, False
    return job, True


class Queue(Protocol):
    """Where jobs are sent: the Celery app's ``send_task``, as a door hands it over."""

    def __call__(self, name: str, args: list[Any]) -> Any: ...


class QueueUnavailable(DocgenError):
    def __init__(self, message: str = "the job queue is unavailable; submit the job again later"):
        super().__init__(message, code="queue_unavailable", status=503, exit_code=8)


def enqueue(session: Session, job: Job, send: Queue) -> None:
    """Commit the job, then queue it: the worker must find the row when the message reaches it.
    When the queue cannot be reached the job is ended ``failed`` and its idempotency key freed, so
    that the client's retry with the same key makes a fresh job."""
    session.commit()
    try:
        send(TASK_GENERATE, args=[job.id])
    except Exception as exc:
        log.exception("could not queue job %s", job.id)
        job.status, job.idempotency_key = FAILED, None
        job.errors = [{"index": None, "code": "queue_unavailable", "message": str(exc), "problems": []}]
        session.commit()
        raise QueueUnavailable() from exc


def _check_items(session: Session, who: Principal, items: Sequence[Item]) -> None:
    if not items:
        raise InvalidInput("a job needs at least one item", [Problem("items", "empty")])
    if len(items) > MAX_ITEMS:
        raise InvalidInput(f"a job takes at most {MAX_ITEMS} items", [Problem("items", "too many")])
    problems: list[Problem] = []
    for n, item in enumerate(items):
        if cases_repo.get(session, item.case_ref) is None or not can_see_case(session, who, item.case_ref):
            problems.append(Problem(f"items[{n}].case_ref", f"no case {item.case_ref!r}", "case_not_found"))
        try:
            registry.get(item.doc_type)
        except NotFound as err:
            problems.append(Problem(f"items[{n}].doc_type", err.message, "unknown_doctype"))
    if problems:
        raise InvalidInput("the job request has problems", problems)


def get_job(session: Session, who: Principal, job_id: str) -> Job:
    job = repo.get(session, job_id)
    if job is None or (job.created_by != who.name and not who.sees_every_case):
        raise NotFound(f"no job {job_id!r}", code="job_not_found")
    return job


def run_generate_job(
    backend: Backend,
    job_id: str,
    *,
    before_item: Callable[[int], None] | None = None,
) -> str | None:
    """Work through a job from where it stands; returns the final status (None: no such job).

    Raises a RETRYABLE error when storage or the database is unreachable; anything else that
    goes wrong outside an item ends the job ``failed`` with an ``internal`` error, never leaves
    it running."""
    with unit_of_work(backend.sessions) as session:
        job = repo.get(session, job_id)
        if job is None:
            return None
        if job.status in FINISHED:
            return job.status
        job.status = RUNNING
        request = dict(job.request or {})
        start, actor = job.progress, job.created_by
    try:
        items = [
            Item(
                i["case_ref"], i["doc_type"], i.get("options") or {}, i.get("engine"), bool(i.get("redacted"))
            )
            for i in request["items"]
        ]
        as_of = date.fromisoformat(request["as_of"])
        # the request was checked against its maker when it was submitted
        who = Principal(actor, Role.officer)
        for n in range(start, len(items)):
            if before_item is not None:
                before_item(n)
            _run_item(backend, job_id, n, items[n], as_of, who)
        with unit_of_work(backend.sessions) as session:
            job = _locked_job(session, job_id)
            failed = len(job.errors)
            job.status = SUCCEEDED if failed == 0 else FAILED if failed == job.total else PARTIAL
            return job.status
    except RETRYABLE:
        raise
    except Exception:
        log.exception("job %s stopped by an unexpected error", job_id)
        _end_failed(backend.sessions, job_id, ItemError("internal", generation.INTERNAL_ERROR))
        return FAILED


def _run_item(backend: Backend, job_id: str, n: int, item: Item, as_of: date, who: Principal) -> None:
    request = PaperRequest(
        item.doc_type,
        item.case_ref,
        as_of,
        who,
        item.options,
        item.engine,
        access_checked=True,
        redacted=item.redacted,
    )

    def advance(session: Session, made: Generated) -> None:
        job = _locked_job(session, job_id)
        entry = {"index": n, **made.as_dict(), "case_ref": item.case_ref}
        job.result = {"items": [*job.result.get("items", []), entry]}
        job.progress = n + 1

    outcome = generation.attempt(
        lambda: generation.generate(backend, request, on_stored=advance),
        f"job {job_id} item {n} ({item.doc_type} for {item.case_ref})",
        reraise=RETRYABLE,
    )
    if isinstance(outcome, ItemError):
        error = {"index": n, "case_ref": item.case_ref, "doc_type": item.doc_type, **outcome.as_dict()}

        def record(session: Session) -> None:
            job = _locked_job(session, job_id)
            job.errors = [*job.errors, error]
            job.progress = n + 1

        generation.retrying(lambda: _in_transaction(backend, record))


def _in_transaction(backend: Backend, work: Callable[[Session], None]) -> None:
    with unit_of_work(backend.sessions) as session:
        work(session)


def _locked_job(session: Session, job_id: str) -> Job:
    job = repo.get(session, job_id)
    if job is None:
        raise Conflict(f"job {job_id} disappeared while it ran", code="job_missing")
    return job


def _end_failed(sessions: sessionmaker[Session], job_id: str, error: ItemError) -> None:
    """Best effort: the job ends ``failed`` with the error, unless it finished meanwhile."""
    try:
        with unit_of_work(sessions) as session:
            job = repo.get(session, job_id)
            if job is not None and job.status not in FINISHED:
                job.status = FAILED
                job.errors = [*job.errors, {"index": None, **error.as_dict()}]
    except Exception:
        log.exception("job %s could not be marked failed", job_id)


def note_retry(sessions: sessionmaker[Session], job_id: str, reason: str, attempt: int) -> None:
    """Best effort: the database may be the thing that is down."""
    try:
        with unit_of_work(sessions) as session:
            job = repo.get(session, job_id)
            if job is not None and job.status not in FINISHED:
                job.status = RETRYING
                job.result = {**job.result, "retries": attempt, "last_retry_reason": reason}
    except Exception:
        return


def give_up(sessions: sessionmaker[Session], job_id: str, reason: str) -> None:
    _end_failed(sessions, job_id, ItemError("gave_up", reason))


# --- callbacks: the job's end told to the URL it was submitted with -------------------------------


def callback_of(job: Job) -> dict[str, Any] | None:
    found = (job.request or {}).get("callback")
    return dict(found) if isinstance(found, dict) else None


def callback_due(factory: sessionmaker[Session], job_id: str) -> tuple[str, bytes] | None:
    """(url, signed body's payload) when the job has ended and its callback is not yet delivered."""
    from docgen.services import callbacks

    with unit_of_work(factory) as session:
        job = repo.get(session, job_id)
        if job is None or job.status not in FINISHED:
            return None
        found = callback_of(job)
        if found is None or found.get("status") == "delivered":
            return None
        return str(found["url"]), callbacks.body(job)


def note_callback(
    factory: sessionmaker[Session], job_id: str, status: str, attempts: int, detail: str = ""
) -> None:
    with unit_of_work(factory) as session:
        job = repo.get(session, job_id)
        found = callback_of(job) if job is not None else None
        if job is None or found is None:
            return
        found.update(status=status, attempts=attempts, detail=detail)
        job.request = {**(job.request or {}), "callback": found}
