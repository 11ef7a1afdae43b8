"""Debt-panel papers: a briefing for one case, and the pack for a meeting.

``panel_briefing`` is a registered document type. ``panel_pack`` is a batch paper
(``docgen.documents.batch``) kept under ``panel:<meeting date>``: each case's briefing is a section,
the cover with the agenda and an index takes its page numbers from the rendered briefings.

Each enforcement option's eligibility comes from that option's own document type when it is
registered (the rules live there, not here); a type that is not registered is shown as
"not assessed" rather than guessed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, ClassVar

from docgen.documents import registry
from docgen.documents.base import DocumentRequest, DocumentType, OptionSpec
from docgen.documents.batch import BatchDocumentType, BatchRequest, Section, register_batch
from docgen.documents.charts import ageing_chart
from docgen.documents.councils import policy_of
from docgen.documents.reports import action_label, balance_context, case_header, history_context
from docgen.domain.balance import Balance
from docgen.domain.case import Case
from docgen.domain.fees import enforcement_fee, insolvency_figure
from docgen.domain.money import ZERO, fmt_gbp, fmt_plain
from docgen.errors import DocgenError, NotFound, Problem

FAMILY = "panel"
WRITE_OFF_REASON_DEFAULT = "uneconomic"


@dataclass(frozen=True)
class OptionAssessment:
    key: str
    title: str
    status: str  # "yes" | "no" | "not assessed"
    reason: str
    cost: Decimal | None
    likely_return: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "title": self.title,
            "status": self.status,
            "reason": self.reason,
            "cost": self.cost,
            "likely_return": self.likely_return,
        }


def _sentence(text: str) -> str:
    text = text.strip()
    return (text[:1].upper() + text[1:]).rstrip(".") + "." if text else text


def _eligibility(doc_type: str, req: DocumentRequest, options: Mapping[str, str]) -> tuple[str, str]:
    """("yes" | "no" | "not assessed", why) from the registered document type's own rules, on the
    briefing's own case facts. The why is the rule's plain-English message (never its command-line
    hint); an option that is possible says so, with the points the officer must still check."""
    try:
        dt = registry.get(doc_type)
    except NotFound:
        return "not assessed", "This option cannot be assessed here."
    known = {k: v for k, v in options.items() if k in dt.option_specs}
    try:
        problems = dt.eligibility(req.with_options(known))
    except DocgenError as err:
        return "no", _sentence(err.message)
    blocking = [p for p in problems if p.blocking]
    if blocking:
        more = (
            f" ({len(blocking) - 1} other reason{'s' if len(blocking) > 2 else ''} as well.)"
            if len(blocking) > 1
            else ""
        )
        return "no", _sentence(blocking[0].message) + more
    checks = [p for p in problems if not p.blocking and p.code not in _NOT_FOR_THE_PANEL]
    if checks:
        return (
            "yes",
            f"Possible under the rules; {len(checks)} point{'s' if len(checks) != 1 else ''} to check first.",
        )
    return "yes", "Possible under the rules."


#: warnings that are the officer's bookkeeping, not a point for the panel
_NOT_FOR_THE_PANEL = frozenset(
    {"unconfirmed_figure", "permission_window", "petition_window", "limitation_running"}
)


def assess_options(req: DocumentRequest) -> list[OptionAssessment]:
    case, as_of, options, facts = req.case, req.as_of, req.options, req.facts
    balance = facts.balance
    debtor = case.primary_debtor
    outstanding = facts.outstanding
    out: list[OptionAssessment] = []

    plans = case.history("payment_plan") + case.history("broken_plan")
    broken = case.last("broken_plan")
    out.append(
        OptionAssessment(
            "payment_plan",
            "Payment plan",
            "yes" if outstanding > 0 else "no",
            f"A previous plan was broken on {broken.date.day} {broken.date:%B %Y}."
            if broken
            else ("A plan was agreed before." if plans else "No plan has been tried yet."),
            ZERO,
            f"up to {fmt_gbp(outstanding)} by instalments, if kept",
        )
    )

    # a claim is assessed on the claim date's own figures: the court fee and any fixed costs on issue
    status, why = _eligibility("n1", req, options)
    out.append(
        OptionAssessment(
            "county_court_claim",
            "County Court claim",
            status,
            why,
            facts.court_fee + facts.fixed_costs_on_issue,
            f"judgment for {fmt_gbp(facts.claim_amount)} with the fee added, if not defended; enforcement "
            "after that if it is not paid"
            if not facts.judgment_entered
            else "judgment already entered",
        )
    )

    demand_type = "statutory_demand_company" if debtor.is_company else "statutory_demand_individual"
    status, why = _eligibility(demand_type, req, options)
    out.append(
        OptionAssessment(
            "statutory_demand",
            "Statutory demand",
            status,
            why,
            ZERO,
            "payment within 21 days, or grounds for a winding-up petition"
            if debtor.is_company
            else "payment within 21 days, or grounds for a bankruptcy petition",
        )
    )

    status, why = _eligibility("n379", req, options)
    out.append(
        OptionAssessment(
            "charging_order",
            "Charging order",
            status,
            why,
            enforcement_fee("charging_order", as_of),
            f"secured on {len(case.properties)} propert{'y' if len(case.properties) == 1 else 'ies'}; paid on "
            "sale or refinance"
            if case.properties
            else "no property known",
        )
    )

    status, why = _eligibility("n337", req, options)
    employment = debtor.employment
    employer = employment.employer.name if employment and employment.employer else None
    out.append(
        OptionAssessment(
            "attachment_of_earnings",
            "Attachment of earnings",
            status,
            why,
            enforcement_fee("attachment_of_earnings", as_of),
            f"deductions from pay at {employer}" if employer else "no employer known",
        )
    )

    if debtor.kind == "company":
        key, title = "winding_up_petition", "Winding-up petition"
        cost = insolvency_figure("winding_up_deposit", as_of) + insolvency_figure(
            "winding_up_petition_fee", as_of
        )
    else:
        key, title = "bankruptcy_petition", "Bankruptcy petition"
        cost = insolvency_figure("bankruptcy_deposit", as_of) + insolvency_figure(
            "bankruptcy_petition_fee", as_of
        )
    status, why = _eligibility(key, req, options)
    out.append(
        OptionAssessment(
            "bankruptcy",
            title,
            status,
            why,
            cost,
            "a dividend, if any, after the costs of the estate; the deposit is usually spent",
        )
    )

    write_off_options = {
        "reason": options.get("write_off_reason", WRITE_OFF_REASON_DEFAULT),
        "evidence": options.get("write_off_evidence", "as set out in this briefing"),
        "policy": options.get("policy", ""),
    }
    status, why = _eligibility("write_off_report", req, {k: v for k, v in write_off_options.items() if v})
    out.append(
        OptionAssessment(
            "write_off",
            "Write-off",
            status,
            why,
            ZERO,
            f"nil; VAT bad debt relief on {fmt_gbp(balance.vat_outstanding)}"
            if balance.vat_outstanding
            else "nil",
        )
    )
    return out


# Which option the briefing suggests when the officer gives none: secured and low-cost routes first.
PREFERENCE = (
    "charging_order",
    "attachment_of_earnings",
    "payment_plan",
    "county_court_claim",
    "statutory_demand",
    "bankruptcy",
    "write_off",
)


def suggested(assessments: Sequence[OptionAssessment], case: Case, outstanding: Decimal) -> OptionAssessment:
    by_key = {a.key: a for a in assessments}
    vulnerable = bool(case.primary_debtor.vulnerability.flags) or case.primary_debtor.deceased_on is not None
    order = ("write_off", "payment_plan") if vulnerable else PREFERENCE
    for key in order:
        option = by_key[key]
        if option.status == "yes" and (option.cost is None or option.cost < outstanding):
            return option
    return by_key["write_off"]


def recommendation_words(pick: OptionAssessment) -> str:
    """The suggested option in words for the panel: what it is, what it costs and what it may bring
    in; never a rule's raw message."""
    cost = f"costs {fmt_gbp(pick.cost)}" if pick.cost else "costs nothing in fees"
    return (
        f"{pick.title}. It {cost} and the likely return is {pick.likely_return}. Suggested from the options "
        "assessed above; the officer confirms or replaces this recommendation."
    )


def _summary(case: Case, balance: Balance, outstanding: Decimal) -> str:
    open_lines = balance.open_lines
    parts = [f"{case.primary_debtor.display_name} owes {fmt_gbp(outstanding)}"]
    if open_lines:
        oldest = min(line.due for line in open_lines)
        parts.append(
            f"on {len(open_lines)} open account line{'s' if len(open_lines) != 1 else ''}, "
            f"the oldest due on {oldest.day} {oldest:%B %Y}"
        )
    text = " ".join(parts) + "."
    if case.recovery_history:
        last = max(case.recovery_history, key=lambda h: h.date)
        text += f" Last recovery action: {action_label(last.action).lower()} on {last.date.day} {last.date:%B %Y}."
    return text


def _circumstances(case: Case, as_of: date) -> tuple[str, str]:
    debtor = case.primary_debtor
    facts: list[str] = []
    if debtor.deceased_on:
        facts.append(f"The debtor died on {debtor.deceased_on.day} {debtor.deceased_on:%B %Y}.")
    if debtor.kind == "company":
        facts.append(f"A company ({debtor.company_number or 'number not held'}).")
    elif debtor.employment:
        facts.append(f"Employment: {debtor.employment.status.replace('_', ' ')}.")
    if debtor.breathing_space and debtor.breathing_space.active_on(as_of):
        facts.append("In a Breathing Space moratorium: no enforcement while it lasts.")
    if case.properties:
        n = len(case.properties)
        facts.append(f"{n} propert{'y' if n == 1 else 'ies'} known.")
    if case.judgments:
        n = len(case.judgments)
        facts.append(f"{n} judgment{'' if n == 1 else 's'} obtained.")
    flags = debtor.vulnerability.flags
    vulnerability = ", ".join(f.replace("_", " ") for f in flags) if flags else "none recorded"
    if debtor.vulnerability.notes:
        vulnerability += f" ({debtor.vulnerability.notes})"
    return " ".join(facts) or "Nothing recorded beyond the debt itself.", vulnerability


class PanelBriefing(DocumentType):
    id: ClassVar[str] = "panel_briefing"
    title: ClassVar[str] = "Debt panel briefing"
    family: ClassVar[str] = FAMILY
    templates: ClassVar[dict[str, str]] = {"docx": "panel_briefing.docx"}
    options = (
        OptionSpec(
            "recommendation",
            "The officer's recommendation",
            help="By default one is suggested from the options assessed.",
        ),
        OptionSpec(
            "write_off_reason",
            "Reason used to assess a write-off",
            help="A reason code from the council's policy.",
            default=WRITE_OFF_REASON_DEFAULT,
        ),
        OptionSpec("write_off_evidence", "Evidence used to assess a write-off"),
        OptionSpec(
            "policy",
            "Write-off policy",
            help="The id of one of the council's write-off policies; by default its policy in force.",
            max_length=64,
        ),
    )

    def input_extras(self, req: DocumentRequest) -> dict[str, str]:
        # the write-off assessment is made under the council's policy: a changed policy is a new
        # briefing; a council with none has its write-off assessed as not possible
        try:
            return {"policy": policy_of(req).digest}
        except DocgenError:
            return {}

    def eligibility(self, req: DocumentRequest) -> list[Problem]:
        if req.facts.outstanding <= 0:
            return [
                Problem("invoices", "nothing is outstanding: no panel decision needed", "nothing_outstanding")
            ]
        return []

    def context(self, req: DocumentRequest) -> dict[str, Any]:
        case, as_of, options = req.case, req.as_of, req.options
        balance, outstanding = req.facts.balance, req.facts.outstanding
        assessments = assess_options(req)
        pick = suggested(assessments, case, outstanding)
        recommendation = options.get("recommendation") or recommendation_words(pick)
        circumstances, vulnerability = _circumstances(case, as_of)
        return {
            **case_header(case, as_of),
            **balance_context(req.facts),
            "summary": _summary(case, balance, outstanding),
            "ageing_chart": ageing_chart(balance.ageing),
            "history": history_context(case, as_of),
            "circumstances": circumstances,
            "vulnerability": vulnerability,
            "notes": case.notes,
            "options": [a.as_dict() for a in assessments],
            "recommended": pick.title if not options.get("recommendation") else "see briefing",
            "recommendation": recommendation,
        }


registry.register(PanelBriefing)


# -- the pack ---------------------------------------------------------------------------------


def agenda_items(req: BatchRequest) -> list[str]:
    """The meeting's own agenda items (option ``agenda``, one per line)."""
    return [line.strip() for line in req.option("agenda").splitlines() if line.strip()]


@register_batch
class PanelPack(BatchDocumentType):
    """The pack for a meeting: cover, agenda and index, then one briefing per case in the order
    given, each bookmarked. The index's page numbers come from the rendered briefings."""

    id: ClassVar[str] = "panel_pack"
    title: ClassVar[str] = "Debt panel pack"
    family: ClassVar[str] = FAMILY
    namespace: ClassVar[str] = "panel"
    templates: ClassVar[dict[str, str]] = {"docx": "panel_pack_cover.docx"}
    section_templates: ClassVar[dict[str, tuple[str, ...]]] = {"docx": (PanelBriefing.templates["docx"],)}
    options = (
        OptionSpec("meeting", "Date of the meeting", "date"),
        OptionSpec(
            "agenda",
            "The meeting's own agenda items",
            help="One per line; they follow the cases and come before any other business.",
            max_length=4200,
        ),
        *(o for o in PanelBriefing.options if o.name != "recommendation"),
    )
    own_bookmark: ClassVar[str] = "Cover, agenda and index"

    def meeting(self, req: BatchRequest) -> date:
        return date.fromisoformat(req.option("meeting") or req.as_of.isoformat())

    def register_key(self, req: BatchRequest) -> str:
        return self.meeting(req).isoformat()

    def paper_title(self, req: BatchRequest) -> str:
        return f"Debt panel {self.meeting(req).isoformat()} - {req.council}"

    def input_extras(self, req: BatchRequest) -> dict[str, str]:
        digests = set()
        for r in self._requests(req):
            try:
                digests.add(policy_of(r).digest)
            except DocgenError:
                continue
        return {"policy": ",".join(sorted(digests))} if digests else {}

    def _briefings(self, req: BatchRequest) -> list[dict[str, Any]]:
        briefing = PanelBriefing()
        return req.memo("briefings", lambda: [briefing.context(r) for r in self._requests(req)])

    def _requests(self, req: BatchRequest) -> list[DocumentRequest]:
        wanted = {o.name for o in PanelBriefing.options}
        return [r.with_options({k: v for k, v in r.options.items() if k in wanted}) for r in req.requests]

    def eligibility(self, req: BatchRequest) -> list[Problem]:
        briefing = PanelBriefing()
        return [
            Problem(f"cases[{n}] {r.case.case_ref}", p.message, p.code)
            for n, r in enumerate(self._requests(req))
            for p in briefing.eligibility(r)
            if p.blocking
        ]

    def sections(self, req: BatchRequest) -> list[Section]:
        return [
            Section(
                f"{n + 3}. {e.case.case_ref} - {ctx['debtor_name']}",
                PanelBriefing.templates["docx"],
                ctx,
                PanelBriefing().pdf_title(e.case),
            )
            for n, (e, ctx) in enumerate(zip(req.entries, self._briefings(req), strict=True))
        ]

    def context(self, req: BatchRequest, section_starts: Sequence[int]) -> dict[str, Any]:
        briefings = self._briefings(req)
        return {
            "council": req.council,
            "meeting": self.meeting(req),
            "count": len(req.entries),
            "total": sum((ctx["outstanding"] for ctx in briefings), ZERO),
            "cases": [
                {
                    "item": n + 3,
                    "case_ref": e.case.case_ref,
                    "debtor_name": ctx["debtor_name"],
                    "outstanding": ctx["outstanding"],
                    "recommended": ctx["recommended"],
                    "page": section_starts[n] if section_starts else "",
                }
                for n, (e, ctx) in enumerate(zip(req.entries, briefings, strict=True))
            ],
            "agenda": [
                {"item": len(req.entries) + 3 + n, "text": text} for n, text in enumerate(agenda_items(req))
            ],
            "last_item": len(req.entries) + 3 + len(agenda_items(req)),
        }

    def figures(self, req: BatchRequest) -> dict[str, str]:
        total = sum((ctx["outstanding"] for ctx in self._briefings(req)), ZERO)
        return {"cases": str(len(req.entries)), "total": fmt_plain(total)}
