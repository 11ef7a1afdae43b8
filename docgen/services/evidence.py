"""Evidence uploaded for a case: checked by its content, kept once per content, listed, read back
checked, found by a random public id; what the upload form accepts; withdrawing an upload.

An upload is a PDF whose pages all open, or a PNG or JPEG image that decodes; its content type is
the one its content shows, never the one the client declared, and that is the type it is served
with. An upload the viewer may not see is "not found", exactly as an id that never existed, and
the refusal is audited. A withdrawn upload stays in the store and on the case (the bundles it went
into keep it), is marked with who withdrew it, when and why, and goes into no new bundle."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from docgen.config import Settings
from docgen.errors import Conflict, DocgenError, InvalidInput, NotFound, Problem
from docgen.pdf.inputs import CONTENT_TYPES, InputLimits, check_upload
from docgen.register import versions
from docgen.register.models import Upload
from docgen.register.repositories import audit, cases
from docgen.services.access import can_see_case, denied, require_visible_case, require_writer
from docgen.services.auth import Principal
from docgen.storage import ObjectStore

#: the types a stored upload may be served as; anything else goes out as plain bytes
SERVED_TYPES = frozenset(CONTENT_TYPES.values())


def store(
    session: Session,
    store_: ObjectStore,
    who: Principal,
    case_ref: str,
    filename: str,
    data: bytes,
    content_type: str = "",
    settings: Settings | None = None,
) -> Upload:
    """Check and keep an upload. ``content_type`` (what the client said) is not trusted: the type
    kept is the one the content shows."""
    require_visible_case(session, who, case_ref)
    require_writer(who, "upload evidence")
    if not data:
        raise InvalidInput("the upload is empty", [Problem("evidence", "Choose a file to upload", "empty")])
    name = filename.replace("\\", "/").rsplit("/", 1)[-1].strip() or "evidence"
    limits = InputLimits(settings.max_upload_bytes, settings.max_upload_pages) if settings else None
    try:
        checked = check_upload(data, name, limits)
    except DocgenError as exc:  # BadPdf: a problem with the file itself, named
        raise InvalidInput(exc.message, [Problem("evidence", exc.message, exc.code)]) from exc
    return versions.store_upload(
        session,
        store_,
        case_ref=case_ref,
        filename=name,
        data=data,
        content_type=checked,
        actor=who.name,
    )


def for_case(session: Session, who: Principal, case_ref: str) -> list[Upload]:
    require_visible_case(session, who, case_ref)
    return cases.uploads_for(session, case_ref)


def not_found() -> NotFound:
    return NotFound("no such upload", code="upload_not_found")


def visible(session: Session, who: Principal, public_id: str) -> Upload:
    """An upload by its public id; "not found" when it does not exist or its case is hidden."""
    upload = cases.upload_by_public_id(session, public_id) if len(public_id) <= 64 else None
    if upload is None:
        raise not_found()
    if not can_see_case(session, who, upload.case_ref):
        raise denied(not_found(), who, f"upload:{upload.public_id}", "case not shared")
    return upload


def read(session: Session, store_: ObjectStore, who: Principal, public_id: str) -> tuple[Upload, bytes]:
    """An upload's bytes, checked against its sha256."""
    upload = visible(session, who, public_id)
    data = store_.get(upload.storage_key, upload.storage_version_id)
    if hashlib.sha256(data).hexdigest() != upload.sha256:
        raise versions.ChecksumMismatch(f"stored bytes of upload {public_id} do not match their sha256")
    return upload, data


def stream(
    session: Session, store_: ObjectStore, who: Principal, public_id: str
) -> tuple[Upload, Iterator[bytes]]:
    """An upload's bytes in chunks, for a download that should not sit in memory."""
    upload = visible(session, who, public_id)
    return upload, store_.open_stream(upload.storage_key, upload.storage_version_id)


def served_type(upload: Upload) -> str:
    return upload.content_type if upload.content_type in SERVED_TYPES else "application/octet-stream"


#: what evidence may be, as the form states it (the content check at upload decides)
ALLOWED = (("PDF", ".pdf"), ("PNG image", ".png"), ("JPEG image", ".jpg, .jpeg"))
ACCEPT = ".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg"


def allowed_words() -> str:
    names = [name for name, _ in ALLOWED]
    return ", ".join(names[:-1]) + f" or {names[-1]}"


def size_words(limit: int) -> str:
    mb = limit / (1024 * 1024)
    return f"{mb:.0f} MB" if mb >= 1 else f"{limit // 1024} KB"


def withdraw(session: Session, who: Principal, upload: Upload, reason: str) -> Upload:
    require_visible_case(session, who, upload.case_ref)
    require_writer(who, "withdraw evidence")
    reason = reason.strip()
    if not reason:
        raise InvalidInput(
            "say why it is withdrawn",
            [Problem("reason", "Say why the evidence is withdrawn", code="required")],
        )
    if len(reason) > 2000:
        raise InvalidInput("too long", [Problem("reason", "The reason must be 2,000 characters or fewer")])
    if upload.withdrawn:
        raise Conflict(f"{upload.filename} was already withdrawn", code="already_withdrawn")
    upload.withdrawn_at = datetime.now(UTC)
    upload.withdrawn_by = who.name
    upload.withdrawn_reason = reason
    session.flush()
    audit.add(
        session,
        who.name,
        "upload_withdraw",
        f"case:{upload.case_ref}",
        {"upload": upload.sha256, "filename": upload.filename, "reason": reason},
    )
    return upload


#: the first bytes of each kind of file evidence may be
_SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)


def kind_of(filename: str, data: bytes) -> str:
    """The content type the file's own bytes show, or InvalidInput saying what is accepted. (The
    upload's full content check, which opens every page, runs when it is stored.)"""
    head = data[:1024].lstrip(b"\x00\t\r\n ") if data[:5] != b"%PDF-" else data
    for signature, content_type in _SIGNATURES:
        if head.startswith(signature):
            return content_type
    raise InvalidInput(
        "not a kind of file evidence may be",
        [
            Problem(
                "evidence",
                f"The file {filename} is not a {allowed_words()}: upload the evidence as one of those",
                code="unsupported_type",
            )
        ],
    )


def on_case(session: Session, who: Principal, case_ref: str, public_id: str) -> Upload:
    """An upload of this case by its public id, "not found" when it is not the case's or the case
    is hidden."""
    require_visible_case(session, who, case_ref)
    upload = visible(session, who, public_id)
    if upload.case_ref != case_ref:
        raise not_found()
    return upload
