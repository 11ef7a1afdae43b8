"""The debt a statutory demand (and the petition that follows it) is for, and when and how the
demand was served.

A demand under s.268(1)(a) Insolvency Act 1986 is for a debt payable immediately. A judgment payable
by instalments is payable immediately only as to the instalments fallen due and unpaid, so a demand
founded on it claims those (with any judgment-debt interest then accrued on them) and says how the
sum is made up; the rest of the judgment is not demanded. Interest and charges are shown apart from
the debt, and only as accrued on the demand's date (IR 2016 r.10.1(1)(d), (e)).

The consideration (what the debt is for) is described from the debt type and, for sundry debts and
rents, from the invoices' own descriptions: a Building Act works recharge is not "charges for
services".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from docgen.domain import calendar
from docgen.domain.case import Case, HistoryEntry, InterestBasis, Judgment, LiabilityOrder
from docgen.domain.facts import CaseFacts
from docgen.domain.judgment import JudgmentPosition, choose_judgment, judgment_position
from docgen.domain.liability_orders import liability_order_position
from docgen.domain.money import ZERO, fmt_gbp
from docgen.errors import Problem

#: what a debt of each statutory kind is for; sundry debts and rents are described by their invoices
CONSIDERATION = {
    "adult_social_care": "the debtor's assessed contribution to the cost of care and support arranged by "
    "the creditor under the Care Act 2014",
    "council_tax": "council tax",
    "business_rates": "non-domestic rates",
    "hb_overpayment": "an overpayment of housing benefit, recoverable under section 75 of the Social "
    "Security Administration Act 1992",
}
FROM_INVOICES = ("sundry", "commercial_rent")

LIABILITY_ORDER_REGULATIONS = {
    "council_tax": "regulation 34 of the Council Tax (Administration and Enforcement) Regulations 1992",
    "business_rates": "regulation 12 of the Non-Domestic Rating (Collection and Enforcement) (Local Lists) "
    "Regulations 1989",
}

BASES = ("judgment", "liability_orders", "debt")


def _on(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def consideration(case: Case, on: date) -> str | None:
    """What the debt is for, in words; None when the invoices of a sundry debt or rent do not say."""
    kind = case.debt_type.value
    if kind not in FROM_INVOICES:
        return CONSIDERATION[kind]
    invoices = [inv for inv in case.invoices if inv.issued <= on]
    if not invoices or any(not inv.description.strip() for inv in invoices):
        return None
    parts = [f"{inv.description.strip()} (invoice {inv.number} of {_on(inv.issued)})" for inv in invoices]
    return "sums invoiced by the creditor for: " + "; ".join(parts)


@dataclass(frozen=True)
class DemandDebt:
    """The debt as a demand states it: the sums owed, then interest and charges shown separately,
    only as accrued on the demand's date; ``made_up`` says in words how an instalment sum is made up,
    and ``not_demanded`` is the part of a judgment not yet payable."""

    founded_on: str  # judgment | liability_orders | debt
    on: date
    items: tuple[tuple[str, Decimal], ...]
    interest: tuple[tuple[str, Decimal], ...]
    charges: tuple[tuple[str, Decimal], ...]
    paid: Decimal
    consideration: str
    incurred: date | None
    judgment: Judgment | None = None
    position: JudgmentPosition | None = None
    orders: tuple[LiabilityOrder, ...] = ()
    order_regulations: str = ""
    interest_note: str = ""
    made_up: tuple[str, ...] = ()
    not_demanded: Decimal = ZERO

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

    @property
    def by_instalments(self) -> bool:
        return self.position is not None and self.position.by_instalments


def founded_on(case: Case, on: date, wanted: str = "", claim_number: str = "") -> str:
    """``wanted`` when given; else a judgment if one is owing on ``on``, else liability orders, else
    the unpaid invoices."""
    if wanted:
        return wanted
    j = choose_judgment(case, on, claim_number)
    if j is not None and judgment_position(j, on, case).outstanding > 0:
        return "judgment"
    if any(lo.date <= on for lo in case.liability_orders):
        return "liability_orders"
    return "debt"


def basis_problems(case: Case, on: date, wanted: str = "", claim_number: str = "") -> list[Problem]:
    """Why a demand on ``on`` cannot be founded as asked; empty when it can."""
    basis = founded_on(case, on, wanted, claim_number)
    if basis not in BASES:
        return [
            Problem(
                "options.founded_on",
                "say what the demand is founded on: a judgment, liability orders or the unpaid invoices",
                code="bad_option",
                hint="--option founded_on=judgment|liability_orders|debt",
            )
        ]
    if basis == "judgment":
        j = choose_judgment(case, on, claim_number)
        if j is None:
            return [
                Problem(
                    "judgments", "the case records no judgment to found the demand on", code="no_judgment"
                )
            ]
        pos = judgment_position(j, on, case)
        if pos.by_instalments and pos.arrears <= 0:
            return [
                Problem(
                    "judgments",
                    f"judgment {j.claim_number} is payable by instalments and no instalment is due and "
                    f"unpaid on {_on(on)}: nothing under it is payable immediately, so no statutory demand "
                    "can be founded on it (Insolvency Act 1986 s.268(1))",
                    code="no_instalment_arrears",
                )
            ]
    if basis == "liability_orders" and not any(lo.date <= on for lo in case.liability_orders):
        return [
            Problem(
                "liability_orders",
                "the case records no liability order to found the demand on",
                code="no_liability_order",
            )
        ]
    if consideration(case, on) is None:
        return [
            Problem(
                "invoices",
                "a demand must say what the debt is for, and an invoice has no description: record what "
                "each invoice was for",
                code="consideration_unknown",
            )
        ]
    return []


def _judgment_debt(case: Case, on: date, j: Judgment, words: str) -> DemandDebt:
    pos = judgment_position(j, on, case)
    founded = (
        f"the sum due under the judgment of the {j.court} dated {_on(j.date)} in claim {j.claim_number}, "
        f"given on the creditor's claim for {words}"
    )
    interest: tuple[tuple[str, Decimal], ...] = ()
    if pos.interest.applies and pos.interest.total > 0:
        interest = (
            (
                f"Interest on the judgment debt under the County Courts (Interest on Judgment Debts) "
                f"Order 1991 at {pos.interest.rate}% a year to {_on(on)}",
                pos.interest.total,
            ),
        )
    if pos.by_instalments:
        inst = j.instalments
        assert inst is not None
        fallen = pos.instalments_fallen_due
        made_up = (
            f"The judgment, for {fmt_gbp(pos.total)} (including costs of {fmt_gbp(j.costs)}), is payable by "
            f"instalments of {fmt_gbp(inst.amount)} {inst.frequency} from {_on(inst.first_due)}.",
            f"By {_on(on)} {fallen} instalment{'s' if fallen != 1 else ''} had fallen due, totalling "
            f"{fmt_gbp(pos.due_to_date)}; {fmt_gbp(pos.paid)} has been paid since the judgment; "
            f"{fmt_gbp(pos.arrears)} of the instalments fallen due is unpaid.",
            f"Only the instalments fallen due and unpaid are payable immediately and demanded here. The "
            f"rest of the judgment debt, {fmt_gbp(pos.outstanding - pos.arrears)}, is payable by "
            "instalments not yet due and is not demanded.",
        )
        return DemandDebt(
            founded_on="judgment",
            on=on,
            items=(
                (
                    f"Instalments fallen due and unpaid under the judgment of the {j.court}, claim "
                    f"{j.claim_number}",
                    pos.arrears,
                ),
            ),
            interest=interest,
            charges=(),
            paid=ZERO,
            consideration=founded,
            incurred=j.date,
            judgment=j,
            position=pos,
            made_up=made_up,
            not_demanded=pos.outstanding - pos.arrears,
        )
    return DemandDebt(
        founded_on="judgment",
        on=on,
        items=((f"Judgment sum, {j.court}, claim {j.claim_number}", j.amount),),
        interest=((("Interest awarded in the judgment", j.interest),) if j.interest else ()) + interest,
        charges=((("Costs awarded in the judgment", j.costs),) if j.costs else ()),
        paid=pos.paid,
        consideration=founded,
        incurred=j.date,
        judgment=j,
        position=pos,
    )


def demand_debt(
    case: Case, on: date, facts: CaseFacts, wanted: str = "", claim_number: str = ""
) -> DemandDebt:
    """The debt as demanded on ``on`` (the demand's date); ``facts`` are the case's on that date."""
    basis = founded_on(case, on, wanted, claim_number)
    words = consideration(case, on) or "the sums shown"
    if basis == "judgment":
        j = choose_judgment(case, on, claim_number)
        assert j is not None
        return _judgment_debt(case, on, j, words)
    if basis == "liability_orders":
        pos = liability_order_position(case, on, facts.balance)
        return DemandDebt(
            founded_on=basis,
            on=on,
            items=tuple(
                (
                    f"{words.capitalize()} {lo.period or ''}, liability order of {lo.court} dated "
                    f"{_on(lo.date)}".replace("  ", " "),
                    lo.amount,
                )
                for lo in pos.orders
            ),
            interest=(),
            charges=tuple(
                (f"Costs allowed on the liability order of {_on(lo.date)}", lo.costs)
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
    open_lines = [ln for ln in facts.balance.lines if ln.outstanding > 0]
    i = facts.interest
    interest: tuple[tuple[str, Decimal], ...] = ()
    note = ""
    if i.basis is InterestBasis.statutory_s69:
        # s.69 interest is in the court's discretion in proceedings: there is no right to it to demand.
        note = "Interest under section 69 of the County Courts Act 1984 is not claimed in this demand."
    elif i.claimed and i.total:
        rate = f"{i.rate.normalize():f}% a year" if i.rate is not None else "the rates that apply"
        interest = ((f"Interest under {i.basis_words} at {rate} to {_on(on)}", i.total),)
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
            (f"Invoice {ln.ref} dated {_on(ln.issued)}: {ln.description}", ln.amount)
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

    @property
    def recorded_method(self) -> bool:
        return self.entry.method is not None


def demand_service(case: Case, as_of: date) -> Service | None:
    """The latest recorded service of a statutory demand on or before ``as_of``."""
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


def personal_service_problem(case: Case, svc: Service) -> Problem | None:
    """IR 2016 r.10.2: the creditor must do all that is reasonable to bring a demand to an individual
    debtor's attention and, if practicable, cause personal service. A demand served on an individual
    by post or e-mail alone, with no recorded attempt at personal service, is flagged."""
    debtor = case.primary_debtor
    if debtor.is_company or svc.method in ("personal", "left_at_address"):
        return None
    tried = [
        a
        for a in case.service_attempts
        if a.document == "statutory_demand" and a.method == "personal" and a.date <= svc.entry.date
    ]
    if tried:
        return None
    how = "first class post" if svc.method == "first_class_post" else svc.method.replace("_", " ")
    return Problem(
        "recovery_history",
        f"the demand was served on {_on(svc.entry.date)} by {how} alone, and no attempt at personal "
        "service is recorded: the creditor must cause personal service where practicable (Insolvency "
        "(England and Wales) Rules 2016 r.10.2), and the court may not accept the service; record the "
        "attempts at personal service (date, method, by whom), or serve the demand personally",
        code="personal_service_not_attempted",
        blocking=False,
    )
