"""Jobs: a batch of papers asked for at once, worked through by a queue worker."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from docgen.register.models import Job


def get(session: Session, job_id: str) -> Job | None:
    return session.get(Job, job_id)


def by_key(session: Session, idempotency_key: str) -> Job | None:
    return session.scalar(select(Job).where(Job.idempotency_key == idempotency_key))


def add(session: Session, job: Job) -> Job:
    session.add(job)
    session.flush()
    return job


#: (id, status, last heard of, kind, worker) of a job, as the reconciler reads it
Heard = tuple[str, str, datetime | None, str, str | None]


def heartbeat(session: Session, job_id: str, worker: str, at: datetime) -> None:
    """The worker running the job says it is alive (nothing changes once another worker has it)."""
    session.execute(update(Job).where(Job.id == job_id, Job.worker == worker).values(heartbeat_at=at))


def last_heard(
    session: Session,
    statuses: Collection[str],
    *,
    before: datetime | None = None,
    since: datetime | None = None,
) -> list[Heard]:
    """Jobs in one of ``statuses`` last heard of before ``before`` (or at or after ``since``)."""
    query = select(Job.id, Job.status, Job.heartbeat_at, Job.kind, Job.worker).where(Job.status.in_(statuses))
    if before is not None:
        query = query.where(Job.heartbeat_at < before)
    if since is not None:
        query = query.where(Job.heartbeat_at >= since)
    return [(i, st, h, k, w) for i, st, h, k, w in session.execute(query).all()]


def claim(
    session: Session, job_id: str, status: str, heard: datetime | None, *, to: str, at: datetime
) -> bool:
    """Move the job from ``status`` (last heard of at ``heard``) to ``to``, counting one more resume,
    only if it is still as it was read: one conditional update, so that of several workers doing
    this at once exactly one succeeds."""
    claimed = session.execute(
        update(Job)
        .where(Job.id == job_id, Job.status == status, Job.heartbeat_at == heard)
        .values(status=to, heartbeat_at=at, resumes=Job.resumes + 1)
    )
    return getattr(claimed, "rowcount", 0) == 1
