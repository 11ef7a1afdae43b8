"""Issuing with the council's signature, re-signing, and checking the signatures of a paper.

When the settings name a signing key, issuing a draft signs its bytes (PAdES, docgen.pdf.signing)
and stores them as the document's next version, which is the one issued: the register's sha256 of
an issued, signed version is the sha256 of the signed bytes. The draft itself is not changed. An
issued version is never changed either: re-signing it (a renewed certificate, a time-stamp) makes
another issued version with one more signature.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from docgen.config import Settings
from docgen.errors import Conflict, EngineUnavailable
from docgen.pdf.signing import SignatureReport, SignerConfig, sign_pdf, validate_signatures
from docgen.register import versions as service
from docgen.register.models import Version
from docgen.storage import ObjectStore


def signer_config(settings: Settings) -> SignerConfig:
    if not settings.signing_enabled:
        raise EngineUnavailable("no signing certificate is configured", code="signing_not_configured")
    return SignerConfig(
        pkcs12=settings.signing_pkcs12,
        pkcs12_password=settings.signing_pkcs12_password,
        pkcs11_module=settings.signing_pkcs11_module,
        pkcs11_token=settings.signing_pkcs11_token,
        pkcs11_pin=settings.signing_pkcs11_pin,
        pkcs11_key=settings.signing_pkcs11_key,
        certificate=settings.signing_certificate,
        chain=tuple(settings.signing_chain),
        visible=settings.signing_visible,
        reason=settings.signing_reason,
        location=settings.signing_location,
        timestamp_url=settings.signing_timestamp_url,
    )


def sign_bytes(pdf: bytes, settings: Settings) -> tuple[bytes, dict[str, Any]]:
    """The signed bytes and what the register records of the new signature."""
    signed = sign_pdf(pdf, signer_config(settings))
    newest = validate_signatures(signed, settings.trust_roots)[-1]
    record = {
        "signer": newest.signer,
        "signed_at": newest.signed_at.isoformat() if newest.signed_at else None,
        "level": newest.level,
        "field": newest.field,
        "visible": settings.signing_visible,
    }
    return signed, record


def issue(
    session: Session, store: ObjectStore, settings: Settings, document_id: str, number: int, actor: str
) -> Version:
    """Issue a version; signed first when a signing key is configured (then the issued version is
    the next number). Issuing an issued version again returns it unchanged."""
    version = service.find_version(session, document_id, number)
    if version.is_issued or not settings.signing_enabled or version.signature is not None:
        return service.issue(session, store, document_id, number, actor)
    if version.status != "draft":
        # the register's own refusal, worded once
        return service.issue(session, store, document_id, number, actor)
    _v, data = service.fetch(session, store, document_id, number, actor)
    signed, record = sign_bytes(data, settings)
    new = service.store_signed(session, store, version, signed, record, actor)
    return service.issue(session, store, document_id, new.number, actor)


def resign(
    session: Session, store: ObjectStore, settings: Settings, document_id: str, number: int, actor: str
) -> Version:
    """Another issued version carrying one more signature over the issued version's bytes."""
    version = service.find_version(session, document_id, number)
    if not version.is_issued:
        raise Conflict(
            f"version {number} of document {document_id} is not issued; issue it, which signs it",
            code="version_not_issued",
        )
    _v, data = service.fetch(session, store, document_id, number, actor)
    signed, record = sign_bytes(data, settings)
    new = service.store_signed(session, store, version, signed, record, actor)
    return service.issue(session, store, document_id, new.number, actor)


def check_bytes(pdf: bytes, settings: Settings) -> list[SignatureReport]:
    return validate_signatures(pdf, settings.trust_roots)


def check_version(
    session: Session, store: ObjectStore, settings: Settings, document_id: str, number: int | None, actor: str
) -> tuple[Version, list[SignatureReport]]:
    """The signatures of a stored version, its bytes first checked against the register's sha256."""
    version, data = service.fetch(session, store, document_id, number, actor)
    return version, check_bytes(data, settings)
