"""N337: a request for an attachment of earnings order on a County Court judgment (Attachment of
Earnings Act 1971, CPR 89): the debtor is employed, owes at least the minimum and is behind."""

from __future__ import annotations

from typing import Any, ClassVar

from docgen.documents import rules
from docgen.documents.base import DocumentRequest, DocumentType
from docgen.documents.common import base_context, statement_of_truth
from docgen.documents.enforcement.common import (
    CLAIM_NUMBER,
    FAMILY,
    chosen_judgment,
    judgment_context,
    judgment_problems,
)
from docgen.documents.registry import register
from docgen.domain.case import Case
from docgen.domain.fees import enforcement_fee
from docgen.domain.judgment import judgment_position
from docgen.domain.money import fmt_gbp
from docgen.domain.thresholds import threshold
from docgen.errors import Problem


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
                    f"record the name and address of {d.display_name}'s employer: the order is sent "
                    "to the employer",
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
        out = [
            *rules.standard(req, on_judgment=chosen_judgment(case, as_of, options)),
            *employment_problems(case),
        ]
        out += rules.unconfirmed_figure(
            "enforcement_fees",
            as_of,
            "court fee for an attachment of earnings order",
            enforcement_fee("attachment_of_earnings", as_of),
        )
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
            sot=statement_of_truth(case, as_of, "request"),
        )
        return ctx
