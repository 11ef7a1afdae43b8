"""Recording what happened on a case: one page per kind of event, each a short form; what it sends
is the event the API takes (docgen.domain.events), recorded by the same service."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from api.deps import ServicesDep, SessionDep
from api.ui.forms import Field, errors_for, raw_values, to_data
from api.ui.web import AsyncFormViewerDep, UiRoute, Viewer, ViewerDep, page, see_other
from docgen.domain.case import Case
from docgen.domain.events import INSOLVENCY_WORDS, METHOD_WORDS
from docgen.errors import DocgenError, NotFound
from docgen.services import case_events, cases
from docgen.services.access import require_writer

router = APIRouter(route_class=UiRoute)

METHODS = (
    ("first_class_post", "First class post"),
    ("personal", "Handed to the debtor personally"),
    ("left_at_address", "Left at the address"),
    ("email", "E-mail"),
)
assert {m for m, _ in METHODS} == set(METHOD_WORDS)

FLAGS = (
    ("mental_health", "Mental health condition"),
    ("physical_health", "Physical health condition or disability"),
    ("bereavement", "Recent bereavement"),
    ("financial_hardship", "Severe financial hardship"),
    ("language", "Needs help with English"),
    ("literacy", "Difficulty reading or writing"),
    ("domestic_abuse", "Domestic abuse"),
    ("care_leaver", "Care leaver"),
)


def _date(name: str = "date", label: str = "Date", hint: str = "For example, 15 3 2026") -> Field:
    return Field(name, label, "date", hint)


def _note(label: str = "Note") -> Field:
    return Field("note", label, "textarea", optional=True)


#: kind -> (page title, what it is for, its fields)
FORMS: dict[str, tuple[str, str, tuple[Field, ...]]] = {
    "payment": (
        "Record a payment",
        "A payment lowers the balance from the day it was made.",
        (
            _date(label="Date of payment"),
            Field("amount", "Amount paid", "money", "For example, 125.50"),
            Field(
                "method", "How it was paid", hint="For example, card, bank transfer or cheque", optional=True
            ),
            Field("reference", "Payment reference", optional=True),
        ),
    ),
    "letter_sent": (
        "Record a letter sent",
        "A letter before claim starts the Pre-Action Protocol's 30 days before a claim.",
        (
            Field(
                "letter",
                "Which letter was sent",
                "choice",
                choices=(
                    ("reminder", "Reminder"),
                    ("final_notice", "Final notice"),
                    ("letter_before_claim", "Letter before claim"),
                ),
            ),
            _date(label="Date sent"),
            _note(),
        ),
    ),
    "claim_issued": (
        "Record the claim issued",
        "The claim form must then be served within four months of the date of issue.",
        (
            _date(label="Date of issue", hint="As on the notice of issue"),
            Field("claim_number", "Claim number", hint="As on the notice of issue, for example K1QZ23AB"),
            Field("court", "Issued by", default="Civil National Business Centre"),
        ),
    ),
    "claim_served": (
        "Record service of the claim form",
        "The time for the defendant to respond runs from the claim form's deemed service.",
        (
            _date(
                label="Date of the step taken to serve it",
                hint="The day it was posted, handed over, left or sent",
            ),
            Field("method", "How it was served", "choice", choices=METHODS),
            Field(
                "address",
                "Address it was served at",
                "address",
                "Only if it is not the debtor's address for service on the case",
                optional=True,
            ),
            _note(),
        ),
    ),
    "acknowledgment": (
        "Record an acknowledgment of service",
        "Once service is acknowledged, judgment in default may only be asked for when no defence comes.",
        (_date(label="Date the acknowledgment was filed"), _note()),
    ),
    "defence": (
        "Record a defence",
        "A defence ends the route to judgment in default.",
        (_date(label="Date the defence was filed"), _note()),
    ),
    "judgment": (
        "Record a judgment",
        "Enforcement starts from the judgment.",
        (
            _date(label="Date of judgment"),
            Field("court", "Court"),
            Field("claim_number", "Claim number"),
            Field("amount", "Judgment sum", "money"),
            Field("costs", "Costs", "money", optional=True),
            Field("interest", "Interest awarded", "money", optional=True),
            Field(
                "instalment_amount",
                "Instalment amount",
                "money",
                "Only for a judgment payable by instalments",
                optional=True,
            ),
            Field(
                "instalment_frequency",
                "How often",
                "choice",
                choices=(("weekly", "Weekly"), ("fortnightly", "Fortnightly"), ("monthly", "Monthly")),
                optional=True,
            ),
            Field(
                "first_instalment",
                "First instalment due",
                "date",
                "Only for a judgment payable by instalments",
                optional=True,
            ),
        ),
    ),
    "statutory_demand_served": (
        "Record service of a statutory demand",
        "A petition may follow once the 21 days to comply have run from its service.",
        (
            _date(label="Date of service"),
            Field("method", "How it was served", "choice", choices=METHODS),
            _note(),
        ),
    ),
    "insolvency": (
        "Record the debtor's insolvency",
        "Claims and enforcement stop while an insolvency procedure is in force.",
        (
            Field("procedure", "What procedure", "choice", choices=tuple(INSOLVENCY_WORDS.items())),
            _date(label="Date it began"),
            Field("court", "Court", optional=True),
            Field("reference", "Case or reference number", optional=True),
        ),
    ),
    "trace_attempt": (
        "Record a trace attempt",
        "Tracing is evidence for a write-off when the debtor cannot be found.",
        (
            _date(label="Date of the search"),
            Field(
                "method",
                "What was searched",
                hint="For example, credit reference agency, DWP or electoral roll",
            ),
            Field(
                "outcome", "Result", "choice", choices=(("traced", "Traced"), ("not_traced", "Not traced"))
            ),
            Field("by", "Searched by", optional=True),
            _note(),
        ),
    ),
    "breathing_space_start": (
        "Record the start of a Breathing Space",
        "No demand, proceedings or enforcement while it lasts.",
        (_date(label="Start date", hint="As on the Insolvency Service's notice"),),
    ),
    "breathing_space_end": (
        "Record the end of a Breathing Space",
        "Steps open again the day after it ends.",
        (_date(label="Last day of the Breathing Space"),),
    ),
    "vulnerability": (
        "Record vulnerability and capacity",
        "Vulnerability must be considered before each step; a debtor who lacks capacity needs a litigation friend in proceedings.",
        (
            Field(
                "flags", "What applies", "checkboxes", "Select all that apply", choices=FLAGS, optional=True
            ),
            Field("notes", "Notes", "textarea", optional=True),
            Field("lacks_capacity", "Does the debtor lack capacity to deal with the proceedings?", "yes_no"),
            Field(
                "friend_name",
                "Litigation friend's name",
                hint="Only if one acts for the debtor",
                optional=True,
            ),
            Field("friend_address", "Litigation friend's address", "address", optional=True),
        ),
    ),
    "death": (
        "Record the debtor's death",
        "The estate is pursued through its personal representatives, or the debt is considered for write-off.",
        (_date(label="Date of death"),),
    ),
    "correct_party": (
        "Correct the debtor's details",
        "Only what you change is recorded; every earlier version keeps the details it was made with.",
        (),
    ),
}

LINKS = (
    ("payment", "A payment"),
    ("letter_sent", "A letter sent"),
    ("claim_issued", "The claim issued"),
    ("claim_served", "Service of the claim form"),
    ("acknowledgment", "An acknowledgment of service"),
    ("defence", "A defence"),
    ("judgment", "A judgment"),
    ("statutory_demand_served", "Service of a statutory demand"),
    ("trace_attempt", "A trace attempt"),
    ("breathing_space_start", "A Breathing Space starting"),
    ("breathing_space_end", "A Breathing Space ending"),
    ("vulnerability", "Vulnerability and capacity"),
    ("insolvency", "The debtor's insolvency"),
    ("death", "The debtor's death"),
    ("correct_party", "A correction of the debtor's details"),
)


def _correction_fields(case: Case) -> tuple[Field, ...]:
    d = case.primary_debtor
    if d.is_company:
        return (
            Field("name", "Company name", default=d.display_name),
            Field(
                "company_number",
                "Company number",
                optional=True,
                default=getattr(d, "company_number", "") or "",
            ),
            Field("registered_office", "Registered office", "address", optional=True),
            Field("email", "E-mail address", optional=True, default=d.email or ""),
            Field("reason", "Why the details are corrected", "textarea", optional=True),
        )
    return (
        Field("title", "Title", optional=True, default=getattr(d, "title", "") or ""),
        Field("given_names", "Given names", default=getattr(d, "given_names", "")),
        Field("family_name", "Family name", default=getattr(d, "family_name", "")),
        Field("address", "Address", "address", "Only if it has changed", optional=True),
        Field(
            "service_address",
            "Address for service",
            "address",
            "Only if documents are to go elsewhere",
            optional=True,
        ),
        Field("email", "E-mail address", optional=True, default=d.email or ""),
        Field("reason", "Why the details are corrected", "textarea", optional=True),
    )


def fields_for(kind: str, case: Case) -> tuple[str, str, tuple[Field, ...]]:
    if kind not in FORMS:
        raise NotFound(f"no form for {kind!r}", code="not_found")
    title, lead, fields = FORMS[kind]
    if kind == "correct_party":
        fields = _correction_fields(case)
    return title, lead, fields


def event_from(kind: str, case: Case, data: dict[str, Any]) -> dict[str, Any]:
    """The event the service takes, from the form's values."""
    if kind in ("acknowledgment", "defence"):
        return {"kind": kind, **data}
    if kind == "vulnerability":
        friend = None
        if data.get("friend_name"):
            friend = {"name": data["friend_name"], "address": data.get("friend_address")}
        event = {
            "kind": kind,
            "flags": data.get("flags", []),
            "notes": data.get("notes", ""),
            "lacks_capacity": bool(data.get("lacks_capacity")),
        }
        if friend:
            event["litigation_friend"] = friend
        return event
    if kind == "correct_party":
        d = case.primary_debtor
        current = d.model_dump(mode="json", exclude_none=True)
        changed = {k: v for k, v in data.items() if k != "reason" and current.get(k) != v}
        return {"kind": kind, "fields": changed, "reason": data.get("reason", "")}
    return {"kind": kind, **data}


def _page(
    request: Request,
    viewer: Viewer,
    case: Case,
    kind: str,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    title, lead, fields = fields_for(kind, case)
    if values is None:
        values = {"date": _today_parts()} if any(f.name == "date" for f in fields) else {}
        values.update({k: v for k, v in request.query_params.items() if k in {f.name for f in fields}})
    return page(
        request,
        "record.html",
        viewer,
        status=status,
        title=title,
        lead=lead,
        case=case,
        kind=kind,
        fields=fields,
        values=values,
        errors=errors or {},
    )


def _today_parts() -> dict[str, str]:
    today = date.today()
    return {"day": str(today.day), "month": str(today.month), "year": str(today.year)}


@router.get("/cases/{case_ref:path}/record/{kind}", response_class=HTMLResponse)
def record_form(
    request: Request, session: SessionDep, viewer: ViewerDep, case_ref: str, kind: str
) -> HTMLResponse:
    _record, case = cases.load(session, viewer.who, case_ref)
    require_writer(viewer.who, "record events on cases")
    return _page(request, viewer, case, kind)


@router.post("/cases/{case_ref:path}/record/{kind}", response_class=HTMLResponse)
async def record(
    request: Request, services: ServicesDep, viewer: AsyncFormViewerDep, case_ref: str, kind: str
) -> Response:
    form = await request.form()

    def work(session: Session) -> Response:
        _record, case = cases.load(session, viewer.who, case_ref)
        require_writer(viewer.who, "record events on cases")
        _title, _lead, fields = fields_for(kind, case)
        raw = raw_values(fields, form)
        data, problems = to_data(fields, raw)
        if problems:
            return _page(request, viewer, case, kind, raw, errors_for(fields, problems), status=422)
        try:
            case_events.record(session, viewer.who, case_ref, event_from(kind, case, data))
        except DocgenError as exc:
            session.rollback()
            errors = errors_for(fields, exc.problems or [])
            if not exc.problems:
                errors[""] = exc.message[:1].upper() + exc.message[1:]
            return _page(request, viewer, case, kind, raw, errors, status=exc.status)
        return see_other(f"/ui/cases/{case_ref}?recorded=1#next-steps")

    return await services.in_transaction(work)
