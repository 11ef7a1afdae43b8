"""Evidence uploaded for a case: checked by its content, kept once per content, listed, read back
checked, found by a random public id.

An upload is a PDF whose pages all open, or a PNG or JPEG image that decodes; its content type is
the one its content shows, never the one the client declared, and that is the type it is served
with. An upload the viewer may not see is "not found", exactly as an id that never existed, and
the refusal is audited."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from docgen.config import Settings
from docgen.errors import DocgenError, InvalidInput, NotFound, Problem
from docgen.pdf.inputs import CONTENT_TYPES, InputLimits, check_upload
from docgen.register import versions
from docgen.register.models import Upload
from docgen.register.repositories import cases
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
    upload = (
        session.scalar(select(Upload).where(Upload.public_id == public_id)) if len(public_id) <= 64 else None
    )
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
