"""Statutory demands: an individual's under s.268(1)(a) and a company's under s.123(1)(a) of the
Insolvency Act 1986."""

from __future__ import annotations

from typing import Any, ClassVar

from docgen.documents import rules
from docgen.documents.base import DocumentRequest, DocumentType
from docgen.documents.common import base_context
from docgen.documents.insolvency.common import (
    AGGREGATE_REASON_SPEC,
    AGGREGATE_SPEC,
    DEMAND_OPTIONS,
    FAMILY,
    company_threshold,
    contact,
    creditor_statement,
    debt_context,
    debt_of,
    directory,
    founding_problems,
    standard,
    threshold_problems,
)
from docgen.documents.registry import register
from docgen.domain.case import IndividualDebtor
from docgen.domain.courts import CourtChoice, bankruptcy_court
from docgen.domain.thresholds import period
from docgen.errors import Problem


def set_aside_court(req: DocumentRequest) -> CourtChoice:
    """The court to which the debtor must apply to set the demand aside, on the present information:
    the court where a creditor's petition for this debt would be presented (IR 2016 r.10.4(4))."""
    debtor = req.case.primary_debtor
    assert isinstance(debtor, IndividualDebtor)
    return bankruptcy_court(debtor, debt_of(req).total, req.as_of, directory(req))


def court_problems(choice: CourtChoice, path: str = "debtors[0].insolvency_court") -> list[Problem]:
    if not choice.ok:
        return [
            Problem(
                path,
                choice.problem,
                code="court_unknown",
                hint="record debtors[0].insolvency_court in the case, or map the postcode district "
                "in DOCGEN_INSOLVENCY_COURTS",
            )
        ]
    return [Problem(path, w, code="court_check", blocking=False) for w in choice.warnings]


@register
class StatutoryDemandIndividual(DocumentType):
    id = "statutory_demand_individual"
    title = "Statutory demand (individual, debt payable immediately)"
    family = FAMILY
    templates: ClassVar[dict[str, str]] = {"html": "insolvency/statutory_demand_individual.html"}
    options = (*DEMAND_OPTIONS, AGGREGATE_SPEC, AGGREGATE_REASON_SPEC)

    def eligibility(self, req: DocumentRequest) -> list[Problem]:
        case, as_of, options = req.case, req.as_of, req.options
        out = [
            *standard(req, "a statutory demand"),
            *rules.individuals_only(case, "A statutory demand under section 268"),
        ]
        bad = founding_problems(case, as_of, options)
        if bad or any(p.code == "company" for p in out):
            return out + bad
        debt = debt_of(req)
        if debt.total <= 0:
            return [*out, Problem("balance", "nothing is owed on this case", code="nothing_owed")]
        return (
            out
            + threshold_problems(debt, as_of, options, "A statutory demand")
            + court_problems(set_aside_court(req))
        )

    def context(self, req: DocumentRequest) -> dict[str, Any]:
        case, as_of = req.case, req.as_of
        ctx = base_context(req)
        court = set_aside_court(req)
        ctx.update(
            debt=debt_context(debt_of(req)),
            contact=contact(case),
            comply_days=period("statutory_demand_comply_days", as_of),
            set_aside_days=period("statutory_demand_set_aside_days", as_of),
            set_aside_court=court.court,
            sot=creditor_statement(case, as_of, "demand", "The creditor believes"),
            doc_title=self.pdf_title(case),
        )
        return ctx

    def input_extras(self, req: DocumentRequest) -> dict[str, str]:
        # the court named may come from the settings when the case does not record it
        if req.case.primary_debtor.is_company or founding_problems(req.case, req.as_of, req.options):
            return {}
        return {"set_aside_court": set_aside_court(req).court}


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
            *standard(req, "a statutory demand"),
            *rules.companies_only(case, "A statutory demand under section 123(1)(a)"),
        ]
        bad = founding_problems(case, as_of, options)
        if bad or any(p.code == "individual" for p in out):
            return out + bad
        return out + company_threshold(debt_of(req), as_of, "A statutory demand")

    def context(self, req: DocumentRequest) -> dict[str, Any]:
        case, as_of = req.case, req.as_of
        ctx = base_context(req)
        ctx.update(
            debt=debt_context(debt_of(req)),
            contact=contact(case),
            weeks=period("statutory_demand_comply_days", as_of) // 7,
            sot=creditor_statement(case, as_of, "demand", "The creditor believes"),
            doc_title=self.pdf_title(case),
        )
        return ctx
