"""Context pieces every family uses: parties, signatory, statement of truth, schedule of debts."""

from __future__ import annotations

from datetime import date
from typing import Any

from docgen.documents.base import DocumentRequest
from docgen.domain.case import Case
from docgen.domain.facts import CaseFacts


def claimant(case: Case) -> dict[str, Any]:
    c = case.creditor
    rep = c.legal_representative
    return {
        "name": c.name,
        "address": c.address,
        "contact": c.contact,
        "fee_account": c.fee_account,
        "legal_representative": rep,
        # where documents are to be sent: the legal representative if one acts, else the council
        "address_for_documents": rep.address if rep else c.address,
        "reference": (rep.reference if rep and rep.reference else case.case_ref),
    }


def debtors(case: Case) -> list[dict[str, Any]]:
    out = []
    for d in case.debtors:
        out.append(
            {
                "name": d.display_name,
                "is_company": d.is_company,
                "address": d.address,
                "service_address": d.address_for_service,
                "other_names": list(getattr(d, "other_names", []) or []),
                "company_number": getattr(d, "company_number", None),
                "debtor": d,
            }
        )
    return out


def statement_of_truth(case: Case, as_of: date, document: str) -> dict[str, Any]:
    """CPR PD 22 para 2.1 wording in force since 6 April 2020, for a council signing through an officer
    (or its legal representative where one acts)."""
    rep = case.creditor.legal_representative
    if rep:
        capacity = f"Signed by the claimant's legal representative, {rep.firm}."
    else:
        capacity = f"I am duly authorised by the claimant, {case.creditor.name}, to sign this statement."
    return {
        "believes": "The claimant believes",
        "understands": "I understand",
        "document": document,
        "name": case.officer.name,
        "position": case.officer.position,
        "firm": rep.firm if rep else None,
        "capacity": capacity,
        "date": as_of,
    }


def schedule(facts: CaseFacts) -> list[dict[str, Any]]:
    """The open debt lines with what is paid and owed, oldest first."""
    return [
        {
            "ref": line.ref,
            "kind": line.kind,
            "description": line.description,
            "issued": line.issued,
            "due": line.due,
            "amount": line.amount,
            "paid": line.paid,
            "outstanding": line.outstanding,
        }
        for line in facts.balance.lines
    ]


def base_context(req: DocumentRequest) -> dict[str, Any]:
    case, as_of, facts = req.case, req.as_of, req.facts
    return {
        "case": case,
        "as_of": as_of,
        "facts": facts,
        "claimant": claimant(case),
        "debtors": debtors(case),
        "debtor": debtors(case)[0],
        "officer": case.officer,
        "schedule": schedule(facts),
    }
