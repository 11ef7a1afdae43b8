"""Write-off approvals. The amount is the outstanding balance the report printed, read from the
figures recorded with its version, so an approval always matches the paper whatever the code that
works balances out says today."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from docgen.documents.writeoff import WriteOffReport
from docgen.domain.balance import compute_balance
from docgen.domain.case import parse_case
from docgen.domain.writeoff_policy import Policy, can_approve, load_policy
from docgen.errors import Conflict, DocgenError, Forbidden, InvalidInput
from docgen.register.models import Approval, Document, Version
from docgen.register.repositories import audit, cases, documents
from docgen.register.versions import find_version
from docgen.services.access import APPROVERS, can_see_case, require_role
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


@dataclass(frozen=True)
class Waiting:
    """A write-off report as the approvals queue shows it: what it printed, and whether ``who``
    could decide it (the same check ``decide`` makes)."""

    version: Version
    document: Document
    amount: Decimal | None
    within: bool
    reason: str
    decisions: list[Approval]
    reason_code: str

    @property
    def key(self) -> str:
        return f"{self.version.document_id}-{self.version.number}"

    @property
    def decided(self) -> bool:
        return bool(self.decisions)


def queue(session: Session, who: Principal) -> list[Waiting]:
    """The newest report of every write-off the manager may see, with its amount and verdict."""
    require_role(who, APPROVERS, "approve write-offs")
    return [_waiting(session, who, v) for v in latest_visible(session, who, (WriteOffReport.id,))]


def latest_visible(session: Session, who: Principal, doc_types: tuple[str, ...]) -> list[Version]:
    """The current version of each document of these types whose case ``who`` may see."""
    seen: set[str] = set()
    out = []
    for version in documents.current_versions(session, doc_types):
        if version.document_id in seen or not can_see_case(session, who, version.document.case_ref):
            continue
        seen.add(version.document_id)
        out.append(version)
    return out


def _waiting(session: Session, who: Principal, version: Version) -> Waiting:
    decisions = documents.approvals_for(session, version.id)
    amount: Decimal | None
    try:
        amount = write_off_amount(session, version)
        policy = load_policy(version.options.get("policy"))
        verdict = can_approve(delegated_level(policy), who.approval_limit, amount, policy)
        within, reason = verdict.allowed, verdict.reason
    except DocgenError as exc:
        amount, within, reason = None, False, exc.message
    return Waiting(
        version, version.document, amount, within, reason, decisions, version.options.get("reason", "")
    )


def queue_item(session: Session, who: Principal, version: Version) -> Waiting:
    """One report as ``who`` would see it in the queue."""
    return _waiting(session, who, version)


def to_decide_and_decided(session: Session, who: Principal) -> tuple[list[Waiting], list[Waiting]]:
    """(what ``who`` can still decide, what has been decided, newest decision first). A report above
    the manager's delegation is not theirs to decide and is on neither list."""
    waiting = queue(session, who)
    open_items = [w for w in waiting if not w.decisions and w.within]
    decided = sorted((w for w in waiting if w.decisions), key=lambda w: w.decisions[-1].at, reverse=True)
    return open_items, decided
