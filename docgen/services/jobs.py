"""Batches of generation run as jobs.

A job row holds the request, so a task needs only the job's id. Each item is generated and the
job's progress advanced in the same transaction: a worker killed mid-job leaves the job at the
last item that is really stored, and the retry carries on from there. An item that was stored but
not counted (killed between the object write and the commit) is made again from the same inputs;
the register's input-hash check then returns the existing version instead of adding one.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from docgen.config import Settings
from docgen.documents import registry
from docgen.errors import Conflict, DocgenError, InvalidInput, NotFound, Problem, StorageUnavailable
from docgen.register import unit_of_work
from docgen.register.models import Job
from docgen.services import generation
from docgen.services import repository as repo
from docgen.services.access import can_see_case, require_writer
from docgen.services.auth import Principal
from docgen.services.cases import load_unchecked
from docgen.storage import ObjectStore

#: a job meets these when the store or the database is down; the task retries the whole job
RETRYABLE: tuple[type[BaseException], ...] = (StorageUnavailable, OperationalError)
MAX_ITEMS = 5000

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

    def as_json(self) -> dict[str, Any]:
        return {
            "case_ref": self.case_ref,
            "doc_type": self.doc_type,
            "options": dict(self.options),
            "engine": self.engine,
        }


def submit_generate(
    session: Session,
    who: Principal,
    items: Sequence[Item],
    as_of: date,
    idempotency_key: str | None = None,
) -> tuple[Job, bool]:
    """(job, created). The same idempotency key from the same user returns the first job."""
    require_writer(who, "generate documents")
    scoped_key = f"{who.name}:{idempotency_key}" if idempotency_key else None
    if scoped_key is not None:
        found = repo.job_by_key(session, scoped_key)
        if found is not None:
            return found, False
    _check_items(session, who, items)
    job = Job(
        id=uuid.uuid4().hex,
        kind="generate",
        status=QUEUED,
        total=len(items),
        progress=0,
        request={"as_of": as_of.isoformat(), "items": [i.as_json() for i in items]},
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
        found = repo.job_by_key(session, scoped_key or "")
        if found is None:
            raise
        return found, False
    return job, True


def _check_items(session: Session, who: Principal, items: Sequence[Item]) -> None:
    if not items:
        raise InvalidInput("a job needs at least one item", [Problem("items", "empty")])
    if len(items) > MAX_ITEMS:
        raise InvalidInput(f"a job takes at most {MAX_ITEMS} items", [Problem("items", "too many")])
    problems: list[Problem] = []
    for n, item in enumerate(items):
        if repo.get_case(session, item.case_ref) is None or not can_see_case(session, who, item.case_ref):
            problems.append(Problem(f"items[{n}].case_ref", f"no case {item.case_ref!r}", "case_not_found"))
        try:
            registry.get(item.doc_type)
        except NotFound as err:
            problems.append(Problem(f"items[{n}].doc_type", err.message, "unknown_doctype"))
    if problems:
        raise InvalidInput("the job request has problems", problems)


def get_job(session: Session, who: Principal, job_id: str) -> Job:
    job = repo.get_job(session, job_id)
    if job is None or (job.created_by != who.name and not who.sees_every_case):
        raise NotFound(f"no job {job_id!r}", code="job_not_found")
    return job


def run_generate_job(
    factory: sessionmaker[Session],
    store: ObjectStore,
    settings: Settings,
    job_id: str,
    *,
    before_item: Callable[[int], None] | None = None,
) -> str | None:
    """Work through a job from where it stands; returns the final status (None: no such job).

    Raises a RETRYABLE error when storage or the database is unreachable."""
    with unit_of_work(factory) as session:
        job = repo.get_job(session, job_id)
        if job is None:
            return None
        if job.status in FINISHED:
            return job.status
        job.status = RUNNING
        request = dict(job.request or {})
        start, actor = job.progress, job.created_by
    items = [
        Item(i["case_ref"], i["doc_type"], i.get("options") or {}, i.get("engine")) for i in request["items"]
    ]
    as_of = date.fromisoformat(request["as_of"])

    for n in range(start, len(items)):
        if before_item is not None:
            before_item(n)
        _run_item(factory, store, settings, job_id, n, items[n], as_of, actor)

    with unit_of_work(factory) as session:
        job = _locked_job(session, job_id)
        failed = len(job.errors)
        job.status = SUCCEEDED if failed == 0 else FAILED if failed == job.total else PARTIAL
        return job.status


def _run_item(
    factory: sessionmaker[Session],
    store: ObjectStore,
    settings: Settings,
    job_id: str,
    n: int,
    item: Item,
    as_of: date,
    actor: str,
) -> None:
    try:
        with unit_of_work(factory) as session:
            case = load_unchecked(session, item.case_ref)
            found = generation.existing(
                session, case, item.doc_type, item.options, as_of, item.engine, settings, actor
            )
        if found is None:
            rendered = generation.render(case, item.doc_type, item.options, as_of, item.engine, settings)
        with unit_of_work(factory) as session:
            result = found or generation.store_rendered(session, store, rendered, case, actor)
            job = _locked_job(session, job_id)
            job.result = {
                "items": [
                    *job.result.get("items", []),
                    {"index": n, **result.as_dict(), "case_ref": item.case_ref},
                ]
            }
            job.progress = n + 1
        return
    except RETRYABLE:
        raise
    except DocgenError as err:
        error: dict[str, Any] = {
            "index": n,
            "case_ref": item.case_ref,
            "doc_type": item.doc_type,
            "code": err.code,
            "message": err.message,
            "problems": [p.as_dict() for p in err.problems],
        }
    with unit_of_work(factory) as session:
        job = _locked_job(session, job_id)
        job.errors = [*job.errors, error]
        job.progress = n + 1


def _locked_job(session: Session, job_id: str) -> Job:
    job = repo.get_job(session, job_id)
    if job is None:
        raise Conflict(f"job {job_id} disappeared while it ran", code="job_missing")
    return job


def note_retry(factory: sessionmaker[Session], job_id: str, reason: str, attempt: int) -> None:
    """Best effort: the database may be the thing that is down."""
    try:
        with unit_of_work(factory) as session:
            job = repo.get_job(session, job_id)
            if job is not None and job.status not in FINISHED:
                job.status = RETRYING
                job.result = {**job.result, "retries": attempt, "last_retry_reason": reason}
    except Exception:
        return


def give_up(factory: sessionmaker[Session], job_id: str, reason: str) -> None:
    with unit_of_work(factory) as session:
        job = repo.get_job(session, job_id)
        if job is not None and job.status not in FINISHED:
            job.status = FAILED
            job.errors = [*job.errors, {"index": None, "code": "gave_up", "message": reason, "problems": []}]
