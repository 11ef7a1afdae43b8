"""What the demands, the certificate of service and the petitions share: their options, the debt
as a context, the creditor's contact and statement, the bankruptcy and company thresholds, service
in words, and the courts the installation's settings map postcodes to."""

from __future__ import annotations

from datetime import date
from typing import Any

from docgen.documents import rules
from docgen.documents.base import DocumentRequest, Options, OptionSpec
from docgen.documents.common import statement_of_truth
from docgen.documents.councils import court_directory
from docgen.domain.case import Address, Case, Judgment
from docgen.domain.courts import CourtDirectory
from docgen.domain.demand import DemandDebt, Service, basis_problems, demand_debt, founded_on
from docgen.domain.judgment import choose_judgment
from docgen.domain.money import fmt_gbp
from docgen.domain.thresholds import period, threshold
from docgen.errors import Problem

FAMILY = "insolvency"

# (label, words that run on into the address: "served ... by leaving it at <address>")
METHODS = {
    "personal": ("Personal service", "by handing it to the debtor personally at"),
    "left_at_address": ("Left at the address", "by leaving it at"),
    "first_class_post": ("First class post", "by sending it by first class post to"),
    "email": ("E-mail", "by e-mail, the debtor's address being"),
    "dx": ("Document exchange", "through a document exchange to"),
    "other": ("Other", "at"),
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


def directory(req: DocumentRequest) -> CourtDirectory:
    return court_directory(req)


def debt_of(req: DocumentRequest) -> DemandDebt:
    """The debt as demanded on ``req.as_of`` (the demand's date)."""
    return demand_debt(
        req.case, req.as_of, req.facts, req.option("founded_on").strip(), req.option("claim_number").strip()
    )


def founding_judgment(case: Case, on: date, options: Options) -> Judgment | None:
    """The judgment a demand made on ``on`` is founded on, if it is founded on one."""
    wanted, claim = options.get("founded_on", "").strip(), options.get("claim_number", "").strip()
    if founded_on(case, on, wanted, claim) != "judgment":
        return None
    return choose_judgment(case, on, claim)


def standard(req: DocumentRequest, what: str, founded: date | None = None) -> list[Problem]:
    """The shared blocks; on a judgment, its own age (s.24) rather than the merged debts'."""
    j = founding_judgment(req.case, founded or req.as_of, req.options)
    out = rules.standard(req, on_judgment=j)
    if j is not None:
        out += rules.judgment_limitation(req, j, what)
    return out


def founding_problems(case: Case, on: date, options: Options) -> list[Problem]:
    return basis_problems(
        case, on, options.get("founded_on", "").strip(), options.get("claim_number", "").strip()
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
        "by_instalments": debt.by_instalments,
        "made_up": debt.made_up,
        "not_demanded": debt.not_demanded,
    }


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
                f"going ahead because the debts will be joined: {reason}",
                code="below_bankruptcy_threshold",
                blocking=False,
            )
        ]
    return [
        Problem(
            "balance",
            f"{what} for {fmt_gbp(debt.total)} is below the bankruptcy level of {fmt_gbp(minimum)} "
            "(Insolvency Act 1986 s.267(4)). It may go ahead only if other creditors' debts will be "
            "joined with it to reach that level, with the reason recorded",
            code="below_bankruptcy_threshold",
            hint=f"--option {AGGREGATE}=yes --option {AGGREGATE_REASON}=<reason>",
            option=AGGREGATE,
        )
    ]


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


def service_context(svc: Service, address: Address) -> dict[str, Any]:
    return {
        "date": svc.entry.date,
        "method": svc.method,
        "method_label": METHODS[svc.method][0],
        "method_words": METHODS[svc.method][1],
        "recorded_method": svc.recorded_method,
        "deemed": svc.deemed,
        "comply_by": svc.comply_by,
        "set_aside_by": svc.set_aside_by,
        "note": svc.entry.note,
        "address": address,
        "weeks": period("statutory_demand_comply_days", svc.entry.date) // 7,
    }


def demand_type_for(case: Case) -> str:
    return "statutory_demand_company" if case.primary_debtor.is_company else "statutory_demand_individual"
