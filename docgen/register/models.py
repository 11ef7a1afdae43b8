"""The register's tables. Every row that says a document exists points at a stored object."""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    event,
    false,
    inspect,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from docgen.errors import Conflict


def utcnow() -> datetime:
    return datetime.now(UTC)


class UtcDateTime(TypeDecorator[datetime]):
    """A moment in UTC that reads back with its offset on every database. SQLite keeps no zone,
    so without this a time written as 09:00+00:00 would come back as a naive 09:00."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is not None:
            value = value.astimezone(UTC)
        return value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON, list[Any]: JSON}


class VersionStatus(StrEnum):
    draft = "draft"
    issued = "issued"
    superseded = "superseded"


class Role(StrEnum):
    officer = "officer"
    legal_partner = "legal_partner"
    manager = "manager"
    admin = "admin"


class CaseSnapshot(Base):
    """The exact case data a version was made from, once per distinct content."""

    __tablename__ = "case_snapshots"
    __table_args__ = (UniqueConstraint("case_ref", "sha256", name="uq_case_snapshots_ref_sha"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_ref: Mapped[str] = mapped_column(String(40), index=True)
    sha256: Mapped[str] = mapped_column(String(64))
    canonical_json: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class CaseRecord(Base):
    """The current data of a case held by the service; every earlier content stays as a snapshot."""

    __tablename__ = "cases"

    case_ref: Mapped[str] = mapped_column(String(40), primary_key=True)
    snapshot_id: Mapped[int] = mapped_column(ForeignKey("case_snapshots.id"))
    debtor_name: Mapped[str] = mapped_column(String(300), default="")
    debt_type: Mapped[str] = mapped_column(String(40), default="")
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, onupdate=utcnow)

    snapshot: Mapped[CaseSnapshot] = relationship()


class Document(Base):
    """One document of one case (e.g. the N1 for case X); its content lives in its versions."""

    __tablename__ = "documents"
    __table_args__ = (UniqueConstraint("case_ref", "doc_type", "variant", name="uq_documents_identity"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    case_ref: Mapped[str] = mapped_column(String(40), index=True)
    doc_type: Mapped[str] = mapped_column(String(64))
    variant: Mapped[str] = mapped_column(String(200), default="")
    title: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)

    versions: Mapped[list[Version]] = relationship(
        back_populates="document", order_by="Version.number", cascade="all", passive_deletes=True
    )


class Version(Base):
    __tablename__ = "versions"
    __table_args__ = (
        UniqueConstraint("document_id", "number", name="uq_versions_document_number"),
        Index("ix_versions_storage", "storage_key", "storage_version_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id", ondelete="RESTRICT"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    storage_key: Mapped[str] = mapped_column(String(500))
    storage_version_id: Mapped[str] = mapped_column(String(200))
    input_hash: Mapped[str] = mapped_column(String(64))
    template_hash: Mapped[str] = mapped_column(String(64), default="")
    engine: Mapped[str] = mapped_column(String(32), default="")
    engine_versions: Mapped[dict[str, Any]] = mapped_column(default=dict)
    case_snapshot_id: Mapped[int | None] = mapped_column(ForeignKey("case_snapshots.id"), nullable=True)
    options: Mapped[dict[str, Any]] = mapped_column(default=dict)
    as_of: Mapped[date | None] = mapped_column(Date, nullable=True)
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    status: Mapped[str] = mapped_column(String(16), default=VersionStatus.draft.value)
    issued_by: Mapped[str | None] = mapped_column(String(120), nullable=True)
    issued_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    #: ext -> {"key", "version_id", "sha256", "size"} for files made with the PDF (e.g. the DOCX)
    attachments: Mapped[dict[str, Any]] = mapped_column(default=dict)
    warnings: Mapped[list[Any]] = mapped_column(default=list)
    #: the decisive figures the paper prints (balance, claim amount, interest, fees, total), as
    #: text, so that approvals and pages read what the paper says instead of working it out again
    figures: Mapped[dict[str, Any]] = mapped_column(default=dict, server_default="{}")
    #: what it was made from beyond one case: stored versions it exhibits (document id, number,
    #: sha256), or the cases of a batch paper with what the officer said about each
    inputs: Mapped[dict[str, Any]] = mapped_column(default=dict, server_default="{}")
    #: for a signed version: {"signer", "signed_at", "level", "from_version", "field"}; None when unsigned
    signature: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True, default=None)

    document: Mapped[Document] = relationship(back_populates="versions")

    @property
    def is_issued(self) -> bool:
        return self.status == VersionStatus.issued.value


class AuditEvent(Base):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    actor: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(64), index=True)
    subject: Mapped[str] = mapped_column(String(300), index=True)
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)
    at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    role: Mapped[str] = mapped_column(String(32))
    organisation: Mapped[str] = mapped_column(String(200), default="")
    #: a Decimal kept as its string so no database rounds it
    approval_limit: Mapped[str | None] = mapped_column(String(32), nullable=True)
    api_key_hash: Mapped[str | None] = mapped_column(String(128), nullable=True, unique=True)
    #: where the service writes to them (a write-off waiting for their decision, a panel pack)
    email: Mapped[str | None] = mapped_column(String(254), nullable=True)
    #: a member of the debt panel: sent each meeting's pack
    panel_member: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    #: set when an admin disables the user: the key is dropped and no new one can be made
    disabled_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


class Share(Base):
    __tablename__ = "shares"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_ref: Mapped[str] = mapped_column(String(40), index=True)
    organisation: Mapped[str] = mapped_column(String(200), index=True)
    granted_by: Mapped[str] = mapped_column(String(120))
    granted_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    #: the partner sees papers rendered without personal data it does not need
    redacted: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    #: the last day the organisation may see the case (None: until revoked)
    expires_on: Mapped[date | None] = mapped_column(Date, nullable=True)


class Organisation(Base):
    """A legal partner's organisation, registered before any case is shared with it: the name its
    users carry, and the contact told when a case is shared."""

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    contact_email: Mapped[str] = mapped_column(String(254))
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class CaseList(Base):
    """A saved list of cases (e.g. for a panel meeting), by name."""

    __tablename__ = "case_lists"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    case_refs: Mapped[list[Any]] = mapped_column(default=list)
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class WorklistRow(Base):
    """A case's next step as the rules gave it on ``computed_on`` for its current snapshot; read by
    the worklist, worked out again when the case changes or the day does."""

    __tablename__ = "worklist"

    case_ref: Mapped[str] = mapped_column(ForeignKey("cases.case_ref"), primary_key=True)
    snapshot_id: Mapped[int] = mapped_column(Integer)
    computed_on: Mapped[date] = mapped_column(Date)
    debtor_name: Mapped[str] = mapped_column(String(300), default="")
    debt_type: Mapped[str] = mapped_column(String(40), default="", index=True)
    officer: Mapped[str] = mapped_column(String(120), default="", index=True)
    #: the sum owing, in pence (an integer, so that every database sorts and compares it exactly)
    balance_pence: Mapped[int] = mapped_column(Integer, default=0)
    step: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    step_title: Mapped[str] = mapped_column(String(300), default="")
    step_status: Mapped[str] = mapped_column(String(16), default="")
    #: the day the next step opens or opened (None: possible, since an unknown day)
    due_on: Mapped[date | None] = mapped_column(Date, nullable=True, index=True)
    #: the earliest last day a rule reported
    deadline: Mapped[date | None] = mapped_column(Date, nullable=True)
    deadline_text: Mapped[str] = mapped_column(Text, default="")
    reasons: Mapped[list[Any]] = mapped_column(default=list)


class Job(Base):
    __tablename__ = "jobs"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(32), default="queued")
    progress: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    result: Mapped[dict[str, Any]] = mapped_column(default=dict)
    errors: Mapped[list[Any]] = mapped_column(default=list)
    idempotency_key: Mapped[str | None] = mapped_column(String(200), unique=True, nullable=True)
    #: what was asked for, as JSON, so a task needs only the job's id
    request: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    created_by: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, onupdate=utcnow)
    #: the worker process running the job (host:pid) and when it last said it was alive; a job
    #: whose worker has not said so for a lease is taken up again by another worker
    worker: Mapped[str | None] = mapped_column(String(200), nullable=True)
    heartbeat_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True, index=True)
    #: how many times the job was taken up again after its worker was lost
    resumes: Mapped[int] = mapped_column(Integer, default=0)


def public_id() -> str:
    """An id for addresses: random, so that no one can guess another row's from their own."""
    return secrets.token_hex(16)


class Upload(Base):
    __tablename__ = "uploads"
    __table_args__ = (
        UniqueConstraint("case_ref", "sha256", name="uq_uploads_case_sha"),
        UniqueConstraint("public_id", name="uq_uploads_public_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: the id in addresses (the integer id is the register's own and never leaves it)
    public_id: Mapped[str] = mapped_column(String(32), default=public_id)
    sha256: Mapped[str] = mapped_column(String(64))
    case_ref: Mapped[str] = mapped_column(String(40), index=True)
    filename: Mapped[str] = mapped_column(String(300))
    size: Mapped[int] = mapped_column(Integer)
    content_type: Mapped[str] = mapped_column(String(120))
    storage_key: Mapped[str] = mapped_column(String(500))
    storage_version_id: Mapped[str] = mapped_column(String(200))
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    #: withdrawn uploads stay in the store and on the case, and go into no new bundle
    withdrawn_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    withdrawn_by: Mapped[str | None] = mapped_column(String(120), nullable=True)
    withdrawn_reason: Mapped[str] = mapped_column(Text, default="")

    @property
    def withdrawn(self) -> bool:
        return self.withdrawn_at is not None


class TemplateVersion(Base):
    """A Word template an admin put in place of a shipped one, kept as an object in the store so
    that every process (API and queue workers alike, after any redeploy) renders with it. Its
    sha256 is the template hash recorded with every version made from it. Rows are never removed:
    a roll-back marks the newest one undone, and the one in force is the newest not undone (none:
    the shipped template)."""

    __tablename__ = "template_versions"
    __table_args__ = (UniqueConstraint("council", "name", "number", name="uq_template_versions_number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    council: Mapped[str] = mapped_column(String(120))
    name: Mapped[str] = mapped_column(String(200))
    number: Mapped[int] = mapped_column(Integer)
    doc_type: Mapped[str] = mapped_column(String(64))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    storage_key: Mapped[str] = mapped_column(String(500))
    storage_version_id: Mapped[str] = mapped_column(String(200))
    #: what the check found before it was put in force: the names checked, and any problems
    lint: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    undone_by: Mapped[str | None] = mapped_column(String(120), nullable=True)
    undone_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class Approval(Base):
    __tablename__ = "approvals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("versions.id"), index=True)
    status: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str] = mapped_column(String(120))
    note: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class WebSession(Base):
    """A signed-in browser. The cookie holds a random token; the register keeps only its hash.

    Signing out deletes the row; a new API key for the user ends every session begun with the old
    one (``key_hash`` no longer matches); an expired row is refused and cleared."""

    __tablename__ = "web_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 of the cookie's token
    user_name: Mapped[str] = mapped_column(String(120), index=True)
    key_hash: Mapped[str] = mapped_column(String(128))
    csrf: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)


# -- an issued version is final --------------------------------------------------------------------
# Enforced on the mapper, so no code path through the ORM can rewrite or remove what was filed or
# served, whichever service it comes from.

_FINAL_COLUMNS = (
    "document_id",
    "number",
    "sha256",
    "size",
    "storage_key",
    "storage_version_id",
    "input_hash",
    "template_hash",
    "engine",
    "engine_versions",
    "case_snapshot_id",
    "options",
    "as_of",
    "attachments",
    "figures",
    "inputs",
    "signature",
    "status",
    "issued_by",
    "issued_at",
)


def _was_issued(target: Version) -> bool:
    history = inspect(target).attrs.status.history
    before = history.deleted[0] if history.deleted else target.status
    return bool(before == VersionStatus.issued.value)


@event.listens_for(Version, "before_update")
def _refuse_rewriting_an_issued_version(_mapper: Any, _connection: Any, target: Version) -> None:
    if not _was_issued(target):
        return
    state = inspect(target)
    changed = [name for name in _FINAL_COLUMNS if state.attrs[name].history.has_changes()]
    if changed:
        raise Conflict(
            f"version {target.number} of document {target.document_id} is issued and cannot be changed "
            f"({', '.join(changed)})",
            code="version_issued",
        )


@event.listens_for(Version, "before_delete")
def _refuse_deleting_an_issued_version(_mapper: Any, _connection: Any, target: Version) -> None:
    if _was_issued(target):
        raise Conflict(
            f"version {target.number} of document {target.document_id} is issued and cannot be deleted",
            code="version_issued",
        )
