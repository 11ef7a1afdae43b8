"""Signatures: re-sign an issued version, and check the signatures of a stored version or of a PDF
a partner was sent, against the trust roots the service is configured with."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool

from api.deps import CurrentUser, SessionDep, SettingsDep, StoreDep
from api.schemas import SignaturesPublic, VersionPublic
from docgen.errors import InvalidInput, Problem
from docgen.services import signing
from docgen.services.access import require_writer, visible_document

router = APIRouter(tags=["signatures"])


@router.post("/documents/{document_id}/versions/{number}/sign", response_model=VersionPublic, status_code=201)
def resign(
    session: SessionDep,
    store: StoreDep,
    settings: SettingsDep,
    user: CurrentUser,
    document_id: str,
    number: int,
) -> VersionPublic:
    """Sign an issued version again (a renewed certificate, say): a new issued version is made and
    the earlier one stays exactly as it was."""
    visible_document(session, user, document_id)
    require_writer(user, "sign documents")
    return VersionPublic.of(signing.resign(session, store, settings, document_id, number, user.name))


@router.get("/documents/{document_id}/versions/{number}/signatures", response_model=SignaturesPublic)
def version_signatures(
    session: SessionDep,
    store: StoreDep,
    settings: SettingsDep,
    user: CurrentUser,
    document_id: str,
    number: int,
) -> SignaturesPublic:
    """Who signed the stored version, when, whether its bytes changed since, and whether the
    signer chains to a configured trust root."""
    visible_document(session, user, document_id)
    _version, reports = signing.check_version(session, store, settings, document_id, number, user.name)
    return SignaturesPublic.of(reports)


@router.post(
    "/signatures/verify",
    response_model=SignaturesPublic,
    openapi_extra={
        "requestBody": {"content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}}
    },
)
async def verify_file(request: Request, settings: SettingsDep, _user: CurrentUser) -> SignaturesPublic:
    """Check the signatures of a PDF sent as the request body (Content-Type: application/pdf)."""
    limit = settings.max_upload_bytes
    data = bytearray()
    async for chunk in request.stream():
        data.extend(chunk)
        if len(data) > limit:
            raise InvalidInput(f"the PDF is larger than {limit:,} bytes", [Problem("body", "too large")])
    if not data.startswith(b"%PDF-") and b"%PDF-" not in bytes(data[:1024]):
        raise InvalidInput("the body is not a PDF", [Problem("body", "send the PDF file itself")])
    # off the event loop: the validator runs its own
    return SignaturesPublic.of(await run_in_threadpool(signing.check_bytes, bytes(data), settings))
