"""Read-only queries the pages need beyond the API's: documents of one type across cases."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from docgen.register.models import Document, Version, VersionStatus


def current_versions(session: Session, doc_types: tuple[str, ...], limit: int = 200) -> list[Version]:
    """The newest version of every document of these types, not superseded, newest first."""
    stmt = (
        select(Version)
        .join(Document, Version.document_id == Document.id)
        .where(Document.doc_type.in_(doc_types), Version.status != VersionStatus.superseded.value)
        .order_by(Version.created_at.desc(), Version.id.desc())
        .limit(limit)
    )
    return list(session.scalars(stmt))
