"""Every query the register makes. Functions add and flush; none of them commits."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from docgen.register.models import (
    AuditEvent,
    CaseSnapshot,
    Document,
    Upload,
    Version,
    VersionStatus,
)


def snapshot_for(session: Session, case_ref: str, canonical_json: str, sha256: str) -> CaseSnapshot:
    found = session.scalar(
        select(CaseSnapshot).where(CaseSnapshot.case_ref == case_ref, CaseSnapshot.sha256 == sha256)
    )
    if found is None:
        found = CaseSnapshot(case_ref=case_ref, sha256=sha256, canonical_json=canonical_json)
        session.add(found)
        session.flush()
    return found


def get_snapshot(session: Session, snapshot_id: int) -> CaseSnapshot | None:
    return session.get(CaseSnapshot, snapshot_id)


def get_document(session: Session, document_id: str) -> Document | None:
    return session.get(Document, document_id)


def find_document(session: Session, case_ref: str, doc_type: str, variant: str) -> Document | None:
    return session.scalar(
        select(Document).where(
            Document.case_ref == case_ref, Document.doc_type == doc_type, Document.variant == variant
        )
    )


def add_document(
    session: Session, document_id: str, case_ref: str, doc_type: str, variant: str, title: str
) -> Document:
    document = Document(id=document_id, case_ref=case_ref, doc_type=doc_type, variant=variant, title=title)
    session.add(document)
    session.flush()
    return document


def latest_version(session: Session, document_id: str) -> Version | None:
    return session.scalar(
        select(Version).where(Version.document_id == document_id).order_by(Version.number.desc()).limit(1)
    )


def get_version(session: Session, document_id: str, number: int | None = None) -> Version | None:
    if number is None:
        return latest_version(session, document_id)
    return session.scalar(select(Version).where(Version.document_id == document_id, Version.number == number))


def add_version(session: Session, **fields: Any) -> Version:
    version = Version(**fields)
    session.add(version)
    session.flush()
    return version


def supersede_drafts(session: Session, document_id: str, below: int) -> None:
    """Older drafts give way to a new version; an issued version keeps its status for good."""
    session.execute(
        update(Version)
        .where(
            Version.document_id == document_id,
            Version.number < below,
            Version.status == VersionStatus.draft.value,
        )
        .values(status=VersionStatus.superseded.value)
        .execution_options(synchronize_session="fetch")
    )


def delete_version(session: Session, version: Version) -> None:
    session.delete(version)
    session.flush()


def versions_for_case(session: Session, case_ref: str) -> list[Version]:
    return list(
        session.scalars(
            select(Version)
            .join(Document)
            .where(Document.case_ref == case_ref)
            .order_by(Document.doc_type, Document.variant, Document.id, Version.number)
        )
    )


def iter_versions(session: Session) -> Iterator[Version]:
    yield from session.scalars(select(Version).order_by(Version.id))


def find_upload(session: Session, case_ref: str, sha256: str) -> Upload | None:
    return session.scalar(select(Upload).where(Upload.case_ref == case_ref, Upload.sha256 == sha256))


def add_upload(session: Session, **fields: Any) -> Upload:
    upload = Upload(**fields)
    session.add(upload)
    session.flush()
    return upload


def iter_uploads(session: Session) -> Iterator[Upload]:
    yield from session.scalars(select(Upload).order_by(Upload.id))


def add_audit(
    session: Session, actor: str, action: str, subject: str, detail: Mapping[str, Any]
) -> AuditEvent:
    event = AuditEvent(actor=actor, action=action, subject=subject, detail=dict(detail))
    session.add(event)
    session.flush()
    return event


def audit_events(session: Session, subject: str | None = None, action: str | None = None) -> list[AuditEvent]:
    query = select(AuditEvent).order_by(AuditEvent.id)
    if subject is not None:
        query = query.where(AuditEvent.subject == subject)
    if action is not None:
        query = query.where(AuditEvent.action == action)
    return list(session.scalars(query))
