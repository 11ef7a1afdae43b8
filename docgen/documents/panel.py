"""Debt-panel papers: a briefing for one case, and the pack for a meeting.

``panel_briefing`` is a registered document type. ``panel_pack`` takes several cases, so it is a
batch entry point here, ``render_pack(cases, meeting, as_of, options, engine)``: it renders each
briefing, then a cover with the agenda and an index whose page numbers come from the rendered
briefings, and merges them with one bookmark per case.

Each enforcement option's eligibility comes from that option's own document type when it is
registered (the rules live there, not here); a type that is not registered is shown as
"not assessed" rather than guessed.
"""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, ClassVar

from pypdf import PdfReader, PdfWriter

from docgen.documents import registry
from docgen.documents.base import DocumentRequest, DocumentType, OptionSpec
from docgen.documents.charts import ageing_chart
from docgen.documents.writeoff import balance_context, case_header, history_context
from docgen.domain.balance import Balance
from docgen.domain.case import Case
from docgen.domain.fees import enforcement_fee, insolvency_figure
from docgen.domain.money import ZERO, fmt_gbp
from docgen.errors import DocgenError, InvalidInput, NotFound, Problem
from docgen.render.base import PdfMeta

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


def _eligibility(doc_type: str, req: DocumentRequest, options: Mapping[str, str]) -> tuple[str, str]:
    """("yes" | "no" | "not assessed", why) from the registered document type's own rules, on the
    briefing's own case facts."""
    try:
        dt = registry.get(doc_type)
    except NotFound:
        return "not assessed", f"{doc_type} is not available in this installation"
    missing = [name for name in dt.inputs if not getattr(req.case, name, None)]
    if missing:
        return "no", f"needs {', '.join(missing).replace('_', ' ')}"
    known = {k: v for k, v in options.items() if k in dt.option_specs}
    try:
        problems = dt.eligibility(req.with_options(known))
    except DocgenError as err:
        return "no", err.message
    blocking = [p for p in problems if p.blocking]
    if blocking:
        return "no", blocking[0].message
    return "yes", "; ".join(p.message for p in problems) or "eligible under the rules"


def assess_options(req: DocumentRequest) -> list[OptionAssessment]:
    case, as_of, options, balance = req.case, req.as_of, req.options, req.facts.balance
    debtor = case.primary_debtor
    outstanding = balance.outstanding
    out: list[OptionAssessment] = []

    plans = case.history("payment_plan") + case.history("broken_plan")
    broken = case.last("broken_plan")
    out.append(
        OptionAssessment(
            "payment_plan",
            "Payment plan",
            "yes" if outstanding > 0 else "no",
            f"previous plan broken on {broken.date.isoformat()}"
            if broken
            else ("a plan was agreed before" if plans else "no plan tried yet"),
            ZERO,
            f"up to {fmt_gbp(outstanding)} by instalments, if kept",
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
            f"secured on {len(case.properties)} property; paid on sale or refinance"
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
PREFERENCE = ("charging_order", "attachment_of_earnings", "payment_plan", "bankruptcy", "write_off")


def suggested(assessments: Sequence[OptionAssessment], case: Case, outstanding: Decimal) -> OptionAssessment:
    by_key = {a.key: a for a in assessments}
    vulnerable = bool(case.primary_debtor.vulnerability.flags) or case.primary_debtor.deceased_on is not None
    order = ("write_off", "payment_plan") if vulnerable else PREFERENCE
    for key in order:
        option = by_key[key]
        if option.status == "yes" and (option.cost is None or option.cost < outstanding):
            return option
    return by_key["write_off"]


def _summary(case: Case, balance: Balance) -> str:
    open_lines = balance.open_lines
    parts = [f"{case.primary_debtor.display_name} owes {fmt_gbp(balance.outstanding)}"]
    if open_lines:
        oldest = min(line.due for line in open_lines)
        parts.append(
            f"on {len(open_lines)} open account line{'s' if len(open_lines) != 1 else ''}, "
            f"the oldest due on {oldest.day} {oldest:%B %Y}"
        )
    text = " ".join(parts) + "."
    if case.recovery_history:
        last = max(case.recovery_history, key=lambda h: h.date)
        text += (
            f" Last recovery action: {last.action.replace('_', ' ')} on {last.date.day} {last.date:%B %Y}."
        )
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
        facts.append(f"{len(case.properties)} property known.")
    if case.judgments:
        facts.append(f"{len(case.judgments)} judgment(s) obtained.")
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
        OptionSpec("policy", "Write-off policy", help="By default the council's own policy."),
    )

    def eligibility(self, req: DocumentRequest) -> list[Problem]:
        if req.facts.balance.outstanding <= 0:
            return [
                Problem("invoices", "nothing is outstanding: no panel decision needed", "nothing_outstanding")
            ]
        return []

    def context(self, req: DocumentRequest) -> dict[str, Any]:
        case, as_of, options = req.case, req.as_of, req.options
        balance = req.facts.balance
        assessments = assess_options(req)
        pick = suggested(assessments, case, balance.outstanding)
        recommendation = options.get("recommendation") or (
            f"{pick.title}: {pick.reason}. (Suggested from the assessment above; the officer confirms or "
            "replaces it.)"
        )
        circumstances, vulnerability = _circumstances(case, as_of)
        return {
            **case_header(case, as_of),
            **balance_context(balance),
            "summary": _summary(case, balance),
            "ageing_chart": ageing_chart(balance.ageing),
            "history": history_context(case),
            "circumstances": circumstances,
            "vulnerability": vulnerability,
            "notes": case.notes,
            "options": [a.as_dict() for a in assessments],
            "recommended": pick.title if not options.get("recommendation") else "see briefing",
            "recommendation": recommendation,
        }


registry.register(PanelBriefing)


# -- the pack ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class PackRendered:
    pdf: bytes
    sha256: str
    input_hash: str
    page_starts: dict[str, int]  # case_ref -> first page (1-based) in the pack
    attachments: dict[str, bytes]


def pack_input_hash(cases: Sequence[Case], meeting: date, as_of: date, options: Mapping[str, str]) -> str:
    payload = {
        "cases": [c.content_hash() for c in cases],
        "meeting": meeting.isoformat(),
        "as_of": as_of.isoformat(),
        "options": dict(sorted(options.items())),
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def render_pack(
    cases: Sequence[Case], meeting: date, as_of: date, options: Mapping[str, str], engine: Any
) -> PackRendered:
    """Cover, agenda and index, then one briefing per case in the order given, bookmarked."""
    if not cases:
        raise InvalidInput("a panel pack needs at least one case")
    refs = [c.case_ref for c in cases]
    if len(set(refs)) != len(refs):
        raise InvalidInput(
            "a case appears twice in the panel pack",
            [
                Problem("cases", f"{r} is listed more than once")
                for r in sorted({r for r in refs if refs.count(r) > 1})
            ],
        )
    briefing_type = registry.get("panel_briefing")
    briefings: list[tuple[Case, dict[str, Any], bytes]] = []
    for case in cases:
        req = briefing_type.request(case, as_of, options)
        problems = [p for p in briefing_type.eligibility(req) if p.blocking]
        if problems:
            raise InvalidInput(f"{case.case_ref} cannot be briefed", problems)
        context = briefing_type.context(req)
        meta = PdfMeta(
            title=briefing_type.pdf_title(case),
            created=as_of,
            document_id=hashlib.sha256(f"{case.content_hash()}{as_of}".encode()).hexdigest()[:32],
        )
        briefings.append((case, context, engine.render(briefing_type.templates["docx"], context, meta).pdf))

    input_hash = pack_input_hash(cases, meeting, as_of, options)
    council = cases[0].creditor.name
    meta = PdfMeta(
        title=f"Debt panel {meeting.isoformat()} - {council}",
        document_id=input_hash[:32],
        created=as_of,
        author=council,
        subject="Debt panel pack",
    )
    page_counts = [len(PdfReader(io.BytesIO(pdf)).pages) for _, _, pdf in briefings]

    cover_pages, cover = 1, b""
    for _ in range(3):  # the index's page numbers depend on the cover's own length
        starts, page = [], cover_pages + 1
        for count in page_counts:
            starts.append(page)
            page += count
        cover_context = {
            "council": council,
            "meeting": meeting,
            "count": len(cases),
            "total": sum((ctx["outstanding"] for _, ctx, _ in briefings), ZERO),
            "cases": [
                {
                    "item": n + 3,
                    "case_ref": case.case_ref,
                    "debtor_name": ctx["debtor_name"],
                    "outstanding": ctx["outstanding"],
                    "recommended": ctx["recommended"],
                    "page": starts[n],
                }
                for n, (case, ctx, _) in enumerate(briefings)
            ],
            "last_item": len(cases) + 3,
        }
        cover = engine.render("panel_pack_cover.docx", cover_context, meta).pdf
        actual = len(PdfReader(io.BytesIO(cover)).pages)
        if actual == cover_pages:
            break
        cover_pages = actual

    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(cover)), outline_item=None, import_outline=False)
    writer.add_outline_item(title="Cover, agenda and index", page_number=0)
    for n, (case, ctx, pdf) in enumerate(briefings):
        first = len(writer.pages)
        writer.append(PdfReader(io.BytesIO(pdf)), import_outline=False)
        writer.add_outline_item(title=f"{n + 3}. {case.case_ref} - {ctx['debtor_name']}", page_number=first)
    merged = io.BytesIO()
    writer.write(merged)

    from docgen.render.docx import finish_pdf

    pdf = finish_pdf(merged.getvalue(), meta, producer="docgen")
    return PackRendered(
        pdf=pdf,
        sha256=hashlib.sha256(pdf).hexdigest(),
        input_hash=input_hash,
        page_starts={case.case_ref: starts[n] for n, (case, _, _) in enumerate(briefings)},
        attachments={},
    )
