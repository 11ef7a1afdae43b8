"""Jobs: a batch of papers asked for at once, worked through by a queue worker."""

from __future__ import annotations

from sqlalchemy import select
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
