"""N323: a request for a County Court warrant of control (CPR 83, County Courts Act 1984): at least
the minimum (or one instalment) due, under the County Court limit, and permission where the judgment
is six years old or more."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any, ClassVar

from docgen.documents import rules
from docgen.documents.base import DocumentRequest, DocumentType, Options, OptionSpec
from docgen.documents.common import base_context, statement_of_truth
from docgen.documents.enforcement.common import (
    CLAIM_NUMBER,
    FAMILY,
    chosen_judgment,
    judgment_context,
    judgment_problems,
    on,
)
from docgen.documents.registry import register
from docgen.domain.calendar import add_years
from docgen.domain.fees import enforcement_fee, fixed_costs_on_enforcement
from docgen.domain.judgment import JudgmentPosition, judgment_position
from docgen.domain.money import ZERO, fmt_gbp, money
from docgen.domain.thresholds import period, threshold
from docgen.errors import Problem


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
        out = rules.standard(req, on_judgment=chosen_judgment(case, as_of, options))
        out += rules.unconfirmed_figure(
            "enforcement_fees",
            as_of,
            "court fee for a warrant of control",
            enforcement_fee("warrant_of_control", as_of),
        )
        if case.creditor.legal_representative is not None:
            out += rules.unconfirmed_figure(
                "fixed_costs_enforcement",
                as_of,
                "legal representative's fixed costs on the warrant",
                fixed_costs_on_enforcement("warrant_of_control", as_of),
            )
        missing = judgment_problems(case, as_of, options, "A warrant of control")
        if missing:
            return out + missing
        j = chosen_judgment(case, as_of, options)
        assert j is not None
        pos = judgment_position(j, as_of, case)
        try:
            amount = _warrant_amount(pos, options)
        except ArithmeticError:
            return [
                *out,
                Problem(
                    "options.warrant_amount",
                    "the amount of the warrant is not an amount of money",
                    code="bad_option",
                ),
            ]
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
                    f"judgment {j.claim_number} was given on {on(j.date)}, {years} years or more ago: a "
                    "warrant needs the court's permission (CPR 83.2(3)(a)); apply for permission on "
                    "form N244 and record the order once it is granted",
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
                    f"judgment {j.claim_number} was given on {on(j.date)}: a warrant requested after "
                    f"{on(last_day)} needs the court's permission (CPR 83.2(3)(a))",
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
        # fixed costs are the legal representative's (CPR 45 Table 5); a council acting through its own
        # officer has none to claim
        represented = case.creditor.legal_representative is not None
        costs = fixed_costs_on_enforcement("warrant_of_control", as_of) if represented else ZERO
        ctx.update(
            represented=represented,
            judgment=judgment_context(pos),
            warrant_amount=amount,
            fee=fee,
            costs=costs,
            warrant_total=amount + fee + costs,
            permission_order=options.get("permission_order", "").strip(),
            sot=statement_of_truth(case, as_of, "request"),
        )
        return ctx
