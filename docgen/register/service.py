"""Storing, issuing and fetching document versions.

Each operation writes the object first and the register row second; the caller's unit of work
commits. If the process dies between the two, the store holds an object no row points at (an
orphan, found and cleared by ``docgen.register.verify``), and the register shows nothing new.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from docgen.errors import Conflict, DocgenError, NotFound
from docgen.register import repository as repo
from docgen.register.db import read_only_session
from docgen.register.models import Document, Upload, Version, VersionStatus
from docgen.storage import ObjectStore, StoredObject, document_key, upload_key

if TYPE_CHECKING:
    from docgen.config import Settings
    from docgen.documents.base import DocumentType, Options
    from docgen.domain.case import Case
    from docgen.render.pipeline import Rendered

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


def document_id_for(case_ref: str, doc_type: str, variant: str = "") -> str:
    """A document's id follows from what it is, so a retry after a crash reuses the same key."""
    return hashlib.sha256(f"{case_ref}\x00{doc_type}\x00{variant}".encode()).hexdigest()[:20]


def _ensure_document(session: Session, case_ref: str, doc_type: str, variant: str, title: str) -> Document:
    found = repo.find_document(session, case_ref, doc_type, variant)
    if found is not None:
        return found
    document_id = document_id_for(case_ref, doc_type, variant)
    try:
        return repo.add_document(session, document_id, case_ref, doc_type, variant, title)
    except IntegrityError as err:
        raise _concurrent(document_id) from err


def store_version(
    session: Session,
    store: ObjectStore,
    *,
    case_ref: str,
    doc_type: str,
    pdf: bytes,
    input_hash: str,
    actor: str,
    title: str = "",
    variant: str = "",
    template_hash: str = "",
    engine: str = "",
    engine_versions: Mapping[str, str] | None = None,
    options: Mapping[str, Any] | None = None,
    as_of: date | None = None,
    case: Case | None = None,
    attachments: Mapping[str, bytes] | None = None,
    warnings: Sequence[Any] = (),
    after_object_write: AfterWrite | None = None,
) -> StoreResult:
    """Register already-made PDF bytes as the next version of a document.

    The same inputs (input hash, template hash, engine) as the newest version return that version
    and store nothing; anything else becomes version n+1 and earlier drafts become superseded."""
    document = _ensure_document(session, case_ref, doc_type, variant, title)
    latest = repo.latest_version(session, document.id)
    if latest is not None and (latest.input_hash, latest.template_hash, latest.engine) == (
        input_hash,
        template_hash,
        engine,
    ):
        repo.add_audit(
            session, actor, "generate", _subject(latest), {"reused": True, "sha256": latest.sha256}
        )
        return StoreResult(latest, created=False)

    number = latest.number + 1 if latest else 1
    document_id = document.id  # kept: a failed flush expires the row, and reading it again would fail
    base_meta = {
        "document-id": document.id,
        "version": str(number),
        "doc-type": doc_type,
        "input-hash": input_hash,
    }
    stored = store.put(document_key(case_ref, doc_type, document.id, "pdf"), pdf, base_meta)
    stored_attachments = {
        ext: _attachment_record(
            store.put(document_key(case_ref, doc_type, document.id, ext), body, base_meta)
        )
        for ext, body in sorted((attachments or {}).items())
    }
    if after_object_write is not None:
        after_object_write(stored)

    snapshot_id = None
    if case is not None:
        snapshot_id = repo.snapshot_for(session, case.case_ref, case.canonical_json(), case.content_hash()).id
    try:
        version = repo.add_version(
            session,
            document_id=document.id,
            number=number,
            sha256=stored.sha256,
            size=stored.size,
            storage_key=stored.key,
            storage_version_id=stored.version_id,
            input_hash=input_hash,
            template_hash=template_hash,
            engine=engine,
            engine_versions=dict(engine_versions or {}),
            case_snapshot_id=snapshot_id,
            options={k: str(v) for k, v in (options or {}).items()},
            as_of=as_of,
            created_by=actor,
            status=VersionStatus.draft.value,
            attachments=stored_attachments,
            warnings=[str(w) for w in warnings],
        )
    except IntegrityError as err:
        raise _concurrent(document_id) from err
    repo.supersede_drafts(session, document.id, below=number)
    repo.add_audit(
        session,
        actor,
        "generate",
        _subject(version),
        {"reused": False, "sha256": version.sha256, "storage_version_id": stored.version_id},
    )
    return StoreResult(version, created=True)


def generate(
    session: Session,
    store: ObjectStore,
    case: Case,
    doc_type: str,
    options: Options | None,
    actor: str,
    as_of: date,
    engine: str | None = None,
    *,
    settings: Settings | None = None,
    after_object_write: AfterWrite | None = None,
) -> StoreResult:
    """Render a document, store it and add it to the register, in that order.

    When the register already holds a version made from exactly these inputs, nothing is rendered
    or stored and that version is returned."""
    from docgen.documents import registry
    from docgen.render.pipeline import render_document

    document_type = registry.get(doc_type)
    opts = {k: str(v) for k, v in (options or {}).items()}
    reused = reuse_unchanged(session, case, doc_type, opts, as_of, engine, settings, actor)
    if reused is not None:
        return reused

    rendered = render_document(document_type.id, case, as_of, options=opts, engine=engine, settings=settings)
    return store_rendered(session, store, rendered, case, actor, after_object_write=after_object_write)


def store_rendered(
    session: Session,
    store: ObjectStore,
    rendered: Rendered,
    case: Case,
    actor: str,
    *,
    after_object_write: AfterWrite | None = None,
) -> StoreResult:
    """Store a rendered document as the next version of its document (or return the version
    already made from the same inputs)."""
    return store_version(
        session,
        store,
        case_ref=case.case_ref,
        doc_type=rendered.doc_type,
        title=rendered.title,
        variant=rendered.document_key,
        pdf=rendered.pdf,
        input_hash=rendered.input_hash,
        template_hash=rendered.template_hash,
        engine=rendered.engine,
        engine_versions=rendered.engine_versions,
        options=rendered.options,
        as_of=rendered.as_of,
        case=case,
        attachments=rendered.attachments,
        warnings=[str(w) for w in rendered.warnings],
        actor=actor,
        after_object_write=after_object_write,
    )


def reuse_unchanged(
    session: Session,
    case: Case,
    doc_type: str,
    options: Options,
    as_of: date,
    engine: str | None,
    settings: Settings | None,
    actor: str,
) -> StoreResult | None:
    """The existing version, with an audit event, when these inputs were stored before: the
    generation then renders nothing."""
    from docgen.documents import registry

    opts = {k: str(v) for k, v in options.items()}
    unchanged = _unchanged_version(session, registry.get(doc_type), case, as_of, opts, engine, settings)
    if unchanged is None:
        return None
    repo.add_audit(
        session, actor, "generate", _subject(unchanged), {"reused": True, "sha256": unchanged.sha256}
    )
    return StoreResult(unchanged, created=False)


def _unchanged_version(
    session: Session,
    document_type: DocumentType,
    case: Case,
    as_of: date,
    options: dict[str, str],
    engine: str | None,
    settings: Settings | None,
) -> Version | None:
    """The newest version if it was made from these very inputs, found without rendering: the
    input hash needs only the case, options, date, engine and template hash. Read without taking
    the register's write lock, which must not be held through the render that may follow."""
    from docgen.render.engines import get_engine
    from docgen.render.pipeline import input_hash

    engine_name = engine or document_type.default_engine
    if settings is None or engine_name not in document_type.templates:
        return None
    with read_only_session(session) as probe:
        variant = document_type.document_key(document_type.request(case, as_of, options, engine_name))
        document = repo.find_document(probe, case.case_ref, document_type.id, variant)
        latest = repo.latest_version(probe, document.id) if document is not None else None
        made_from = (latest.id, latest.input_hash, latest.template_hash, latest.engine) if latest else None
    if made_from is None:
        return None
    try:
        template_hash = get_engine(engine_name, settings).template_hash(document_type.templates[engine_name])
    except DocgenError:
        return None  # the render that follows reports the engine's problem properly
    expected = input_hash(case, document_type.id, options, as_of, engine_name, template_hash)
    if made_from[1:] != (expected, template_hash, engine_name):
        return None
    return session.get(Version, made_from[0])


def find_version(session: Session, document_id: str, number: int | None = None) -> Version:
    version = repo.get_version(session, document_id, number)
    if version is None:
        which = f"version {number}" if number is not None else "any version"
        raise NotFound(f"document {document_id} has no {which}", code="version_not_found")
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
    repo.add_audit(session, actor, "issue", _subject(version), {"sha256": version.sha256})
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
    repo.delete_version(session, version)
    for record in version.attachments.values():
        store.delete(record["key"], record["version_id"])
    store.delete(version.storage_key, version.storage_version_id)
    repo.add_audit(session, actor, "delete", subject, {"sha256": version.sha256})


def fetch(
    session: Session, store: ObjectStore, document_id: str, number: int | None, actor: str
) -> tuple[Version, bytes]:
    """The exact stored bytes of a version, checked against the register's sha256."""
    version = find_version(session, document_id, number)
    data = store.get(version.storage_key, version.storage_version_id)
    if hashlib.sha256(data).hexdigest() != version.sha256:
        raise ChecksumMismatch(f"stored bytes of {_subject(version)} do not match the register's sha256")
    repo.add_audit(session, actor, "download", _subject(version), {"sha256": version.sha256})
    return version, data


def stream(
    session: Session, store: ObjectStore, document_id: str, number: int | None, actor: str
) -> tuple[Version, Iterator[bytes]]:
    """Like ``fetch`` but in chunks; a mismatch is raised after the last chunk, before the end of
    the download, so a client never sees a clean finish on tampered bytes."""
    version = find_version(session, document_id, number)
    chunks = store.open_stream(version.storage_key, version.storage_version_id)
    repo.add_audit(session, actor, "download", _subject(version), {"sha256": version.sha256})

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
    found = repo.find_upload(session, case_ref, sha)
    if found is not None:
        return found
    ext = filename.rsplit(".", 1)[-1] if "." in filename else "bin"
    stored = store.put(upload_key(case_ref, sha, ext), data, {"filename-sha256": sha})
    upload = repo.add_upload(
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
    repo.add_audit(session, actor, "upload", f"upload:{upload.id}", {"sha256": sha, "filename": filename})
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
