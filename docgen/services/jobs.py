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

A lost worker (killed whole, its machine gone) cannot say so. While a job runs, its worker says it
is alive on the job's row every quarter of a lease; ``reconcile``, run by every worker, finds jobs
not heard of for a whole lease and queues them again, and the next worker to take one carries on
from the first item without a version. A job taken up again more than ``job_max_resumes`` times,
or found running on a worker that is gone, ends ``failed`` with the reason, never ``running``
forever. Taking up a job that another worker is still running is refused, so a message delivered
twice never runs a job twice at once.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
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
from docgen.services.access import can_see_case, denied, require_writer
from docgen.services.auth import Principal
from docgen.services.backend import Backend
from docgen.services.generation import Generated, ItemError, PaperRequest

log = logging.getLogger(__name__)

#: a job meets these when the store or the database is down; the task retries the whole job
RETRYABLE: tuple[type[BaseException], ...] = (StorageUnavailable, OperationalError)
MAX_ITEMS = 5000
TASK_GENERATE = "docgen.generate"
#: the task that runs each kind of job (imports: docgen.services.imports, bundles:
#: docgen.services.bundle_jobs, panel packs: docgen.services.packs)
TASKS = {
    "generate": TASK_GENERATE,
    "import": "docgen.import",
    "bundle": "docgen.bundle",
    "panel_pack": "docgen.panel_pack",
}

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
        send(TASKS.get(job.kind, TASK_GENERATE), args=[job.id])
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
    job = repo.get(session, job_id) if len(job_id) <= 64 else None
    if job is None:
        raise NotFound("no such job", code="job_not_found")
    if job.created_by != who.name and not who.sees_every_case:
        raise denied(NotFound("no such job", code="job_not_found"), who, f"job:{job_id}", "not theirs")
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
    me = worker_name()
    lease = timedelta(seconds=backend.settings.job_lease_s)
    with unit_of_work(backend.sessions) as session:
        job = repo.get(session, job_id)
        if job is None:
            return None
        if job.status in FINISHED:
            return job.status
        taken = take(job, me, lease, backend.settings.job_max_resumes)
        if taken is not None:
            return taken
        request = dict(job.request or {})
        start, actor = job.progress, job.created_by
    with heartbeat(backend.sessions, job_id, me, lease / 4):
        return _run_items(backend, job_id, request, start, actor, before_item)


def _run_items(
    backend: Backend,
    job_id: str,
    request: dict[str, Any],
    start: int,
    actor: str,
    before_item: Callable[[int], None] | None,
) -> str:
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


# -- workers that are lost ---------------------------------------------------------------------


def worker_name() -> str:
    """This process, as a job's row names its worker."""
    return f"{socket.gethostname()}:{os.getpid()}"


def worker_gone(name: str | None) -> bool:
    """Whether the worker process ``name`` is known to have stopped: it ran on this machine and its
    process is no more. A worker on another machine is known gone only by its silence (a lease)."""
    host, _, pid = (name or "").rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(at: datetime | None) -> datetime | None:
    # SQLite hands back naive datetimes for timezone-aware columns; they were written in UTC
    return at if at is None or at.tzinfo else at.replace(tzinfo=UTC)


def take(job: Job, me: str, lease: timedelta, max_resumes: int) -> str | None:
    """Claim ``job`` for this worker; None when it may run here, else the status to report (the
    job is another live worker's, or it has been taken up too often and now ends failed)."""
    now = _now()
    heard = _aware(job.heartbeat_at)
    if job.status == RUNNING and job.worker not in (None, me):
        if heard is not None and heard > now - lease and not worker_gone(job.worker):
            log.info("job %s is running on %s; this delivery leaves it there", job.id, job.worker)
            return RUNNING
        # it was running on a worker that stopped without a word: this delivery resumes it
        job.resumes = (job.resumes or 0) + 1
    if (job.resumes or 0) > max_resumes:
        _give_up_lost(job)
        return FAILED
    job.status, job.worker, job.heartbeat_at = RUNNING, me, now
    return None


def _give_up_lost(job: Job) -> None:
    reason = (
        f"the worker running this job stopped {job.resumes} times before finishing it "
        f"(last on {job.worker}); the job was given up"
    )
    job.status = FAILED
    job.errors = [*job.errors, {"index": None, "code": "worker_lost", "message": reason, "problems": []}]


@contextlib.contextmanager
def heartbeat(sessions: sessionmaker[Session], job_id: str, me: str, every: timedelta) -> Iterator[None]:
    """While the block runs, say on the job's row that this worker is alive, from a thread of its
    own (a long render does not silence it; a dead process does)."""
    stop = threading.Event()

    def beat() -> None:
        while not stop.wait(every.total_seconds()):
            # the database may be what is down: the task meets it too, and retries
            with contextlib.suppress(Exception), unit_of_work(sessions) as session:
                repo.heartbeat(session, job_id, me, _now())

    thread = threading.Thread(target=beat, name=f"heartbeat-{job_id[:8]}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=5)


def reconcile(backend: Backend, send: Queue, now: datetime | None = None) -> list[str]:
    """Queue again every job whose worker has not been heard of for a lease (running), whose retry
    is long overdue, or which was queued again and not taken up; returns their ids. A job queued
    again more than ``job_max_resumes`` times ends failed with the reason instead. Safe to run in
    every worker at once: each job is claimed by one conditional update, so it is queued once."""
    now = now or _now()
    settings = backend.settings
    lease = timedelta(seconds=settings.job_lease_s)
    # a retry waits up to a minute by its backoff, and says so when it starts waiting
    overdue_retry = lease + timedelta(seconds=60)
    with unit_of_work(backend.sessions) as session:
        silent = [
            *repo.last_heard(session, (RUNNING, QUEUED), before=now - lease),
            *repo.last_heard(session, (RETRYING,), before=now - overdue_retry),
        ]
        # a worker on this machine whose process has gone need not be waited for
        running = repo.last_heard(session, (RUNNING,), since=now - lease)
    found = [*silent, *(row for row in running if worker_gone(row[4]))]
    requeued: list[str] = []
    for job_id, status, heard, kind, _worker in found:
        with unit_of_work(backend.sessions) as session:
            if not repo.claim(session, job_id, status, heard, to=QUEUED, at=now):
                continue  # another worker's reconciler took it, or it moved on meanwhile
            job = repo.get(session, job_id)
            if job is None:
                continue
            if job.resumes > settings.job_max_resumes:
                _give_up_lost(job)
                log.warning("job %s: its worker was lost %d times; given up", job_id, job.resumes)
                continue
        log.warning("job %s: its worker was not heard of since %s; queued again", job_id, heard)
        try:
            send(TASKS.get(kind, TASK_GENERATE), args=[job_id])
            requeued.append(job_id)
        except Exception:
            log.exception("could not queue job %s again", job_id)
    return requeued


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
                job.heartbeat_at = _now()
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
