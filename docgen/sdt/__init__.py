"""Secure Data Transfer files for HMCTS Money Claim Online."""

from docgen.sdt.request import (
    BulkRequest,
    McolClaim,
    SdtAddress,
    SdtParty,
    default_reference,
    to_xml,
    validation_errors,
)

__all__ = [
    "BulkRequest",
    "McolClaim",
    "SdtAddress",
    "SdtParty",
    "default_reference",
    "to_xml",
    "validation_errors",
]
