"""Request and response bodies: <Thing>Create / <Thing>Update for input, <Thing>Public for output."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field

from docgen.register.models import CaseRecord, Document, Version


class _Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    @classmethod
    def of(cls, row: Any) -> Self:
        """The public view of a register row, read from its attributes."""
        return cls.model_validate(row)


class CaseSummaryPublic(_Out):
    case_ref: str
    debtor_name: str
    debt_type: str
    updated_at: datetime


class CasePublic(CaseSummaryPublic):
    sha256: str
    case: dict[str, Any]

    @classmethod
    def of(cls, row: CaseRecord) -> Self:
        """The case as stored: its snapshot's canonical JSON, not a fresh dump of the parsed model."""
        return cls(
            case_ref=row.case_ref,
            debtor_name=row.debtor_name,
            debt_type=row.debt_type,
            updated_at=row.updated_at,
            sha256=row.snapshot.sha256,
            case=json.loads(row.snapshot.canonical_json),
        )


class OptionChoicePublic(BaseModel):
    value: str
    label: str


class OptionPublic(BaseModel):
    """One option a document type takes: its kind tells a client which input to draw."""

    name: str
    label: str
    kind: Literal["text", "choice", "date", "money", "yes_no", "number"]
    help: str
    choices: list[OptionChoicePublic]
    default: str
    engines: list[str]


class DocumentTypePublic(BaseModel):
    id: str
    title: str
    family: str
    engines: list[str]
    inputs: list[str]
    options: list[OptionPublic]


class ProblemPublic(BaseModel):
    path: str
    message: str
    code: str
    blocking: bool
    hint: str = ""
    #: a blocking problem that time alone settles: the first day it no longer stands
    opens_on: date | None = None
    #: the last day on which the step can still be taken as things stand
    closes_on: date | None = None
    #: the document option whose answer settles it
    option: str = ""


class ChangePublic(BaseModel):
    path: str
    before: Any = None
    after: Any = None


class EventRecordedPublic(BaseModel):
    summary: str
    changes: list[ChangePublic]
    case: CasePublic


class HistoryEntryPublic(BaseModel):
    """One change to a case's content: who, when, what."""

    at: datetime
    actor: str
    action: str
    event: str | None
    summary: str
    changes: list[ChangePublic]
    sha256: str


class StepPublic(BaseModel):
    """One document type's standing on a case: possible, possible once answered, waiting for a
    date, blocked until something is recorded or done, or not for this case."""

    doc_type: str
    title: str
    family: str
    status: Literal["possible", "answer", "waiting", "blocked", "not_for_case"]
    opens_on: date | None
    closes_on: date | None
    stage: int | None
    done_on: date | None
    reasons: list[ProblemPublic]
    periods: list[ProblemPublic]
    questions: list[ProblemPublic]
    warnings: list[ProblemPublic]


class DeadlinePublic(BaseModel):
    on: date
    code: str
    message: str
    doc_types: list[str]


class NextStepsPublic(BaseModel):
    case_ref: str
    as_of: date
    #: the sum owing on ``as_of``
    outstanding: str
    next_step: StepPublic | None
    possible: list[StepPublic]
    waiting: list[StepPublic]
    blocked: list[StepPublic]
    done: list[StepPublic]
    not_for_case: list[StepPublic]
    deadlines: list[DeadlinePublic]


class EligibilityPublic(BaseModel):
    doc_type: str
    title: str
    eligible: bool
    problems: list[ProblemPublic]
    warnings: list[ProblemPublic]


class GenerateCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    doc_type: str
    options: dict[str, str] = Field(default_factory=dict)
    engine: str | None = None
    as_of: date | None = None
    redacted: bool = Field(
        default=False,
        description="the paper's redacted copy: dates of birth, bank details, health and vulnerability "
        "notes and other people's details left out",
    )


class VersionPublic(_Out):
    document_id: str
    number: int
    sha256: str
    size: int
    status: str
    input_hash: str
    template_hash: str
    engine: str
    engine_versions: dict[str, Any]
    options: dict[str, Any]
    as_of: date | None
    created_by: str
    created_at: datetime
    issued_by: str | None
    issued_at: datetime | None
    warnings: list[Any]
    attachments: list[str]
    #: the decisive figures the paper prints (e.g. balance, claim_amount, interest, fees, total)
    figures: dict[str, str]
    #: what it was made from beyond one case: stored versions it exhibits, a batch's cases
    inputs: dict[str, Any]
    download_url: str
    #: for a signed version: signer, signed_at, level (B-B or B-T), from_version
    signature: dict[str, Any] | None = None

    @classmethod
    def of(cls, v: Version) -> VersionPublic:
        return cls(
            document_id=v.document_id,
            number=v.number,
            sha256=v.sha256,
            size=v.size,
            status=v.status,
            input_hash=v.input_hash,
            template_hash=v.template_hash,
            engine=v.engine,
            engine_versions=v.engine_versions,
            options=v.options,
            as_of=v.as_of,
            created_by=v.created_by,
            created_at=v.created_at,
            issued_by=v.issued_by,
            issued_at=v.issued_at,
            warnings=v.warnings,
            attachments=sorted(v.attachments),
            figures={k: str(x) for k, x in (v.figures or {}).items()},
            inputs=dict(v.inputs or {}),
            download_url=f"/api/v1/documents/{v.document_id}/versions/{v.number}/download",
            signature=v.signature,
        )


class MatchingEventPublic(BaseModel):
    """The event that records what was done with an issued letter or claim: post it to ``url`` with
    ``kind``, these prefilled fields, and the rest (the date, a claim number ...)."""

    kind: str
    fields: dict[str, str]
    url: str


class IssuedPublic(VersionPublic):
    #: for a letter, a claim or a demand: the case event to record with it, so the next steps follow
    record_event: MatchingEventPublic | None = None


class GeneratedPublic(BaseModel):
    stored: bool
    version: VersionPublic


class DocumentPublic(BaseModel):
    id: str
    case_ref: str
    doc_type: str
    variant: str
    title: str
    versions: list[VersionPublic]

    @classmethod
    def of(cls, d: Document) -> DocumentPublic:
        return cls(
            id=d.id,
            case_ref=d.case_ref,
            doc_type=d.doc_type,
            variant=d.variant,
            title=d.title,
            versions=[VersionPublic.of(v) for v in d.versions],
        )


class JobItemCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    case_ref: str
    doc_type: str
    options: dict[str, str] = Field(default_factory=dict)
    engine: str | None = None
    redacted: bool = False


class JobCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    items: list[JobItemCreate] = Field(min_length=1)
    as_of: date | None = None
    callback_url: str | None = Field(
        default=None,
        max_length=2000,
        description="POSTed the finished job, signed with X-Docgen-Signature, retried with backoff",
    )


class CallbackPublic(BaseModel):
    url: str
    status: Literal["waiting", "retrying", "delivered", "failed"]
    attempts: int
    detail: str = ""


class JobPublic(_Out):
    id: str
    kind: str
    status: str
    progress: int
    total: int
    result: dict[str, Any]
    errors: list[Any]
    created_by: str
    created_at: datetime
    updated_at: datetime
    callback: CallbackPublic | None = None

    @classmethod
    def of(cls, row: Any) -> Self:
        found = (row.request or {}).get("callback")
        return cls.model_validate(row).model_copy(
            update={"callback": CallbackPublic.model_validate(found) if found else None}
        )


class ShareCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    #: a registered organisation's name (GET /organisations)
    organisation: str = Field(min_length=1, max_length=200)
    redacted: bool = Field(
        default=False, description="the partner sees only the redacted copies of the case's papers"
    )
    #: the last day the organisation may see the case (none: until revoked)
    expires_on: date | None = None


class SharePublic(_Out):
    id: int
    case_ref: str
    organisation: str
    granted_by: str
    granted_at: datetime
    revoked_at: datetime | None
    redacted: bool = False
    expires_on: date | None = None


class ShareCreatedPublic(SharePublic):
    #: the organisation's contact, told by e-mail when the share was made
    emailed_to: str | None = None
    #: why the e-mail could not be sent (the share stands)
    email_problem: str = ""


class OrganisationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    contact_email: str = Field(min_length=3, max_length=254)


class OrganisationPublic(_Out):
    id: int
    name: str
    contact_email: str


class UploadPublic(_Out):
    id: str = Field(description="the upload's id in addresses (random)")
    case_ref: str
    sha256: str
    filename: str
    size: int
    content_type: str
    created_by: str
    created_at: datetime
    #: set when it was withdrawn: kept in the store and in bundles already made, left out of new ones
    withdrawn_at: datetime | None = None
    withdrawn_by: str | None = None
    withdrawn_reason: str | None = None

    @classmethod
    def of(cls, row: Any) -> Self:
        return cls(
            id=row.public_id,
            case_ref=row.case_ref,
            sha256=row.sha256,
            filename=row.filename,
            size=row.size,
            content_type=row.content_type,
            created_by=row.created_by,
            created_at=row.created_at,
            withdrawn_at=row.withdrawn_at,
            withdrawn_by=row.withdrawn_by,
            withdrawn_reason=row.withdrawn_reason,
        )


class UploadWithdraw(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(max_length=4000, description="why it is withdrawn, e.g. sent in error")


class UserCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=120)
    role: Literal["officer", "legal_partner", "manager", "admin"]
    organisation: str = ""
    approval_limit: str | None = None


class UserPublic(BaseModel):
    name: str
    role: str
    organisation: str
    approval_limit: str | None


class UserCreatedPublic(UserPublic):
    api_key: str


class ApprovalCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    decision: Literal["approved", "rejected"]
    note: str = ""


class ApprovalPublic(_Out):
    id: int
    version_id: int
    status: str
    actor: str
    note: str
    at: datetime


class ApprovalQueueItemPublic(BaseModel):
    """A write-off report in the approvals queue."""

    document_id: str
    number: int
    case_ref: str
    #: the sum to write off, in pounds (None when the report's figures cannot be read)
    amount: str | None
    #: the write-off reason the report gives (e.g. uneconomic)
    reason: str
    #: why the caller may decide it, or the decision it carries
    verdict: str
    report_url: str
    decisions: list[ApprovalPublic]

    @classmethod
    def of(cls, item: Any) -> ApprovalQueueItemPublic:
        v = item.version
        return cls(
            document_id=v.document_id,
            number=v.number,
            case_ref=item.document.case_ref,
            amount=f"{item.amount:.2f}" if item.amount is not None else None,
            reason=item.reason_code,
            verdict=item.reason,
            report_url=f"/api/v1/documents/{v.document_id}/versions/{v.number}/download",
            decisions=[ApprovalPublic.model_validate(a, from_attributes=True) for a in item.decisions],
        )


class ApprovalQueuePublic(BaseModel):
    to_decide: list[ApprovalQueueItemPublic]
    decided: list[ApprovalQueueItemPublic]


class SignaturePublic(BaseModel):
    """One signature in a PDF, checked against the configured trust roots."""

    field: str
    signer: str
    signed_at: datetime | None
    timestamped: bool
    intact: bool = Field(description="the signed bytes are exactly the bytes that were signed")
    trusted: bool = Field(description="the signer's certificate chains to a configured trust root")
    covers_whole_file: bool = Field(description="nothing was added to the file after this signature")
    changes_after: str
    level: str
    valid: bool


class SignaturesPublic(BaseModel):
    signed: bool
    valid: bool
    signatures: list[SignaturePublic]

    @classmethod
    def of(cls, reports: list[Any]) -> SignaturesPublic:
        items = [SignaturePublic(**r.as_dict()) for r in reports]
        return cls(signed=bool(items), valid=bool(items) and all(i.valid for i in items), signatures=items)
