"""Evidence uploads: the raw file as the request body, counted as it arrives and refused with 413
as soon as it passes the limit, so an oversized upload is never held whole."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from api.deps import CurrentUser, SessionDep, SettingsDep, StoreDep
from api.schemas import UploadPublic
from docgen.errors import DocgenError
from docgen.services import evidence

router = APIRouter(tags=["uploads"])


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
    received = bytearray()
    async for chunk in request.stream():
        received += chunk
        if len(received) > limit:
            raise TooLarge(limit)
    return bytes(received)


@router.post("/cases/{case_ref:path}/uploads", status_code=201, response_model=UploadPublic)
def upload(
    session: SessionDep,
    store: StoreDep,
    user: CurrentUser,
    request: Request,
    case_ref: str,
    data: Annotated[bytes, Depends(capped_body)],
    filename: Annotated[str, Query(min_length=1, max_length=300)],
) -> UploadPublic:
    """Send the file itself as the body (Content-Type as the file's type) and its name as ?filename=."""
    content_type = request.headers.get("content-type", "application/octet-stream")
    return UploadPublic.of(evidence.store(session, store, user, case_ref, filename, data, content_type))


@router.get("/cases/{case_ref:path}/uploads", response_model=list[UploadPublic])
def list_uploads(session: SessionDep, user: CurrentUser, case_ref: str) -> list[UploadPublic]:
    return [UploadPublic.of(u) for u in evidence.for_case(session, user, case_ref)]
