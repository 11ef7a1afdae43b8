"""Documents, their versions and the approvals given on a version."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from docgen.register.models import Approval, Document, Version, VersionStatus


def get(session: Session, document_id: str) -> Document | None:
    return session.get(Document, document_id)


def find(session: Session, case_ref: str, doc_type: str, variant: str) -> Document | None:
    return session.scalar(
        select(Document).where(
            Document.case_ref == case_ref, Document.doc_type == doc_type, Document.variant == variant
        )
    )


def add(
    session: Session, document_id: str, case_ref: str, doc_type: str, variant: str, title: str
) -> Document:
    document = Document(id=document_id, case_ref=case_ref, doc_type=doc_type, variant=variant, title=title)
    session.add(document)
    session.flush()
    return document


def for_case(session: Session, case_ref: str) -> list[Document]:
    return list(
        session.scalars(
            select(Document)
            .where(Document.case_ref == case_ref)
            .order_by(Document.doc_type, Document.variant)
        )
    )


def latest_version(session: Session, document_id: str) -> Version | None:
    return session.scalar(
        select(Version).where(Version.document_id == document_id).order_by(Version.number.desc()).limit(1)
    )


def get_version(session: Session, document_id: str, number: int | None = None) -> Version | None:
    if number is None:
        return latest_version(session, document_id)
    return session.scalar(select(Version).where(Version.document_id == document_id, Version.number == number))


def version_by_id(session: Session, version_id: int) -> Version | None:
    return session.get(Version, version_id)


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


def versions_for_case(session: Session, case_ref: str, doc_type: str | None = None) -> list[Version]:
    query = select(Version).join(Document).where(Document.case_ref == case_ref)
    if doc_type is not None:
        query = query.where(Document.doc_type == doc_type)
    return list(
        session.scalars(query.order_by(Document.doc_type, Document.variant, Document.id, Version.number))
    )


def current_versions(session: Session, doc_types: tuple[str, ...], limit: int = 200) -> list[Version]:
    """The versions of every document of these types that are not superseded, newest first."""
    stmt = (
        select(Version)
        .join(Document, Version.document_id == Document.id)
        .where(Document.doc_type.in_(doc_types), Version.status != VersionStatus.superseded.value)
        .order_by(Version.created_at.desc(), Version.id.desc())
        .limit(limit)
    )
    return list(session.scalars(stmt))


def iter_versions(session: Session) -> Iterator[Version]:
    yield from session.scalars(select(Version).order_by(Version.id))


def approvals_for(session: Session, version_id: int) -> list[Approval]:
    return list(
        session.scalars(select(Approval).where(Approval.version_id == version_id).order_by(Approval.id))
    )


def add_approval(session: Session, version_id: int, status: str, actor: str, note: str) -> Approval:
    approval = Approval(version_id=version_id, status=status, actor=actor, note=note)
    session.add(approval)
    session.flush()
    return approval
