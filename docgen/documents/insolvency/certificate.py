"""The certificate of service of a statutory demand (IR 2016 r.10.3), with the demand as its last
pages, and the ways a caller attaches the stored demand that was served."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from docgen.documents import registry
from docgen.documents.base import DocumentRequest, DocumentType, Options, OptionSpec
from docgen.documents.common import base_context, statement_of_truth
from docgen.documents.inputs import StoredWanted
from docgen.documents.insolvency.common import (
    AGGREGATE_REASON_SPEC,
    AGGREGATE_SPEC,
    DEMAND_OPTIONS,
    FAMILY,
    demand_type_for,
    service_context,
    standard,
)
from docgen.documents.insolvency.demands import StatutoryDemandCompany, StatutoryDemandIndividual
from docgen.documents.registry import register
from docgen.domain.case import Case
from docgen.domain.demand import demand_service, personal_service_problem
from docgen.errors import Problem

if TYPE_CHECKING:
    pass


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
    )

    def eligibility(self, req: DocumentRequest) -> list[Problem]:
        case, as_of, options = req.case, req.as_of, req.options
        svc = demand_service(case, as_of)
        out = standard(req, "a statutory demand", svc.entry.date if svc else None)
        if svc is None:
            return [
                *out,
                Problem(
                    "recovery_history",
                    f"no service of a statutory demand is recorded on or before "
                    f"{as_of:%-d %B %Y}: record the service (date and method) first",
                    code="no_demand_served",
                ),
            ]
        if svc.entry.method is None:
            out.append(
                Problem(
                    "recovery_history",
                    f"the service of {svc.entry.date:%-d %B %Y} has no method recorded: the certificate "
                    "must say how the demand was served (rule 10.3); record the method",
                    code="service_method_missing",
                )
            )
        else:
            posted = personal_service_problem(case, svc)
            if posted is not None:
                out.append(posted)
        if options.get("demand", "") not in ("", "none"):
            out.append(
                Problem(
                    "options.demand",
                    "the only choice about the demand is to leave it out",
                    code="bad_option",
                    hint="--option demand=none",
                )
            )
        elif options.get("demand", "") != "none" and "demand" not in req.stored:
            demand = registry.get(demand_type_for(case))
            known = {(p.code, p.path) for p in out}
            out += [
                Problem(
                    "demand",
                    f"the demand as served on {svc.entry.date:%-d %B %Y} cannot be made again: {p.message}",
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
