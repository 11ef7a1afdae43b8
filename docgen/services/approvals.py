"""Write-off approvals. The amount is the outstanding sum the report printed, read from the figures
recorded with its version, and the policy is the council's own, the one the report named (its id is
recorded with the figures), so an approval always matches the paper and names the same authority."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from decimal import Decimal

from pypdf import PdfReader
from sqlalchemy.orm import Session

from docgen.config import Settings, get_settings
from docgen.documents import inputs
from docgen.documents.writeoff import WriteOffReport, council_policy
from docgen.domain.case import Case, parse_case
from docgen.domain.facts import case_facts
from docgen.domain.writeoff_policy import Decision, Level, Policy, can_approve
from docgen.errors import Conflict, DocgenError, Forbidden, InvalidInput
from docgen.register.models import Approval, Document, Version
from docgen.register.repositories import audit, cases, documents
from docgen.register.versions import Made, find_version, read_exact
from docgen.services.access import APPROVERS, can_see_case, require_role
from docgen.services.auth import Principal
from docgen.services.backend import Backend

DECISIONS = frozenset({"approved", "rejected"})


def _case_of(session: Session, version: Version) -> Case:
    if version.case_snapshot_id is None or version.as_of is None:
        raise Conflict("this version does not record the case it was made from", code="no_snapshot")
    snapshot = cases.get_snapshot(session, version.case_snapshot_id)
    assert snapshot is not None  # a foreign key
    return parse_case(json.loads(snapshot.canonical_json), f"snapshot {snapshot.id}")


def write_off_amount(session: Session, version: Version) -> Decimal:
    """The outstanding sum the report printed, as recorded with its version. A version stored before
    figures were recorded is worked out from its snapshot at its date."""
    printed = version.figures.get("balance")
    if printed:
        return Decimal(printed)
    case = _case_of(session, version)
    assert version.as_of is not None  # _case_of refuses a version without it
    return case_facts(case, version.as_of).outstanding


def delegated_level(policy: Policy) -> str:
    """The policy level a manager acts at: the highest below the committee. Their own approval
    limit, when set, narrows it further."""
    limit = policy.delegated_limit
    return next(lv.code for lv in policy.levels if lv.limit == limit)


@dataclass(frozen=True)
class Review:
    """What a manager sees before deciding: the amount, the policy and the authority the report
    names, and whether this manager may decide it."""

    amount: Decimal
    policy: Policy
    authority: Level
    verdict: Decision


def review(session: Session, who: Principal, version: Version, settings: Settings | None = None) -> Review:
    if version.document.doc_type != WriteOffReport.id:
        raise Conflict(
            f"only a {WriteOffReport.title.lower()} is approved; this is a {version.document.doc_type}",
            code="not_a_write_off",
        )
    if version.figures.get("decision"):
        raise Conflict(
            f"this version records the decision made on version {version.figures.get('decided_version')}",
            code="already_decided",
        )
    case = _case_of(session, version)
    assert version.as_of is not None
    # the policy the report was made under: recorded with its figures (or, for a version stored
    # before, the one its options named or the council's in force on its date)
    policy_id = version.figures.get("policy") or version.options.get("policy", "")
    policy = council_policy(settings or get_settings(), case.creditor.name, policy_id, version.as_of)
    amount = write_off_amount(session, version)
    verdict = can_approve(delegated_level(policy), who.approval_limit, amount, policy)
    return Review(amount, policy, policy.level_for(amount), verdict)


def _undecided(session: Session, document_id: str, number: int) -> Version:
    """The report's version, refused when a decision was already recorded on it: a decision is a
    record of who authorised the money; a change of mind is a new report."""
    version = find_version(session, document_id, number)
    earlier = documents.approvals_for(session, version.id)
    if earlier:
        raise Conflict(
            f"version {number} of {document_id} was already {earlier[0].status} by {earlier[0].actor}",
            code="already_decided",
        )
    return version


def decide(
    session: Session,
    who: Principal,
    document_id: str,
    number: int,
    decision: str,
    note: str,
    settings: Settings | None = None,
) -> Approval:
    require_role(who, APPROVERS, "approve write-offs")
    if decision not in DECISIONS:
        raise InvalidInput(f"decision must be one of {', '.join(sorted(DECISIONS))}")
    version = _undecided(session, document_id, number)
    seen = review(session, who, version, settings)
    if not seen.verdict.allowed:
        raise Forbidden(f"{who.name} cannot decide this write-off: {seen.verdict.reason}", code="over_limit")
    approval = documents.add_approval(session, version.id, decision, who.name, note)
    audit.add(
        session,
        who.name,
        "approval",
        f"document:{document_id}/v{number}",
        {
            "decision": decision,
            "amount": str(seen.amount),
            "as_of": _iso(version.as_of),
            "policy": seen.policy.name,
            "authority": seen.authority.title,
            "limit": "" if seen.authority.limit is None else str(seen.authority.limit),
        },
    )
    return approval


@dataclass(frozen=True)
class Waiting:
    """A write-off report as the approvals queue shows it: what it printed, and whether ``who``
    could decide it (the same check ``decide`` makes), or the decision it carries."""

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


def queue(session: Session, who: Principal, settings: Settings | None = None) -> list[Waiting]:
    """The newest report of every write-off the manager may see, with its amount and verdict."""
    require_role(who, APPROVERS, "approve write-offs")
    return [_waiting(session, who, v, settings) for v in latest_visible(session, who, (WriteOffReport.id,))]


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


def _waiting(session: Session, who: Principal, version: Version, settings: Settings | None) -> Waiting:
    decisions = decisions_for(session, version)
    amount: Decimal | None
    try:
        amount = write_off_amount(session, version)
        if decisions:
            within, reason = False, f"decided: {decisions[0].status} by {decisions[0].actor}"
        else:
            seen = review(session, who, version, settings)
            within, reason = seen.verdict.allowed, seen.verdict.reason
    except DocgenError as exc:
        amount, within, reason = None, False, exc.message
    return Waiting(
        version, version.document, amount, within, reason, decisions, version.options.get("reason", "")
    )


def queue_item(
    session: Session, who: Principal, version: Version, settings: Settings | None = None
) -> Waiting:
    """One report as ``who`` would see it in the queue."""
    return _waiting(session, who, version, settings)


def to_decide_and_decided(
    session: Session, who: Principal, settings: Settings | None = None
) -> tuple[list[Waiting], list[Waiting]]:
    """(what ``who`` can still decide, what has been decided, newest decision first). A report above
    the manager's delegation is not theirs to decide and is on neither list."""
    waiting = queue(session, who, settings)
    open_items = [w for w in waiting if not w.decisions and w.within]
    decided = sorted((w for w in waiting if w.decisions), key=lambda w: w.decisions[-1].at, reverse=True)
    return open_items, decided


def list_for(session: Session, document_id: str, number: int) -> list[Approval]:
    return documents.approvals_for(session, find_version(session, document_id, number).id)


def _iso(day: date | None) -> str:
    return day.isoformat() if day else ""


# -- the decision recorded on the report -----------------------------------------------------------

DECISION_TEMPLATE = "writeoff/decision.html"


@dataclass(frozen=True)
class Decided:
    approval: Approval
    #: the new version of the report: the report as it was, with the decision page after it
    version: Version


@dataclass(frozen=True)
class DecisionRequest:
    """A write-off decided and kept on the stored report: a new version of it, the report's pages
    as stored followed by a page naming the decision (made by the generation corridor)."""

    document_id: str
    number: int
    decision: str
    note: str
    actor: Principal
    decided_on: date


def record_decision(
    backend: Backend, who: Principal, document_id: str, number: int, decision: str, note: str
) -> Decided:
    """Decide a write-off and keep the decision on the stored report: a new version of it, the
    report's pages unchanged followed by a page naming the decision, who made it, the authority and
    limit relied on and the date. The new version goes through the generation corridor like every
    paper; the decision is written in the same transaction as the version that records it."""
    from docgen.services import generation

    require_role(who, APPROVERS, "approve write-offs")
    if decision not in DECISIONS:
        raise InvalidInput(f"decision must be one of {', '.join(sorted(DECISIONS))}")
    request = DecisionRequest(document_id, number, decision, note, who, datetime.now(UTC).date())
    approvals: list[Approval] = []

    def record(session: Session, _made: object) -> None:
        approvals.append(decide(session, who, document_id, number, decision, note, backend.settings))

    made = generation.generate(backend, request, on_stored=record)
    return Decided(approvals[-1], made.version)


def plan_decision(
    backend: Backend, request: DecisionRequest, session: Session
) -> tuple[tuple[int, ...], Callable[[], list[Made]]]:
    """The corridor's probe for a decision: the report as the register holds it, checked, and the
    render that adds the decision page. A decision is never unchanged: it is always a new version."""
    from docgen.render.engines import get_engine

    who, document_id, number, decision = request.actor, request.document_id, request.number, request.decision
    version = _undecided(session, document_id, number)
    seen = review(session, who, version, backend.settings)
    if not seen.verdict.allowed:
        raise Forbidden(f"{who.name} cannot decide this write-off: {seen.verdict.reason}", code="over_limit")
    case = _case_of(session, version)
    report = read_exact(backend.store, version)
    engine = get_engine("html", backend.settings)
    today, as_of, options = request.decided_on, version.as_of, dict(version.options)
    context = {
        "case_ref": case.case_ref,
        "debtor_name": case.primary_debtor.display_name,
        "report_version": number,
        "report_date": as_of,
        "report_pages": len(PdfReader(io.BytesIO(report)).pages),
        "decision_words": "Approved: the debt is written off" if decision == "approved" else "Rejected",
        "amount": seen.amount,
        "decided_by": who.name,
        "authority": seen.authority.title,
        "limit": seen.authority.limit,
        "personal_limit": who.approval_limit,
        "council": seen.policy.council,
        "policy": seen.policy.name,
        "decided_on": today,
        "note": request.note,
    }
    # the one recipe: the report decided on enters as a stored input (its sha256), the decision as
    # declared extras, and the decision page's template with the report's
    template_hash = inputs.combined_template_hash(
        {"report": version.template_hash, DECISION_TEMPLATE: engine.template_hash(DECISION_TEMPLATE)}
    )
    decided_on = inputs.StoredInput("report", document_id, number, version.sha256, attach=False)
    input_hash = inputs.input_hash(
        doc_type=WriteOffReport.id,
        subjects=case.content_hash(),
        options=options,
        as_of=as_of,
        engine=version.engine,
        template_hash=template_hash,
        extras={
            "decision": decision,
            "decided_by": who.name,
            "decided_on": today.isoformat(),
            "note": request.note,
        },
        stored={"report": decided_on},
    )
    title = f"{WriteOffReport.title} - {case.case_ref} - decision"
    made = Made(
        case_ref=case.case_ref,
        doc_type=WriteOffReport.id,
        pdf=b"",
        input_hash=input_hash,
        template_hash=template_hash,
        engine=version.engine,
        title=title,
        variant=version.document.variant,
        options=options,
        as_of=as_of,
        case_snapshot_id=version.case_snapshot_id,
        figures={
            **version.figures,
            "decision": decision,
            "decided_by": who.name,
            "decided_on": today.isoformat(),
            "decided_version": str(number),
        },
        inputs={"report": {"document_id": document_id, "version": number, "sha256": version.sha256}},
    )
    author = case.creditor.name

    def render() -> list[Made]:
        from docgen.pdf.merge import merge_pdfs
        from docgen.render.base import PdfMeta

        meta = PdfMeta(title=title, document_id=input_hash[:32], created=today, author=author)
        page = engine.render(DECISION_TEMPLATE, context, meta).pdf
        pdf = merge_pdfs([report, page], title=title, subject=WriteOffReport.title, author=author)
        return [replace(made, pdf=pdf, engine_versions=engine.versions())]

    return (), render


def decisions_for(session: Session, version: Version) -> list[Approval]:
    """The decision a report version carries: its own, or, for a version that records a decision,
    the decision on the version it was made on."""
    decided = version.figures.get("decided_version")
    if decided:
        original = documents.get_version(session, version.document_id, int(decided))
        if original is not None:
            return documents.approvals_for(session, original.id)
    return documents.approvals_for(session, version.id)
