"""The request for judgment (N225): judgment in default, or on an admission, for a specified sum."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any, ClassVar

from docgen.documents import rules
from docgen.documents.base import DocumentRequest, DocumentType, OptionSpec
from docgen.documents.claims import rules as claim_rules
from docgen.documents.claims.common import FLATTEN, issuing_court, signatory
from docgen.documents.common import base_context
from docgen.documents.registry import register
from docgen.domain import calendar
from docgen.domain.case import Case, HistoryEntry
from docgen.domain.claim import JudgmentFigures, request_for_judgment_figures
from docgen.domain.fees import JudgmentKind
from docgen.domain.thresholds import period
from docgen.errors import Problem

JUDGMENT_KIND: Mapping[str, JudgmentKind] = {
    "default": "default_of_acknowledgment",
    "default_defence": "default_of_defence",
    "admission": "admission_claimant_accepts",
}


def judgment_figures(
    case: Case, as_of: date, kind: JudgmentKind, only_covered: bool = False
) -> JudgmentFigures:
    """The N225 figures for the claim as issued (the covered invoices only, when the claim left the
    others out)."""
    issued = case.last("claim_issued")
    assert issued is not None
    at_issue_case = case
    if only_covered:
        req = DocumentRequest.make(case, issued.date, {claim_rules.ONLY_COVERED: "yes"})
        at_issue_case = claim_rules.claim_case(req)
    return request_for_judgment_figures(case, at_issue_case, issued.date, as_of, kind)


def _d(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _recorded(case: Case, action: str, as_of: date) -> HistoryEntry | None:
    """The latest entry of ``action`` recorded on or before ``as_of``."""
    found = [h for h in case.history(action) if h.date <= as_of]
    return found[-1] if found else None


def judgment_route(case: Case, options: Mapping[str, str], as_of: date) -> str:
    """The route asked for, else default of a defence once service was acknowledged, else default of
    an acknowledgment."""
    asked = options.get("route", "").strip()
    if asked:
        return asked
    return "default_defence" if _recorded(case, "acknowledgment_filed", as_of) else "default"


def claim_number(req: DocumentRequest) -> str:
    given = req.option("claim_number").strip()
    if given:
        return given
    issued = req.case.last("claim_issued")
    return issued.note.split()[-1] if issued and issued.note else ""


ROUTES = (
    ("default", "No acknowledgment of service was filed"),
    ("default_defence", "Service was acknowledged but no defence was filed"),
    ("admission", "The defendant admitted the claim"),
)


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
            choices=ROUTES,
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
        OptionSpec("claim_number", "Claim number", help="When the case does not record it."),
        claim_rules.ONLY_COVERED_OPTION,
        claim_rules.EXTENSION_OPTION,
        FLATTEN,
    )

    def eligibility(self, req: DocumentRequest) -> list[Problem]:
        case, as_of, options = req.case, req.as_of, req.options
        out = [*rules.standard(req), *claim_rules.capacity(req, "judgment")]
        decided = claim_rules.already_decided(case, as_of)
        if decided:
            return out + decided
        issued = _recorded(case, "claim_issued", as_of)
        if issued is None:
            out.append(
                Problem(
                    "recovery_history",
                    "A request for judgment needs the claim issued and served: record the issue of the "
                    "claim first.",
                    code="claim_not_issued",
                )
            )
            return out
        deadline = calendar.claim_form_service_deadline(issued.date)
        extended = req.option(claim_rules.EXTENDED_TO).strip()
        if extended:
            deadline = max(deadline, date.fromisoformat(extended))
        served = _recorded(case, "claim_served", as_of)
        if served is None:
            if as_of > deadline:
                out.append(
                    Problem(
                        "recovery_history",
                        f"The claim form issued on {_d(issued.date)} had to be served by {_d(deadline)} and "
                        "no service is recorded: it can no longer be served without the court extending "
                        "the time (CPR 7.5 and 7.6).",
                        code="claim_form_expired",
                        hint=f"--option {claim_rules.EXTENDED_TO}=<date in the court's order>",
                    )
                )
            else:
                out.append(
                    Problem(
                        "recovery_history",
                        f"A request for judgment needs the claim served: serve the claim form by "
                        f"{_d(deadline)} (four months after issue, CPR 7.5) and record the service (date "
                        "and method).",
                        code="claim_not_served",
                        closes_on=deadline,
                    )
                )
            return out
        service = claim_rules.service_problems(req, served.date)
        if service:
            return out + service
        route = judgment_route(case, options, as_of)
        acknowledged = _recorded(case, "acknowledgment_filed", as_of)
        defended = _recorded(case, "defence_filed", as_of)
        if route != "admission" and defended is not None:
            out.append(
                Problem(
                    "recovery_history",
                    f"A defence was filed on {_d(defended.date)}: judgment in default is not available "
                    "(CPR 12.3); the claim goes on to allocation.",
                    code="defence_filed",
                )
            )
            return out
        if route == "default" and acknowledged is not None:
            out.append(
                Problem(
                    "options.route",
                    f"The defendant acknowledged service on {_d(acknowledged.date)}: judgment may be "
                    "requested in default of a defence only.",
                    code="service_acknowledged",
                )
            )
            return out
        deemed = calendar.deemed_service_of_claim_form(served.date)
        wait = period("defence_days" if route == "default_defence" else "acknowledgment_days", deemed)
        ends = deemed + timedelta(days=wait)
        if route != "admission" and as_of <= ends:
            what = "a defence" if route == "default_defence" else "an acknowledgment of service"
            out.append(
                Problem(
                    "recovery_history",
                    f"The claim form was deemed served on {_d(deemed)}, and the defendant has until the end "
                    f"of {_d(ends)} to file {what}: judgment in default may be requested from "
                    f"{_d(ends + timedelta(days=1))}.",
                    code="response_period_running",
                    opens_on=ends + timedelta(days=1),
                )
            )
        payment = options.get("payment", "immediately")
        if payment == "by_date" and not options.get("pay_by"):
            out.append(
                Problem(
                    "options.pay_by",
                    "Give the date for payment in full.",
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
                    "Give the amount of each instalment and the date of the first one.",
                    code="bad_option",
                    hint="--option instalment_amount=<amount> --option first_payment=<YYYY-MM-DD>",
                )
            )
        out += req.facts.warnings_for("fees")
        return out

    def context(self, req: DocumentRequest) -> dict[str, Any]:
        case, as_of, options = req.case, req.as_of, req.options
        ctx = base_context(req)
        route = judgment_route(case, options, as_of)
        figures = judgment_figures(case, as_of, JUDGMENT_KIND[route], req.flag(claim_rules.ONLY_COVERED))
        sig = signatory(case)
        ctx.update(
            route=route,
            claim_number=claim_number(req),
            figures=figures,
            payment=options.get("payment", "immediately"),
            pay_by=options.get("pay_by", ""),
            instalment_amount=options.get("instalment_amount", ""),
            frequency=options.get("frequency", "monthly"),
            first_payment=options.get("first_payment", ""),
            signatory=sig,
            sot=sig.statement_of_truth("request for judgment", as_of),
            court=issuing_court(as_of),
        )
        return ctx

    def context_for(self, req: DocumentRequest) -> dict[str, Any]:
        if req.engine != "official":
            return self.context(req)
        from docgen.documents.claims.official import n225_fields

        return n225_fields(self.context(req), req.options)

    def render_options(self, req: DocumentRequest) -> dict[str, Any]:
        return {"flatten": True} if req.engine == "official" and req.flag("flatten") else {}
