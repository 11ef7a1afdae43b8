"""N379: an application for a charging order on land, on a judgment (Charging Orders Act 1979, CPR
73, PD 73 para 1.2) or, for council tax, on liability orders (Council Tax (Administration and
Enforcement) Regulations 1992 reg 50), where the applicant is the billing authority."""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar

from docgen.documents import rules
from docgen.documents.base import DocumentRequest, DocumentType, Options, OptionSpec
from docgen.documents.common import base_context, statement_of_truth
from docgen.documents.councils import court_directory
from docgen.documents.enforcement.common import (
    CLAIM_NUMBER,
    FAMILY,
    chosen_judgment,
    judgment_context,
    judgment_problems,
)
from docgen.documents.registry import register
from docgen.domain.case import Case, Property
from docgen.domain.courts import Found, dwelling_hearing_centre
from docgen.domain.fees import enforcement_fee
from docgen.domain.judgment import judgment_position
from docgen.domain.liability_orders import liability_order_position
from docgen.domain.money import fmt_gbp
from docgen.domain.tables import lookup
from docgen.domain.thresholds import threshold
from docgen.errors import Problem


def property_problems(props: list[Property]) -> list[Problem]:
    """PD 73 para 1.2: the asset with its title number and the debtor's interest; and every co-owner
    and chargee, who must be served (CPR 73.7), with an address."""
    out = []
    for i, p in enumerate(props):
        where = p.address.one_line()
        if not p.title_number:
            out.append(
                Problem(
                    f"properties[{i}].title_number",
                    f"{where}: no registered title number is recorded; take it from HM Land Registry "
                    "and record it (PD 73 para 1.2)",
                    code="missing_title_number",
                )
            )
        if not p.debtor_interest:
            out.append(
                Problem(
                    f"properties[{i}].debtor_interest",
                    f"{where}: the debtor's interest in the property is not recorded (PD 73 para 1.2)",
                    code="missing_debtor_interest",
                )
            )
        for k, owner in enumerate(p.co_owners):
            if owner.address is None:
                out.append(
                    Problem(
                        f"properties[{i}].co_owners[{k}].address",
                        f"record the co-owner's address: {owner.name}, co-owner of {where}, must be "
                        "served with the application (CPR 73.7; PD 73 para 1.2)",
                        code="co_owner_address_unknown",
                    )
                )
        for k, charge in enumerate(p.charges):
            if charge.address is None:
                out.append(
                    Problem(
                        f"properties[{i}].charges[{k}].address",
                        f"record the chargee's address: {charge.holder}, which holds a charge on {where}, "
                        "must be served with the application (CPR 73.7; PD 73 para 1.2); take its address "
                        f"for service from the charges register of title {p.title_number or '(unregistered)'}",
                        code="chargee_address_unknown",
                    )
                )
    return out


def basis_of(case: Case, as_of: date, options: Options) -> str:
    """``judgment``, or ``reg50`` for a council tax charging order founded on liability orders."""
    wanted = options.get("basis", "").strip()
    if wanted:
        return wanted
    if (
        chosen_judgment(case, as_of, options) is None
        and case.debt_type.value == "council_tax"
        and any(lo.date <= as_of for lo in case.liability_orders)
    ):
        return "reg50"
    return "judgment"


def persons_to_be_served(case: Case, reg50: bool) -> list[dict[str, Any]]:
    """CPR 73.7: the debtor, every co-owner and every chargee, each with an address (eligibility
    refuses the application until each is recorded)."""
    debtor = case.primary_debtor
    out: list[dict[str, Any]] = [
        {
            "name": debtor.display_name,
            "address": debtor.address_for_service.one_line(),
            "capacity": "Debtor liable under the liability orders" if reg50 else "Judgment debtor",
        },
    ]
    for p in case.properties:
        for owner in p.co_owners:
            out.append(
                {
                    "name": owner.name,
                    "address": owner.address.one_line() if owner.address else "",
                    "capacity": f"Co-owner of {p.address.one_line()}",
                }
            )
        for charge in p.charges:
            amount = f" (about {fmt_gbp(charge.amount)})" if charge.amount is not None else ""
            out.append(
                {
                    "name": charge.holder,
                    "address": charge.address.one_line() if charge.address else "",
                    "capacity": f"Chargee of {p.address.one_line()}{amount}",
                }
            )
    return out


def assets(case: Case) -> list[dict[str, Any]]:
    return [
        {
            "address": p.address,
            "title_number": p.title_number,
            "tenure": p.tenure or "not recorded",
            "joint": p.ownership == "joint",
            "co_owners": [o.name for o in p.co_owners],
            "debtor_interest": p.debtor_interest,
            "charges": p.charges,
        }
        for p in case.properties
    ]


def dwelling_court(req: DocumentRequest) -> Found | None:
    """Regulation 50(2): the County Court hearing centre for the area where the dwelling is, from the
    case or the settings; an officer's ``court`` stands in only when neither gives one."""
    if not req.case.properties:
        return None
    dwelling = req.case.properties[0]
    found = dwelling_hearing_centre(dwelling.address, dwelling.hearing_centre, court_directory(req))
    if found is None and req.option("court").strip():
        return Found(req.option("court").strip(), "the officer")
    return found


@register
class N379(DocumentType):
    id = "n379"
    title = "Application for charging order on land or property (N379)"
    family = FAMILY
    templates: ClassVar[dict[str, str]] = {"html": "enforcement/n379.html"}
    options = (
        *rules.COMMON_OPTIONS,
        OptionSpec(
            "basis",
            "What the charging order is founded on",
            "choice",
            choices=(
                ("judgment", "A County Court judgment"),
                ("reg50", "Council tax liability orders (regulation 50)"),
            ),
        ),
        CLAIM_NUMBER,
        OptionSpec(
            "court",
            "County Court hearing centre to apply to",
            help="For a judgment, the court that gave it is used; for council tax, the hearing centre for "
            "the dwelling recorded in the case or the council's list, and this only when neither has one.",
        ),
    )

    def eligibility(self, req: DocumentRequest) -> list[Problem]:
        case, as_of, options = req.case, req.as_of, req.options
        basis = basis_of(case, as_of, options)
        out = rules.standard(
            req, on_judgment=chosen_judgment(case, as_of, options) if basis == "judgment" else None
        )
        if basis == "reg50":
            out += self._reg50(req)
        else:
            out += judgment_problems(
                case, as_of, options, "A charging order under the Charging Orders Act 1979"
            )
            j = chosen_judgment(case, as_of, options)
            if j is not None and judgment_position(j, as_of, case).outstanding <= 0:
                out.append(
                    Problem(
                        "judgments",
                        f"nothing remains due under judgment {j.claim_number}",
                        code="nothing_owed",
                    )
                )
        if not case.properties:
            out.append(
                Problem(
                    "properties",
                    "a charging order on land needs at least one property of the debtor's, and the case "
                    "records none",
                    code="no_property",
                )
            )
        out += property_problems(list(case.properties))
        out += rules.unconfirmed_figure(
            "enforcement_fees",
            as_of,
            "court fee for a charging order",
            enforcement_fee("charging_order", as_of),
        )
        return out

    def _reg50(self, req: DocumentRequest) -> list[Problem]:
        case, as_of = req.case, req.as_of
        if case.debt_type.value != "council_tax":
            return [
                Problem(
                    "debt_type",
                    "regulation 50 of the Council Tax (Administration and Enforcement) Regulations 1992 "
                    "applies to council tax only; for other debts obtain a judgment first",
                    code="reg50_council_tax_only",
                )
            ]
        pos = liability_order_position(case, as_of, req.facts.balance)
        out: list[Problem] = []
        if not pos.orders:
            return [
                Problem(
                    "liability_orders",
                    "a council tax charging order is founded on liability orders, and the case records none",
                    code="no_liability_order",
                )
            ]
        minimum = threshold("council_tax_charging_order_minimum", as_of)
        if pos.outstanding < minimum:
            out.append(
                Problem(
                    "liability_orders",
                    f"{fmt_gbp(pos.outstanding)} is outstanding under the liability orders; regulation 50 "
                    f"needs at least {fmt_gbp(minimum)}",
                    code="below_council_tax_minimum",
                )
            )
        court = dwelling_court(req)
        if case.properties and court is None:
            dwelling = case.properties[0].address.one_line()
            out.append(
                Problem(
                    "properties[0].hearing_centre",
                    f"the County Court hearing centre for the area where the dwelling is ({dwelling}) is "
                    "not known: record it in the case, or ask an administrator to add the postcode "
                    "district to the council's list of courts (regulation 50(2))",
                    code="court_unknown",
                    hint="--option court=<hearing centre for the dwelling>",
                )
            )
        elif court is not None and court.source == "the officer":
            out.append(
                Problem(
                    "options.court",
                    f"the hearing centre ({court.value}) was given by the officer and cannot be checked "
                    "against the dwelling's address: make sure it serves the area where the dwelling is",
                    code="court_unchecked",
                    blocking=False,
                )
            )
        return out

    def context(self, req: DocumentRequest) -> dict[str, Any]:
        case, as_of, options = req.case, req.as_of, req.options
        ctx = base_context(req)
        reg50 = basis_of(case, as_of, options) == "reg50"
        cutoff = date.fromisoformat(lookup("charging_orders", as_of)["instalment_rule_from"])
        sot = statement_of_truth(case, as_of, "application")
        if reg50:
            pos = liability_order_position(case, as_of, req.facts.balance)
            court = dwelling_court(req)
            assert court is not None  # eligibility refuses otherwise
            sot["believes"] = "The billing authority believes"
            sot["capacity"] = (
                f"Signed by the billing authority's legal representative, {sot['firm']}."
                if sot["firm"]
                else f"I am duly authorised by the billing authority, {case.creditor.name}, to sign this statement."
            )
            ctx.update(
                reg50=True,
                court=court.value,
                court_reason="the hearing centre of the County Court for the area in which the dwelling to "
                "which the liability orders relate is situated (regulation 50(2))",
                orders=pos.orders,
                lo=pos,
                amount_due=pos.outstanding,
                minimum=threshold("council_tax_charging_order_minimum", as_of),
                judgment=None,
            )
        else:
            j = chosen_judgment(case, as_of, options)
            assert j is not None  # eligibility guarantees one
            jp = judgment_position(j, as_of, case)
            sot["believes"] = "The judgment creditor believes"
            if not sot["firm"]:
                sot["capacity"] = (
                    f"I am duly authorised by the judgment creditor, {case.creditor.name}, to sign this statement."
                )
            ctx.update(
                reg50=False,
                court=options.get("court", "").strip() or j.court,
                court_reason="",
                judgment=judgment_context(jp),
                amount_due=jp.outstanding,
                made_after_cutoff=j.date >= cutoff,
                cutoff=cutoff,
            )
        ctx.update(
            assets=assets(case),
            persons=persons_to_be_served(case, reg50),
            other_creditors=case.other_creditors,
            fee=enforcement_fee("charging_order", as_of),
            sot=sot,
        )
        return ctx
