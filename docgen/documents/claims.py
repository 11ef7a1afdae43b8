"""The claim documents: letter before claim, particulars of claim, N1, N225 and N215."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, ClassVar

from docgen.documents import rules
from docgen.documents.base import DocumentRequest, DocumentType, OptionSpec
from docgen.documents.common import base_context, statement_of_truth
from docgen.documents.registry import register
from docgen.domain import calendar
from docgen.domain.case import Case, HistoryEntry, InterestBasis
from docgen.domain.facts import CaseFacts, case_facts
from docgen.domain.fees import JudgmentKind, fixed_costs_on_judgment
from docgen.domain.money import ZERO, fmt_gbp, money
from docgen.domain.thresholds import period
from docgen.errors import Problem

CNBC = {
    "name": "Civil National Business Centre",
    "address": ["St Katharine's House", "21-27 St Katharine's Street", "Northampton", "NN1 2LH"],
}

DEBT_ADVICE = [
    ("StepChange Debt Charity", "0800 138 1111", "www.stepchange.org"),
    ("National Debtline", "0808 808 4000", "www.nationaldebtline.org"),
    ("Citizens Advice", "0800 144 8848", "www.citizensadvice.org.uk"),
    ("Business Debtline (sole traders)", "0800 197 6026", "www.businessdebtline.org"),
]

SERVICE_WORDS = {
    "sundry": "services and charges provided by the claimant",
    "adult_social_care": "the defendant's assessed contribution to the cost of care and support arranged by the "
    "claimant under the Care Act 2014",
    "council_tax": "council tax",
    "business_rates": "non-domestic rates",
    "hb_overpayment": "an overpayment of housing benefit recoverable under the Social Security Administration Act 1992",
    "commercial_rent": "rent and licence fees under an agreement with the claimant",
}


def _already_decided(case: Case, as_of: date) -> list[Problem]:
    """A debt with a judgment or a liability order is enforced, not claimed again."""
    out = []
    judgments = [j for j in case.judgments if j.date <= as_of]
    if judgments:
        j = judgments[-1]
        out.append(
            Problem(
                "judgments",
                f"judgment was entered on {j.date.isoformat()} in claim {j.claim_number}: "
                "enforce it (charging order, attachment of earnings, warrant of control) rather than claim again",
                code="judgment_entered",
            )
        )
    if case.liability_orders and case.debt_type.value in ("council_tax", "business_rates"):
        out.append(
            Problem(
                "liability_orders",
                "the debt is secured by liability orders: recover it under the "
                "Council Tax or Non-Domestic Rating enforcement regulations, not by a county court claim",
                code="liability_orders",
            )
        )
    return out


def _claim_blocks(req: DocumentRequest) -> list[Problem]:
    out = [
        *rules.standard(req),
        *_already_decided(req.case, req.as_of),
        *rules.nothing_owed(req),
    ]
    if not any(p.blocking for p in out):
        out += rules.limitation_running(req)
    return out


def _pap_wait(case: Case, as_of: date) -> list[Problem]:
    """Pre-Action Protocol para 3.1 and 8: 30 days after the letter of claim (and 30 more after a reply)
    before issuing against an individual."""
    if all(d.is_company for d in case.debtors):
        return []
    letter = case.last("letter_before_claim")
    if letter is None:
        return [
            Problem(
                "recovery_history",
                "no letter of claim is recorded: the Pre-Action Protocol for Debt "
                "Claims applies to a claim against an individual",
                code="no_letter_of_claim",
            )
        ]
    ready = letter.date + timedelta(days=period("pap_reply_days", as_of))
    reply = case.last("reply_form_received")
    if reply and reply.date >= letter.date:
        ready = max(ready, reply.date + timedelta(days=period("pap_wait_after_reply_days", as_of)))
    if as_of < ready:
        return [
            Problem(
                "recovery_history",
                f"the letter of claim was sent on {letter.date.isoformat()}: a claim "
                f"may not be issued before {ready.isoformat()} under the Pre-Action Protocol",
                code="pap_period_running",
                opens_on=ready,
            )
        ]
    return []


def _interest_paragraph(facts: CaseFacts) -> dict[str, Any]:
    i = facts.interest
    return {
        "claimed": i.claimed,
        "statement": i.cpr_16_4_statement(),
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
    }


def _brief_details(case: Case) -> str:
    return (
        f"The claim is for money owed to the claimant for {SERVICE_WORDS[case.debt_type.value]}, "
        "with interest, as set out in the particulars of claim."
    )


FLATTEN = OptionSpec(
    "flatten",
    "Flatten the official form",
    "yes_no",
    help="Turns the filled fields into page content, for a copy that cannot be edited.",
    engines=("official",),
)


@register
class LetterBeforeClaim(DocumentType):
    id = "letter_before_claim"
    title = "Letter before claim"
    family = "claims"
    templates: ClassVar[dict[str, str]] = {"html": "claims/letter_before_claim.html"}
    options = (
        *rules.COMMON_OPTIONS,
        OptionSpec(
            "agreement",
            "The written agreement the debt arises under",
            help="Its date and parties, if there is one.",
        ),
        OptionSpec("payment_details", "How to pay", help="Replaces the standard payment wording."),
    )

    def eligibility(self, req: DocumentRequest) -> list[Problem]:
        return _claim_blocks(req)

    def static_parts(self, req: DocumentRequest) -> list[tuple[str, dict[str, Any]]]:
        case = req.case
        if case.primary_debtor.is_company:
            return []
        return [("claims/pap_enclosures.html", {"creditor": case.creditor, "debt_advice": DEBT_ADVICE})]

    def context(self, req: DocumentRequest) -> dict[str, Any]:
        case, as_of, options, facts = req.case, req.as_of, req.options, req.facts
        ctx = base_context(req)
        plans = case.history("payment_plan")
        broken = case.history("broken_plan")
        reply_by = calendar.pap_reply_due(as_of)
        ctx.update(
            company=case.primary_debtor.is_company,
            reply_by=reply_by,
            interest=_interest_paragraph(facts),
            service_words=SERVICE_WORDS[case.debt_type.value].replace("the defendant's", "your"),
            agreement=options.get("agreement", ""),
            payment_details=options.get("payment_details", ""),
            plans=plans,
            broken=broken,
            payments=[p for p in case.payments if p.date <= as_of],
            adjustments=[a for a in case.adjustments if a.date <= as_of],
            debt_advice=DEBT_ADVICE,
            total_due=facts.balance.outstanding + facts.interest.total + facts.interest.compensation,
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
        OptionSpec("claim_number", "Claim number", help="Once the claim has been issued."),
    )

    def eligibility(self, req: DocumentRequest) -> list[Problem]:
        return [*_claim_blocks(req), *_pap_wait(req.case, req.as_of)]

    def context(self, req: DocumentRequest) -> dict[str, Any]:
        case, as_of, options, facts = req.case, req.as_of, req.options, req.facts
        ctx = base_context(req)
        ctx.update(
            interest=_interest_paragraph(facts),
            service_words=SERVICE_WORDS[case.debt_type.value],
            claim_number=options.get("claim_number", ""),
            sot=statement_of_truth(case, as_of, "particulars of claim"),
            letter=case.last("letter_before_claim"),
            payments=[p for p in case.payments if p.date <= as_of],
            adjustments=[a for a in case.adjustments if a.date <= as_of],
        )
        return ctx


@register
class ClaimFormN1(DocumentType):
    id = "n1"
    title = "Claim form (N1)"
    family = "claims"
    templates: ClassVar[dict[str, str]] = {"official": "n1", "html": "claims/n1.html"}
    options = (
        *rules.COMMON_OPTIONS,
        OptionSpec("preferred_court", "Preferred County Court hearing centre"),
        OptionSpec("vulnerable", "The claimant or a witness is vulnerable", "yes_no"),
        OptionSpec("vulnerability_details", "What the court needs to consider about that vulnerability"),
        OptionSpec("human_rights", "The claim raises an issue under the Human Rights Act 1998", "yes_no"),
        FLATTEN,
    )

    def eligibility(self, req: DocumentRequest) -> list[Problem]:
        return [*_claim_blocks(req), *_pap_wait(req.case, req.as_of)]

    def context(self, req: DocumentRequest) -> dict[str, Any]:
        case, as_of, options, facts = req.case, req.as_of, req.options, req.facts
        ctx = base_context(req)
        ctx.update(
            court=CNBC,
            brief_details=_brief_details(case),
            value=f"The claimant expects to recover {fmt_gbp(facts.claim_amount)}.",
            preferred_court=options.get("preferred_court") or f"County Court at {case.creditor.address.town}",
            amount_claimed=facts.claim_amount,
            court_fee=facts.court_fee,
            legal_costs=facts.fixed_costs_on_issue,
            total=facts.total,
            vulnerable=rules.is_true(options, "vulnerable"),
            vulnerability_details=options.get("vulnerability_details", ""),
            human_rights=rules.is_true(options, "human_rights"),
            interest=_interest_paragraph(facts),
            sot=statement_of_truth(case, as_of, "claim form"),
        )
        return ctx

    def context_for(self, req: DocumentRequest) -> dict[str, Any]:
        if req.engine != "official":
            return self.context(req)
        from docgen.documents.official import n1_fields

        return n1_fields(self.context(req), req.options)

    def render_options(self, req: DocumentRequest) -> dict[str, Any]:
        return {"flatten": True} if req.engine == "official" and req.flag("flatten") else {}


@dataclass(frozen=True)
class JudgmentFigures:
    claim_date: date
    amount_of_claim: Decimal  # as on the claim form: debt and interest to issue
    interest_since: Decimal
    court_fee: Decimal
    legal_costs: Decimal
    judgment_costs: Decimal
    subtotal: Decimal
    paid_since: Decimal
    payable: Decimal


def judgment_figures(case: Case, as_of: date, kind: JudgmentKind, represented: bool) -> JudgmentFigures:
    issued = case.last("claim_issued")
    assert issued is not None
    at_issue = case_facts(case, issued.date)
    amount = at_issue.claim_amount
    since = money(at_issue.interest.daily_rate_exact * (as_of - issued.date).days)
    costs = fixed_costs_on_judgment(amount, kind, as_of) if represented else ZERO
    paid = sum((p.amount for p in case.payments if issued.date < p.date <= as_of), ZERO)
    subtotal = amount + since + at_issue.court_fee + at_issue.fixed_costs_on_issue + costs
    return JudgmentFigures(
        claim_date=issued.date,
        amount_of_claim=amount,
        interest_since=since,
        court_fee=at_issue.court_fee,
        legal_costs=at_issue.fixed_costs_on_issue,
        judgment_costs=costs,
        subtotal=subtotal,
        paid_since=paid,
        payable=subtotal - paid,
    )


JUDGMENT_KIND: Mapping[str, JudgmentKind] = {
    "default": "default_of_acknowledgment",
    "default_defence": "default_of_defence",
    "admission": "admission_claimant_accepts",
}


def _recorded(case: Case, action: str, as_of: date) -> HistoryEntry | None:
    """The latest entry of ``action`` recorded on or before ``as_of``."""
    found = [h for h in case.history(action) if h.date <= as_of]
    return found[-1] if found else None


def judgment_route(case: Case, options: Mapping[str, str], as_of: date) -> str:
    """The route asked for, else default of a defence once service was acknowledged, else default
    of an acknowledgment."""
    asked = options.get("route", "").strip()
    if asked:
        return asked
    return "default_defence" if _recorded(case, "acknowledgment_filed", as_of) else "default"


@register
class RequestForJudgmentN225(DocumentType):
    id = "n225"
    title = "Request for judgment (N225)"
    family = "claims"
    templates: ClassVar[dict[str, str]] = {"official": "n225", "html": "claims/n225.html"}
    options = (
        *rules.COMMON_OPTIONS,
        OptionSpec(
            "route",
            "Why judgment is requested",
            "choice",
            choices=(
                ("default", "No acknowledgment of service was filed"),
                ("default_defence", "Service was acknowledged but no defence was filed"),
                ("admission", "The defendant admitted the claim"),
            ),
            help="By default: no acknowledgment, or no defence once service was acknowledged.",
        ),
        OptionSpec(
            "payment",
            "How the defendant is to pay",
            "choice",
            choices=(
                ("immediately", "Immediately"),
                ("by_date", "In full by a date"),
                ("instalments", "By instalments"),
            ),
            default="immediately",
        ),
        OptionSpec("pay_by", "Date for payment in full", "date", help="When paying in full by a date."),
        OptionSpec("instalment_amount", "Amount of each instalment", "money"),
        OptionSpec(
            "frequency",
            "How often instalments are paid",
            "choice",
            choices=(("weekly", "Weekly"), ("fortnightly", "Fortnightly"), ("monthly", "Monthly")),
            default="monthly",
        ),
        OptionSpec("first_payment", "Date of the first instalment", "date"),
        FLATTEN,
    )

    def eligibility(self, req: DocumentRequest) -> list[Problem]:
        case, as_of, options = req.case, req.as_of, req.options
        out = rules.standard(req)
        if case.judgments:
            j = case.judgments[-1]
            out.append(
                Problem(
                    "judgments",
                    f"judgment was entered on {j.date.isoformat()} in claim {j.claim_number}",
                    code="judgment_entered",
                )
            )
            return out
        orders = [p for p in _already_decided(case, as_of) if p.code == "liability_orders"]
        if orders:
            return out + orders
        issued = _recorded(case, "claim_issued", as_of)
        if issued is None:
            out.append(
                Problem(
                    "recovery_history",
                    "a request for judgment needs the claim issued and served: record the issue "
                    "of the claim first",
                    code="claim_not_issued",
                )
            )
            return out
        deadline = calendar.claim_form_service_deadline(issued.date)
        served = _recorded(case, "claim_served", as_of)
        if served is None:
            if as_of > deadline:
                out.append(
                    Problem(
                        "recovery_history",
                        f"the claim form issued on {issued.date.isoformat()} had to be served by "
                        f"{deadline.isoformat()} and no service is recorded: it can no longer be "
                        "served without the court extending the time (CPR 7.5 and 7.6)",
                        code="claim_form_expired",
                    )
                )
            else:
                out.append(
                    Problem(
                        "recovery_history",
                        "a request for judgment needs the claim served: serve the claim form by "
                        f"{deadline.isoformat()} (four months after issue, CPR 7.5) and record the "
                        "service (date and method)",
                        code="claim_not_served",
                        closes_on=deadline,
                    )
                )
            return out
        if served.date > deadline:
            out.append(
                Problem(
                    "recovery_history",
                    f"the claim form was served on {served.date.isoformat()}, after the four months "
                    f"for service ended on {deadline.isoformat()} (CPR 7.5)",
                    code="served_out_of_time",
                )
            )
            return out
        route = judgment_route(case, options, as_of)
        if route not in JUDGMENT_KIND:
            out.append(
                Problem("options.route", "must be default, default_defence or admission", code="bad_option")
            )
            return out
        acknowledged = _recorded(case, "acknowledgment_filed", as_of)
        defended = _recorded(case, "defence_filed", as_of)
        if route != "admission" and defended is not None:
            out.append(
                Problem(
                    "recovery_history",
                    f"a defence was filed on {defended.date.isoformat()}: judgment in default is not "
                    "available (CPR 12.3); the claim goes on to allocation",
                    code="defence_filed",
                )
            )
            return out
        if route == "default" and acknowledged is not None:
            out.append(
                Problem(
                    "options.route",
                    f"the defendant acknowledged service on {acknowledged.date.isoformat()}: judgment "
                    "may be requested in default of a defence only",
                    code="service_acknowledged",
                )
            )
            return out
        deemed = calendar.deemed_service_of_claim_form(served.date)
        wait = period("defence_days" if route == "default_defence" else "acknowledgment_days", as_of)
        if route != "admission" and as_of <= deemed + timedelta(days=wait):
            what = "a defence" if route == "default_defence" else "an acknowledgment of service"
            out.append(
                Problem(
                    "recovery_history",
                    f"the claim form was deemed served on {deemed.isoformat()}: the time for {what} "
                    f"runs until {(deemed + timedelta(days=wait)).isoformat()}, and judgment in "
                    f"default may be requested after that",
                    code="response_period_running",
                    opens_on=deemed + timedelta(days=wait + 1),
                )
            )
        payment = options.get("payment", "immediately")
        if payment not in ("immediately", "by_date", "instalments"):
            out.append(
                Problem("options.payment", "must be immediately, by_date or instalments", code="bad_option")
            )
        if payment == "by_date" and not options.get("pay_by"):
            out.append(
                Problem(
                    "options.pay_by",
                    "give the date for payment in full",
                    code="bad_option",
                    hint="--option pay_by=<YYYY-MM-DD>",
                )
            )
        if payment == "instalments" and not (
            options.get("instalment_amount") and options.get("first_payment")
        ):
            out.append(
                Problem(
                    "options.instalment_amount",
                    "give the amount of each instalment and the date of the first",
                    code="bad_option",
                    hint="--option instalment_amount=<amount> --option first_payment=<YYYY-MM-DD>",
                )
            )
        return out

    def context(self, req: DocumentRequest) -> dict[str, Any]:
        case, as_of, options, facts = req.case, req.as_of, req.options, req.facts
        ctx = base_context(req)
        route = judgment_route(case, options, as_of)
        figures = judgment_figures(case, as_of, JUDGMENT_KIND[route], facts.represented)
        issued = case.last("claim_issued")
        ctx.update(
            route=route,
            claim_number=(issued.note.split()[-1] if issued and issued.note else ""),
            figures=figures,
            payment=options.get("payment", "immediately"),
            pay_by=options.get("pay_by", ""),
            instalment_amount=options.get("instalment_amount", ""),
            frequency=options.get("frequency", "monthly"),
            first_payment=options.get("first_payment", ""),
            sot=statement_of_truth(case, as_of, "request for judgment"),
            court=CNBC,
        )
        return ctx

    def context_for(self, req: DocumentRequest) -> dict[str, Any]:
        if req.engine != "official":
            return self.context(req)
        from docgen.documents.official import n225_fields

        return n225_fields(self.context(req), req.options)

    def render_options(self, req: DocumentRequest) -> dict[str, Any]:
        return {"flatten": True} if req.engine == "official" and req.flag("flatten") else {}


SERVICE_METHODS = {
    "first_class_post": "First class post (or other service which provides for delivery on the next business day)",
    "personal": "Personally handing it to or leaving it with the person served",
    "left_at_address": "Delivering to or leaving it at a permitted place",
    "email": "Other electronic means (e-mail)",
}


@register
class CertificateOfServiceN215(DocumentType):
    id = "n215"
    title = "Certificate of service (N215)"
    family = "claims"
    templates: ClassVar[dict[str, str]] = {"html": "claims/n215.html"}
    options = (
        OptionSpec(
            "documents",
            "What was served",
            default="Claim form, particulars of claim and response pack",
        ),
        OptionSpec("served_on", "Date of service", "date", help="When the case does not record the service."),
        OptionSpec(
            "method",
            "How it was served",
            "choice",
            choices=tuple((k, v) for k, v in SERVICE_METHODS.items()),
        ),
        OptionSpec(
            "address_type",
            "What the address is",
            help="Usual residence, last known residence, place of business or principal office.",
        ),
        OptionSpec("claim_number", "Claim number"),
    )

    def _service(self, case: Case, options: Mapping[str, str]) -> tuple[date | None, str | None]:
        if options.get("served_on"):
            return date.fromisoformat(options["served_on"]), options.get("method", "first_class_post")
        served = case.last("claim_served")
        if served is None:
            return None, None
        return served.date, options.get("method") or served.method or "first_class_post"

    def eligibility(self, req: DocumentRequest) -> list[Problem]:
        case, as_of, options = req.case, req.as_of, req.options
        out: list[Problem] = []
        try:
            on, method = self._service(case, options)
        except ValueError:
            return [Problem("options.served_on", "not a date (YYYY-MM-DD)", code="bad_option")]
        if on is None:
            out.append(
                Problem(
                    "recovery_history",
                    "no service is recorded (claim_served) and no served_on option was given",
                    code="not_served",
                )
            )
        elif on > as_of:
            out.append(
                Problem(
                    "options.served_on", "service is after the date of the certificate", code="bad_option"
                )
            )
        if method is not None and method not in SERVICE_METHODS:
            out.append(
                Problem("options.method", f"must be one of {', '.join(SERVICE_METHODS)}", code="bad_option")
            )
        return out

    def context(self, req: DocumentRequest) -> dict[str, Any]:
        case, as_of, options = req.case, req.as_of, req.options
        ctx = base_context(req)
        on, method = self._service(case, options)
        assert on is not None and method is not None
        debtor = case.primary_debtor
        ctx.update(
            served_on=on,
            method=method,
            method_words=SERVICE_METHODS[method],
            deemed=calendar.deemed_service_of_claim_form(on),
            documents=options.get("documents", "Claim form, particulars of claim and response pack"),
            person_served=debtor.display_name,
            served_address=debtor.address_for_service,
            address_type=options.get("address_type")
            or (
                "principal office / registered office"
                if debtor.is_company
                else "usual or last known residence"
            ),
            claim_number=options.get("claim_number", ""),
            file_by=calendar.certificate_of_service_due(on),
            sot=statement_of_truth(case, as_of, "certificate"),
            method_codes=list(SERVICE_METHODS),
        )
        return ctx
