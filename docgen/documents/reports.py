"""Context pieces the managers' reports share (write-off reports and debt-panel briefings): the
case header, the balance with its ageing, and the recovery history in words."""

from __future__ import annotations

from datetime import date
from typing import Any

from docgen.domain.case import Case
from docgen.domain.facts import CaseFacts
from docgen.domain.money import fmt_gbp
from docgen.domain.writeoff import debt_type_label

ACTION_WORDS = {
    "letter_before_claim": "Letter before claim",
    "reply_form_received": "Reply form received",
    "claim_issued": "County Court claim issued",
    "claim_served": "Claim served",
    "enforcement_agent": "Enforcement agent",
    "payment_plan": "Payment plan agreed",
    "broken_plan": "Payment plan broken",
    "statutory_demand_served": "Statutory demand served",
    "petition_presented": "Petition presented",
    "write_off_recommended": "Write-off recommended",
    "iva": "Individual voluntary arrangement",
    "dro": "Debt Relief Order",
}


def action_label(action: str) -> str:
    return ACTION_WORDS.get(action, action.replace("_", " ").capitalize())


def debtor_status(case: Case) -> str:
    debtor = case.primary_debtor
    if debtor.deceased_on:
        return f"Deceased {debtor.deceased_on.day} {debtor.deceased_on:%B %Y}"
    if debtor.kind == "company":
        return f"Company {debtor.company_number or '(number not held)'}"
    return "Individual"


def _judgment_words(facts: CaseFacts) -> str:
    parts = []
    for p in facts.judgments:
        j = p.judgment
        words = (
            f"the balance of the judgment of the {j.court} of {j.date.day} {j.date:%B %Y}, claim "
            f"{j.claim_number}: {fmt_gbp(p.total)} less {fmt_gbp(p.paid)} paid since"
        )
        if p.interest.total:
            words += f", with {fmt_gbp(p.interest.total)} interest on the judgment debt"
        parts.append(words)
    return "; ".join(parts)


def balance_context(facts: CaseFacts) -> dict[str, Any]:
    """The outstanding sum every paper states (after judgment, the judgment balance) and the account
    lines it arose from."""
    balance = facts.balance
    words = (
        _judgment_words(facts)
        if facts.judgment_entered
        else f"charged {fmt_gbp(balance.debits)}, paid {fmt_gbp(balance.payments)}, adjustments "
        f"{fmt_gbp(balance.adjustments)}"
    )
    return {
        "outstanding": facts.outstanding,
        "balance_words": words,
        "debits": balance.debits,
        "payments": balance.payments,
        "adjustments": balance.adjustments,
        "lines": [
            {
                "ref": line.ref,
                "description": line.description,
                "issued": line.issued,
                "due": line.due,
                "amount": line.amount,
                "outstanding": line.outstanding,
                "vat": line.vat_outstanding,
                "days": line.days_overdue(balance.as_of),
            }
            for line in balance.open_lines
        ],
        "ageing": [{"label": label, "amount": amount} for label, amount in balance.ageing.items()],
    }


def history_context(case: Case, as_of: date | None = None) -> list[dict[str, Any]]:
    return [
        {"date": h.date, "action": action_label(h.action), "note": h.note}
        for h in sorted(case.recovery_history, key=lambda h: h.date)
        if as_of is None or h.date <= as_of
    ]


def case_header(case: Case, as_of: date) -> dict[str, Any]:
    debtor = case.primary_debtor
    return {
        "council": case.creditor.name,
        "case_ref": case.case_ref,
        "as_of": as_of,
        "debt_type": debt_type_label(case.debt_type),
        "debtor_name": debtor.display_name,
        "debtor_address": debtor.address.one_line(),
        "debtor_status": debtor_status(case),
        "officer_name": case.officer.name,
        "officer_position": case.officer.position,
    }
