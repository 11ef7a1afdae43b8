"""The figures and dates a case stands on, to a date: what every document and screen shows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from docgen.domain import calendar
from docgen.domain.balance import Balance, compute_balance
from docgen.domain.case import Case
from docgen.domain.fees import fixed_costs_on_issue, issue_fee
from docgen.domain.interest import InterestResult, compute_interest
from docgen.domain.limitation import Limitation, limitation
from docgen.domain.money import ZERO, fmt_plain


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
        }


def case_facts(case: Case, as_of: date) -> CaseFacts:
    balance = compute_balance(case, as_of)
    interest = compute_interest(case, as_of, balance)
    lim = limitation(case, as_of, balance)
    outstanding = max(balance.outstanding, ZERO)
    claim_amount = outstanding + interest.total + interest.compensation
    fee = issue_fee(claim_amount, as_of) if claim_amount > 0 else ZERO
    # Fixed costs are the legal representative's: a council acting through its own officer claims none.
    costs = fixed_costs_on_issue(claim_amount, as_of) if case.creditor.legal_representative else ZERO
    return CaseFacts(
        case=case,
        as_of=as_of,
        balance=balance,
        interest=interest,
        limitation=lim,
        claim_amount=claim_amount,
        court_fee=fee,
        fixed_costs_on_issue=costs,
        total=claim_amount + fee + costs,
    )
