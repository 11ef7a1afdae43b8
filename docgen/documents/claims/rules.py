"""The law a claim paper must satisfy before it can be made, as eligibility rules with stable codes.

Each rule is described, with its source, in docs/LEGAL-RULES.md (Claims). Messages are plain English
for the officer; the command-line way to act on one is in ``hint``.
"""

from __future__ import annotations

import weakref
from datetime import date, timedelta

from docgen.documents import rules
from docgen.documents.base import DocumentRequest, OptionSpec
from docgen.domain import calendar
from docgen.domain.case import Case, HistoryEntry
from docgen.domain.claim import (
    coverage,
    earliest_claim_date,
    letters_by,
    pap_applies,
)
from docgen.domain.facts import CaseFacts, case_facts
from docgen.domain.thresholds import period
from docgen.errors import Problem

ONLY_COVERED = "only_covered_invoices"
FRIEND_TO_BE_APPOINTED = "litigation_friend_to_be_appointed"
EXTENDED_TO = "service_extended_to"

ONLY_COVERED_OPTION = OptionSpec(
    ONLY_COVERED,
    "Leave out the invoices that cannot be claimed yet",
    "yes_no",
    help="Claims only the invoices that are due and that a letter of claim covers; the others are left "
    "out of every figure.",
)
FRIEND_OPTION = OptionSpec(
    FRIEND_TO_BE_APPOINTED,
    "The council will ask the court to appoint a litigation friend",
    "yes_no",
    help="For a defendant who lacks capacity and has no litigation friend: the claim may be issued, and "
    "the council then applies to the court to appoint one (CPR 21.3(2) and 21.6).",
)
EXTENSION_OPTION = OptionSpec(
    EXTENDED_TO,
    "Date the court extended the time for serving the claim form to",
    "date",
    help="Only where the court made an order under CPR 7.6.",
)


def _d(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _names(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


# -- which invoices a claim may include -------------------------------------------------------


_CLAIM_CASES: weakref.WeakKeyDictionary[DocumentRequest, dict[bool, tuple[Case, CaseFacts]]] = (
    weakref.WeakKeyDictionary()
)


def claim_case(req: DocumentRequest, *, letter: bool = False) -> Case:
    return _claim(req, letter)[0]


def claim_facts(req: DocumentRequest, *, letter: bool = False) -> CaseFacts:
    """The facts of the claim (or, with ``letter``, of the letter of claim): the request's own facts,
    or, when the officer chose to leave out the invoices that cannot be claimed yet, the facts of the
    case without them, worked out once per request."""
    return _claim(req, letter)[1]


def _claim(req: DocumentRequest, letter: bool) -> tuple[Case, CaseFacts]:
    if not req.flag(ONLY_COVERED):
        return req.case, req.facts
    cached = _CLAIM_CASES.setdefault(req, {})
    if letter not in cached:
        cov = coverage(req.case, req.as_of, need_letter=not letter and pap_applies(req.case), facts=req.facts)
        keep = [inv for inv in req.case.invoices if inv.number not in cov.left_out]
        case = req.case.model_copy(update={"invoices": keep})
        cached[letter] = (case, case_facts(case, req.as_of))
    return cached[letter]


def covering_letters(req: DocumentRequest) -> list[HistoryEntry]:
    """The letters of claim that cover the invoices claimed, oldest first."""
    cov = coverage(claim_case(req), req.as_of, need_letter=True, facts=claim_facts(req))
    return sorted(cov.letters, key=lambda h: h.date)


def invoice_problems(req: DocumentRequest, what: str = "A claim", *, letter: bool = False) -> list[Problem]:
    """Invoices not yet due on the claim date, or issued after the letter of claim, cannot be claimed
    (a letter of claim may not demand an invoice before it is due). Each is named; the officer may
    choose to leave them out."""
    case, on = req.case, req.as_of
    cov = coverage(case, on, need_letter=not letter and pap_applies(case), facts=req.facts)
    if not cov.left_out:
        return []
    if req.flag(ONLY_COVERED):
        left = sorted(cov.left_out)
        return [
            Problem(
                "invoices",
                f"{what} leaves out invoice{'s' if len(left) > 1 else ''} {_names(left)}, which cannot "
                "be claimed yet.",
                code="invoices_left_out",
                blocking=False,
            )
        ]
    out = []
    hint = f"--option {ONLY_COVERED}=yes"
    if cov.not_due:
        names = [f"{i.number} (due {_d(i.due)})" for i in cov.not_due]
        out.append(
            Problem(
                "invoices",
                f"{what} cannot include invoice{'s' if len(names) > 1 else ''} {_names(names)}: "
                f"{'they are' if len(names) > 1 else 'it is'} not overdue on {_d(on)}. The debtor has "
                "until the end of the due date to pay. Claim only the other invoices, or wait.",
                code="invoice_not_due",
                hint=hint,
                option=ONLY_COVERED,
                opens_on=max(i.due for i in cov.not_due) + timedelta(days=1),
            )
        )
    if cov.not_covered:
        last = letters_by(case, on)[-1]
        names = [f"{i.number} (issued {_d(i.issued)})" for i in cov.not_covered]
        out.append(
            Problem(
                "invoices",
                f"{what} cannot include invoice{'s' if len(names) > 1 else ''} {_names(names)}: "
                f"the letter of claim of {_d(last.date)} was sent before "
                f"{'they were' if len(names) > 1 else 'it was'} issued, so it does not cover "
                f"{'them' if len(names) > 1 else 'it'}. Send a letter of claim for "
                f"{'them' if len(names) > 1 else 'it'}, or claim only the other invoices.",
                code="invoice_not_covered",
                hint=hint,
                option=ONLY_COVERED,
            )
        )
    return out


# -- the Pre-Action Protocol reply period -----------------------------------------------------


def pap_wait(req: DocumentRequest) -> list[Problem]:
    case, on = req.case, req.as_of
    if not pap_applies(case):
        letter = case.last("letter_before_claim")
        if letter is None or letter.date > on:
            return [
                Problem(
                    "recovery_history",
                    "No letter before claim is recorded. The Practice Direction on Pre-Action Conduct "
                    "expects one before a claim against a company; the court may penalise the council in "
                    "costs without it.",
                    code="no_letter_before_action",
                    blocking=False,
                )
            ]
        return []
    letters = letters_by(case, on)
    if not letters:
        return [
            Problem(
                "recovery_history",
                "No letter of claim is recorded. The Pre-Action Protocol for Debt Claims applies to a "
                "claim against an individual: send one, and wait for the 30-day reply period to run.",
                code="no_letter_of_claim",
            )
        ]
    used = covering_letters(req) or [letters[-1]]
    letter = max(used, key=lambda h: h.date)
    ready = earliest_claim_date(letter.date)
    reason = f"the debtor has 30 days from the letter of claim of {_d(letter.date)} to reply"
    reply = case.last("reply_form_received")
    if reply is not None and letter.date <= reply.date <= on:
        after = reply.date + timedelta(days=period("pap_wait_after_reply_days", reply.date) + 1)
        if after > ready:
            ready = after
            reason = (
                f"a Reply Form was received on {_d(reply.date)}, and the council must then wait 30 days more"
            )
    if on < ready:
        return [
            Problem(
                "recovery_history",
                f"A claim may not be issued before {_d(ready)}: {reason} (Pre-Action Protocol for Debt "
                "Claims).",
                code="pap_period_running",
                opens_on=ready,
            )
        ]
    return []


# -- capacity ---------------------------------------------------------------------------------


def capacity(req: DocumentRequest, step: str) -> list[Problem]:
    """CPR 21: a protected party (a debtor recorded as lacking capacity) acts through a litigation
    friend. ``step``: "letter", "issue" (N1, particulars), "bulk", "service" (N215) or "judgment"
    (N225). Acknowledging vulnerability never unlocks any of these."""
    out = []
    for i, d in enumerate(req.case.debtors):
        if not d.protected_party:
            continue
        friend = d.litigation_friend
        path = f"debtors[{i}].litigation_friend"
        name = d.display_name
        if step == "judgment":
            out.append(
                Problem(
                    path,
                    f"{name} is recorded as lacking capacity. Judgment in default cannot be requested "
                    "against a protected party: the council must apply to the court for judgment (CPR "
                    "12.10 and Part 23), and no judgment may be entered until a litigation friend acts.",
                    code="protected_party_judgment",
                )
            )
        elif step == "bulk":
            out.append(
                Problem(
                    path,
                    f"{name} is recorded as lacking capacity: a claim against a protected party cannot "
                    "go through the bulk claim service. Issue it on paper with a litigation friend.",
                    code="protected_party_bulk",
                )
            )
        elif friend is None and step == "letter":
            out.append(
                Problem(
                    path,
                    f"{name} is recorded as lacking capacity, and no one who deals with their affairs "
                    "(a deputy, an attorney or a litigation friend) is recorded. Send the letter to that "
                    "person as well, once known.",
                    code="protected_party_no_friend",
                    blocking=False,
                )
            )
        elif friend is None and step == "issue" and req.flag(FRIEND_TO_BE_APPOINTED):
            out.append(
                Problem(
                    path,
                    f"{name} is recorded as lacking capacity and has no litigation friend. The claim may "
                    "be issued and served, but no other step has any effect until the court appoints "
                    "one: apply for that as soon as the claim is issued (CPR 21.3 and 21.6).",
                    code="litigation_friend_to_be_appointed",
                    blocking=False,
                )
            )
        elif friend is None:
            out.append(
                Problem(
                    path,
                    f"{name} is recorded as lacking capacity and no litigation friend is recorded. A step "
                    "taken against a protected party without one has no effect (CPR 21.3(4)). Record the "
                    "litigation friend"
                    + (
                        ", or confirm that the council will ask the court to appoint one."
                        if step == "issue"
                        else "."
                    ),
                    code="protected_party_no_friend",
                    hint=f"--option {FRIEND_TO_BE_APPOINTED}=yes" if step == "issue" else "",
                    option=FRIEND_TO_BE_APPOINTED if step == "issue" else "",
                )
            )
    return out


# -- service of the claim form ----------------------------------------------------------------


def service_problems(req: DocumentRequest, served_on: date) -> list[Problem]:
    """CPR 7.5 (the step to serve taken by midnight on the calendar day four months after issue,
    unless extended under CPR 7.6), and Breathing Space (no step in proceedings during a
    moratorium)."""
    case = req.case
    out: list[Problem] = []
    issued = case.last("claim_issued")
    if issued is not None:
        deadline = calendar.claim_form_service_deadline(issued.date)
        extended = req.option(EXTENDED_TO).strip()
        if extended:
            deadline = max(deadline, date.fromisoformat(extended))
        if served_on > deadline:
            out.append(
                Problem(
                    "recovery_history",
                    f"The claim form was served on {_d(served_on)}, after {_d(deadline)}, the last day for "
                    f"serving a claim form issued on {_d(issued.date)} (CPR 7.5). Service that late is "
                    "not good service without an order extending the time (CPR 7.6).",
                    code="served_too_late",
                    hint=f"--option {EXTENDED_TO}=<date in the court's order>",
                    option=EXTENDED_TO,
                )
            )
    for i, d in enumerate(case.debtors):
        bs = d.breathing_space
        if bs is not None and bs.active_on(served_on):
            out.append(
                Problem(
                    f"debtors[{i}].breathing_space",
                    f"The claim form was served on {_d(served_on)}, during {d.display_name}'s Breathing "
                    f"Space moratorium (from {_d(bs.start)}). No step may be taken in proceedings while a "
                    "moratorium lasts, so that service has no effect: serve again after it ends.",
                    code="served_in_moratorium",
                )
            )
    return out


def nothing_to_claim(facts: CaseFacts) -> list[Problem]:
    if facts.balance.outstanding <= 0:
        return [Problem("balance", "Nothing is owed on the invoices claimed.", code="nothing_owed")]
    return []


def already_decided(case: Case, on: date) -> list[Problem]:
    """A debt with a judgment or a liability order is enforced, not claimed again."""
    out = []
    judgments = [j for j in case.judgments if j.date <= on]
    if judgments:
        j = judgments[-1]
        out.append(
            Problem(
                "judgments",
                f"Judgment was entered on {_d(j.date)} in claim {j.claim_number}: the debt is now the "
                "judgment debt. Enforce the judgment (charging order, attachment of earnings, warrant of "
                "control) rather than claim again.",
                code="judgment_entered",
            )
        )
    if case.liability_orders and case.debt_type.value in ("council_tax", "business_rates"):
        out.append(
            Problem(
                "liability_orders",
                "The debt is secured by liability orders: recover it under the Council Tax or Non-Domestic "
                "Rating enforcement regulations, not by a County Court claim.",
                code="liability_orders",
            )
        )
    return out


def claim_blocks(req: DocumentRequest, step: str = "issue") -> list[Problem]:
    """What every claim (N1, particulars, the claim as one PDF, a bulk claim) must pass; while nothing
    blocks it, the last day a claim can be issued inside the limitation period."""
    out = [
        *rules.standard(req),
        *already_decided(req.case, req.as_of),
        *invoice_problems(req),
        *nothing_to_claim(claim_facts(req)),
        *capacity(req, step),
    ]
    if not any(p.blocking for p in out):
        out += rules.limitation_running(req)
    return out
