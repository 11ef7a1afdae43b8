"""Write-off papers for a batch: the schedule of every account with its authority level, and the
committee report for the accounts above the delegated limit.

The schedule and the committee report are batch papers (``docgen.documents.batch``): over a list
of cases, each with its reason, made by the generation corridor like every other paper and kept
under the ``writeoff:<date>`` register namespace. The ``Schedule`` behind them is worked out in the
domain (``build_schedule``). Their one-case types render a batch of one, so they can still be listed,
checked and rendered for a single case like any other type.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from docgen.documents.base import DocumentRequest, DocumentType, OptionSpec
from docgen.documents.batch import BatchDocumentType, BatchRequest, register_batch
from docgen.documents.writeoff.lists import schedule_xlsx
from docgen.documents.writeoff.policy import POLICY, council_policy, policy_of
from docgen.domain.money import ZERO, fmt_gbp, fmt_plain
from docgen.domain.writeoff import (
    BatchItem,
    Schedule,
    ScheduleRow,
    build_schedule,
    percent,
    recovery_taken,
    totals,
)
from docgen.domain.writeoff_policy import Policy
from docgen.errors import InvalidInput, Problem

if TYPE_CHECKING:
    pass

FAMILY = "writeoff"


def _row_dict(row: ScheduleRow) -> dict[str, Any]:
    return {
        "case_ref": row.case_ref,
        "debtor_name": row.debtor_name,
        "debt_type": row.debt_type,
        "reason": row.reason_title,
        "year": row.year,
        "level": row.level_title,
        "amount": row.amount,
        "vat": row.vat,
        "evidence": "; ".join(row.evidence),
    }


def _level_title(policy: Policy, code: str, default: str) -> str:
    return next((lv.title for lv in policy.levels if lv.code == code), default)


def schedule_context(schedule: Schedule, council: str) -> dict[str, Any]:
    policy = schedule.policy
    groups = []
    for level in policy.levels:
        rows = [r for r in schedule.rows if r.level_code == level.code]
        if rows:
            groups.append(
                {
                    "title": level.title,
                    "limit": "no limit" if level.limit is None else f"up to {fmt_gbp(level.limit)}",
                    "committee": policy.needs_committee(rows[0].amount),
                    "count": len(rows),
                    "total": sum((r.amount for r in rows), ZERO),
                    "rows": [_row_dict(r) for r in rows],
                }
            )
    committee = schedule.committee()
    return {
        "council": council,
        "as_of": schedule.as_of,
        "policy_name": policy.name,
        "policy_council": policy.council,
        "delegated_limit": policy.delegated_limit,
        "groups": groups,
        "by_debt_type": totals(schedule.rows, "debt_type"),
        "by_year": totals(schedule.rows, "year"),
        "by_reason": totals(schedule.rows, "reason_title"),
        "count": len(schedule.rows),
        "total": schedule.total,
        "vat_total": sum((r.vat for r in schedule.rows), ZERO),
        "committee_count": len(committee),
        "committee_total": sum((r.amount for r in committee), ZERO),
    }


def committee_context(schedule: Schedule, council: str) -> dict[str, Any]:
    policy = schedule.policy
    rows = schedule.committee()
    total = sum((r.amount for r in rows), ZERO)
    billed = sum((r.billed for r in rows), ZERO)
    provision = sum((r.provision for r in rows), ZERO)
    decision_maker = policy.levels[-1].title
    years = sorted({r.year for r in rows})
    cases = schedule.cases(rows)
    steps, letters_only = recovery_taken(cases, schedule.as_of)
    insolvent = [r for r in rows if r.reason_code == "insolvency_proof_lodged"]
    return {
        "council": council,
        "as_of": schedule.as_of,
        "decision_maker": decision_maker,
        "report_of": _level_title(policy, "s151_officer", "Chief Finance Officer"),
        "policy_name": policy.name,
        "policy_council": policy.council,
        "delegated_limit": policy.delegated_limit,
        "count": len(rows),
        "total": total,
        "billed": billed,
        "percent_of_billed": percent(total, billed),
        "years": ", ".join(years),
        "by_debt_type": totals(rows, "debt_type"),
        "by_reason": totals(rows, "reason_title"),
        "by_year": totals(rows, "year"),
        "provision_held": provision,
        "provision_shortfall": max(total - provision, ZERO),
        "vat_total": sum((r.vat for r in rows), ZERO),
        "recovery_steps": [s.words for s in steps],
        "no_recovery_step": not steps,
        "letters_only": ", ".join(letters_only),
        "letters_only_count": len(letters_only),
        "insolvent_count": len(insolvent),
        "accounts": [_row_dict(r) for r in rows],
    }


# -- registered batch types (a batch of one) and the batch entry point ------------------------


class _BatchType(DocumentType):
    options = (
        OptionSpec(
            "reason", "Reason for writing the debt off", help="A reason code from the council's policy."
        ),
        POLICY,
    )

    def input_extras(self, req: DocumentRequest) -> dict[str, str]:
        try:
            return {"policy": policy_of(req).digest}
        except InvalidInput:
            return {}

    def schedule(self, req: DocumentRequest) -> Schedule:
        item = BatchItem(req.case, req.option("reason").strip())
        return build_schedule([item], req.as_of, policy_of(req))

    def eligibility(self, req: DocumentRequest) -> list[Problem]:
        try:
            self.schedule(req)
        except InvalidInput as err:
            return err.problems or [Problem("", err.message)]
        return []


class WriteOffSchedule(_BatchType):
    id: ClassVar[str] = "write_off_schedule"
    title: ClassVar[str] = "Write-off schedule"
    family: ClassVar[str] = FAMILY
    templates: ClassVar[dict[str, str]] = {"docx": "write_off_schedule.docx"}

    def context(self, req: DocumentRequest) -> dict[str, Any]:
        return schedule_context(self.schedule(req), req.case.creditor.name)


class CommitteeWriteOffReport(_BatchType):
    id: ClassVar[str] = "committee_write_off_report"
    title: ClassVar[str] = "Write-off report to the Executive"
    family: ClassVar[str] = FAMILY
    templates: ClassVar[dict[str, str]] = {"docx": "committee_write_off_report.docx"}

    def eligibility(self, req: DocumentRequest) -> list[Problem]:
        problems = super().eligibility(req)
        if not problems:
            policy = policy_of(req)
            if not policy.needs_committee(req.facts.balance.outstanding):
                problems.append(
                    Problem(
                        "",
                        f"the amount is within the delegated limit of {fmt_gbp(policy.delegated_limit)}: "
                        "an officer decides it, no committee report is needed",
                        "within_delegation",
                    )
                )
        return problems

    def context(self, req: DocumentRequest) -> dict[str, Any]:
        return committee_context(self.schedule(req), req.case.creditor.name)


def batch_council(items: Sequence[BatchItem]) -> str:
    """The one council a batch is for: a schedule is made under one council's policy."""
    if not items:
        raise InvalidInput("a write-off batch needs at least one case")
    councils = sorted({i.case.creditor.name for i in items})
    if len(councils) > 1:
        raise InvalidInput(
            "a write-off batch is for one council",
            [
                Problem(
                    "cases", f"the cases are for {len(councils)} councils: {', '.join(councils)}", "councils"
                )
            ],
        )
    return councils[0]


# -- the batch papers ---------------------------------------------------------------------------


class _WriteOffBatch(BatchDocumentType):
    family: ClassVar[str] = FAMILY
    namespace: ClassVar[str] = "writeoff"
    entry_fields: ClassVar[tuple[str, ...]] = ("reason", "evidence")
    options = (POLICY,)
    ordered: ClassVar[bool] = False

    def document_key(self, req: BatchRequest) -> str:
        """One document per list of cases: the same list run again is a new version of it."""
        refs = "\n".join(sorted(e.case.case_ref for e in req.entries))
        return hashlib.sha256(refs.encode()).hexdigest()[:16]

    def items(self, req: BatchRequest) -> list[BatchItem]:
        return [BatchItem(e.case, e.field("reason"), e.field("evidence")) for e in req.entries]

    def policy(self, req: BatchRequest) -> Policy:
        """The council's own policy (one council a batch), chosen by id from its configured set."""
        council = batch_council(self.items(req))
        return council_policy(req.config, council, req.option("policy"), req.as_of)

    def input_extras(self, req: BatchRequest) -> dict[str, str]:
        try:
            return {"policy": self.policy(req).digest}
        except InvalidInput:
            return {}

    def schedule(self, req: BatchRequest) -> Schedule:
        return req.memo("schedule", lambda: build_schedule(self.items(req), req.as_of, self.policy(req)))

    def eligibility(self, req: BatchRequest) -> list[Problem]:
        try:
            self.schedule(req)
        except InvalidInput as err:
            return err.problems or [Problem("", err.message)]
        return []

    def figures(self, req: BatchRequest) -> dict[str, str]:
        schedule = self.schedule(req)
        return {"cases": str(len(schedule.rows)), "total": fmt_plain(schedule.total)}


@register_batch
class WriteOffScheduleBatch(_WriteOffBatch):
    """The schedule of a month's write-offs for finance, with its spreadsheet."""

    id: ClassVar[str] = WriteOffSchedule.id
    title: ClassVar[str] = WriteOffSchedule.title
    templates: ClassVar[dict[str, str]] = WriteOffSchedule.templates

    def context(self, req: BatchRequest, section_starts: Sequence[int]) -> dict[str, Any]:
        return schedule_context(self.schedule(req), req.council)

    def attachments(self, req: BatchRequest) -> dict[str, bytes]:
        return {"xlsx": schedule_xlsx(self.schedule(req))}


@register_batch
class CommitteeReportBatch(_WriteOffBatch):
    """The report to the Executive for the cases of a batch above the delegated limit."""

    id: ClassVar[str] = CommitteeWriteOffReport.id
    title: ClassVar[str] = CommitteeWriteOffReport.title
    templates: ClassVar[dict[str, str]] = CommitteeWriteOffReport.templates

    def eligibility(self, req: BatchRequest) -> list[Problem]:
        problems = super().eligibility(req)
        if not problems and not self.schedule(req).committee():
            limit = self.policy(req).delegated_limit
            problems.append(
                Problem(
                    "cases",
                    f"every case is within the delegated limit of {fmt_gbp(limit)}: officers decide them, "
                    "no committee report is needed",
                    "within_delegation",
                )
            )
        return problems

    def context(self, req: BatchRequest, section_starts: Sequence[int]) -> dict[str, Any]:
        return committee_context(self.schedule(req), req.council)

    def figures(self, req: BatchRequest) -> dict[str, str]:
        rows = self.schedule(req).committee()
        return {"cases": str(len(rows)), "total": fmt_plain(sum((r.amount for r in rows), ZERO))}
