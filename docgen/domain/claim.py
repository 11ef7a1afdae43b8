"""What a claim may include and when, and the figures of a request for judgment: the arithmetic
the claim papers rest on (docs/LEGAL-RULES.md, Claims).

``coverage(case, on, need_letter=...)``: which invoices a claim on a date may include (due, and for
an individual covered by a letter of claim sent on or after the invoice was issued) and which not.
``earliest_claim_date(letter_date)``: the day after the debtor's 30 days to reply.
``request_for_judgment_figures(...)``: the N225 sums.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from docgen.domain.case import Case, HistoryEntry, Invoice
from docgen.domain.facts import CaseFacts, case_facts
from docgen.domain.fees import JudgmentKind, fixed_costs_on_judgment
from docgen.domain.money import ZERO
from docgen.domain.moratorium import excluded_days, moratoria
from docgen.domain.thresholds import period


def pap_applies(case: Case) -> bool:
    """The Pre-Action Protocol for Debt Claims: a business claiming from an individual (para 2)."""
    return any(not d.is_company for d in case.debtors)


def letters_by(case: Case, on: date) -> list[HistoryEntry]:
    """The letters of claim recorded by ``on``, oldest first."""
    return [h for h in case.history("letter_before_claim") if h.date <= on]


@dataclass(frozen=True)
class Coverage:
    """The invoices a claim on ``on`` may include, and those it may not yet."""

    not_due: tuple[Invoice, ...]  # not yet overdue on the claim date
    not_covered: tuple[Invoice, ...]  # no letter of claim sent on or after the invoice was issued
    letters: tuple[HistoryEntry, ...]  # the letters covering the invoices that may be claimed

    @property
    def left_out(self) -> set[str]:
        return {i.number for i in (*self.not_due, *self.not_covered)}


def _letters(case: Case, on: date) -> list[HistoryEntry]:
    return [h for h in case.history("letter_before_claim") if h.date <= on]


def covering_letter(case: Case, invoice: Invoice, on: date) -> HistoryEntry | None:
    """The first letter of claim sent on or after the invoice was issued (by ``on``)."""
    return next((h for h in letters_by(case, on) if h.date >= invoice.issued), None)


def coverage(case: Case, on: date, *, need_letter: bool, facts: CaseFacts | None = None) -> Coverage:
    """Which invoices of ``case`` a claim on ``on`` may include (``facts``: the case's facts on ``on``,
    when already worked out)."""
    facts = facts if facts is not None else case_facts(case, on)
    owing = {line.ref for line in facts.balance.open_lines if line.kind == "invoice"}
    invoices = [inv for inv in case.invoices if inv.number in owing]
    # the debtor has the whole of the due date to pay: an invoice may be claimed from the day after
    not_due = tuple(inv for inv in invoices if inv.due >= on)
    not_covered: list[Invoice] = []
    letters: list[HistoryEntry] = []
    if need_letter and letters_by(case, on):
        for inv in invoices:
            if inv in not_due:
                continue
            letter = covering_letter(case, inv, on)
            if letter is None:
                not_covered.append(inv)
            elif letter not in letters:
                letters.append(letter)
    return Coverage(not_due, tuple(not_covered), tuple(letters))


def earliest_claim_date(letter_date: date) -> date:
    """The debtor has 30 days from the date of the letter to reply; the claim may be issued on the
    day after the 30th day (PAP for Debt Claims para 3.1 and Annex 1)."""
    return letter_date + timedelta(days=period("pap_reply_days", letter_date) + 1)


@dataclass(frozen=True)
class JudgmentFigures:
    claim_date: date
    amount_of_claim: Decimal  # as on the claim form: debt and interest to issue
    interest_since: Decimal
    interest_days: int  # days since the claim that carry interest (Breathing Space days left out)
    moratorium_days: int
    daily_rate: Decimal  # the daily rate stated in the particulars
    court_fee: Decimal
    legal_costs: Decimal
    judgment_costs: Decimal
    subtotal: Decimal
    paid_since: Decimal
    payable: Decimal

    @property
    def subtotal_before_judgment_costs(self) -> Decimal:
        return self.amount_of_claim + self.interest_since + self.court_fee + self.legal_costs


def request_for_judgment_figures(
    case: Case, claimed: Case, issued_on: date, as_of: date, kind: JudgmentKind
) -> JudgmentFigures:
    """The N225 figures: the claim form's own figures at issue (worked from ``claimed``, the case as
    the claim was made), interest since at the daily rate the particulars stated (Breathing Space
    days left out), fixed costs on judgment where a legal representative acts, less payments since
    issue."""
    at_issue = case_facts(claimed, issued_on)
    amount = at_issue.claim_amount
    skipped = excluded_days(issued_on, as_of, moratoria(case))
    days = max(0, (as_of - issued_on).days - skipped)
    rate = at_issue.interest.daily_rate if at_issue.interest.claimed else ZERO
    since = rate * days
    represented = case.creditor.legal_representative is not None
    costs = fixed_costs_on_judgment(amount, kind, as_of) if represented else ZERO
    paid = sum((p.amount for p in case.payments if issued_on < p.date <= as_of), ZERO)
    subtotal = amount + since + at_issue.court_fee + at_issue.fixed_costs_on_issue + costs
    return JudgmentFigures(
        claim_date=issued_on,
        amount_of_claim=amount,
        interest_since=since,
        interest_days=days,
        moratorium_days=skipped,
        daily_rate=rate,
        court_fee=at_issue.court_fee,
        legal_costs=at_issue.fixed_costs_on_issue,
        judgment_costs=costs,
        subtotal=subtotal,
        paid_since=paid,
        payable=subtotal - paid,
    )
