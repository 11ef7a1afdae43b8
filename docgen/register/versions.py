"""Storing, issuing and fetching document versions.

Each operation writes the object first and the register row second; the caller's unit of work
commits. If the process dies between the two, the store holds an object no row points at (an
orphan, found and cleared by ``docgen.register.verify``), and the register shows nothing new.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from docgen.errors import Conflict, NotFound
from docgen.register.models import Document, Upload, Version, VersionStatus
from docgen.register.repositories import audit, cases, documents
from docgen.storage import ObjectStore, StoredObject, document_key, upload_key

#: called after the objects are written and before the row is added (tests use it to die there)
AfterWrite = Callable[[StoredObject], None]


class ChecksumMismatch(Conflict):
    """The bytes in the store are not the bytes the register recorded."""

    def __init__(self, message: str):
        super().__init__(message, code="checksum_mismatch")


@dataclass(frozen=True)
class StoreResult:
    version: Version
    #: False when an identical version already existed and nothing was stored
    created: bool

    def as_dict(self) -> dict[str, Any]:
        return {
            "document_id": self.version.document_id,
            "version": self.version.number,
            "sha256": self.version.sha256,
            "status": self.version.status,
            "stored": self.created,
        }


def new_document_id() -> str:
    """A new document's id, as it appears in addresses: random, so that knowing a case reference
    tells nobody where its papers are. A document is found again by what it is (case, type and
    variant, unique in the register); two writers making the same new document at once meet on that
    uniqueness, and the loser's retry finds the winner's row."""
    return secrets.token_hex(16)


def _ensure_document(session: Session, case_ref: str, doc_type: str, variant: str, title: str) -> Document:
    found = documents.find(session, case_ref, doc_type, variant)
    if found is not None:
        return found
    document_id = new_document_id()
    try:
        return documents.add(session, document_id, case_ref, doc_type, variant, title)
    except IntegrityError as err:
        raise _concurrent(document_id) from err


@dataclass(frozen=True)
class Made:
    """A paper made and ready to keep: the bytes and everything that says what made them."""

    case_ref: str  # a case reference, or a namespace for papers that are not one case's
    doc_type: str
    pdf: bytes
    input_hash: str
    #: sha256 of the template(s) the paper was rendered from: always known, never empty
    template_hash: str
    engine: str
    title: str = ""
    variant: str = ""
    engine_versions: Mapping[str, str] = field(default_factory=dict)
    options: Mapping[str, Any] = field(default_factory=dict)
    as_of: date | None = None
    #: the register's snapshot of the case the paper was made from (None for papers over several)
    case_snapshot_id: int | None = None
    attachments: Mapping[str, bytes] = field(default_factory=dict)
    warnings: Sequence[Any] = ()
    #: the decisive figures the paper prints (balance, claim amount, interest, fees, total), as text
    figures: Mapping[str, str] = field(default_factory=dict)
    #: what the paper was made from beyond one case: the stored versions it exhibits, a batch's cases
    inputs: Mapping[str, Any] = field(default_factory=dict)
    #: for signed bytes: signer, signed_at, level, field (see docgen.services.signing)
    signature: Mapping[str, Any] | None = None

    def __post_init__(self) -> None:
        if not self.template_hash:
            raise ValueError(f"{self.doc_type}: a version needs the hash of the template that made it")
        if not self.input_hash:
            raise ValueError(f"{self.doc_type}: a version needs its input hash")


def unchanged(
    session: Session, case_ref: str, doc_type: str, variant: str, made_from: tuple[str, str, str]
) -> Version | None:
    """The newest version of this document when it was made from the same (input hash, template
    hash, engine), else None."""
    document = documents.find(session, case_ref, doc_type, variant)
    latest = documents.latest_version(session, document.id) if document is not None else None
    if latest is not None and (latest.input_hash, latest.template_hash, latest.engine) == made_from:
        return latest
    return None


def note_reuse(session: Session, version: Version, actor: str) -> StoreResult:
    """Record that a request was answered with an existing version."""
    audit.add(session, actor, "generate", _subject(version), {"reused": True, "sha256": version.sha256})
    return StoreResult(version, created=False)


def store_version(
    session: Session,
    store: ObjectStore,
    made: Made,
    actor: str,
    *,
    after_object_write: AfterWrite | None = None,
) -> StoreResult:
    """Register already-made PDF bytes as the next version of a document.

    The same inputs (input hash, template hash, engine) as the newest version return that version
    and store nothing; anything else becomes version n+1 and earlier drafts become superseded."""
    case_ref, doc_type = made.case_ref, made.doc_type
    document = _ensure_document(session, case_ref, doc_type, made.variant, made.title)
    latest = documents.latest_version(session, document.id)
    if latest is not None and (latest.input_hash, latest.template_hash, latest.engine) == (
        made.input_hash,
        made.template_hash,
        made.engine,
    ):
        return note_reuse(session, latest, actor)

    number = latest.number + 1 if latest else 1
    document_id = document.id  # kept: a failed flush expires the row, and reading it again would fail
    base_meta = {
        "document-id": document.id,
        "version": str(number),
        "doc-type": doc_type,
        "input-hash": made.input_hash,
    }
    stored = store.put(document_key(case_ref, doc_type, document.id, "pdf"), made.pdf, base_meta)
    stored_attachments = {
        ext: _attachment_record(
            store.put(document_key(case_ref, doc_type, document.id, ext), body, base_meta)
        )
        for ext, body in sorted(made.attachments.items())
    }
    if after_object_write is not None:
        after_object_write(stored)

    try:
        version = documents.add_version(
            session,
            document_id=document.id,
            number=number,
            sha256=stored.sha256,
            size=stored.size,
            storage_key=stored.key,
            storage_version_id=stored.version_id,
            input_hash=made.input_hash,
            template_hash=made.template_hash,
            engine=made.engine,
            engine_versions=dict(made.engine_versions),
            case_snapshot_id=made.case_snapshot_id,
            options={k: str(v) for k, v in made.options.items()},
            as_of=made.as_of,
            created_by=actor,
            status=VersionStatus.draft.value,
            attachments=stored_attachments,
            warnings=[str(w) for w in made.warnings],
            figures={k: str(v) for k, v in made.figures.items()},
            inputs=dict(made.inputs),
            signature=dict(made.signature) if made.signature else None,
        )
    except IntegrityError as err:
        raise _concurrent(document_id) from err
    documents.supersede_drafts(session, document.id, below=number)
    audit.add(
        session,
        actor,
        "generate",
        _subject(version),
        {"reused": False, "sha256": version.sha256, "storage_version_id": stored.version_id},
    )
    return StoreResult(version, created=True)


def read_exact(store: ObjectStore, version: Version) -> bytes:
    """A version's stored bytes, checked against the register's sha256 (no download is recorded:
    for a paper made from another stored version)."""
    data = store.get(version.storage_key, version.storage_version_id)
    if hashlib.sha256(data).hexdigest() != version.sha256:
        raise ChecksumMismatch(f"stored bytes of {_subject(version)} do not match the register's sha256")
    return data


def read_attachment(store: ObjectStore, version: Version, ext: str) -> bytes:
    """A file stored with a version (its DOCX, a schedule's XLSX), checked against its sha256."""
    record = version.attachments.get(ext)
    if record is None:
        raise NotFound(f"{_subject(version)} has no {ext} file", code="attachment_not_found")
    data = store.get(record["key"], record["version_id"])
    if hashlib.sha256(data).hexdigest() != record["sha256"]:
        raise ChecksumMismatch(f"stored {ext} of {_subject(version)} does not match its sha256")
    return data


def store_signed(
    session: Session,
    store: ObjectStore,
    source: Version,
    pdf: bytes,
    signature: Mapping[str, Any],
    actor: str,
) -> Version:
    """The signed bytes of ``source`` as the document's next version, made from the same inputs.

    ``source`` itself is never changed: a draft it was becomes superseded, an issued one stays as
    it was. The new version keeps the source's attachments (the same stored objects)."""
    latest = documents.latest_version(session, source.document_id)
    number = (latest.number if latest else source.number) + 1
    document = source.document
    meta = {
        "document-id": document.id,
        "version": str(number),
        "doc-type": document.doc_type,
        "input-hash": source.input_hash,
        "signed-from": str(source.number),
    }
    stored = store.put(document_key(document.case_ref, document.doc_type, document.id, "pdf"), pdf, meta)
    try:
        version = documents.add_version(
            session,
            document_id=document.id,
            number=number,
            sha256=stored.sha256,
            size=stored.size,
            storage_key=stored.key,
            storage_version_id=stored.version_id,
            input_hash=source.input_hash,
            template_hash=source.template_hash,
            engine=source.engine,
            engine_versions=dict(source.engine_versions),
            case_snapshot_id=source.case_snapshot_id,
            options=dict(source.options),
            as_of=source.as_of,
            created_by=actor,
            status=VersionStatus.draft.value,
            attachments=dict(source.attachments),
            warnings=list(source.warnings),
            signature={**signature, "from_version": source.number},
        )
    except IntegrityError as err:
        raise _concurrent(document.id) from err
    documents.supersede_drafts(session, document.id, below=number)
    audit.add(
        session,
        actor,
        "sign",
        _subject(version),
        {"sha256": version.sha256, "from_version": source.number, "signer": signature.get("signer", "")},
    )
    return version


def find_version(session: Session, document_id: str, number: int | None = None) -> Version:
    version = documents.get_version(session, document_id, number)
    if version is None:
        if number is None:
            raise NotFound(f"document {document_id} has no versions", code="version_not_found")
        newest = documents.get_version(session, document_id, None)
        known = f" (its newest is version {newest.number})" if newest is not None else " (it has no versions)"
        raise NotFound(f"document {document_id} has no version {number}{known}", code="version_not_found")
    return version


def issue(session: Session, store: ObjectStore, document_id: str, number: int, actor: str) -> Version:
    """Mark a version issued (filed or served) and lock its objects; from now on it is final."""
    version = find_version(session, document_id, number)
    if version.is_issued:
        return version
    if version.status == VersionStatus.superseded.value:
        raise Conflict(
            f"version {number} of document {document_id} is superseded; issue the current version",
            code="version_superseded",
        )
    # Locked in the store before the row says issued: a crash in between leaves a locked draft,
    # never an issued version that could still be deleted.
    store.lock(version.storage_key, version.storage_version_id)
    for record in version.attachments.values():
        store.lock(record["key"], record["version_id"])
    version.status = VersionStatus.issued.value
    version.issued_by = actor
    version.issued_at = datetime.now(UTC)
    session.flush()
    audit.add(session, actor, "issue", _subject(version), {"sha256": version.sha256})
    return version


def delete_draft(session: Session, store: ObjectStore, document_id: str, number: int, actor: str) -> None:
    """Remove a draft version, its objects and its row. Issued versions are refused."""
    version = find_version(session, document_id, number)
    if version.is_issued:
        raise Conflict(
            f"version {number} of document {document_id} is issued and cannot be deleted",
            code="version_issued",
        )
    subject = _subject(version)
    documents.delete_version(session, version)
    for record in version.attachments.values():
        store.delete(record["key"], record["version_id"])
    store.delete(version.storage_key, version.storage_version_id)
    audit.add(session, actor, "delete", subject, {"sha256": version.sha256})


def fetch(
    session: Session, store: ObjectStore, document_id: str, number: int | None, actor: str
) -> tuple[Version, bytes]:
    """The exact stored bytes of a version, checked against the register's sha256."""
    version = find_version(session, document_id, number)
    data = store.get(version.storage_key, version.storage_version_id)
    if hashlib.sha256(data).hexdigest() != version.sha256:
        raise ChecksumMismatch(f"stored bytes of {_subject(version)} do not match the register's sha256")
    audit.add(session, actor, "download", _subject(version), {"sha256": version.sha256})
    return version, data


def stream(
    session: Session, store: ObjectStore, document_id: str, number: int | None, actor: str
) -> tuple[Version, Iterator[bytes]]:
    """Like ``fetch`` but in chunks; a mismatch is raised after the last chunk, before the end of
    the download, so a client never sees a clean finish on tampered bytes."""
    version = find_version(session, document_id, number)
    chunks = store.open_stream(version.storage_key, version.storage_version_id)
    audit.add(session, actor, "download", _subject(version), {"sha256": version.sha256})

    def checked() -> Iterator[bytes]:
        digest = hashlib.sha256()
        for chunk in chunks:
            digest.update(chunk)
            yield chunk
        if digest.hexdigest() != version.sha256:
            raise ChecksumMismatch(f"stored bytes of {_subject(version)} do not match the register's sha256")

    return version, checked()


def store_upload(
    session: Session,
    store: ObjectStore,
    *,
    case_ref: str,
    filename: str,
    data: bytes,
    content_type: str,
    actor: str,
) -> Upload:
    """Keep an evidence file once per case, named by its content."""
    sha = hashlib.sha256(data).hexdigest()
    found = cases.find_upload(session, case_ref, sha)
    if found is not None:
        return found
    ext = filename.rsplit(".", 1)[-1] if "." in filename else "bin"
    stored = store.put(upload_key(case_ref, sha, ext), data, {"filename-sha256": sha})
    upload = cases.add_upload(
        session,
        sha256=sha,
        case_ref=case_ref,
        filename=filename,
        size=stored.size,
        content_type=content_type,
        storage_key=stored.key,
        storage_version_id=stored.version_id,
        created_by=actor,
    )
    audit.add(session, actor, "upload", f"upload:{upload.public_id}", {"sha256": sha, "filename": filename})
    return upload


def _concurrent(document_id: str) -> Conflict:
    # Another writer registered the same document or version number first. Our object stays in
    # the store as an orphan for verify to clear; the caller may simply try again.
    return Conflict(
        f"document {document_id} was written by another request at the same time; try again",
        code="concurrent_version",
    )


def _attachment_record(stored: StoredObject) -> dict[str, Any]:
    return {"key": stored.key, "version_id": stored.version_id, "sha256": stored.sha256, "size": stored.size}


def _subject(version: Version) -> str:
    return f"document:{version.document_id}/v{version.number}"
