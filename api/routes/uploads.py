"""Evidence uploads: the raw file as the request body. The caller is authenticated and the size
capped before a byte is read (api.guard); the body is counted as it arrives and refused with 413 as
soon as it passes the limit, spooled to a temporary file past the first megabyte, and checked by
its content (a PDF or a PNG/JPEG image) before it is stored."""

from __future__ import annotations

import tempfile
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from api.deps import CurrentUser, SessionDep, SettingsDep, StoreDep
from api.schemas import UploadPublic, UploadWithdraw
from docgen.errors import DocgenError
from docgen.services import evidence

router = APIRouter(tags=["uploads"])

SPOOL_IN_MEMORY = 1024 * 1024


class TooLarge(DocgenError):
    def __init__(self, limit: int):
        super().__init__(
            f"the upload is larger than the limit of {limit:,} bytes ({limit / 1024 / 1024:.0f} MB)",
            code="upload_too_large",
            status=413,
            exit_code=2,
        )


async def capped_body(request: Request, settings: SettingsDep) -> bytes:
    limit = settings.max_upload_bytes
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise TooLarge(limit)
    size = 0
    with tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY) as spool:
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise TooLarge(limit)
            spool.write(chunk)
        spool.seek(0)
        return spool.read()


@router.post("/cases/{case_ref:path}/uploads", status_code=201, response_model=UploadPublic)
def upload(
    session: SessionDep,
    store: StoreDep,
    settings: SettingsDep,
    user: CurrentUser,
    case_ref: str,
    data: Annotated[bytes, Depends(capped_body)],
    filename: Annotated[str, Query(min_length=1, max_length=300)],
) -> UploadPublic:
    """Send the file itself as the body and its name as ?filename=. A PDF, PNG or JPEG file, by
    its content; it is served back with the type its content shows."""
    return UploadPublic.of(evidence.store(session, store, user, case_ref, filename, data, settings=settings))


@router.get("/cases/{case_ref:path}/uploads", response_model=list[UploadPublic])
def list_uploads(session: SessionDep, user: CurrentUser, case_ref: str) -> list[UploadPublic]:
    return [UploadPublic.of(u) for u in evidence.for_case(session, user, case_ref)]


@router.post("/cases/{case_ref:path}/uploads/{upload_id}/withdraw", response_model=UploadPublic)
def withdraw_upload(
    session: SessionDep, user: CurrentUser, case_ref: str, upload_id: str, body: UploadWithdraw
) -> UploadPublic:
    """Withdraw an upload: kept in the store and in bundles already made, audited, and refused for
    new bundles."""
    upload = evidence.on_case(session, user, case_ref, upload_id)
    return UploadPublic.of(evidence.withdraw(session, user, upload, body.reason))
