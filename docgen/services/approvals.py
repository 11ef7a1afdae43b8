"""Write-off approvals. The amount is the outstanding balance the report printed, read from the
figures recorded with its version, so an approval always matches the paper whatever the code that
works balances out says today."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from docgen.documents.writeoff import WriteOffReport
from docgen.domain.balance import compute_balance
from docgen.domain.case import parse_case
from docgen.domain.writeoff_policy import Policy, can_approve, load_policy
from docgen.errors import Conflict, Forbidden, InvalidInput
from docgen.register.models import Approval, Version
from docgen.register.repositories import audit, cases, documents
from docgen.register.versions import find_version
from docgen.services.access import APPROVERS, require_role
from docgen.services.auth import Principal

DECISIONS = frozenset({"approved", "rejected"})


def write_off_amount(session: Session, version: Version) -> Decimal:
    """The outstanding balance the report printed, as recorded with its version. A version stored
    before figures were recorded is worked out from its snapshot at its date."""
    printed = version.figures.get("balance")
    if printed:
        return Decimal(printed)
    if version.case_snapshot_id is None or version.as_of is None:
        raise Conflict("this version does not record the case it was made from", code="no_snapshot")
    snapshot = cases.get_snapshot(session, version.case_snapshot_id)
    assert snapshot is not None  # a foreign key
    case = parse_case(json.loads(snapshot.canonical_json), f"snapshot {snapshot.id}")
    return compute_balance(case, version.as_of).outstanding


def delegated_level(policy: Policy) -> str:
    """The policy level a manager acts at: the highest below the committee. Their own approval
    limit, when set, narrows it further."""
    limit = policy.delegated_limit
    return next(lv.code for lv in policy.levels if lv.limit == limit)


def decide(
    session: Session, who: Principal, document_id: str, number: int, decision: str, note: str
) -> Approval:
    require_role(who, APPROVERS, "approve write-offs")
    if decision not in DECISIONS:
        raise InvalidInput(f"decision must be one of {', '.join(sorted(DECISIONS))}")
    version = find_version(session, document_id, number)
    if version.document.doc_type != WriteOffReport.id:
        raise Conflict(
            f"only a {WriteOffReport.id} is approved; this is a {version.document.doc_type}",
            code="not_a_write_off",
        )
    earlier = documents.approvals_for(session, version.id)
    if earlier:
        # a decision is a record of who authorised the money; a change of mind is a new report
        raise Conflict(
            f"version {number} of {document_id} was already {earlier[0].status} by {earlier[0].actor}",
            code="already_decided",
        )
    policy = load_policy(version.options.get("policy"))
    amount = write_off_amount(session, version)
    verdict = can_approve(delegated_level(policy), who.approval_limit, amount, policy)
    if not verdict.allowed:
        raise Forbidden(f"{who.name} cannot decide this write-off: {verdict.reason}", code="over_limit")
    approval = documents.add_approval(session, version.id, decision, who.name, note)
    audit.add(
        session,
        who.name,
        "approval",
        f"document:{document_id}/v{number}",
        {"decision": decision, "amount": str(amount), "as_of": _iso(version.as_of)},
    )
    return approval


def list_for(session: Session, document_id: str, number: int) -> list[Approval]:
    return documents.approvals_for(session, find_version(session, document_id, number).id)


def _iso(day: date | None) -> str:
    return day.isoformat() if day else ""
