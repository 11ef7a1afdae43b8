"""The figures and dates a case stands on, to a date: what every document and screen shows.

One computation per case and date (``case_facts``), so that every paper for a case states the same
outstanding sum: ``CaseFacts.outstanding`` is the debt on the invoices and orders until judgment,
and the judgment balance (with judgment-debt interest where the 1991 Order allows it) once
judgment is entered, when the claim has merged in the judgment and no claim interest runs.
``CaseFacts.warnings`` are plain-English notes for the officer (figures not confirmed, uncertain
rules applied); they are never printed on a paper.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from docgen.domain import calendar
from docgen.domain.balance import Balance, compute_balance
from docgen.domain.case import Case
from docgen.domain.fees import fixed_costs_on_issue, issue_fee, unconfirmed_figure
from docgen.domain.interest import InterestResult, compute_interest, reference_rate
from docgen.domain.judgment import JudgmentPosition, judgment_positions
from docgen.domain.limitation import Limitation, limitation
from docgen.domain.money import ZERO, fmt_plain
from docgen.domain.tables import lookup
from docgen.errors import Problem


@dataclass(frozen=True)
class CaseFacts:
    case: Case
    as_of: date
    balance: Balance
    interest: InterestResult
    limitation: Limitation
    claim_amount: Decimal  # balance + interest + compensation: the sum the fee is charged on
    court_fee: Decimal
    fixed_costs_on_issue: Decimal
    total: Decimal
    #: judgments given by ``as_of``, oldest first
    judgments: tuple[JudgmentPosition, ...] = ()
    #: plain-English notes for the officer: figures not confirmed, uncertain rules applied
    warnings: tuple[Problem, ...] = ()

    @property
    def judgment_entered(self) -> bool:
        return bool(self.judgments)

    @property
    def outstanding(self) -> Decimal:
        """The one sum every paper states as owing: the judgment balance(s), with any judgment-debt
        interest, once judgment is entered; before that the debt on the invoices and orders (any
        claim interest is shown apart from it)."""
        if self.judgments:
            return sum((p.balance for p in self.judgments), ZERO)
        return self.balance.outstanding

    def warnings_for(self, *prefixes: str) -> list[Problem]:
        """The warnings whose path starts with one of ``prefixes`` (e.g. "fees", "interest",
        "judgments")."""
        return [w for w in self.warnings if w.path.startswith(prefixes)]

    @property
    def represented(self) -> bool:
        return self.case.creditor.legal_representative is not None

    @property
    def breathing_space_active(self) -> bool:
        return any(
            d.breathing_space is not None and d.breathing_space.active_on(self.as_of)
            for d in self.case.debtors
        )

    @property
    def deceased(self) -> bool:
        return any(d.deceased_on is not None and d.deceased_on <= self.as_of for d in self.case.debtors)

    def deadlines(self) -> dict[str, date]:
        out: dict[str, date] = {}
        lbc = self.case.last("letter_before_claim")
        if lbc:
            out["pap_reply_due"] = calendar.pap_reply_due(lbc.date)
        issued = self.case.last("claim_issued")
        if issued:
            out["claim_form_service_deadline"] = calendar.claim_form_service_deadline(issued.date)
        served = self.case.last("claim_served")
        if served:
            deemed = calendar.deemed_service_of_claim_form(served.date)
            out["claim_form_deemed_served"] = deemed
            out["acknowledgment_due"] = calendar.acknowledgment_due(deemed)
            out["defence_due"] = calendar.defence_due(deemed)
            out["certificate_of_service_due"] = calendar.certificate_of_service_due(served.date)
        sd = self.case.last("statutory_demand_served")
        if sd:
            out["statutory_demand_set_aside_by"] = calendar.statutory_demand_set_aside_by(sd.date)
            out["statutory_demand_comply_by"] = calendar.statutory_demand_comply_by(sd.date)
        if self.limitation.expires_on:
            out["limitation_expires_on"] = self.limitation.expires_on
        return out

    def as_json(self) -> dict[str, Any]:
        i = self.interest
        return {
            "case_ref": self.case.case_ref,
            "as_of": self.as_of.isoformat(),
            "debt_type": self.case.debt_type.value,
            "debtor": self.case.primary_debtor.display_name,
            "outstanding": fmt_plain(self.outstanding),
            "judgment_entered": self.judgment_entered,
            "judgments": [
                {
                    "claim_number": p.judgment.claim_number,
                    "court": p.judgment.court,
                    "date": p.judgment.date.isoformat(),
                    "total": fmt_plain(p.total),
                    "paid": fmt_plain(p.paid),
                    "outstanding": fmt_plain(p.outstanding),
                    "interest": fmt_plain(p.interest.total),
                    "interest_daily_rate": fmt_plain(p.interest.daily_rate),
                    "interest_reason": p.interest.reason,
                    "balance": fmt_plain(p.balance),
                    "by_instalments": p.by_instalments,
                    "instalments_fallen_due": p.instalments_fallen_due,
                    "arrears": fmt_plain(p.arrears),
                    "instalments_unpaid": p.instalments_unpaid,
                }
                for p in self.judgments
            ],
            "balance": fmt_plain(self.balance.outstanding),
            "balance_detail": {
                "debits": fmt_plain(self.balance.debits),
                "payments": fmt_plain(self.balance.payments),
                "adjustments": fmt_plain(self.balance.adjustments),
                "vat_outstanding": fmt_plain(self.balance.vat_outstanding),
                "ageing": {k: fmt_plain(v) for k, v in self.balance.ageing.items()},
            },
            "interest": {
                "basis": i.basis.value,
                "rate": None if i.rate is None else f"{i.rate.normalize():f}",
                "from": i.from_date.isoformat() if i.from_date else None,
                "to": i.to_date.isoformat(),
                "total": fmt_plain(i.total),
                "daily_rate": fmt_plain(i.daily_rate),
                "statement": i.cpr_16_4_statement(),
                "breathing_space_days_left_out": i.moratorium_days,
                "merged_in_judgment_on": (
                    i.merged_in_judgment_on.isoformat() if i.merged_in_judgment_on else None
                ),
            },
            "compensation": fmt_plain(i.compensation),
            "claim_amount": fmt_plain(self.claim_amount),
            "court_fee": fmt_plain(self.court_fee),
            "fixed_costs_on_issue": fmt_plain(self.fixed_costs_on_issue),
            "total": fmt_plain(self.total),
            "limitation": {
                "statute_barred": self.limitation.statute_barred,
                "partly_barred": self.limitation.partly_barred,
                "expires_on": self.limitation.expires_on.isoformat() if self.limitation.expires_on else None,
                "barred_lines": self.limitation.barred_refs,
            },
            "breathing_space_active": self.breathing_space_active,
            "deceased": self.deceased,
            "deadlines": {k: v.isoformat() for k, v in sorted(self.deadlines().items())},
            "warnings": [w.message for w in self.warnings],
        }


def case_facts(case: Case, as_of: date) -> CaseFacts:
    balance = compute_balance(case, as_of)
    interest = compute_interest(case, as_of, balance)
    lim = limitation(case, as_of, balance)
    positions = judgment_positions(case, as_of)
    warnings: list[Problem] = []
    if positions:
        # the claim has merged in the judgment: no claim, no fee, no costs on issue
        claim_amount = fee = costs = ZERO
        for pos in positions:
            index = case.judgments.index(pos.judgment)
            warnings += [
                Problem(f"judgments[{index}]", w, code="judgment_figures", blocking=False)
                for w in pos.warnings
            ]
        later = [
            inv.number
            for inv in case.invoices
            if inv.issued > positions[-1].judgment.date and inv.issued <= as_of
        ]
        if later:
            warnings.append(
                Problem(
                    "invoices",
                    f"Invoice{'s' if len(later) > 1 else ''} {', '.join(later)} "
                    f"{'were' if len(later) > 1 else 'was'} issued after the latest judgment and "
                    f"{'are' if len(later) > 1 else 'is'} not part of it: the outstanding sum shown is "
                    "what is owed under the judgment only.",
                    code="debt_after_judgment",
                    blocking=False,
                )
            )
        total = sum((p.balance for p in positions), ZERO)
    else:
        outstanding = max(balance.outstanding, ZERO)
        claim_amount = outstanding + interest.total + interest.compensation
        fee = issue_fee(claim_amount, as_of) if claim_amount > 0 else ZERO
        # Fixed costs are the legal representative's: a council acting through its own officer claims none.
        costs = fixed_costs_on_issue(claim_amount, as_of) if case.creditor.legal_representative else ZERO
        total = claim_amount + fee + costs
        checks = []
        if fee:
            checks.append(("fees.issue_fee", lookup("issue_fees", as_of), "court fee on issue", fee))
        if costs:
            checks.append(
                (
                    "fees.fixed_costs_on_issue",
                    lookup("fixed_costs_issue", as_of),
                    "fixed costs on issue",
                    costs,
                )
            )
        if interest.claimed and interest.basis.value == "late_payment_act" and interest.lines:
            for ln in interest.lines:
                _, fixed_on = reference_rate(ln.start)
                checks.append(
                    (f"interest.{ln.ref}", lookup("base_rates", fixed_on), f"interest on {ln.ref}", ln.amount)
                )
        for path, row, what, amount in checks:
            w = unconfirmed_figure(path, row, what, amount, as_of)
            if w is not None:
                warnings.append(w)
    return CaseFacts(
        case=case,
        as_of=as_of,
        balance=balance,
        interest=interest,
        limitation=lim,
        claim_amount=claim_amount,
        court_fee=fee,
        fixed_costs_on_issue=costs,
        total=total,
        judgments=positions,
        warnings=tuple(warnings),
    )
