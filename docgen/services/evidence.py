"""Evidence uploaded for a case: kept once per content, listed, read back checked."""

from __future__ import annotations

import hashlib

from sqlalchemy.orm import Session

from docgen.errors import InvalidInput, NotFound, Problem
from docgen.register import versions
from docgen.register.models import Upload
from docgen.register.repositories import cases
from docgen.services.access import can_see_case, require_visible_case, require_writer
from docgen.services.auth import Principal
from docgen.storage import ObjectStore


def store(
    session: Session,
    store_: ObjectStore,
    who: Principal,
    case_ref: str,
    filename: str,
    data: bytes,
    content_type: str,
) -> Upload:
    require_visible_case(session, who, case_ref)
    require_writer(who, "upload evidence")
    if not data:
        raise InvalidInput("the upload is empty", [Problem("evidence", "Choose a file to upload", "empty")])
    return versions.store_upload(
        session,
        store_,
        case_ref=case_ref,
        filename=filename or "evidence",
        data=data,
        content_type=content_type or "application/octet-stream",
        actor=who.name,
    )


def for_case(session: Session, who: Principal, case_ref: str) -> list[Upload]:
    require_visible_case(session, who, case_ref)
    return cases.uploads_for(session, case_ref)


def read(session: Session, store_: ObjectStore, who: Principal, upload_id: int) -> tuple[Upload, bytes]:
    """An upload's bytes, checked against its sha256; "not found" when its case is hidden."""
    upload = cases.get_upload(session, upload_id)
    if upload is None or not can_see_case(session, who, upload.case_ref):
        raise NotFound(f"no upload {upload_id}", code="upload_not_found")
    data = store_.get(upload.storage_key, upload.storage_version_id)
    if hashlib.sha256(data).hexdigest() != upload.sha256:
        raise versions.ChecksumMismatch(f"stored bytes of upload {upload_id} do not match their sha256")
    return upload, data
