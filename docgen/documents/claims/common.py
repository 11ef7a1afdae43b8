"""What the claim papers share: the issuing court, the wording of the debt, who signs and how the
claimant is reached, the interest paragraph, and the small pieces of grammar a letter needs."""

from __future__ import annotations

from datetime import date
from typing import Any

from docgen.documents.base import DocumentRequest, OptionSpec
from docgen.documents.claims import rules as claim_rules
from docgen.documents.common import Signatory, schedule, signatory
from docgen.domain.case import Case, IndividualDebtor, InterestBasis
from docgen.domain.facts import CaseFacts
from docgen.domain.tables import lookup

DEBT_ADVICE = [
    ("StepChange Debt Charity", "0800 138 1111", "www.stepchange.org"),
    ("National Debtline", "0808 808 4000", "www.nationaldebtline.org"),
    ("Citizens Advice", "0800 144 8848", "www.citizensadvice.org.uk"),
    ("Business Debtline (sole traders)", "0800 197 6026", "www.businessdebtline.org"),
]

#: what the debt is for, as the particulars say it (the claimant's words)
SERVICE_WORDS = {
    "sundry": "services and charges provided by the claimant",
    "adult_social_care": "the defendant's assessed contribution to the cost of care and support arranged by the "
    "claimant under the Care Act 2014",
    "council_tax": "council tax",
    "business_rates": "non-domestic rates",
    "hb_overpayment": "an overpayment of housing benefit recoverable under the Social Security Administration Act 1992",
    "commercial_rent": "rent and licence fees under an agreement with the claimant",
}

#: the same in a letter from the council to the debtor
LETTER_SERVICE_WORDS = {
    "sundry": "services and charges provided by the council",
    "adult_social_care": "your assessed contribution to the cost of care and support arranged by the council "
    "under the Care Act 2014",
    "council_tax": "council tax",
    "business_rates": "non-domestic rates",
    "hb_overpayment": "an overpayment of housing benefit that the council may recover under the Social "
    "Security Administration Act 1992",
    "commercial_rent": "rent and licence fees under an agreement with the council",
}

__all__ = ["Signatory", "signatory"]

FLATTEN = OptionSpec(
    "flatten",
    "Flatten the official form",
    "yes_no",
    help="Turns the filled fields into page content, for a copy that cannot be edited.",
    engines=("official",),
)


# -- the court --------------------------------------------------------------------------------


def issuing_court(as_of: date) -> dict[str, Any]:
    """The court a paper claim is issued in and every later claim paper is headed with."""
    row = lookup("courts", as_of)
    centre = row["paper_claims"]
    return {"name": centre["name"], "address": list(centre["address"]), "heading": "In the County Court"}


# -- the debt in words ------------------------------------------------------------------------


def interest_paragraph(facts: CaseFacts) -> dict[str, Any]:
    i = facts.interest
    return {
        "claimed": i.claimed,
        "statement": i.cpr_16_4_statement(),
        "basis": i.basis.value,
        "basis_words": i.basis_words,
        "rate": i.rate,
        "from": i.from_date,
        "to": i.to_date,
        "total": i.total,
        "daily_rate": i.daily_rate,
        "lines": i.lines,
        "compensation": i.compensation,
        "compensation_lines": i.compensation_lines,
        "late_payment": i.basis is InterestBasis.late_payment_act,
        "s69": i.basis is InterestBasis.statutory_s69,
        "as_of_right": i.accrues_as_of_right,
        "moratoria": i.moratoria,
        "moratorium_days": i.moratorium_days,
        "moratorium_words": i.moratorium_words(),
    }


def brief_details(case: Case, facts: CaseFacts) -> str:
    what = f"The claim is for money owed to the claimant for {SERVICE_WORDS[case.debt_type.value]}"
    if facts.interest.claimed:
        extra = " and interest" if not facts.interest.compensation else ", interest and fixed compensation"
        return f"{what}{extra}, as set out in the particulars of claim."
    return f"{what}, as set out in the particulars of claim."


def salutation(case: Case) -> str:
    """ "Dear Mr Pritchard" (title and surname); "Dear Sir or Madam" for a company or without a title."""
    debtor = case.primary_debtor
    if isinstance(debtor, IndividualDebtor) and debtor.title:
        return f"Dear {debtor.title} {debtor.family_name}"
    return "Dear Sir or Madam"


def count_words(n: int, one: str, many: str) -> str:
    """ "1 account", "3 accounts"."""
    return f"{n} {one if n == 1 else many}"


def claim_context(req: DocumentRequest, *, letter: bool = False) -> dict[str, Any]:
    """The pieces every claim paper needs, worked from the claim's own facts (the covered invoices
    only, when the officer chose to leave the others out)."""
    facts = claim_rules.claim_facts(req, letter=letter)
    sig = signatory(req.case)
    return {
        "facts": facts,
        "schedule": schedule(facts),
        "signatory": sig,
        "court": issuing_court(req.as_of),
        "interest": interest_paragraph(facts),
    }
