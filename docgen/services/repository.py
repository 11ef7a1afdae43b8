"""The service's queries on cases, users, shares, jobs and approvals. None of them commits."""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from docgen.register.models import Approval, CaseRecord, Document, Job, Share, Upload, User, Version


def get_case(session: Session, case_ref: str) -> CaseRecord | None:
    return session.get(CaseRecord, case_ref)


def add_case(session: Session, **fields: Any) -> CaseRecord:
    record = CaseRecord(**fields)
    session.add(record)
    session.flush()
    return record


def list_cases(
    session: Session, query: str | None, organisation: str | None, limit: int, offset: int
) -> list[CaseRecord]:
    """Cases by reference; ``organisation`` narrows to the cases shared with it."""
    stmt = select(CaseRecord).order_by(CaseRecord.case_ref)
    if query:
        like = f"%{query}%"
        stmt = stmt.where(or_(CaseRecord.case_ref.ilike(like), CaseRecord.debtor_name.ilike(like)))
    if organisation is not None:
        stmt = stmt.where(CaseRecord.case_ref.in_(_shared_refs(organisation)))
    return list(session.scalars(stmt.limit(limit).offset(offset)))


def _shared_refs(organisation: str) -> Any:
    return select(Share.case_ref).where(Share.organisation == organisation, Share.revoked_at.is_(None))


def active_share(session: Session, case_ref: str, organisation: str) -> Share | None:
    return session.scalar(
        select(Share).where(
            Share.case_ref == case_ref, Share.organisation == organisation, Share.revoked_at.is_(None)
        )
    )


def shares_for(session: Session, case_ref: str) -> list[Share]:
    return list(session.scalars(select(Share).where(Share.case_ref == case_ref).order_by(Share.id)))


def get_share(session: Session, share_id: int) -> Share | None:
    return session.get(Share, share_id)


def add(session: Session, row: Any) -> Any:
    session.add(row)
    session.flush()
    return row


def user_by_key_hash(session: Session, key_hash: str) -> User | None:
    return session.scalar(select(User).where(User.api_key_hash == key_hash))


def user_by_name(session: Session, name: str) -> User | None:
    return session.scalar(select(User).where(User.name == name))


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.id)))


def get_job(session: Session, job_id: str) -> Job | None:
    return session.get(Job, job_id)


def job_by_key(session: Session, idempotency_key: str) -> Job | None:
    return session.scalar(select(Job).where(Job.idempotency_key == idempotency_key))


def documents_for_case(session: Session, case_ref: str) -> list[Document]:
    return list(
        session.scalars(
            select(Document)
            .where(Document.case_ref == case_ref)
            .order_by(Document.doc_type, Document.variant)
        )
    )


def get_version_by_id(session: Session, version_id: int) -> Version | None:
    return session.get(Version, version_id)


def approvals_for(session: Session, version_id: int) -> list[Approval]:
    return list(
        session.scalars(select(Approval).where(Approval.version_id == version_id).order_by(Approval.id))
    )


def upload_by_sha(session: Session, case_ref: str, sha256: str) -> Upload | None:
    return session.scalar(select(Upload).where(Upload.case_ref == case_ref, Upload.sha256 == sha256))


def uploads_for(session: Session, case_ref: str) -> list[Upload]:
    return list(session.scalars(select(Upload).where(Upload.case_ref == case_ref).order_by(Upload.id)))
