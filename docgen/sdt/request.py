"""The Secure Data Transfer bulk request for Money Claim Online (HMCTS BulkSubmitRequest.xsd).

Element names, order and limits follow the schema in hmcts/civil-sdt: a header, then one request
per claim, each an ``mcolClaim`` in the claim namespace. Amounts are whole pence. Nothing here
shortens a value: callers check the limits below first and leave out a claim that cannot fit.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from lxml import etree

NS_BULK = "http://ws.sdt.moj.gov.uk/2013/sdt/BulkRequestSchema"
NS_CLAIM = "http://ws.sdt.moj.gov.uk/2013/mcol/ClaimSchema"
NS_BASE = "http://ws.sdt.moj.gov.uk/2013/sdt/BaseSchema"
TARGET_APPLICATION = "MCOL"
REQUEST_TYPE = "mcolClaim"

# Limits from RootXSDs/Claim.xsd and Base.xsd.
NAME_MAX = 60
LINE_MAX = 30
ADDRESS_LINES_MAX = 4
PARTICULARS_LINES_MAX = 24
PARTICULARS_WIDTH = 45
SIGNATURE_NAME_MAX = 30
CLAIMANT_REFERENCE_MAX = 24
REQUEST_ID_MAX = 24
REQUESTS_MAX = 2000
CUSTOMER_ID = re.compile(r"^[1-9][0-9]{7}$")
CUSTOMER_REFERENCE = re.compile(r"^[0-9a-zA-Z_-]{1,32}$")
REQUEST_ID = re.compile(r"^[0-9a-zA-Z_-]{1,24}$")
# Base.xsd postcodeType: outward code, one space, inward code without C I K M O V
POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9R][0-9A-Z]? [0-9][ABD-HJLNP-UW-Z]{2}$")


@dataclass(frozen=True)
class SdtAddress:
    lines: tuple[str, ...]  # 2 to 4 lines of at most 30 characters
    postcode: str


@dataclass(frozen=True)
class SdtParty:
    name: str
    address: SdtAddress


@dataclass(frozen=True)
class McolClaim:
    request_id: str
    claimant_reference: str
    claimant: SdtParty
    defendants: tuple[SdtParty, ...]  # one or two
    claim_amount_pence: int
    particulars: tuple[str, ...]
    signatory: str
    reserve_right_to_claim_interest: bool
    solicitor_cost_pence: int = 0


@dataclass
class BulkRequest:
    customer_id: str
    customer_reference: str
    claims: list[McolClaim] = field(default_factory=list)


def _sub(parent: etree._Element, ns: str, name: str, text: str | None = None) -> etree._Element:
    el = etree.SubElement(parent, f"{{{ns}}}{name}")
    if text is not None:
        el.text = text
    return el


def _address(parent: etree._Element, address: SdtAddress, lines_ns: str) -> None:
    el = _sub(parent, NS_CLAIM, "address")
    for i, line in enumerate(address.lines, 1):
        _sub(el, lines_ns, f"line{i}", line)
    _sub(el, lines_ns, "postcode", address.postcode)


def _claim(parent: etree._Element, claim: McolClaim) -> None:
    request = _sub(parent, NS_BULK, "request")
    request.set("requestType", REQUEST_TYPE)
    request.set("requestId", claim.request_id)
    el = _sub(request, NS_BULK, "mcolClaim")
    _sub(el, NS_CLAIM, "claimantReference", claim.claimant_reference)
    claimant = _sub(el, NS_CLAIM, "claimant")
    _sub(claimant, NS_CLAIM, "name", claim.claimant.name)
    # the claimant's address lines are declared in the claim schema itself, a defendant's come
    # from the base schema's addressType, so they sit in different namespaces
    _address(claimant, claim.claimant.address, NS_CLAIM)
    for n, defendant in enumerate(claim.defendants, 1):
        d = _sub(el, NS_CLAIM, f"defendant{n}")
        _sub(d, NS_CLAIM, "name", defendant.name)
        _address(d, defendant.address, NS_BASE)
    _sub(el, NS_CLAIM, "sendParticularsSeparately", "false")
    _sub(
        el,
        NS_CLAIM,
        "reserveRightToClaimInterest",
        "true" if claim.reserve_right_to_claim_interest else "false",
    )
    _sub(el, NS_CLAIM, "claimAmount", str(claim.claim_amount_pence))
    if claim.solicitor_cost_pence:
        _sub(el, NS_CLAIM, "solicitorCost", str(claim.solicitor_cost_pence))
    for line in claim.particulars:
        _sub(el, NS_CLAIM, "particulars", line)
    sot = _sub(el, NS_CLAIM, "sotSignature")
    _sub(sot, NS_BASE, "flag", "true")
    _sub(sot, NS_BASE, "name", claim.signatory)


def to_xml(request: BulkRequest) -> bytes:
    if not 1 <= len(request.claims) <= REQUESTS_MAX:
        raise ValueError(f"a bulk request holds 1 to {REQUESTS_MAX} claims, not {len(request.claims)}")
    root = etree.Element(
        f"{{{NS_BULK}}}bulkRequest", nsmap={"bulk": NS_BULK, "clm": NS_CLAIM, "base": NS_BASE}
    )
    header = _sub(root, NS_BULK, "header")
    _sub(header, NS_BULK, "sdtCustomerId", request.customer_id)
    _sub(header, NS_BULK, "targetApplicationId", TARGET_APPLICATION)
    _sub(header, NS_BULK, "requestCount", str(len(request.claims)))
    _sub(header, NS_BULK, "customerReference", request.customer_reference)
    requests = _sub(root, NS_BULK, "requests")
    for claim in request.claims:
        _claim(requests, claim)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))


def schema(schemas_dir: Path) -> etree.XMLSchema:
    """HMCTS's schema from a folder laid out as in hmcts/civil-sdt (BulkRequestResponse/, RootXSDs/)."""
    path = schemas_dir / "BulkRequestResponse" / "BulkSubmitRequest.xsd"
    return etree.XMLSchema(etree.parse(str(path)))


def validation_errors(xml: bytes, schemas_dir: Path) -> list[str]:
    checker = schema(schemas_dir)
    doc = etree.fromstring(xml)
    if checker.validate(doc):
        return []
    return [f"line {e.line}: {e.message}" for e in checker.error_log]


def default_reference(as_of: date, request_ids: Sequence[str]) -> str:
    """A customer reference that names the batch by date and content, the same for the same batch."""
    digest = hashlib.sha256("\n".join(request_ids).encode()).hexdigest()[:10]
    return f"DOCGEN-{as_of:%Y%m%d}-{digest}"
