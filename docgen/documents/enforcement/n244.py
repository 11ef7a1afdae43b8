"""N244: an application notice, for permission to enforce a judgment six years old or more (CPR
83.2(3)(a)) or for service by an alternative method (CPR 6.15).

Every statement in the application is made from the case, or the application is refused with the
reason: the judgment's age and what is owed, the steps taken since judgment, why it was not enforced
sooner (the officer's words, required), the failed attempts at service (dates, method, by whom), and
an order that needs the court's permission.
"""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar

from docgen.documents import rules
from docgen.documents.base import DocumentRequest, DocumentType, OptionSpec
from docgen.documents.common import base_context, statement_of_truth
from docgen.documents.enforcement.common import (
    FAMILY,
    chosen_judgment,
    judgment_context,
    judgment_problems,
    on,
)
from docgen.documents.registry import register
from docgen.documents.reports import action_label
from docgen.domain.calendar import add_years
from docgen.domain.case import ServiceAttempt
from docgen.domain.fees import application_fee
from docgen.domain.judgment import JudgmentPosition, judgment_position
from docgen.domain.money import fmt_gbp
from docgen.domain.thresholds import period, threshold
from docgen.errors import Problem

ENFORCE_BY = {
    "warrant_of_control": "a warrant of control in the County Court",
    "writ_of_control": "a writ of control, the judgment to be transferred to the High Court for enforcement "
    "under section 42 of the County Courts Act 1984",
}
DOCUMENTS = {
    "claim_form": "claim form",
    "particulars_of_claim": "particulars of claim",
    "judgment": "judgment",
    "application": "application notice",
    "other": "document",
}
#: alternative methods (CPR 6.15): each needs the court's permission, as none is a method or place
#: CPR 6.3 and 6.9 already permit without an order
ALTERNATIVES = {
    "email": "e-mail",
    "text_message": "text message",
    "social_media": "a message through a social media account",
    "post_elsewhere": "first class post to an address that is not one where service is permitted without an "
    "order",
    "third_party": "leaving it with, or sending it to, a named person who will bring it to the defendant's "
    "attention",
}


def _choices(table: dict[str, str]) -> tuple[tuple[str, str], ...]:
    return tuple((k, v[0].upper() + v[1:]) for k, v in table.items())


def years_between(start: date, end: date) -> int:
    years = end.year - start.year
    return years - 1 if (end.month, end.day) < (start.month, start.day) else years


def attempts_for(req: DocumentRequest) -> list[ServiceAttempt]:
    document = req.option("document", "claim_form") or "claim_form"
    return sorted(
        (a for a in req.case.service_attempts if a.document == document and a.date <= req.as_of),
        key=lambda a: a.date,
    )


def _permission_problems(req: DocumentRequest) -> list[Problem]:
    case, as_of, options = req.case, req.as_of, req.options
    missing = judgment_problems(case, as_of, options, "Permission to enforce")
    if missing:
        return missing
    j = chosen_judgment(case, as_of, options)
    assert j is not None
    out: list[Problem] = []
    years = period("judgment_enforcement_permission_years", as_of)
    if as_of < add_years(j.date, years):
        return [
            Problem(
                "judgments",
                f"judgment {j.claim_number} was given on {on(j.date)}, less than {years} years ago: no "
                "permission is needed on account of its age (CPR 83.2(3)(a)), and an application saying "
                "otherwise would be untrue",
                code="permission_not_needed",
            )
        ]
    pos = judgment_position(j, as_of, case)
    if pos.outstanding <= 0:
        out.append(
            Problem("judgments", f"nothing remains due under judgment {j.claim_number}", code="nothing_owed")
        )
    ceiling = threshold("county_court_warrant_maximum_exclusive", as_of)
    if options.get("enforce_by", "") == "warrant_of_control" and pos.balance >= ceiling:
        out.append(
            Problem(
                "options.enforce_by",
                f"{fmt_gbp(pos.balance)} is due under the judgment: a County Court warrant of control cannot "
                f"be executed for {fmt_gbp(ceiling)} or more, so permission is asked for a writ of control "
                "(High Court enforcement)",
                code="high_court_enforcement",
                hint="--option enforce_by=writ_of_control",
            )
        )
    if not options.get("delay_reason", "").strip():
        out.append(
            Problem(
                "options.delay_reason",
                "say why the judgment has not been enforced before now: the court is asked to give "
                "permission six years on and the evidence must explain the delay",
                code="delay_reason_required",
                hint="--option delay_reason=<why>",
            )
        )
    return out


def _service_problems(req: DocumentRequest) -> list[Problem]:
    case, as_of, options = req.case, req.as_of, req.options
    out: list[Problem] = []
    if chosen_judgment(case, as_of, options) is None and not (
        options.get("claim_number", "").strip() and options.get("court", "").strip()
    ):
        out.append(
            Problem(
                "options.claim_number",
                "an application notice is made in existing proceedings: give the claim number and the court",
                code="claim_details_required",
                hint="--option claim_number=<claim> --option court=<court>",
            )
        )
    document = DOCUMENTS.get(options.get("document", "claim_form") or "claim_form", "document")
    if not attempts_for(req):
        out.append(
            Problem(
                "service_attempts",
                f"no failed attempt to serve the {document} is recorded: record each attempt (date, "
                "method, by whom, what happened), which the court needs to see before it permits another "
                "method (CPR 6.15)",
                code="no_service_attempts",
            )
        )
    method = options.get("alternative_method", "").strip()
    if method not in ALTERNATIVES:
        out.append(
            Problem(
                "options.alternative_method",
                "say which alternative method of service is asked for: e-mail, text message, a social "
                "media message, post to another address, or through a named person",
                code="alternative_method_required",
                hint="--option alternative_method=" + "|".join(ALTERNATIVES),
            )
        )
    details = options.get("method_details", "").strip()
    if not details:
        out.append(
            Problem(
                "options.method_details",
                "give the e-mail address, telephone number, account, address or person the document is to "
                "be served by or at",
                code="method_details_required",
                hint="--option method_details=<where>",
            )
        )
    debtor = case.primary_debtor
    postcode = debtor.address_for_service.postcode.replace(" ", "")
    if method == "post_elsewhere" and postcode and postcode in details.replace(" ", "").upper():
        out.append(
            Problem(
                "options.method_details",
                f"{debtor.address_for_service.one_line()} is the address the case records for the "
                "defendant, where service by post is already permitted without an order (CPR 6.9): an "
                "order is needed only for another address",
                code="permission_not_needed",
            )
        )
    return out


@register
class N244(DocumentType):
    id = "n244"
    title = "Application notice (N244)"
    family = FAMILY
    templates: ClassVar[dict[str, str]] = {"html": "enforcement/n244.html"}
    options = (
        *rules.COMMON_OPTIONS,
        OptionSpec(
            "application",
            "What the application is for",
            "choice",
            choices=(
                ("permission_to_enforce", "Permission to enforce a judgment six years old or more"),
                ("substituted_service", "Service by an alternative method"),
            ),
        ),
        OptionSpec("claim_number", "Claim number the application is made in"),
        OptionSpec("court", "Court the claim is in", help="Needed when the case records no judgment."),
        OptionSpec(
            "enforce_by",
            "How the judgment is to be enforced",
            "choice",
            choices=_choices(ENFORCE_BY),
            help="By default a warrant of control under £5,000 and a writ of control from £5,000.",
        ),
        OptionSpec("delay_reason", "Why the judgment has not been enforced before now"),
        OptionSpec(
            "document",
            "Document to be served",
            "choice",
            choices=_choices(DOCUMENTS),
            default="claim_form",
        ),
        OptionSpec(
            "alternative_method",
            "Alternative method of service asked for",
            "choice",
            choices=_choices(ALTERNATIVES),
        ),
        OptionSpec("method_details", "The address, account or person for that method"),
        OptionSpec(
            "notice",
            "Notice to the other side",
            "choice",
            choices=(("on_notice", "On notice"), ("without_notice", "Without notice")),
        ),
        OptionSpec(
            "hearing",
            "Hearing",
            "choice",
            choices=(
                ("hearing", "At a hearing"),
                ("remote", "At a remote hearing"),
                ("without_hearing", "Without a hearing"),
            ),
            default="hearing",
        ),
        OptionSpec("time_estimate", "How long the hearing will take", default="10 minutes"),
        OptionSpec("evidence", "Further evidence relied on", help="Added after the evidence from the case."),
    )

    def eligibility(self, req: DocumentRequest) -> list[Problem]:
        options = req.options
        app = options.get("application", "").strip()
        enforcing = chosen_judgment(req.case, req.as_of, options) if app == "permission_to_enforce" else None
        out = rules.standard(req, on_judgment=enforcing, in_proceedings=app == "substituted_service")
        if app == "permission_to_enforce":
            out += _permission_problems(req)
        elif app == "substituted_service":
            out += _service_problems(req)
        else:
            out.append(
                Problem(
                    "options.application",
                    "say what the application is for: permission to enforce, or service by an alternative "
                    "method",
                    code="application_required",
                    hint="--option application=permission_to_enforce|substituted_service",
                )
            )
        return out

    def context(self, req: DocumentRequest) -> dict[str, Any]:
        case, as_of, options = req.case, req.as_of, req.options
        ctx = base_context(req)
        app = options["application"].strip()
        j = chosen_judgment(case, as_of, options)
        pos = judgment_position(j, as_of, case) if j else None
        notice = options.get("notice", "without_notice")
        hearing = options.get("hearing", "hearing")
        debtor = case.primary_debtor
        if app == "permission_to_enforce":
            assert pos is not None
            order, reasons, since = _permission_words(req, pos)
            attempts: list[dict[str, Any]] = []
        else:
            order, reasons = _service_words(req)
            since = []
            attempts = [
                {
                    "date": a.date,
                    "method": a.method.replace("_", " "),
                    "by": a.by,
                    "address": a.address.one_line() if a.address else "",
                    "outcome": a.outcome,
                }
                for a in attempts_for(req)
            ]
        ctx.update(
            application=app,
            claim_number=j.claim_number if j else options.get("claim_number", ""),
            court=options.get("court", "").strip() or (j.court if j else ""),
            judgment=judgment_context(pos) if pos else None,
            order_sought=order,
            reasons=reasons,
            notice=notice,
            hearing=hearing,
            time_estimate=options.get("time_estimate", "10 minutes"),
            evidence=options.get("evidence", "").strip(),
            steps_since=since,
            attempts=attempts,
            serve_on=[]
            if notice == "without_notice"
            else [{"name": debtor.display_name, "address": debtor.address_for_service.one_line()}],
            fee=application_fee("on_notice" if notice == "on_notice" else "without_notice", as_of),
            set_aside_days=period("set_aside_without_notice_order_days", as_of),
            sot=statement_of_truth(case, as_of, "application notice"),
        )
        return ctx


def enforce_by(req: DocumentRequest, pos: JudgmentPosition) -> str:
    chosen = req.option("enforce_by").strip()
    if chosen in ENFORCE_BY:
        return chosen
    ceiling = threshold("county_court_warrant_maximum_exclusive", req.as_of)
    return "writ_of_control" if pos.balance >= ceiling else "warrant_of_control"


def _permission_words(req: DocumentRequest, pos: JudgmentPosition) -> tuple[str, str, list[dict[str, Any]]]:
    j, as_of = pos.judgment, req.as_of
    how = enforce_by(req, pos)
    order = (
        f"The claimant be given permission under CPR 83.2(3)(a) to enforce the judgment of the {j.court} dated "
        f"{on(j.date)} in claim {j.claim_number} by {ENFORCE_BY[how]}."
    )
    age = years_between(j.date, as_of)
    reasons = (
        f"Judgment was given on {on(j.date)} for {fmt_gbp(pos.total)}, {age} years before this application: "
        f"six years or more have passed, so a {'writ' if how == 'writ_of_control' else 'warrant'} of control "
        f"may issue only with the court's permission (CPR 83.2(3)(a)). {fmt_gbp(pos.paid)} has been paid since "
        f"judgment and {fmt_gbp(pos.outstanding)} of the judgment remains unpaid"
    )
    if pos.interest.total > 0:
        reasons += f", with {fmt_gbp(pos.interest.total)} interest on the judgment debt to {on(as_of)}"
    reasons += f". The judgment has not been enforced before now because {req.option('delay_reason').strip()}"
    reasons = reasons.rstrip(".") + "."
    since = [
        {"date": h.date, "action": action_label(h.action), "note": h.note}
        for h in sorted(req.case.recovery_history, key=lambda h: h.date)
        if j.date < h.date <= as_of
    ]
    return order, reasons, since


def _service_words(req: DocumentRequest) -> tuple[str, str]:
    document = DOCUMENTS.get(req.option("document", "claim_form") or "claim_form", "document")
    method = ALTERNATIVES.get(req.option("alternative_method").strip(), "")
    details = req.option("method_details").strip()
    attempts = attempts_for(req)
    order = (
        f"The claimant be permitted under CPR 6.15 to serve the {document} on the defendant by {method}, namely "
        f"{details}, and that service so made be treated as good service; the {document} is to be treated as "
        "served on the second business day after the step required to serve it is taken"
    )
    if document == "claim form":
        order += (
            ", and the period for the defendant to file an acknowledgment of service, an admission or a "
            "defence runs from that day"
        )
    order += "."
    tries = "; ".join(
        f"on {on(a.date)} by {a.method.replace('_', ' ')} ({a.by}){': ' + a.outcome if a.outcome else ''}"
        for a in attempts
    )
    reasons = (
        f"The claimant has tried to serve the {document} on the defendant {len(attempts)} "
        f"time{'s' if len(attempts) != 1 else ''} without success: {tries}. There is good reason to authorise "
        f"service by {method} (CPR 6.15(1)), which will bring the {document} to the defendant's attention."
    )
    return order, reasons
