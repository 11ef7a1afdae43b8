"""The particulars of claim and the claim form (N1), each on its own, and the claim as one PDF."""

from __future__ import annotations

from typing import Any, ClassVar

from docgen.documents import rules
from docgen.documents.base import DocumentRequest, DocumentType, OptionSpec
from docgen.documents.claims import rules as claim_rules
from docgen.documents.claims.common import FLATTEN, SERVICE_WORDS, brief_details, claim_context
from docgen.documents.common import base_context
from docgen.documents.registry import register
from docgen.domain.money import fmt_gbp
from docgen.errors import Problem

CLAIM_NUMBER = OptionSpec("claim_number", "Claim number", help="Once the claim has been issued.")
PREFERRED_COURT = OptionSpec(
    "preferred_court",
    "Preferred County Court hearing centre",
    help="Where the council's own choice on the case is not the one wanted for this claim.",
)


def preferred_court(req: DocumentRequest) -> str:
    return req.option("preferred_court").strip() or (req.case.creditor.preferred_hearing_centre or "")


def hearing_centre_problems(req: DocumentRequest) -> list[Problem]:
    if preferred_court(req):
        return []
    return [
        Problem(
            "creditor.preferred_hearing_centre",
            "No preferred County Court hearing centre is recorded for the council, and the claim form must "
            "name one. The box is left empty: record the hearing centre before the claim is issued.",
            code="no_hearing_centre",
            blocking=False,
            hint="--option preferred_court=<County Court at ...>",
        )
    ]


def signatory_problems(req: DocumentRequest) -> list[Problem]:
    rep = req.case.creditor.legal_representative
    if rep is not None and not rep.name:
        return [
            Problem(
                "creditor.legal_representative.name",
                f"No one at {rep.firm} is recorded as the person who signs the statement of truth. The name "
                "and position are left blank for the signer to complete by hand.",
                code="no_named_signer",
                blocking=False,
            )
        ]
    return []


def claim_paper_problems(req: DocumentRequest) -> list[Problem]:
    """Every check a claim paper (N1, particulars, the claim as one PDF) makes."""
    facts = claim_rules.claim_facts(req)
    return [
        *claim_rules.claim_blocks(req, "issue"),
        *claim_rules.pap_wait(req),
        *signatory_problems(req),
        *facts.warnings_for("fees", "interest"),
    ]


def particulars_context(req: DocumentRequest) -> dict[str, Any]:
    case = req.case
    ctx = base_context(req)
    ctx.update(claim_context(req))
    facts = ctx["facts"]
    ctx.update(
        service_words=SERVICE_WORDS[case.debt_type.value],
        claim_number=req.option("claim_number"),
        sot=ctx["signatory"].statement_of_truth("particulars of claim", req.as_of),
        letter=claim_rules.covering_letters(req)[-1] if claim_rules.covering_letters(req) else None,
        invoices=[ln for ln in facts.balance.lines if ln.kind == "invoice"],
    )
    return ctx


def n1_context(req: DocumentRequest) -> dict[str, Any]:
    ctx = base_context(req)
    ctx.update(claim_context(req))
    facts = ctx["facts"]
    opts = req.options
    ctx.update(
        brief_details=brief_details(req.case, facts),
        value=f"The claimant expects to recover {fmt_gbp(facts.claim_amount)}.",
        preferred_court=preferred_court(req),
        amount_claimed=facts.claim_amount,
        court_fee=facts.court_fee,
        legal_costs=facts.fixed_costs_on_issue,
        total=facts.total,
        vulnerable=rules.is_true(opts, "vulnerable"),
        vulnerability_details=opts.get("vulnerability_details", ""),
        human_rights=rules.is_true(opts, "human_rights"),
        sot=ctx["signatory"].statement_of_truth("claim form", req.as_of),
    )
    return ctx


@register
class ParticularsOfClaim(DocumentType):
    id = "particulars_of_claim"
    title = "Particulars of claim"
    family = "claims"
    templates: ClassVar[dict[str, str]] = {"html": "claims/particulars_of_claim.html"}
    options = (
        *rules.COMMON_OPTIONS,
        claim_rules.ONLY_COVERED_OPTION,
        claim_rules.FRIEND_OPTION,
        CLAIM_NUMBER,
    )

    def eligibility(self, req: DocumentRequest) -> list[Problem]:
        return claim_paper_problems(req)

    def context(self, req: DocumentRequest) -> dict[str, Any]:
        return particulars_context(req)


N1_OPTIONS = (
    PREFERRED_COURT,
    OptionSpec("vulnerable", "The claimant or a witness is vulnerable", "yes_no"),
    OptionSpec("vulnerability_details", "What the court needs to consider about that vulnerability"),
    OptionSpec("human_rights", "The claim raises an issue under the Human Rights Act 1998", "yes_no"),
)


@register
class ClaimFormN1(DocumentType):
    id = "n1"
    title = "Claim form (N1)"
    family = "claims"
    templates: ClassVar[dict[str, str]] = {"official": "n1", "html": "claims/n1.html"}
    options = (
        *rules.COMMON_OPTIONS,
        claim_rules.ONLY_COVERED_OPTION,
        claim_rules.FRIEND_OPTION,
        *N1_OPTIONS,
        FLATTEN,
    )

    def eligibility(self, req: DocumentRequest) -> list[Problem]:
        return [*claim_paper_problems(req), *hearing_centre_problems(req)]

    def context(self, req: DocumentRequest) -> dict[str, Any]:
        return n1_context(req)

    def context_for(self, req: DocumentRequest) -> dict[str, Any]:
        if req.engine != "official":
            return self.context(req)
        from docgen.documents.claims.official import n1_fields

        return n1_fields(self.context(req), req.options)

    def render_options(self, req: DocumentRequest) -> dict[str, Any]:
        return {"flatten": True} if req.engine == "official" and req.flag("flatten") else {}


@register
class Claim(DocumentType):
    """The claim as filed: the claim form (N1) followed by the particulars of claim it says are
    attached, in one PDF numbered throughout. Each is also available on its own."""

    id = "claim"
    title = "Claim form with particulars of claim"
    family = "claims"
    templates: ClassVar[dict[str, str]] = {"official": "n1", "html": "claims/n1.html"}
    options = ClaimFormN1.options

    def eligibility(self, req: DocumentRequest) -> list[Problem]:
        return ClaimFormN1().eligibility(req)

    def context(self, req: DocumentRequest) -> dict[str, Any]:
        return n1_context(req)

    def context_for(self, req: DocumentRequest) -> dict[str, Any]:
        return ClaimFormN1().context_for(req)

    def render_options(self, req: DocumentRequest) -> dict[str, Any]:
        return ClaimFormN1().render_options(req)

    def appended(self, req: DocumentRequest) -> list[tuple[str, dict[str, str]]]:
        names = {spec.name for spec in ParticularsOfClaim.options}
        return [("particulars_of_claim", {k: v for k, v in req.options.items() if k in names})]
