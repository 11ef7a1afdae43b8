"""Insolvency papers: statutory demands (individual, s.268(1)(a); company, s.123(1)(a)), the
certificate of service of a demand (r.10.3), and the creditor's bankruptcy and winding-up petitions.

The date a demand was served, and how, are recorded facts in the case (a ``statutory_demand_served``
entry in recovery_history, with its method). Every period and sum comes from the dated tables.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, ClassVar

from docgen.documents import registry, rules
from docgen.documents.base import DocumentRequest, DocumentType, Options, OptionSpec
from docgen.documents.common import base_context, statement_of_truth
from docgen.documents.enforcement import chosen_judgment, liability_order_position
from docgen.documents.inputs import StoredWanted
from docgen.documents.registry import register
from docgen.domain import calendar
from docgen.domain.case import Case, CompanyDebtor, HistoryEntry, InterestBasis, Judgment, LiabilityOrder
from docgen.domain.fees import insolvency_figure
from docgen.domain.money import ZERO, fmt_gbp
from docgen.domain.tables import lookup
from docgen.domain.thresholds import period, threshold
from docgen.errors import Problem

FAMILY = "insolvency"

CONSIDERATION = {
    "sundry": "charges for services provided by the creditor",
    "adult_social_care": "the debtor's assessed contribution to the cost of care and support arranged by the "
    "creditor under the Care Act 2014",
    "council_tax": "council tax",
    "business_rates": "non-domestic rates",
    "hb_overpayment": "an overpayment of housing benefit recoverable under the Social Security Administration "
    "Act 1992",
    "commercial_rent": "rent and licence fees under an agreement with the creditor",
}

# (label, words that run on into the address: "served ... by leaving it at <address>")
METHODS = {
    "personal": ("Personal service", "by handing it to the debtor personally at"),
    "left_at_address": ("Left at the address", "by leaving it at"),
    "first_class_post": ("First class post", "by sending it by first class post to"),
    "email": ("E-mail", "by e-mail, the debtor's address being"),
}

LIABILITY_ORDER_REGULATIONS = {
    "council_tax": "regulation 34 of the Council Tax (Administration and Enforcement) Regulations 1992",
    "business_rates": "regulation 12 of the Non-Domestic Rating (Collection and Enforcement) (Local Lists) "
    "Regulations 1989",
}

AGGREGATE = "aggregate"
AGGREGATE_REASON = "aggregate_reason"
DEMAND_OPTIONS: tuple[OptionSpec, ...] = (
    *rules.COMMON_OPTIONS,
    OptionSpec(
        "founded_on",
        "What the demand is founded on",
        "choice",
        choices=(
            ("judgment", "A judgment"),
            ("liability_orders", "Liability orders"),
            ("debt", "The unpaid invoices"),
        ),
        help="By default a judgment if one is owing, else liability orders, else the invoices.",
    ),
    OptionSpec(
        "claim_number",
        "Claim number of the judgment the demand is founded on",
        help="Only when the case has more than one judgment.",
    ),
)
AGGREGATE_SPEC = OptionSpec(
    AGGREGATE,
    "The debt will be joined with other creditors' debts to reach the bankruptcy level",
    "yes_no",
)
AGGREGATE_REASON_SPEC = OptionSpec(
    AGGREGATE_REASON,
    "Why the debts together will reach the bankruptcy level",
    help="Required with the above.",
)


# -- the debt a demand or petition is for -----------------------------------------------------


@dataclass(frozen=True)
class DemandDebt:
    """The debt as a demand states it: the sums owed, then interest and charges shown separately, only
    as accrued on the demand's date."""

    founded_on: str  # judgment | liability_orders | debt
    on: date
    items: tuple[tuple[str, Decimal], ...]
    interest: tuple[tuple[str, Decimal], ...]
    charges: tuple[tuple[str, Decimal], ...]
    paid: Decimal
    consideration: str
    incurred: date | None
    judgment: Judgment | None = None
    orders: tuple[LiabilityOrder, ...] = ()
    order_regulations: str = ""
    interest_note: str = ""

    @property
    def total(self) -> Decimal:
        return (
            sum((a for _, a in self.items), ZERO)
            + sum((a for _, a in self.interest), ZERO)
            + sum((a for _, a in self.charges), ZERO)
            - self.paid
        )

    @property
    def by_order_of_court(self) -> bool:
        return self.founded_on in ("judgment", "liability_orders")


def founded_on(case: Case, on: date, options: Options) -> str:
    wanted = options.get("founded_on", "").strip()
    if wanted:
        return wanted
    j = chosen_judgment(case, on, options)
    if j is not None and j.outstanding > 0:
        return "judgment"
    if any(lo.date <= on for lo in case.liability_orders):
        return "liability_orders"
    return "debt"


def demand_debt(req: DocumentRequest) -> DemandDebt:
    """The debt as demanded on ``req.as_of`` (the demand's date)."""
    case, on, options = req.case, req.as_of, req.options
    basis = founded_on(case, on, options)
    words = CONSIDERATION[case.debt_type.value]
    if basis == "judgment":
        j = chosen_judgment(case, on, options)
        assert j is not None
        return DemandDebt(
            founded_on=basis,
            on=on,
            items=((f"Judgment sum, {j.court}, claim {j.claim_number}", j.amount),),
            interest=((("Interest awarded in the judgment", j.interest),) if j.interest else ()),
            charges=((("Costs awarded in the judgment", j.costs),) if j.costs else ()),
            paid=j.paid_since,
            consideration=f"the sum due under the judgment of the {j.court} dated {j.date.day} {j.date:%B %Y} "
            f"in claim {j.claim_number}, given for {words}",
            incurred=j.date,
            judgment=j,
        )
    if basis == "liability_orders":
        pos = liability_order_position(case, on, req.facts.balance)
        return DemandDebt(
            founded_on=basis,
            on=on,
            items=tuple(
                (
                    f"{words.capitalize()} {lo.period or ''}, liability order of {lo.court} dated "
                    f"{lo.date.day} {lo.date:%B %Y}".replace("  ", " "),
                    lo.amount,
                )
                for lo in pos.orders
            ),
            interest=(),
            charges=tuple(
                (f"Costs allowed on the liability order of {lo.date.day} {lo.date:%B %Y}", lo.costs)
                for lo in pos.orders
                if lo.costs
            ),
            paid=pos.paid,
            consideration=f"{words} due for the periods shown, for which liability orders were made by the "
            "magistrates' court",
            incurred=min((lo.date for lo in pos.orders), default=None),
            orders=pos.orders,
            order_regulations=LIABILITY_ORDER_REGULATIONS.get(
                case.debt_type.value, "the regulations that apply"
            ),
        )
    facts = req.facts
    open_lines = [ln for ln in facts.balance.lines if ln.outstanding > 0]
    i = facts.interest
    interest: tuple[tuple[str, Decimal], ...] = ()
    note = ""
    if i.basis is InterestBasis.statutory_s69:
        # s.69 interest is in the court's discretion in proceedings: there is no right to it to demand.
        note = "Interest under section 69 of the County Courts Act 1984 is not claimed in this demand."
    elif i.claimed and i.total:
        rate = f"{i.rate.normalize():f}% a year" if i.rate is not None else "the rates that apply"
        interest = ((f"Interest under {i.basis_words} at {rate} to {on.day} {on:%B %Y}", i.total),)
    charges = [(f"Charge: {ln.description}", ln.amount) for ln in open_lines if ln.kind == "charge"]
    if i.basis is InterestBasis.late_payment_act:
        charges += [
            (f"Fixed compensation (Late Payment Act s.5A), invoice {c.ref}", c.amount)
            for c in i.compensation_lines
        ]
    return DemandDebt(
        founded_on=basis,
        on=on,
        items=tuple(
            (f"Invoice {ln.ref} dated {ln.issued.day} {ln.issued:%B %Y}: {ln.description}", ln.amount)
            for ln in open_lines
            if ln.kind != "charge"
        ),
        interest=interest,
        charges=tuple(charges),
        paid=sum((ln.paid for ln in open_lines), ZERO),
        consideration=words,
        incurred=min((ln.due for ln in open_lines), default=None),
        interest_note=note,
    )


def debt_context(debt: DemandDebt) -> dict[str, Any]:
    return {
        "founded_on": debt.founded_on,
        "lines": debt.items,
        "interest": debt.interest,
        "charges": debt.charges,
        "paid": debt.paid,
        "total": debt.total,
        "consideration": debt.consideration,
        "incurred": debt.incurred,
        "judgment": debt.judgment,
        "orders": debt.orders,
        "order_regulations": debt.order_regulations,
        "interest_note": debt.interest_note,
        "by_order_of_court": debt.by_order_of_court,
    }


def basis_problems(case: Case, on: date, options: Options) -> list[Problem]:
    basis = founded_on(case, on, options)
    if basis not in ("judgment", "liability_orders", "debt"):
        return [
            Problem(
                "options.founded_on",
                "founded_on must be judgment, liability_orders or debt",
                code="bad_option",
            )
        ]
    if basis == "judgment" and chosen_judgment(case, on, options) is None:
        return [Problem("judgments", "no judgment to found the demand on", code="no_judgment")]
    if basis == "liability_orders" and not any(lo.date <= on for lo in case.liability_orders):
        return [
            Problem(
                "liability_orders", "no liability order to found the demand on", code="no_liability_order"
            )
        ]
    return []


def threshold_problems(debt: DemandDebt, on: date, options: Options, what: str) -> list[Problem]:
    """The bankruptcy level applies to the petition; a demand below it is refused unless the creditor
    says why (e.g. other creditors will join in a petition and the debts together reach it)."""
    minimum = threshold("bankruptcy_minimum", on)
    if debt.total >= minimum:
        return []
    if rules.is_true(options, AGGREGATE):
        reason = options.get(AGGREGATE_REASON, "").strip()
        if not reason:
            return [
                Problem(
                    "options.aggregate_reason",
                    "say why the debts will together reach the bankruptcy level",
                    code="aggregate_reason_required",
                    hint=f"--option {AGGREGATE_REASON}=<reason>",
                )
            ]
        return [
            Problem(
                "balance",
                f"{fmt_gbp(debt.total)} is below the bankruptcy level of {fmt_gbp(minimum)}; "
                f"proceeding on aggregation: {reason}",
                code="below_bankruptcy_threshold",
                blocking=False,
            )
        ]
    return [
        Problem(
            "balance",
            f"{what} for {fmt_gbp(debt.total)} is below the bankruptcy level of "
            f"{fmt_gbp(minimum)} (Insolvency Act 1986 s.267(4)), unless it will be joined with other "
            "creditors' debts, with the reason recorded",
            code="below_bankruptcy_threshold",
            hint=f"--option {AGGREGATE}=yes --option {AGGREGATE_REASON}=<reason>",
            option=AGGREGATE,
        )
    ]


def contact(case: Case) -> dict[str, Any]:
    """Who the debtor may contact to pay or to discuss the demand (r.10.1(3))."""
    c = case.creditor
    return {
        "name": case.officer.name,
        "position": case.officer.position,
        "organisation": c.name,
        "address": c.address,
        "phone": case.officer.phone or c.contact.phone,
        "email": case.officer.email or c.contact.email,
        "reference": case.case_ref,
    }


def creditor_statement(case: Case, as_of: date, document: str, believes: str) -> dict[str, Any]:
    sot = statement_of_truth(case, as_of, document)
    sot["believes"] = believes
    sot["capacity"] = f"Signed on behalf of {case.creditor.name}, duly authorised."
    return sot


# -- statutory demands ----------------------------------------------------------------------------


@register
class StatutoryDemandIndividual(DocumentType):
    id = "statutory_demand_individual"
    title = "Statutory demand (individual, debt payable immediately)"
    family = FAMILY
    templates: ClassVar[dict[str, str]] = {"html": "insolvency/statutory_demand_individual.html"}
    options = (
        *DEMAND_OPTIONS,
        AGGREGATE_SPEC,
        AGGREGATE_REASON_SPEC,
        OptionSpec("court", "Court to which an application to set the demand aside goes"),
    )

    def eligibility(self, req: DocumentRequest) -> list[Problem]:
        case, as_of, options = req.case, req.as_of, req.options
        out = [
            *rules.standard(req),
            *rules.individuals_only(case, "A statutory demand under s.268"),
        ]
        bad = basis_problems(case, as_of, options)
        if bad or any(p.code == "company" for p in out):
            return out + bad
        debt = demand_debt(req)
        if debt.total <= 0:
            return [*out, Problem("balance", "nothing is owed on this case", code="nothing_owed")]
        return out + threshold_problems(debt, as_of, options, "A statutory demand")

    def context(self, req: DocumentRequest) -> dict[str, Any]:
        case, as_of, options = req.case, req.as_of, req.options
        ctx = base_context(req)
        ctx.update(
            debt=debt_context(demand_debt(req)),
            contact=contact(case),
            comply_days=period("statutory_demand_comply_days", as_of),
            set_aside_days=period("statutory_demand_set_aside_days", as_of),
            set_aside_court=options.get("court", "").strip(),
            sot=creditor_statement(case, as_of, "demand", "The creditor believes"),
            doc_title=self.pdf_title(case),
        )
        return ctx


@register
class StatutoryDemandCompany(DocumentType):
    id = "statutory_demand_company"
    title = "Statutory demand (company, s.123(1)(a))"
    family = FAMILY
    templates: ClassVar[dict[str, str]] = {"html": "insolvency/statutory_demand_company.html"}
    options = DEMAND_OPTIONS

    def eligibility(self, req: DocumentRequest) -> list[Problem]:
        case, as_of, options = req.case, req.as_of, req.options
        out = [
            *rules.standard(req),
            *rules.companies_only(case, "A statutory demand under s.123(1)(a)"),
        ]
        bad = basis_problems(case, as_of, options)
        if bad or any(p.code == "individual" for p in out):
            return out + bad
        return out + company_threshold(demand_debt(req), as_of, "A statutory demand")

    def context(self, req: DocumentRequest) -> dict[str, Any]:
        case, as_of = req.case, req.as_of
        ctx = base_context(req)
        ctx.update(
            debt=debt_context(demand_debt(req)),
            contact=contact(case),
            weeks=period("statutory_demand_comply_days", as_of) // 7,
            sot=creditor_statement(case, as_of, "demand", "The creditor believes"),
            doc_title=self.pdf_title(case),
        )
        return ctx


def company_threshold(debt: DemandDebt, on: date, what: str) -> list[Problem]:
    minimum = threshold("company_demand_minimum_exclusive", on)
    if debt.total > minimum:
        return []
    return [
        Problem(
            "balance",
            f"{what} for {fmt_gbp(debt.total)} does not exceed {fmt_gbp(minimum)}: "
            "section 123(1)(a) of the Insolvency Act 1986 needs a debt of more than that",
            code="below_company_threshold",
        )
    ]


# -- when and how a demand was served ----------------------------------------------------------


@dataclass(frozen=True)
class Service:
    entry: HistoryEntry
    method: str
    deemed: date
    comply_by: date
    set_aside_by: date

    @property
    def petition_from(self) -> date:
        return self.comply_by + timedelta(days=1)


def demand_service(case: Case, as_of: date) -> Service | None:
    served = [h for h in case.history("statutory_demand_served") if h.date <= as_of]
    if not served:
        return None
    entry = served[-1]
    method = entry.method or "personal"
    deemed = calendar.deemed_service_of_document(method, entry.date)
    return Service(
        entry,
        method,
        deemed,
        calendar.statutory_demand_comply_by(deemed),
        calendar.statutory_demand_set_aside_by(deemed),
    )


def service_context(svc: Service, address: Any) -> dict[str, Any]:
    return {
        "date": svc.entry.date,
        "method": svc.method,
        "method_label": METHODS[svc.method][0],
        "method_words": METHODS[svc.method][1],
        "recorded_method": svc.entry.method is not None,
        "deemed": svc.deemed,
        "comply_by": svc.comply_by,
        "set_aside_by": svc.set_aside_by,
        "note": svc.entry.note,
        "address": address,
        "weeks": period("statutory_demand_comply_days", svc.entry.date) // 7,
    }


def demand_type_for(case: Case) -> str:
    return "statutory_demand_company" if case.primary_debtor.is_company else "statutory_demand_individual"


@register
class CertificateOfServiceSD(DocumentType):
    """Certificate of service of a statutory demand (r.10.3), with the demand as its last pages.

    The demand is a stored input (``stored_inputs``): the generation corridor finds the version that
    was served in the register (the newest issued on or before the service, else the one made for
    the service date), puts its sha256 in the certificate's input hash and appends its exact bytes,
    so the certificate exhibits the very file that was served. A render outside the register (a
    preview with ``docgen render``) re-renders the demand for the service date instead
    (``static_parts``), unless ``demand=none``.
    """

    id = "certificate_of_service_sd"
    title = "Certificate of service of statutory demand"
    family = FAMILY
    templates: ClassVar[dict[str, str]] = {"html": "insolvency/certificate_of_service_sd.html"}
    options = (
        *DEMAND_OPTIONS,
        OptionSpec(
            "served_by", "Name of the person who served the demand", help="By default the case officer."
        ),
        OptionSpec("served_by_position", "Their position", help="By default the case officer's."),
        OptionSpec(
            "demand",
            "Leave out the demand",
            "choice",
            choices=(("none", "Leave it out: the stored demand is attached instead"),),
        ),
        AGGREGATE_SPEC,
        AGGREGATE_REASON_SPEC,
        OptionSpec("court", "Court to which an application to set the demand aside goes"),
    )

    def eligibility(self, req: DocumentRequest) -> list[Problem]:
        case, as_of, options = req.case, req.as_of, req.options
        out = rules.standard(req)
        svc = demand_service(case, as_of)
        if svc is None:
            return [
                *out,
                Problem(
                    "recovery_history",
                    f"no service of a statutory demand is recorded on or before "
                    f"{as_of.isoformat()}: record the service (date and method) first",
                    code="no_demand_served",
                ),
            ]
        if svc.entry.method is None:
            out.append(
                Problem(
                    "recovery_history",
                    f"the service of {svc.entry.date.isoformat()} has no method "
                    "recorded: r.10.3 needs the manner of service",
                    code="service_method_missing",
                )
            )
        if options.get("demand", "") not in ("", "none"):
            out.append(Problem("options.demand", "demand must be none or left out", code="bad_option"))
        elif options.get("demand", "") != "none" and "demand" not in req.stored:
            demand = registry.get(demand_type_for(case))
            known = {(p.code, p.path) for p in out}
            out += [
                Problem(
                    "demand",
                    f"the demand cannot be re-rendered for {svc.entry.date.isoformat()}: {p.message}",
                    code=p.code,
                )
                for p in demand.eligibility(req.at(svc.entry.date, _demand_options(case, options)))
                if p.blocking and (p.code, p.path) not in known
            ]
        return out

    def context(self, req: DocumentRequest) -> dict[str, Any]:
        case, as_of, options = req.case, req.as_of, req.options
        svc = demand_service(case, as_of)
        assert svc is not None
        ctx = base_context(req)
        debtor = case.primary_debtor
        sot = statement_of_truth(case, as_of, "certificate")
        sot.update(
            believes="I believe",
            name=options.get("served_by", case.officer.name),
            position=options.get("served_by_position", case.officer.position),
            capacity=f"I served the demand on behalf of {case.creditor.name}.",
        )
        ctx.update(
            service=service_context(svc, debtor.address_for_service),
            company=debtor.is_company,
            demand_date=svc.entry.date,
            demand_title=StatutoryDemandCompany.title
            if debtor.is_company
            else StatutoryDemandIndividual.title,
            sot=sot,
        )
        return ctx

    def stored_inputs(self, req: DocumentRequest) -> list[StoredWanted]:
        svc = demand_service(req.case, req.as_of)
        if svc is None or req.option("demand") == "none":
            return []
        return [
            StoredWanted(
                "demand",
                demand_type_for(req.case),
                svc.entry.date,
                missing=f"the statutory demand served on {svc.entry.date.day} {svc.entry.date:%B %Y} is not "
                "in the register: make it (and issue it) before the certificate of its service",
            )
        ]

    def static_parts(self, req: DocumentRequest) -> list[tuple[str, dict[str, Any]]]:
        case, as_of, options = req.case, req.as_of, req.options
        if options.get("demand", "") == "none" or "demand" in req.stored:
            return []
        svc = demand_service(case, as_of)
        assert svc is not None
        demand = registry.get(demand_type_for(case))
        return [
            (demand.templates["html"], demand.context(req.at(svc.entry.date, _demand_options(case, options))))
        ]


def _demand_options(case: Case, options: Options) -> dict[str, str]:
    """The options the demand was made with, out of the certificate's."""
    known = registry.get(demand_type_for(case)).option_specs
    return {k: v for k, v in options.items() if k in known}


# -- petitions ---------------------------------------------------------------------------------

PETITION_OPTIONS: tuple[OptionSpec, ...] = (
    *DEMAND_OPTIONS,
    OptionSpec("court", "Court the petition is presented to"),
    OptionSpec("court_reason", "Why that court", help="Replaces the standard wording."),
    OptionSpec(
        "stale_reason",
        "Why the petition is presented more than four months after the demand was served",
    ),
    OptionSpec(
        "unsatisfied_execution",
        "Details of execution returned unsatisfied",
        help="When the petition is not founded on a statutory demand.",
    ),
)


def petition_debt(req: DocumentRequest, svc: Service | None) -> DemandDebt:
    """The debt as demanded, less anything paid since the demand was served."""
    case, as_of = req.case, req.as_of
    if svc is None:
        return demand_debt(req)
    on = svc.entry.date
    debt = demand_debt(req.at(on))
    later = sum((p.amount for p in case.payments if on < p.date <= as_of), ZERO)
    return replace(debt, paid=debt.paid + later)


def petition_problems(
    case: Case, as_of: date, options: Options, what: str, *, stale_rule: bool
) -> list[Problem]:
    out: list[Problem] = []
    svc = demand_service(case, as_of)
    execution = options.get("unsatisfied_execution", "").strip()
    if svc is None and not execution:
        out.append(
            Problem(
                "recovery_history",
                f"{what} needs a statutory demand served and not complied with "
                "or execution returned unsatisfied; neither is recorded",
                code="no_statutory_demand",
                hint="record a statutory_demand_served entry, or --option unsatisfied_execution=<details>",
            )
        )
    if svc is not None:
        if as_of < svc.petition_from:
            out.append(
                Problem(
                    "recovery_history",
                    f"the demand served on {svc.entry.date.isoformat()} "
                    f"(deemed served {svc.deemed.isoformat()}) may be complied with until "
                    f"{svc.comply_by.isoformat()}: a petition may be presented from "
                    f"{svc.petition_from.isoformat()}",
                    code="demand_period_running",
                    opens_on=svc.petition_from,
                )
            )
        months = period("petition_stale_demand_months", as_of)
        stale_from = calendar.add_months(svc.entry.date, months)
        if stale_rule and as_of > stale_from and not options.get("stale_reason", "").strip():
            out.append(
                Problem(
                    "options.stale_reason",
                    f"the demand was served more than {months} months ago "
                    f"({svc.entry.date.isoformat()}): the petition must state the reasons for the delay",
                    code="stale_demand_reason_required",
                    hint="--option stale_reason=<reasons>",
                )
            )
        elif stale_rule and as_of <= stale_from:
            out.append(
                Problem(
                    "recovery_history",
                    f"the demand was served on {svc.entry.date.isoformat()}: a petition presented "
                    f"after {stale_from.isoformat()} must state the reasons for the delay (r.10.7)",
                    code="petition_window",
                    blocking=False,
                    closes_on=stale_from,
                )
            )
        if svc.entry.method is None:
            out.append(
                Problem(
                    "recovery_history",
                    "the method of service of the demand is not recorded; personal service is assumed",
                    code="service_method_missing",
                    blocking=False,
                )
            )
    if not options.get("court", "").strip():
        out.append(
            Problem(
                "options.court",
                "name the court the petition is to be presented to (r.10.11 for bankruptcy; "
                "s.117 for winding up)",
                code="court_required",
                hint="--option court=<court>",
            )
        )
    return out


def _petition_context(req: DocumentRequest, deposit: str, fee: str) -> dict[str, Any]:
    case, as_of, options = req.case, req.as_of, req.options
    svc = demand_service(case, as_of)
    debt = petition_debt(req, svc)
    ctx = base_context(req)
    debtor = case.primary_debtor
    ctx.update(
        debt=debt_context(debt),
        service=service_context(svc, debtor.address_for_service) if svc else None,
        unsatisfied_execution=options.get("unsatisfied_execution", "").strip(),
        stale_reason=options.get("stale_reason", "").strip()
        if svc and as_of > calendar.add_months(svc.entry.date, period("petition_stale_demand_months", as_of))
        else "",
        court=options["court"].strip(),
        deposit=insolvency_figure(deposit, as_of),
        fee=insolvency_figure(fee, as_of),
        fees_source=lookup("insolvency", as_of).cite(),
        secured=bool(case.history("charging_order")),
        sot=creditor_statement(case, as_of, "petition", "The petitioner believes"),
    )
    return ctx


@register
class BankruptcyPetition(DocumentType):
    id = "bankruptcy_petition"
    title = "Creditor's bankruptcy petition"
    family = FAMILY
    templates: ClassVar[dict[str, str]] = {"html": "insolvency/bankruptcy_petition.html"}
    options = (
        *PETITION_OPTIONS,
        AGGREGATE_SPEC,
        AGGREGATE_REASON_SPEC,
        OptionSpec("comi", "Centre of main interests statement", help="Replaces the standard wording."),
        OptionSpec("resident", "The debtor is resident in England and Wales", "yes_no", default="yes"),
    )

    def eligibility(self, req: DocumentRequest) -> list[Problem]:
        case, as_of, options = req.case, req.as_of, req.options
        out = [*rules.standard(req), *rules.individuals_only(case, "A bankruptcy petition")]
        if any(p.code == "company" for p in out):
            return out
        out += petition_problems(case, as_of, options, "A creditor's bankruptcy petition", stale_rule=True)
        svc = demand_service(case, as_of)
        bad = basis_problems(case, svc.entry.date if svc else as_of, options)
        if bad:
            return out + bad
        debt = petition_debt(req, svc)
        out += threshold_problems(debt, as_of, options, "A bankruptcy petition")
        if case.history("charging_order"):
            out.append(
                Problem(
                    "recovery_history",
                    "a charging order is recorded: the petition must say whether "
                    "the petitioner gives up that security or values it (r.10.9)",
                    code="secured_debt",
                    blocking=False,
                )
            )
        return out

    def context(self, req: DocumentRequest) -> dict[str, Any]:
        case, options = req.case, req.options
        ctx = _petition_context(req, "bankruptcy_deposit", "bankruptcy_petition_fee")
        debtor = case.primary_debtor
        resident = options.get("resident", "true").strip().lower() not in ("false", "no", "0", "n")
        ctx.update(
            comi=options.get("comi", "The debtor's centre of main interests is in England and Wales."),
            resident=resident,
            court_reason=options.get(
                "court_reason",
                f"The debtor has resided at {debtor.address.one_line()} for "
                "the greater part of the six months before the presentation of this "
                "petition, which is within the insolvency district of this court "
                "(rule 10.11).",
            ),
        )
        return ctx


@register
class WindingUpPetition(DocumentType):
    id = "winding_up_petition"
    title = "Winding-up petition (creditor)"
    family = FAMILY
    templates: ClassVar[dict[str, str]] = {"html": "insolvency/winding_up_petition.html"}
    options = PETITION_OPTIONS

    def eligibility(self, req: DocumentRequest) -> list[Problem]:
        case, as_of, options = req.case, req.as_of, req.options
        out = [*rules.standard(req), *rules.companies_only(case, "A winding-up petition")]
        if any(p.code == "individual" for p in out):
            return out
        out += petition_problems(case, as_of, options, "A winding-up petition", stale_rule=False)
        svc = demand_service(case, as_of)
        bad = basis_problems(case, svc.entry.date if svc else as_of, options)
        if bad:
            return out + bad
        return out + company_threshold(petition_debt(req, svc), as_of, "A winding-up petition")

    def context(self, req: DocumentRequest) -> dict[str, Any]:
        case, options = req.case, req.options
        ctx = _petition_context(req, "winding_up_deposit", "winding_up_petition_fee")
        company = case.primary_debtor
        assert isinstance(company, CompanyDebtor)
        ctx.update(
            company=company,
            court_reason=options.get(
                "court_reason",
                "The company's registered office is in England and Wales "
                "(section 117 of the Insolvency Act 1986).",
            ),
        )
        return ctx
