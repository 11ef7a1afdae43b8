"""Creditors' petitions: bankruptcy (IA 1986 s.264(1)(a), IR 2016 r.10.7-10.11) and winding up
(IA 1986 ss.122(1)(f), 123(1)(a) and (b), 117; IR 2016 r.7.5).

Every statement a petition makes is true from the case or the petition is refused: the debtor's
identification (what is not known is said to be not known), the court and why it is that court,
worked out from the debtor's address or the company's registered office and share capital, the
debt as demanded less what has been paid since, and the ground the petition goes on.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, ClassVar

from docgen.documents import rules
from docgen.documents.base import DocumentRequest, DocumentType, OptionSpec
from docgen.documents.common import base_context
from docgen.documents.insolvency.common import (
    AGGREGATE_REASON_SPEC,
    AGGREGATE_SPEC,
    DEMAND_OPTIONS,
    FAMILY,
    company_threshold,
    creditor_statement,
    debt_context,
    debt_of,
    directory,
    founding_problems,
    service_context,
    standard,
    threshold_problems,
)
from docgen.documents.insolvency.demands import court_problems
from docgen.documents.registry import register
from docgen.domain import calendar
from docgen.domain.case import CompanyDebtor, IndividualDebtor
from docgen.domain.courts import CourtChoice, bankruptcy_court, in_england_and_wales, winding_up_court
from docgen.domain.demand import DemandDebt, Service, demand_service, personal_service_problem
from docgen.domain.fees import insolvency_figure
from docgen.domain.money import ZERO
from docgen.domain.thresholds import period, threshold
from docgen.errors import Problem

PETITION_OPTIONS: tuple[OptionSpec, ...] = (
    *DEMAND_OPTIONS,
    OptionSpec(
        "stale_reason",
        "Why the petition is presented more than four months after the demand was served",
    ),
    OptionSpec(
        "unsatisfied_execution",
        "Details of execution returned unsatisfied",
        help="The warrant or writ, its date and what the enforcement officer returned.",
    ),
)


def _on(day: Any) -> str:
    return f"{day.day} {day:%B %Y}"


def petition_debt(req: DocumentRequest, svc: Service | None) -> DemandDebt:
    """The debt as demanded, less anything paid since the demand was served."""
    case, as_of = req.case, req.as_of
    if svc is None:
        return debt_of(req)
    on = svc.entry.date
    debt = debt_of(req.at(on))
    later = sum((p.amount for p in case.payments if on < p.date <= as_of), ZERO)
    return replace(debt, paid=debt.paid + later)


def petition_problems(req: DocumentRequest, what: str, *, stale_rule: bool) -> list[Problem]:
    case, as_of, options = req.case, req.as_of, req.options
    out: list[Problem] = []
    svc = demand_service(case, as_of)
    execution = options.get("unsatisfied_execution", "").strip()
    if svc is None and not execution:
        out.append(
            Problem(
                "recovery_history",
                f"{what} needs a statutory demand served and not complied with, or execution on a "
                "judgment returned unsatisfied, and the case records neither: record the service of "
                "the demand, or give the details of the execution returned unsatisfied",
                code="no_statutory_demand",
                hint="record a statutory_demand_served entry, or --option unsatisfied_execution=<details>",
            )
        )
    if svc is not None:
        if as_of < svc.petition_from:
            out.append(
                Problem(
                    "recovery_history",
                    f"the demand served on {_on(svc.entry.date)} (deemed served {_on(svc.deemed)}) may "
                    f"be complied with until {_on(svc.comply_by)}: a petition may be presented from "
                    f"{_on(svc.petition_from)} ({svc.petition_from.isoformat()})",
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
                    f"the demand was served more than {months} months ago ({_on(svc.entry.date)}): the "
                    "petition must give the reasons for the delay",
                    code="stale_demand_reason_required",
                    hint="--option stale_reason=<reasons>",
                    option="stale_reason",
                )
            )
        elif stale_rule and as_of <= stale_from:
            out.append(
                Problem(
                    "recovery_history",
                    f"the demand was served on {_on(svc.entry.date)}: a petition presented after "
                    f"{_on(stale_from)} must state the reasons for the delay (r.10.7)",
                    code="petition_window",
                    blocking=False,
                    closes_on=stale_from,
                )
            )
        if not svc.recorded_method:
            out.append(
                Problem(
                    "recovery_history",
                    f"how the demand of {_on(svc.entry.date)} was served is not recorded: the petition "
                    "states the manner of service; record the method",
                    code="service_method_missing",
                )
            )
        else:
            posted = personal_service_problem(case, svc)
            if posted is not None:
                out.append(posted)
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
        deposit=insolvency_figure(deposit, as_of),
        fee=insolvency_figure(fee, as_of),
        secured=bool(case.history("charging_order")),
        bankruptcy_level=threshold("bankruptcy_minimum", as_of),
        sot=creditor_statement(case, as_of, "petition", "The petitioner believes"),
    )
    return ctx


# -- bankruptcy -----------------------------------------------------------------------------------


def bankruptcy_petition_court(req: DocumentRequest) -> CourtChoice:
    debtor = req.case.primary_debtor
    assert isinstance(debtor, IndividualDebtor)
    return bankruptcy_court(
        debtor, petition_debt(req, demand_service(req.case, req.as_of)).total, req.as_of, directory(req)
    )


def identification(debtor: IndividualDebtor, on: Any) -> dict[str, Any]:
    """IR 2016 r.10.8: name, residence, occupation, other names, business names and addresses; what
    the case does not record is stated as not known."""
    since = calendar.add_months(on, -6)
    businesses = [
        {
            "name": b.name,
            "address": b.address.one_line() if b.address else "address not known",
            "nature": b.nature or "",
            "ceased_on": b.ceased_on,
        }
        for b in debtor.businesses
        if b.ceased_on is None or b.ceased_on >= since
    ]
    return {
        "name": debtor.display_name,
        "other_names": ", ".join(debtor.other_names) or "none known to the petitioner",
        "address": debtor.address.one_line(),
        "address_since": debtor.address_since,
        "occupation": debtor.occupation or "not known to the petitioner",
        "businesses": businesses,
        "date_of_birth": debtor.date_of_birth,
    }


@register
class BankruptcyPetition(DocumentType):
    id = "bankruptcy_petition"
    title = "Creditor's bankruptcy petition"
    family = FAMILY
    templates: ClassVar[dict[str, str]] = {"html": "insolvency/bankruptcy_petition.html"}
    options = (*PETITION_OPTIONS, AGGREGATE_SPEC, AGGREGATE_REASON_SPEC)

    def eligibility(self, req: DocumentRequest) -> list[Problem]:
        case, as_of, options = req.case, req.as_of, req.options
        served = demand_service(case, as_of)
        out = [
            *standard(req, "a bankruptcy petition", served.entry.date if served else None),
            *rules.individuals_only(case, "A bankruptcy petition"),
        ]
        if any(p.code == "company" for p in out):
            return out
        out += petition_problems(req, "A creditor's bankruptcy petition", stale_rule=True)
        svc = demand_service(case, as_of)
        bad = founding_problems(case, svc.entry.date if svc else as_of, options)
        if bad:
            return out + bad
        debt = petition_debt(req, svc)
        out += threshold_problems(debt, as_of, options, "A bankruptcy petition")
        out += rules.unconfirmed_figure(
            "insolvency",
            as_of,
            "court fee on presentation",
            insolvency_figure("bankruptcy_petition_fee", as_of),
        )
        out += court_problems(bankruptcy_petition_court(req))
        debtor = case.primary_debtor
        assert isinstance(debtor, IndividualDebtor)
        if not debtor.occupation:
            out.append(
                Problem(
                    "debtors[0].occupation",
                    "the debtor's occupation is not recorded: the petition will say it is not known to "
                    "the petitioner (rule 10.8); record it if it is known",
                    code="occupation_unknown",
                    blocking=False,
                )
            )
        if case.history("charging_order"):
            out.append(
                Problem(
                    "recovery_history",
                    "a charging order is recorded: the petition says the petitioner gives up that "
                    "security for the benefit of all creditors if a bankruptcy order is made; if it is to "
                    "be kept and valued instead, the petition must be changed (rule 10.9)",
                    code="secured_debt",
                    blocking=False,
                )
            )
        return out

    def context(self, req: DocumentRequest) -> dict[str, Any]:
        ctx = _petition_context(req, "bankruptcy_deposit", "bankruptcy_petition_fee")
        debtor = req.case.primary_debtor
        assert isinstance(debtor, IndividualDebtor)
        court = bankruptcy_petition_court(req)
        ident = identification(debtor, req.as_of)
        where = f"lives at {debtor.address.one_line()}"
        if ident["businesses"]:
            trading = "; ".join(f"{b['name']} at {b['address']}" for b in ident["businesses"])
            where += f" and carries on business as {trading}"
        ctx.update(
            ident=ident,
            comi=f"The debtor {where}, in England and Wales. The debtor's centre of main interests is in "
            "England and Wales.",
            resident=in_england_and_wales(debtor.address),
            court=court.court,
            court_reason=court.reason,
        )
        return ctx

    def input_extras(self, req: DocumentRequest) -> dict[str, str]:
        if req.case.primary_debtor.is_company or founding_problems(req.case, req.as_of, req.options):
            return {}
        return {"court": bankruptcy_petition_court(req).court}


# -- winding up ---------------------------------------------------------------------------------


def company_record_problems(company: CompanyDebtor) -> list[Problem]:
    """A winding-up petition states the company's number, date of incorporation, registered office,
    share capital and principal business (IR 2016 r.7.5); each must come from the case."""
    missing = [
        ("company_number", company.company_number, "its registered number"),
        ("incorporated_on", company.incorporated_on, "its date of incorporation"),
        ("share_capital", company.share_capital, "its nominal and paid-up share capital"),
        ("principal_business", company.principal_business, "its principal business"),
    ]
    return [
        Problem(
            f"debtors[0].{field}",
            f"the petition states the company's details from its record at Companies House, and "
            f"{words} is not recorded: record it",
            code="company_record_incomplete",
        )
        for field, value, words in missing
        if not value
    ]


def grounds(svc: Service | None, execution: str) -> list[str]:
    """The ground(s) of inability to pay the petition goes on: s.123(1)(a) for an unpaid demand,
    s.123(1)(b) for execution returned unsatisfied."""
    return [g for g, present in (("123(1)(a)", svc is not None), ("123(1)(b)", bool(execution))) if present]


@register
class WindingUpPetition(DocumentType):
    id = "winding_up_petition"
    title = "Winding-up petition (creditor)"
    family = FAMILY
    templates: ClassVar[dict[str, str]] = {"html": "insolvency/winding_up_petition.html"}
    options = PETITION_OPTIONS

    def eligibility(self, req: DocumentRequest) -> list[Problem]:
        case, as_of, options = req.case, req.as_of, req.options
        served = demand_service(case, as_of)
        out = [
            *standard(req, "a winding-up petition", served.entry.date if served else None),
            *rules.companies_only(case, "A winding-up petition"),
        ]
        if any(p.code == "individual" for p in out):
            return out
        company = case.primary_debtor
        assert isinstance(company, CompanyDebtor)
        out += petition_problems(req, "A winding-up petition", stale_rule=False)
        svc = demand_service(case, as_of)
        if svc is not None and svc.recorded_method and svc.method != "left_at_address":
            out.append(
                Problem(
                    "recovery_history",
                    "section 123(1)(a) requires the demand to be left at the company's registered "
                    f"office; the case records service by {svc.method.replace('_', ' ')}, which the "
                    "company may challenge",
                    code="company_demand_not_left",
                    blocking=False,
                )
            )
        bad = founding_problems(case, svc.entry.date if svc else as_of, options)
        if bad:
            return out + bad
        out += company_threshold(petition_debt(req, svc), as_of, "A winding-up petition")
        out += rules.unconfirmed_figure(
            "insolvency",
            as_of,
            "court fee on presentation",
            insolvency_figure("winding_up_petition_fee", as_of),
        )
        out += company_record_problems(company)
        court = winding_up_court(company, as_of, directory(req))
        if not court.ok:
            out.append(Problem("debtors[0].insolvency_court", court.problem, code="court_unknown"))
        return out

    def context(self, req: DocumentRequest) -> dict[str, Any]:
        ctx = _petition_context(req, "winding_up_deposit", "winding_up_petition_fee")
        company = req.case.primary_debtor
        assert isinstance(company, CompanyDebtor)
        court = winding_up_court(company, req.as_of, directory(req))
        svc = demand_service(req.case, req.as_of)
        ctx.update(
            company=company,
            court=court.court,
            court_reason=court.reason,
            grounds=grounds(svc, req.option("unsatisfied_execution").strip()),
        )
        return ctx

    def input_extras(self, req: DocumentRequest) -> dict[str, str]:
        company = req.case.primary_debtor
        if not isinstance(company, CompanyDebtor):
            return {}
        return {"court": winding_up_court(company, req.as_of, directory(req)).court}
