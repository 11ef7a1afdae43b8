"""Context pieces every family uses: parties, signatory, statement of truth, schedule of debts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from docgen.documents.base import DocumentRequest
from docgen.domain.case import Address, Case
from docgen.domain.facts import CaseFacts


@dataclass(frozen=True)
class Signatory:
    """The person who signs for the claimant and the one party documents go to: either the council
    acting through its own officer, or its legal representative. Never a mixture of the two."""

    role: str  # "claimant" (an officer signing for the council) or "legal_representative"
    name: str  # blank when the firm has not said who signs: completed by hand at signing
    position: str
    firm: str | None
    organisation: str  # who the address, phone, e-mail and DX belong to
    address: Address
    phone: str | None
    email: str | None
    dx: str | None
    reference: str

    @property
    def represented(self) -> bool:
        return self.role == "legal_representative"

    def statement_of_truth(self, document: str, on: date) -> dict[str, Any]:
        """CPR 22.1 and PD 22 (wording in force since 6 April 2020): a council signs through a person
        holding a senior position, who states it; a legal representative signs in the firm's name."""
        if self.represented:
            capacity = f"Signed by the claimant's legal representative, {self.firm}."
        else:
            capacity = f"Signed for the claimant by {self.name}, {self.position}, who is authorised to sign."
        return {
            "believes": "The claimant believes",
            "understands": "I understand",
            "document": document,
            "in_document": ("these " if document.startswith("particulars") else "this ") + document,
            "name": self.name,
            "position": self.position,
            "firm": self.firm,
            "role": self.role,
            "capacity": capacity,
            "date": on,
        }


def signatory(case: Case) -> Signatory:
    rep = case.creditor.legal_representative
    if rep is not None:
        return Signatory(
            role="legal_representative",
            name=rep.name or "",
            position=rep.position or "",
            firm=rep.firm,
            organisation=rep.firm,
            address=rep.address,
            phone=rep.phone,
            email=rep.email,
            dx=rep.dx,
            reference=rep.reference or case.case_ref,
        )
    officer, contact = case.officer, case.creditor.contact
    # the officer's own phone and e-mail if recorded, else the team's: all of them the council's
    return Signatory(
        role="claimant",
        name=officer.name,
        position=officer.position,
        firm=None,
        organisation=case.creditor.name,
        address=case.creditor.address,
        phone=officer.phone or contact.phone,
        email=officer.email or contact.email,
        dx=contact.dx,
        reference=case.case_ref,
    )


def claimant(case: Case) -> dict[str, Any]:
    c = case.creditor
    rep = c.legal_representative
    sig = signatory(case)
    return {
        "name": c.name,
        "address": c.address,
        "contact": c.contact,
        "fee_account": c.fee_account,
        "legal_representative": rep,
        # where documents are to be sent, and the phone, e-mail, DX and reference that go with it:
        # the legal representative's if one acts, else the council's, never a mixture
        "address_for_documents": sig.address,
        "reference": sig.reference,
        "signatory": sig,
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
    """CPR PD 22 wording in force since 6 April 2020, signed by the council's officer or, where one
    acts, by the named person at the legal representative's firm (see ``Signatory``)."""
    return signatory(case).statement_of_truth(document, as_of)


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
