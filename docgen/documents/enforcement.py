"""Enforcement after a judgment or liability orders: charging order on land (N379, with the council
tax variant under reg 50), attachment of earnings (N337), warrant of control (N323) and the general
application notice (N244) for permission to enforce or substituted service.

The law's conditions are eligibility rules with stable codes; the figures they compare against come
from the dated tables (thresholds, periods, charging_orders, enforcement_fees, application_fees).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, ClassVar

from docgen.documents import rules
from docgen.documents.base import DocumentRequest, DocumentType, Options, OptionSpec
from docgen.documents.common import base_context, statement_of_truth
from docgen.documents.registry import register
from docgen.domain.balance import Balance
from docgen.domain.calendar import add_years
from docgen.domain.case import Case, Judgment, LiabilityOrder, Property
from docgen.domain.fees import application_fee, enforcement_fee
from docgen.domain.judgment import JudgmentPosition, choose_judgment, judgment_position
from docgen.domain.money import ZERO, fmt_gbp, money
from docgen.domain.tables import lookup
from docgen.domain.thresholds import period, threshold
from docgen.errors import Problem

FAMILY = "enforcement"
CLAIM_NUMBER = OptionSpec(
    "claim_number",
    "Claim number of the judgment to enforce",
    help="Only when the case has more than one judgment.",
)


# -- where a judgment stands -------------------------------------------------------------------


def chosen_judgment(case: Case, as_of: date, options: Options) -> Judgment | None:
    """The judgment named by the ``claim_number`` option, else the latest one still owing on ``as_of``."""
    return choose_judgment(case, as_of, options.get("claim_number", ""))


def judgment_problems(case: Case, as_of: date, options: Options, what: str) -> list[Problem]:
    wanted = options.get("claim_number", "").strip()
    if chosen_judgment(case, as_of, options) is not None:
        return []
    if wanted:
        return [
            Problem(
                "options.claim_number",
                f"no judgment with claim number {wanted!r} in the case",
                code="unknown_judgment",
            )
        ]
    return [
        Problem(
            "judgments",
            f"{what} enforces a judgment, and the case records none made by {as_of.isoformat()}",
            code="no_judgment",
        )
    ]


@dataclass(frozen=True)
class LiabilityOrderPosition:
    orders: tuple[LiabilityOrder, ...]
    amount: Decimal
    costs: Decimal
    paid: Decimal
    outstanding: Decimal


def liability_order_position(case: Case, as_of: date, balance: Balance) -> LiabilityOrderPosition:
    lines = [ln for ln in balance.lines if ln.kind == "liability_order"]
    orders = tuple(lo for lo in case.liability_orders if lo.date <= as_of)
    return LiabilityOrderPosition(
        orders=orders,
        amount=sum((lo.amount for lo in orders), ZERO),
        costs=sum((lo.costs for lo in orders), ZERO),
        paid=sum((ln.paid for ln in lines), ZERO),
        outstanding=sum((ln.outstanding for ln in lines), ZERO),
    )


def judgment_context(pos: JudgmentPosition) -> dict[str, Any]:
    j = pos.judgment
    return {
        "court": j.court,
        "claim_number": j.claim_number,
        "date": j.date,
        "amount": j.amount,
        "costs": j.costs,
        "interest": j.interest,
        "total": pos.total,
        "paid": pos.paid,
        "outstanding": pos.outstanding,
        "instalments": j.instalments,
        "by_instalments": pos.by_instalments,
        "instalments_fallen_due": pos.instalments_fallen_due,
        "due_to_date": pos.due_to_date,
        "arrears": pos.arrears,
        "instalments_unpaid": pos.instalments_unpaid,
        "forthwith_unpaid": pos.forthwith_unpaid,
    }


# -- N379 charging order on land ------------------------------------------------------------


def _property_problems(props: list[Property]) -> list[Problem]:
    out = []
    for i, p in enumerate(props):
        if not p.title_number:
            out.append(
                Problem(
                    f"properties[{i}].title_number",
                    f"{p.address.one_line()}: no registered title "
                    "number is recorded (PD 73 para 1.2(f)); take it from HM Land Registry",
                    code="missing_title_number",
                )
            )
        if not p.debtor_interest:
            out.append(
                Problem(
                    f"properties[{i}].debtor_interest",
                    f"{p.address.one_line()}: the debtor's "
                    "interest in the property is not recorded (PD 73 para 1.2(g))",
                    code="missing_debtor_interest",
                )
            )
        for k, charge in enumerate(p.charges):
            if charge.address is None:
                out.append(
                    Problem(
                        f"properties[{i}].charges[{k}].address",
                        f"no address is recorded for "
                        f"{charge.holder}: the form gives the address in the charges register of "
                        f"title {p.title_number or '(unregistered)'}; confirm it before service",
                        code="chargee_address_unknown",
                        blocking=False,
                    )
                )
    return out


def n379_basis(case: Case, as_of: date, options: Options) -> str:
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


def persons_to_be_served(case: Case) -> list[dict[str, Any]]:
    """CPR 73.7: the debtor, co-owners and anyone else with an interest, such as a chargee."""
    debtor = case.primary_debtor
    out: list[dict[str, Any]] = [
        {
            "name": debtor.display_name,
            "address": debtor.address_for_service.one_line(),
            "capacity": "Judgment debtor",
        },
    ]
    for p in case.properties:
        for owner in p.co_owners:
            out.append(
                {
                    "name": owner.name,
                    "address": p.address.one_line(),
                    "capacity": f"Co-owner of {p.address.one_line()}",
                }
            )
        for charge in p.charges:
            where = (
                charge.address.one_line()
                if charge.address
                else (f"as shown in the charges register of title {p.title_number or '(unregistered)'}")
            )
            amount = f" (about {fmt_gbp(charge.amount)})" if charge.amount is not None else ""
            out.append(
                {
                    "name": charge.holder,
                    "address": where,
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
            help="For council tax, the hearing centre for the area where the dwelling is.",
        ),
    )

    def eligibility(self, req: DocumentRequest) -> list[Problem]:
        case, as_of, options = req.case, req.as_of, req.options
        out = rules.standard(req)
        basis = n379_basis(case, as_of, options)
        if basis not in ("judgment", "reg50"):
            return [
                *out,
                Problem(
                    "options.basis", f"basis must be judgment or reg50, not {basis!r}", code="bad_option"
                ),
            ]
        if basis == "reg50":
            out += self._reg50(req)
        else:
            out += judgment_problems(
                case, as_of, options, "A charging order under the Charging Orders Act 1979"
            )
            j = chosen_judgment(case, as_of, options)
            if j is not None and j.outstanding <= 0:
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
                    "a charging order on land needs at least one property of the "
                    "debtor's, and the case records none",
                    code="no_property",
                )
            )
        out += _property_problems(list(case.properties))
        return out

    def _reg50(self, req: DocumentRequest) -> list[Problem]:
        case, as_of = req.case, req.as_of
        if case.debt_type.value != "council_tax":
            return [
                Problem(
                    "debt_type",
                    "regulation 50 of the Council Tax (Administration and Enforcement) "
                    "Regulations 1992 applies to council tax only; for other debts obtain a judgment "
                    "first",
                    code="reg50_council_tax_only",
                )
            ]
        pos = liability_order_position(case, as_of, req.facts.balance)
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
            return [
                Problem(
                    "liability_orders",
                    f"{fmt_gbp(pos.outstanding)} is outstanding under the liability "
                    f"orders; regulation 50(4) needs at least {fmt_gbp(minimum)}",
                    code="below_council_tax_minimum",
                )
            ]
        return []

    def context(self, req: DocumentRequest) -> dict[str, Any]:
        case, as_of, options = req.case, req.as_of, req.options
        ctx = base_context(req)
        basis = n379_basis(case, as_of, options)
        court = options.get("court", "").strip()
        cutoff = date.fromisoformat(lookup("charging_orders", as_of)["instalment_rule_from"])
        if basis == "reg50":
            pos = liability_order_position(case, as_of, req.facts.balance)
            dwelling = case.properties[0].address
            ctx.update(
                reg50=True,
                court=court or f"County Court at {dwelling.town or dwelling.one_line()}",
                court_reason="the County Court for the area in which the dwelling to which the liability orders "
                "relate is situated (regulation 50(2))",
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
            ctx.update(
                reg50=False,
                court=court or j.court,
                court_reason="",
                judgment=judgment_context(jp),
                amount_due=jp.outstanding,
                made_after_cutoff=j.date >= cutoff,
                cutoff=cutoff,
            )
        ctx.update(
            assets=assets(case),
            persons=persons_to_be_served(case),
            other_creditors=case.other_creditors,
            fee=enforcement_fee("charging_order", as_of),
            fee_source=lookup("enforcement_fees", as_of).cite(),
            sot=statement_of_truth(case, as_of, "application"),
        )
        return ctx


# -- N337 attachment of earnings ---------------------------------------------------------------


def employment_problems(case: Case) -> list[Problem]:
    out: list[Problem] = []
    for i, d in enumerate(case.debtors):
        if d.is_company:
            out.append(
                Problem(
                    f"debtors[{i}].kind",
                    f"an attachment of earnings order cannot be made against a company ({d.display_name})",
                    code="company",
                )
            )
            continue
        emp = d.employment
        if emp is None:
            out.append(
                Problem(
                    f"debtors[{i}].employment",
                    f"{d.display_name}'s employment is not recorded: an "
                    "attachment of earnings order needs an employer",
                    code="employment_unknown",
                )
            )
        elif emp.status != "employed":
            out.append(
                Problem(
                    f"debtors[{i}].employment.status",
                    f"{d.display_name} is recorded as "
                    f"{emp.status.replace('_', '-')}: an attachment of earnings order needs earnings "
                    "from an employer",
                    code=emp.status,
                )
            )
        elif emp.employer is None or emp.employer.address is None:
            out.append(
                Problem(
                    f"debtors[{i}].employment.employer",
                    f"the name and address of {d.display_name}'s employer are needed",
                    code="no_employer",
                )
            )
    return out


@register
class N337(DocumentType):
    id = "n337"
    title = "Request for attachment of earnings order (N337)"
    family = FAMILY
    templates: ClassVar[dict[str, str]] = {"html": "enforcement/n337.html"}
    options = (*rules.COMMON_OPTIONS, CLAIM_NUMBER)

    def eligibility(self, req: DocumentRequest) -> list[Problem]:
        case, as_of, options = req.case, req.as_of, req.options
        out = [*rules.standard(req), *employment_problems(case)]
        missing = judgment_problems(
            case, as_of, options, "An attachment of earnings order in the County Court"
        )
        if missing:
            if case.debt_type.value == "council_tax":
                missing = [
                    Problem(
                        p.path,
                        p.message + "; for council tax liability orders the council makes "
                        "its own attachment of earnings order under regulation 37",
                        code=p.code,
                    )
                    for p in missing
                ]
            return out + missing
        j = chosen_judgment(case, as_of, options)
        assert j is not None
        pos = judgment_position(j, as_of, case)
        minimum = threshold("attachment_of_earnings_minimum", as_of)
        if pos.outstanding < minimum:
            out.append(
                Problem(
                    "judgments",
                    f"{fmt_gbp(pos.outstanding)} is owed under judgment {j.claim_number}; "
                    f"an attachment of earnings order needs at least {fmt_gbp(minimum)}",
                    code="below_minimum",
                )
            )
        broken = any(h.date <= as_of for h in case.history("broken_plan"))
        if not (pos.in_default or broken):
            out.append(
                Problem(
                    "judgments",
                    f"the debtor is not behind with any payment under judgment "
                    f"{j.claim_number}: no instalment is in arrears",
                    code="no_missed_payment",
                )
            )
        return out

    def context(self, req: DocumentRequest) -> dict[str, Any]:
        case, as_of, options = req.case, req.as_of, req.options
        ctx = base_context(req)
        j = chosen_judgment(case, as_of, options)
        assert j is not None
        debtor = case.primary_debtor
        employer = debtor.employment.employer if debtor.employment else None
        ctx.update(
            judgment=judgment_context(judgment_position(j, as_of, case)),
            employer=employer,
            date_of_birth=getattr(debtor, "date_of_birth", None),
            fee=enforcement_fee("attachment_of_earnings", as_of),
            fee_source=lookup("enforcement_fees", as_of).cite(),
            sot=statement_of_truth(case, as_of, "request"),
        )
        return ctx


# -- N323 warrant of control -------------------------------------------------------------------


def _warrant_amount(pos: JudgmentPosition, options: Options) -> Decimal:
    raw = options.get("warrant_amount", "").strip()
    return money(raw) if raw else pos.outstanding


@register
class N323(DocumentType):
    id = "n323"
    title = "Request for warrant of control (N323)"
    family = FAMILY
    templates: ClassVar[dict[str, str]] = {"html": "enforcement/n323.html"}
    options = (
        *rules.COMMON_OPTIONS,
        CLAIM_NUMBER,
        OptionSpec(
            "warrant_amount",
            "Amount of the warrant",
            "money",
            help="Only when it is less than the balance due.",
        ),
        OptionSpec(
            "permission_order",
            "The order giving permission to enforce",
            help="Its date and court, for a judgment six years old or more.",
        ),
    )

    def eligibility(self, req: DocumentRequest) -> list[Problem]:
        case, as_of, options = req.case, req.as_of, req.options
        out = rules.standard(req)
        missing = judgment_problems(case, as_of, options, "A warrant of control")
        if missing:
            return out + missing
        j = chosen_judgment(case, as_of, options)
        assert j is not None
        pos = judgment_position(j, as_of, case)
        try:
            amount = _warrant_amount(pos, options)
        except ArithmeticError:
            return [*out, Problem("options.warrant_amount", "not an amount of money", code="bad_option")]
        if amount > pos.outstanding:
            out.append(
                Problem(
                    "options.warrant_amount",
                    f"{fmt_gbp(amount)} is more than the balance due, {fmt_gbp(pos.outstanding)}",
                    code="bad_option",
                )
            )
        minimum = threshold("warrant_of_control_minimum", as_of)
        one = pos.one_instalment
        floor = min(minimum, one) if one is not None else minimum
        due_now = pos.arrears if pos.by_instalments else pos.outstanding
        if due_now < floor or amount < floor:
            what = (
                f"{fmt_gbp(minimum)} or one monthly instalment ({fmt_gbp(one)})" if one else fmt_gbp(minimum)
            )
            out.append(
                Problem(
                    "judgments",
                    f"{fmt_gbp(due_now)} is due and unpaid under judgment "
                    f"{j.claim_number}; a warrant of control needs at least {what}",
                    code="below_minimum",
                )
            )
        ceiling = threshold("county_court_warrant_maximum_exclusive", as_of)
        if pos.outstanding >= ceiling:
            out.append(
                Problem(
                    "judgments",
                    f"{fmt_gbp(pos.outstanding)} is outstanding under judgment "
                    f"{j.claim_number}: a County Court warrant of control cannot be executed for "
                    f"{fmt_gbp(ceiling)} or more. Use High Court enforcement: transfer the judgment "
                    "to the High Court under section 42 of the County Courts Act 1984 (form N293A) for "
                    "a writ of control executed by a High Court Enforcement Officer",
                    code="high_court_enforcement",
                )
            )
        years = period("judgment_enforcement_permission_years", as_of)
        permission_from = add_years(j.date, years)
        if as_of >= permission_from and not options.get("permission_order", "").strip():
            out.append(
                Problem(
                    "judgments",
                    f"judgment {j.claim_number} was given on {j.date.isoformat()}, more "
                    f"than {years} years ago: a warrant needs the court's permission (CPR 83.2(3)(a)); "
                    "apply for permission on form N244 and record the order once it is granted",
                    code="permission_needed",
                    hint="n244 with --option application=permission_to_enforce; then "
                    "--option permission_order=<the order>",
                    option="permission_order",
                )
            )
        elif as_of < permission_from:
            last_day = permission_from - timedelta(days=1)
            out.append(
                Problem(
                    "judgments",
                    f"judgment {j.claim_number} was given on {j.date.isoformat()}: a warrant requested "
                    f"after {last_day.isoformat()} needs the court's permission (CPR 83.2(3)(a))",
                    code="permission_window",
                    blocking=False,
                    closes_on=last_day,
                )
            )
        return out

    def context(self, req: DocumentRequest) -> dict[str, Any]:
        case, as_of, options = req.case, req.as_of, req.options
        ctx = base_context(req)
        j = chosen_judgment(case, as_of, options)
        assert j is not None
        pos = judgment_position(j, as_of, case)
        amount = _warrant_amount(pos, options)
        fee = enforcement_fee("warrant_of_control", as_of)
        costs = ZERO  # a council acting through its own officer claims no solicitor's costs
        ctx.update(
            judgment=judgment_context(pos),
            warrant_amount=amount,
            fee=fee,
            costs=costs,
            warrant_total=amount + fee + costs,
            fee_source=lookup("enforcement_fees", as_of).cite(),
            permission_order=options.get("permission_order", "").strip(),
            sot=statement_of_truth(case, as_of, "request"),
        )
        return ctx


# -- N244 application notice -------------------------------------------------------------------

APPLICATIONS: dict[str, dict[str, str]] = {
    "permission_to_enforce": {
        "order": "The claimant be given permission under CPR 83.2(3)(a) to enforce the judgment dated {date} by "
        "{method}.",
        "reasons": "The judgment was given on {date}, more than six years ago, and {outstanding} remains unpaid. "
        "The claimant has continued to seek payment and the debt has not been satisfied. Permission is needed "
        "before a writ or warrant of control may issue (CPR 83.2(3)(a)).",
        "notice": "without_notice",
    },
    "substituted_service": {
        "order": "The claimant be permitted under CPR 6.15 to serve the {document} on the defendant by an "
        "alternative method, namely {method}, and that service so made be treated as good service.",
        "reasons": "The claimant has been unable to serve the defendant at the address recorded despite the "
        "steps set out in the evidence, and there is good reason to authorise service by an alternative method.",
        "notice": "without_notice",
    },
}


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
        OptionSpec("order_sought", "The order asked for", help="Replaces the standard wording."),
        OptionSpec("reasons", "Why the order is sought", help="Replaces the standard wording."),
        OptionSpec(
            "method",
            "Method",
            help="For permission, how the judgment is to be enforced; for alternative service, the method.",
        ),
        OptionSpec("document", "Document to be served", default="claim form"),
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
        OptionSpec("evidence", "Evidence relied on", help="Replaces the standard wording."),
    )

    def eligibility(self, req: DocumentRequest) -> list[Problem]:
        case, as_of, options = req.case, req.as_of, req.options
        out = rules.standard(req)
        app = options.get("application", "").strip()
        if app not in APPLICATIONS:
            return [
                *out,
                Problem(
                    "options.application",
                    "say what the application is for: permission to enforce, or service by an "
                    "alternative method",
                    code="application_required",
                    hint="--option application=permission_to_enforce|substituted_service",
                ),
            ]
        notice = options.get("notice", APPLICATIONS[app]["notice"])
        if notice not in ("on_notice", "without_notice"):
            out.append(
                Problem("options.notice", "notice must be on_notice or without_notice", code="bad_option")
            )
        if options.get("hearing", "hearing") not in ("hearing", "remote", "without_hearing"):
            out.append(
                Problem(
                    "options.hearing", "hearing must be hearing, remote or without_hearing", code="bad_option"
                )
            )
        if (
            app == "substituted_service"
            and chosen_judgment(case, as_of, options) is None
            and not (options.get("claim_number", "").strip() and options.get("court", "").strip())
        ):
            out.append(
                Problem(
                    "options.claim_number",
                    "an application notice is made in existing proceedings: give the claim number "
                    "and the court",
                    code="claim_details_required",
                    hint="--option claim_number=<claim> --option court=<court>",
                )
            )
        if app == "permission_to_enforce":
            missing = judgment_problems(case, as_of, options, "Permission to enforce")
            if missing:
                return out + missing
            j = chosen_judgment(case, as_of, options)
            assert j is not None
            years = period("judgment_enforcement_permission_years", as_of)
            if as_of < add_years(j.date, years):
                out.append(
                    Problem(
                        "judgments",
                        f"judgment {j.claim_number} is less than {years} years old: "
                        "CPR 83.2(3)(a) does not require permission on account of its age",
                        code="permission_not_needed",
                        blocking=False,
                    )
                )
        return out

    def context(self, req: DocumentRequest) -> dict[str, Any]:
        case, as_of, options = req.case, req.as_of, req.options
        ctx = base_context(req)
        app = options["application"].strip()
        spec = APPLICATIONS[app]
        j = chosen_judgment(case, as_of, options)
        pos = judgment_position(j, as_of, case) if j else None
        default_method = (
            "a warrant of control"
            if app == "permission_to_enforce"
            else ("first class post to the defendant's last known address and by e-mail")
        )
        words = {
            "date": f"{j.date.day} {j.date:%B %Y}" if j else "",
            "outstanding": fmt_gbp(pos.outstanding) if pos else "",
            "method": options.get("method", default_method),
            "document": options.get("document", "claim form"),
        }
        notice = options.get("notice", spec["notice"])
        hearing = options.get("hearing", "hearing")
        debtor = case.primary_debtor
        ctx.update(
            application=app,
            claim_number=j.claim_number if j else options.get("claim_number", ""),
            court=options.get("court", "").strip() or (j.court if j else ""),
            judgment=judgment_context(pos) if pos else None,
            order_sought=options.get("order_sought", spec["order"].format(**words)),
            reasons=options.get("reasons", spec["reasons"].format(**words)),
            notice=notice,
            hearing=hearing,
            time_estimate=options.get("time_estimate", "10 minutes"),
            evidence=options.get(
                "evidence", "The evidence set out in this application and the case history below."
            ),
            history=[h for h in case.recovery_history if h.date <= as_of],
            serve_on=[]
            if notice == "without_notice"
            else [{"name": debtor.display_name, "address": debtor.address_for_service.one_line()}],
            fee=application_fee("on_notice" if notice == "on_notice" else "without_notice", as_of),
            set_aside_days=period("set_aside_without_notice_order_days", as_of),
            fee_source=lookup("application_fees", as_of).cite(),
            sot=statement_of_truth(case, as_of, "application notice"),
        )
        return ctx
