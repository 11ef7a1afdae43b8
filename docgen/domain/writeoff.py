"""Write-off arithmetic and rules: whether the case supports a reason, the schedule of a batch with
each account's authority level and bad-debt provision, and the recovery taken, counted from the
cases' own histories.

A reason is accepted only when the case holds what it rests on (a recorded insolvency, a date of
death, trace attempts that found no one, a limitation period run out, a recorded vulnerability),
and the records it rests on are named so that the report can print them as the evidence.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from docgen.domain.balance import Balance, compute_balance
from docgen.domain.case import Case
from docgen.domain.facts import case_facts
from docgen.domain.limitation import limitation
from docgen.domain.money import ZERO, fmt_gbp, money
from docgen.domain.writeoff_policy import Policy
from docgen.errors import InvalidInput, Problem

DEBT_TYPE_LABELS = {
    "sundry": "Sundry debt",
    "adult_social_care": "Adult social care",
    "council_tax": "Council tax",
    "business_rates": "Business rates",
    "hb_overpayment": "Housing benefit overpayment",
    "commercial_rent": "Commercial rent",
}

#: recovery steps as a report names them, in the order a recovery usually runs
RECOVERY_STEPS: tuple[tuple[str, str], ...] = (
    ("reminder", "Reminder"),
    ("final_notice", "Final notice"),
    ("letter_before_claim", "Letter before claim"),
    ("payment_plan", "Payment plan agreed"),
    ("broken_plan", "Payment plan broken"),
    ("visit", "Visit"),
    ("tracing", "Tracing"),
    ("enforcement_agent", "Enforcement agent"),
    ("claim_issued", "County Court claim issued"),
    ("judgment", "Judgment"),
    ("charging_order", "Charging order"),
    ("attachment_of_earnings", "Attachment of earnings"),
    ("warrant_of_control", "Warrant of control"),
    ("statutory_demand_served", "Statutory demand served"),
    ("petition_presented", "Petition presented"),
    ("proof_of_debt_lodged", "Proof of debt lodged"),
)
_STEP_LABELS = dict(RECOVERY_STEPS)
#: insolvency proceedings (``Case.insolvency``) an insolvency write-off rests on, and the arrangements
INSOLVENCY_ORDERS = (
    "bankruptcy_order",
    "winding_up_order",
    "administration",
    "creditors_voluntary_liquidation",
)
ARRANGEMENTS = ("debt_relief_order", "individual_voluntary_arrangement", "company_voluntary_arrangement")
PROCEEDING_WORDS = {
    "bankruptcy_order": "Bankruptcy order",
    "winding_up_order": "Winding-up order",
    "administration": "Administration",
    "creditors_voluntary_liquidation": "Creditors' voluntary liquidation",
    "debt_relief_order": "Debt Relief Order",
    "individual_voluntary_arrangement": "Individual voluntary arrangement",
    "company_voluntary_arrangement": "Company voluntary arrangement",
}


def debt_type_label(debt_type: Any) -> str:
    value = getattr(debt_type, "value", str(debt_type))
    return DEBT_TYPE_LABELS.get(value, value)


def financial_year(day: date) -> str:
    """UK local-government financial year (April to March), e.g. 2019/20."""
    start = day.year if day.month >= 4 else day.year - 1
    return f"{start}/{(start + 1) % 100:02d}"


def earliest_open_year(balance: Balance) -> str:
    open_lines = balance.open_lines
    return financial_year(min(line.issued for line in open_lines)) if open_lines else ""


def provision_held(balance: Balance, policy: Policy, as_of: date) -> Decimal:
    """The bad-debt provision held against the open lines, at the policy's rate for each line's age."""
    return sum(
        (
            money(line.outstanding * policy.provision_rate(line.days_overdue(as_of)) / 100)
            for line in balance.open_lines
        ),
        ZERO,
    )


# -- does the case support the reason? -------------------------------------------------------


@dataclass(frozen=True)
class ReasonSupport:
    """What the case records for a reason: ``problems`` (blocking: the reason is not supported, or
    warnings), and ``evidence``, the records it rests on in plain English."""

    problems: tuple[Problem, ...] = ()
    evidence: tuple[str, ...] = ()

    @property
    def supported(self) -> bool:
        return not any(p.blocking for p in self.problems)


def _on(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _history(case: Case, action: str, as_of: date) -> list[Any]:
    return [h for h in case.history(action) if h.date <= as_of]


def _proceedings(case: Case, as_of: date) -> list[Any]:
    return sorted((p for p in case.insolvency if p.date <= as_of), key=lambda p: p.date)


def _proceeding_words(p: Any) -> str:
    words = f"{PROCEEDING_WORDS[p.kind]} on {_on(p.date)}"
    details = ", ".join(x for x in (p.court, p.reference) if x)
    return words + (f" ({details})" if details else "")


def _entry_words(h: Any, what: str) -> str:
    return f"{what} recorded on {_on(h.date)}" + (f" ({h.note})" if h.note else "")


def reason_support(case: Case, reason: str, as_of: date, balance: Balance | None = None) -> ReasonSupport:
    """Whether the case supports writing the debt off for ``reason`` on ``as_of``."""
    debtor = case.primary_debtor
    problems: list[Problem] = []
    evidence: list[str] = []

    def refuse(path: str, message: str) -> None:
        problems.append(Problem(path, message, "reason_unsupported"))

    if reason == "deceased_no_estate":
        if debtor.deceased_on is None or debtor.deceased_on > as_of:
            refuse(
                "debtors[0].deceased_on",
                "the reason is that the debtor died with no estate, but the case records no date of "
                "death: record the date of death first",
            )
        else:
            evidence.append(f"Date of death: {_on(debtor.deceased_on)}")
            evidence += [_entry_words(h, "Estate enquiry") for h in _history(case, "tracing", as_of)]
    elif reason == "absconded_untraceable":
        attempts = sorted((t for t in case.trace_attempts if t.date <= as_of), key=lambda t: t.date)
        legacy = _history(case, "tracing", as_of)
        traced = [t for t in attempts if t.outcome == "traced"]
        if not attempts and not legacy:
            refuse(
                "trace_attempts",
                "the reason is that the debtor cannot be traced, but no trace attempt is recorded: "
                "record the searches made (date, source, by whom, outcome)",
            )
        elif traced and all(t.date <= traced[-1].date for t in attempts):
            refuse(
                "trace_attempts",
                f"the latest trace attempt ({traced[-1].method}, {_on(traced[-1].date)}) found the "
                "debtor: the debtor is not untraceable",
            )
        for t in attempts:
            who = f" by {t.by}" if t.by else ""
            result = "debtor not found" if t.outcome == "not_traced" else "debtor found"
            evidence.append(f"Trace attempt on {_on(t.date)}: {t.method}{who}, {result}")
        evidence += [_entry_words(h, "Tracing") for h in legacy]
    elif reason == "insolvency_proof_lodged":
        orders = [p for p in _proceedings(case, as_of) if p.kind in INSOLVENCY_ORDERS]
        proofs = _history(case, "proof_of_debt_lodged", as_of)
        if not orders:
            refuse(
                "insolvency",
                "the reason is the debtor's bankruptcy or liquidation, but no bankruptcy order, "
                "winding-up order, liquidation or administration is recorded: record it first",
            )
        if not proofs:
            refuse(
                "recovery_history",
                "the reason rests on a proof of debt lodged in the insolvency, and none is recorded: "
                "record the date the proof of debt was lodged",
            )
        evidence += [_proceeding_words(p) for p in orders]
        evidence += [_entry_words(h, "Proof of debt lodged") for h in proofs]
        dividends = _history(case, "dividend_declared", as_of)
        evidence += [_entry_words(h, "Dividend declared") for h in dividends]
        if orders and proofs and not dividends:
            problems.append(
                Problem(
                    "recovery_history",
                    "no nil or final dividend is recorded: the policy writes off an insolvency debt "
                    "once the dividend is known",
                    "no_dividend_recorded",
                    blocking=False,
                )
            )
    elif reason == "dro_iva":
        arrangements = [p for p in _proceedings(case, as_of) if p.kind in ARRANGEMENTS]
        if not arrangements:
            refuse(
                "insolvency",
                "the reason is a Debt Relief Order or a voluntary arrangement, and neither is recorded: "
                "record it first",
            )
        evidence += [_proceeding_words(p) for p in arrangements]
    elif reason == "statute_barred":
        lim = limitation(case, as_of, balance or compute_balance(case, as_of))
        if not lim.statute_barred:
            refuse(
                "options.reason",
                "the reason is that the debt is statute-barred, but the limitation period has not run "
                "out for the whole of the debt on this date",
            )
        elif lim.expires_on is not None:
            evidence.append(f"Limitation period ran out on {_on(lim.expires_on)} ({lim.years} years)")
    elif reason == "vulnerability_hardship":
        flags = [f.replace("_", " ") for f in debtor.vulnerability.flags]
        if not flags:
            refuse(
                "debtors[0].vulnerability",
                "the reason is the debtor's vulnerability or hardship, but no vulnerability is "
                "recorded: record it and the assessment made under the corporate debt policy",
            )
        else:
            evidence.append(
                "Vulnerability recorded: "
                + ", ".join(flags)
                + (f" ({debtor.vulnerability.notes})" if debtor.vulnerability.notes else "")
            )
    return ReasonSupport(tuple(problems), tuple(evidence))


# -- a batch ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BatchItem:
    case: Case
    reason: str
    evidence: str = ""


@dataclass(frozen=True)
class ScheduleRow:
    case_ref: str
    debtor_name: str
    debt_type: str
    reason_code: str
    reason_title: str
    year: str
    level_code: str
    level_title: str
    amount: Decimal
    vat: Decimal
    provision: Decimal
    committee: bool
    billed: Decimal = ZERO
    evidence: tuple[str, ...] = ()


@dataclass
class Schedule:
    policy: Policy
    as_of: date
    rows: list[ScheduleRow] = field(default_factory=list)
    items: list[BatchItem] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((r.amount for r in self.rows), ZERO)

    def delegated(self) -> list[ScheduleRow]:
        return [r for r in self.rows if not r.committee]

    def committee(self) -> list[ScheduleRow]:
        return [r for r in self.rows if r.committee]

    def cases(self, rows: Iterable[ScheduleRow]) -> list[Case]:
        wanted = {r.case_ref for r in rows}
        return [i.case for i in self.items if i.case.case_ref in wanted]


def build_schedule(items: Sequence[BatchItem], as_of: date, policy: Policy) -> Schedule:
    """Every case's outstanding balance, reason, financial year, authority level and provision held.
    A reason the policy does not know or the case does not support, or nothing outstanding, is
    reported for every case at once, naming the case."""
    schedule = Schedule(policy=policy, as_of=as_of, items=list(items))
    problems: list[Problem] = []
    for n, item in enumerate(items):
        facts = case_facts(item.case, as_of)
        balance, outstanding = facts.balance, facts.outstanding
        path = f"cases[{n}] {item.case.case_ref}"
        try:
            reason = policy.reason(item.reason)
        except InvalidInput:
            known = ", ".join(r.code for r in policy.reasons)
            problems.append(
                Problem(
                    path,
                    f"{item.reason!r} is not a write-off reason in the {policy.council} policy "
                    f"(its reasons: {known})",
                    "unknown_reason",
                )
            )
            continue
        if outstanding <= 0:
            problems.append(Problem(path, "nothing is outstanding to write off", "nothing_outstanding"))
            continue
        support = reason_support(item.case, reason.code, as_of, balance)
        problems += [Problem(path, p.message, p.code, blocking=True) for p in support.problems if p.blocking]
        if not support.supported:
            continue
        level = policy.level_for(outstanding)
        schedule.rows.append(
            ScheduleRow(
                case_ref=item.case.case_ref,
                debtor_name=item.case.primary_debtor.display_name,
                debt_type=debt_type_label(item.case.debt_type),
                reason_code=reason.code,
                reason_title=reason.title,
                year=earliest_open_year(balance),
                level_code=level.code,
                level_title=level.title,
                amount=outstanding,
                vat=balance.vat_outstanding,
                provision=provision_held(balance, policy, as_of),
                committee=policy.needs_committee(outstanding),
                billed=balance.debits,
                evidence=support.evidence,
            )
        )
    if problems:
        raise InvalidInput("the write-off batch has cases that cannot be scheduled", problems)
    schedule.rows.sort(key=lambda r: (r.amount, r.case_ref))
    return schedule


def totals(rows: Iterable[ScheduleRow], key: str) -> list[dict[str, Any]]:
    """Count, total and share of the amounts billed, grouped by ``key``."""
    groups: dict[str, list[ScheduleRow]] = defaultdict(list)
    for row in rows:
        groups[str(getattr(row, key))].append(row)
    out = []
    for label, group in sorted(groups.items()):
        total = sum((r.amount for r in group), ZERO)
        billed = sum((r.billed for r in group), ZERO)
        out.append(
            {
                "label": label,
                "count": len(group),
                "total": total,
                "billed": billed,
                "percent_of_billed": percent(total, billed),
            }
        )
    return out


def percent(part: Decimal, whole: Decimal) -> str:
    """A share as a report prints it: one decimal place, "n/a" of nothing."""
    if whole <= 0:
        return "n/a"
    return f"{(part * 100 / whole).quantize(Decimal('0.1'))}%"


@dataclass(frozen=True)
class RecoveryStep:
    label: str
    accounts: int
    of: int

    @property
    def words(self) -> str:
        return f"{self.label}: {self.accounts} of {self.of} account{'s' if self.of != 1 else ''}"


def recovery_taken(cases: Sequence[Case], as_of: date) -> tuple[list[RecoveryStep], list[str]]:
    """For each recovery step, how many of the accounts had it by ``as_of`` (in the usual order), and
    the accounts with no step beyond a letter or notice."""
    steps = []
    for action, label in RECOVERY_STEPS:
        count = sum(1 for c in cases if any(h.date <= as_of for h in c.history(action)))
        if count:
            steps.append(RecoveryStep(label, count, len(cases)))
    letters = {"reminder", "final_notice", "letter_before_claim"}
    light = [
        c.case_ref
        for c in cases
        if {h.action for h in c.recovery_history if h.date <= as_of} <= letters
        and not any(t.date <= as_of for t in c.trace_attempts)
    ]
    return steps, light


def amount_words(amount: Decimal) -> str:
    return fmt_gbp(amount)
