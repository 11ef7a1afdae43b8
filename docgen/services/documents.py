"""Documents and their versions as a door shows them: listed, read, downloaded, issued. Every answer
by document id is "not found" when the asker may not see the document's case (or, for a paper
that is not one case's, when they are a legal partner), exactly as for an id that does not exist."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy.orm import Session

from docgen.config import Settings
from docgen.register import versions
from docgen.register.models import Document, Version
from docgen.services.access import require_visible_case, require_writer, visible_document, visible_documents
from docgen.services.auth import Principal
from docgen.storage import ObjectStore


def for_case(session: Session, who: Principal, case_ref: str) -> list[Document]:
    """The case's documents ``who`` may see: a partner on a redacted share sees redacted copies only."""
    require_visible_case(session, who, case_ref)
    return visible_documents(session, who, case_ref)


def get(session: Session, who: Principal, document_id: str) -> Document:
    return visible_document(session, who, document_id)


def version(session: Session, who: Principal, document_id: str, number: int | None) -> Version:
    visible_document(session, who, document_id)
    return versions.find_version(session, document_id, number)


@dataclass(frozen=True)
class Download:
    document: Document
    version: Version
    #: the version's sha256 as an HTTP entity tag
    etag: str
    #: the checked bytes, or None when the asker already holds this version
    chunks: Iterator[bytes] | None

    @property
    def filename(self) -> str:
        import re

        stem = re.sub(
            r"[^A-Za-z0-9._-]+",
            "-",
            f"{self.document.case_ref}-{self.document.doc_type}-v{self.version.number}",
        )
        return f"{stem.strip('-')}.pdf"


def download(
    session: Session,
    store: ObjectStore,
    who: Principal,
    document_id: str,
    number: int | None,
    if_none_match: str | None = None,
) -> Download:
    """A version's stored bytes, checked against the register's sha256 as they stream; the download
    is audited in the caller's transaction, before the first byte goes out."""
    document = visible_document(session, who, document_id)
    found = versions.find_version(session, document_id, number)
    etag = f'"{found.sha256}"'
    if if_none_match and etag in {t.strip() for t in if_none_match.split(",")}:
        return Download(document, found, etag, None)
    held, chunks = versions.stream(session, store, document_id, found.number, who.name)
    return Download(document, held, etag, chunks)


def issue(
    session: Session,
    store: ObjectStore,
    who: Principal,
    document_id: str,
    number: int,
    settings: Settings | None = None,
) -> Version:
    """Mark a version filed or served: from now on it can never be changed or deleted. With the
    council's signing key in ``settings``, the draft is signed and the signed copy, the next
    version, is the one issued (docgen.services.signing)."""
    visible_document(session, who, document_id)
    require_writer(who, "issue documents")
    if settings is not None:
        from docgen.services import signing

        return signing.issue(session, store, settings, document_id, number, who.name)
    return versions.issue(session, store, document_id, number, who.name)
