"""The letter before claim: a Letter of Claim under the Pre-Action Protocol for Debt Claims to an
individual (with the Annex 1 Information Sheet, Reply Form and a Financial Statement), or a letter
before action to a company."""

from __future__ import annotations

from typing import Any, ClassVar

from docgen.documents import rules
from docgen.documents.base import DocumentRequest, DocumentType, OptionSpec
from docgen.documents.claims import rules as claim_rules
from docgen.documents.claims.common import (
    DEBT_ADVICE,
    LETTER_SERVICE_WORDS,
    claim_context,
    count_words,
    salutation,
)
from docgen.documents.common import base_context
from docgen.documents.registry import register
from docgen.domain import calendar
from docgen.errors import Problem


def letter_blocks(req: DocumentRequest) -> list[Problem]:
    facts = claim_rules.claim_facts(req, letter=True)
    return [
        *rules.standard(req),
        *claim_rules.already_decided(req.case, req.as_of),
        *claim_rules.invoice_problems(req, "The letter", letter=True),
        *claim_rules.nothing_to_claim(facts),
        *claim_rules.capacity(req, "letter"),
        *facts.warnings_for("interest"),
    ]


@register
class LetterBeforeClaim(DocumentType):
    id = "letter_before_claim"
    title = "Letter before claim"
    family = "claims"
    templates: ClassVar[dict[str, str]] = {"html": "claims/letter_before_claim.html"}
    options = (
        *rules.COMMON_OPTIONS,
        claim_rules.ONLY_COVERED_OPTION,
        OptionSpec(
            "agreement",
            "The written agreement the debt arises under",
            help="Its date and parties, if there is one.",
        ),
        OptionSpec("payment_details", "How to pay", help="Replaces the standard payment wording."),
        OptionSpec(
            "show_s69_interest",
            "Show the court interest the council would ask for",
            "yes_no",
            help="For a debt carrying no interest of its own: shows, apart from the debt, the interest the "
            "council would ask the court for to the date of the letter if it has to issue a claim.",
        ),
    )

    def eligibility(self, req: DocumentRequest) -> list[Problem]:
        return letter_blocks(req)

    def static_parts(self, req: DocumentRequest) -> list[tuple[str, dict[str, Any]]]:
        case = req.case
        if case.primary_debtor.is_company:
            return []
        return [("claims/pap_enclosures.html", {"creditor": case.creditor, "debt_advice": DEBT_ADVICE})]

    def context(self, req: DocumentRequest) -> dict[str, Any]:
        case, as_of, options = req.case, req.as_of, req.options
        ctx = base_context(req)
        ctx.update(claim_context(req, letter=True))
        facts = ctx["facts"]
        interest = ctx["interest"]
        invoices = [line for line in ctx["schedule"] if line["kind"] == "invoice" and line["outstanding"] > 0]
        plans = case.history("payment_plan")
        broken = case.history("broken_plan")
        debtor = case.primary_debtor
        friend = getattr(debtor, "litigation_friend", None)
        # interest the debtor owes now (a contract, the Late Payment Act) is part of what is owed;
        # s.69 interest is only what a court may award, so it is never added to the debt
        owed_now = facts.balance.outstanding + (
            interest["total"] + interest["compensation"] if interest["as_of_right"] else 0
        )
        ctx.update(
            company=debtor.is_company,
            salutation=salutation(case),
            friend=friend,
            reply_by=calendar.pap_reply_due(as_of),
            service_words=LETTER_SERVICE_WORDS[case.debt_type.value],
            agreement=options.get("agreement", ""),
            payment_details=options.get("payment_details", ""),
            show_s69=interest["s69"] and req.flag("show_s69_interest"),
            plans=plans,
            broken=broken,
            payments=[p for p in case.payments if p.date <= as_of],
            adjustments=[a for a in case.adjustments if a.date <= as_of],
            debt_advice=DEBT_ADVICE,
            invoices=invoices,
            invoice_count=len(invoices),
            accounts=count_words(1, "account", "accounts"),
            owed_now=owed_now,
        )
        return ctx
