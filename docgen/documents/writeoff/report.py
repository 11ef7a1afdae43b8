"""The write-off report for one case: balance, recovery, the reason with the records it rests on,
the authority that decides, and the accounting entries."""

from __future__ import annotations

from typing import Any, ClassVar

from docgen.documents.base import DocumentRequest, DocumentType, OptionSpec
from docgen.documents.reports import balance_context, case_header, history_context
from docgen.documents.writeoff.policy import POLICY, policy_of
from docgen.domain.money import fmt_gbp, fmt_plain
from docgen.domain.writeoff import reason_support
from docgen.domain.writeoff_policy import Policy, vat_journal
from docgen.errors import InvalidInput, Problem

FAMILY = "writeoff"


def limit_words(policy: Policy, code: str) -> str:
    level = policy.level(code)
    return "no limit" if level.limit is None else fmt_gbp(level.limit)


class WriteOffReport(DocumentType):
    id: ClassVar[str] = "write_off_report"
    title: ClassVar[str] = "Write-off report"
    family: ClassVar[str] = FAMILY
    templates: ClassVar[dict[str, str]] = {"docx": "write_off_report.docx"}
    options = (
        OptionSpec(
            "reason", "Reason for writing the debt off", help="A reason code from the council's policy."
        ),
        OptionSpec("evidence", "The evidence the reason relies on"),
        POLICY,
        OptionSpec("recommendation", "Recommendation in the officer's words", help="Optional."),
    )

    def input_extras(self, req: DocumentRequest) -> dict[str, str]:
        try:
            return {"policy": policy_of(req).digest}
        except InvalidInput:
            return {}  # refused by eligibility before any render

    def eligibility(self, req: DocumentRequest) -> list[Problem]:
        case, as_of, options = req.case, req.as_of, req.options
        problems: list[Problem] = []
        balance = req.facts.balance
        if req.facts.outstanding <= 0:
            problems.append(Problem("invoices", "nothing is outstanding to write off", "nothing_outstanding"))
        try:
            policy = policy_of(req)
        except InvalidInput as err:
            return problems + (err.problems or [Problem("options.policy", err.message, "no_policy")])
        reason = options.get("reason", "").strip()
        if not reason:
            titles = "; ".join(r.title for r in policy.reasons)
            problems.append(
                Problem(
                    "options.reason",
                    f"give the reason for the write-off, one of the {policy.council} policy's: {titles}",
                    "missing_reason",
                    hint="--option reason=<" + "|".join(r.code for r in policy.reasons) + ">",
                )
            )
        else:
            try:
                policy.reason(reason)
            except InvalidInput as err:
                problems.extend(err.problems)
            else:
                problems.extend(reason_support(case, reason, as_of, balance).problems)
        if not options.get("evidence", "").strip():
            problems.append(
                Problem(
                    "options.evidence",
                    "state the evidence the write-off relies on",
                    "missing_evidence",
                    hint="--option evidence=<what was checked>",
                )
            )
        debtor = case.primary_debtor
        if debtor.breathing_space and debtor.breathing_space.active_on(as_of):
            problems.append(
                Problem(
                    "debtors[0].breathing_space",
                    "the debtor is in a Breathing Space moratorium: the report records it; writing the "
                    "debt off is not enforcement and may go ahead",
                    "breathing_space",
                    blocking=False,
                )
            )
        return problems

    def figures(self, req: DocumentRequest) -> dict[str, str]:
        """The sum written off (the case's one outstanding sum), and the policy and authority the
        report names: what the approval reads."""
        policy = policy_of(req)
        outstanding = req.facts.outstanding
        level = policy.level_for(outstanding)
        return {
            "balance": fmt_plain(outstanding),
            "policy": policy.name,
            "authority": level.title,
            "limit": "" if level.limit is None else fmt_plain(level.limit),
        }

    def context(self, req: DocumentRequest) -> dict[str, Any]:
        case, as_of, options = req.case, req.as_of, req.options
        policy = policy_of(req)
        reason = policy.reason(options.get("reason", "").strip())
        balance, outstanding = req.facts.balance, req.facts.outstanding
        level = policy.level_for(outstanding)
        journal = vat_journal(balance, policy, as_of, case.case_ref, outstanding)
        committee = policy.needs_committee(outstanding)
        support = reason_support(case, reason.code, as_of, balance)
        recommendation = options.get("recommendation") or (
            f"That {fmt_gbp(outstanding)} outstanding on {case.case_ref} is written off as "
            f"{reason.title.lower()}, under the delegation to the {level.title} in the {policy.council} "
            "write-off policy."
        )
        return {
            **case_header(case, as_of),
            **balance_context(req.facts),
            "history": history_context(case, as_of),
            "policy_name": policy.name,
            "policy_council": policy.council,
            "policy_source": policy.source,
            "reason_code": reason.code,
            "reason_title": reason.title,
            "reason_evidence_needed": reason.evidence,
            "case_evidence": list(support.evidence),
            "evidence": options.get("evidence", ""),
            "level_code": level.code,
            "level_title": level.title,
            "level_limit": limit_words(policy, level.code),
            "committee": committee,
            "journal": [
                {"account": j.account, "debit": j.debit, "credit": j.credit, "narrative": j.narrative}
                for j in journal.lines
            ],
            "vat_relief": journal.vat_relief,
            "vat_deferred": journal.vat_deferred,
            "vat_relief_from": journal.relief_from,
            "vat_source": policy.vat.source,
            "recommendation": recommendation,
            "notes": case.notes,
        }
