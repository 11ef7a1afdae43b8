"""Next steps: the dates come from the rules themselves. Every expected date below is worked by
hand from the rule's period (calendar days counted on a wall calendar, business days checked
against the England and Wales bank holidays), not from docgen's calendar functions."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from docgen.documents import registry
from docgen.documents.next_steps import NextSteps, next_steps
from docgen.domain.case import Case, parse_case


def _case(**changes: Any) -> Case:
    data: dict[str, Any] = {
        "schema": "docgen.case/1",
        "case_ref": "T/NEXT/1",
        "debt_type": "sundry",
        "creditor": {
            "name": "Kingston Council",
            "address": {"lines": ["Guildhall"], "town": "Kingston upon Thames", "postcode": "KT1 1EU"},
        },
        "debtors": [
            {
                "kind": "individual",
                "given_names": "Sam",
                "family_name": "Lane",
                "address": {"lines": ["1 High Street"], "town": "Kingston", "postcode": "KT1 1AA"},
            }
        ],
        "invoices": [
            {"number": "INV-1", "issued": "2025-09-01", "due": "2025-10-01", "net": "6200.00"},
        ],
        "officer": {"name": "Olivia Officer", "position": "Recovery officer"},
    }
    data.update(changes)
    return parse_case(data, "test")


def _step(steps: NextSteps, doc_type: str) -> Any:
    return next(s for s in steps.steps if s.doc_type == doc_type)


def test_the_pre_action_reply_period_opens_the_claim() -> None:
    # letter of claim on 5 January 2026: the debtor's 30 days run to 4 February 2026 (the 30th day),
    # so 5 February 2026 is the first day a claim may issue
    case = _case(recovery_history=[{"date": "2026-01-05", "action": "letter_before_claim"}])
    waiting = next_steps(case, date(2026, 2, 4))
    for doc_type in ("n1", "particulars_of_claim"):
        step = _step(waiting, doc_type)
        assert step.status == "waiting" and step.opens_on == date(2026, 2, 5)
        assert [p.code for p in step.periods] == ["pap_period_running"]
    assert waiting.next_step is not None and waiting.next_step.doc_type in ("n1", "particulars_of_claim")
    assert _step(waiting, "letter_before_claim").done_on == date(2026, 1, 5)
    opened = next_steps(case, date(2026, 2, 5))
    assert _step(opened, "n1").status == "possible"


def test_default_judgment_opens_after_deemed_service_and_the_acknowledgment_period() -> None:
    # issued Monday 2 March 2026, posted Tuesday 3 March: deemed served the second business day
    # after, Thursday 5 March (no bank holiday between); 14 days for acknowledgment end on
    # 19 March, so judgment in default may be requested from 20 March
    history = [
        {"date": "2026-01-05", "action": "letter_before_claim"},
        {"date": "2026-03-02", "action": "claim_issued", "note": "claim number K00XX001"},
        {"date": "2026-03-03", "action": "claim_served", "method": "first_class_post"},
    ]
    case = _case(recovery_history=history)
    step = _step(next_steps(case, date(2026, 3, 19)), "n225")
    assert step.status == "waiting" and step.opens_on == date(2026, 3, 20)
    assert "5 March 2026" in step.periods[0].message
    assert _step(next_steps(case, date(2026, 3, 20)), "n225").status == "possible"

    # service acknowledged: 28 days for a defence from 5 March end on 2 April; from 3 April
    acknowledged = _case(
        recovery_history=[*history, {"date": "2026-03-16", "action": "acknowledgment_filed"}]
    )
    step = _step(next_steps(acknowledged, date(2026, 3, 25)), "n225")
    assert step.status == "waiting" and step.opens_on == date(2026, 4, 3)
    # a defence ends the default route altogether
    defended = _case(
        recovery_history=[
            *history,
            {"date": "2026-03-16", "action": "acknowledgment_filed"},
            {"date": "2026-03-30", "action": "defence_filed"},
        ]
    )
    step = _step(next_steps(defended, date(2026, 4, 10)), "n225")
    assert step.status == "blocked" and step.reasons[0].code == "defence_filed"


def test_the_four_month_service_limit_is_the_last_day_to_serve() -> None:
    # issued 2 March 2026: served by 2 July 2026 (CPR 7.5)
    history = [
        {"date": "2026-01-05", "action": "letter_before_claim"},
        {"date": "2026-03-02", "action": "claim_issued"},
    ]
    steps = next_steps(_case(recovery_history=history), date(2026, 3, 10))
    step = _step(steps, "n225")
    assert step.status == "blocked" and step.closes_on == date(2026, 7, 2)
    assert steps.next_step is not None and steps.next_step.doc_type == "n225"
    assert date(2026, 7, 2) in [d.on for d in steps.deadlines]
    late = _step(next_steps(_case(recovery_history=history), date(2026, 7, 3)), "n225")
    assert late.reasons[0].code == "claim_form_expired"


def test_a_statutory_demand_opens_the_petition_21_days_on_and_the_window_closes_at_four_months() -> None:
    # served personally on Monday 2 February 2026 (a business day: deemed served that day); 21 days
    # to comply end on 23 February; a petition from 24 February; after 2 June it needs reasons
    history = [{"date": "2026-02-02", "action": "statutory_demand_served", "method": "personal"}]
    case = _case(recovery_history=history)
    step = _step(next_steps(case, date(2026, 2, 20)), "bankruptcy_petition")
    assert step.status in ("waiting", "blocked") and step.opens_on == date(2026, 2, 24)
    assert "demand_period_running" in [p.code for p in step.periods]
    later = next_steps(case, date(2026, 3, 1))
    petition = _step(later, "bankruptcy_petition")
    assert "demand_period_running" not in [p.code for p in petition.periods]
    assert petition.closes_on == date(2026, 6, 2)
    assert "petition_window" in [d.code for d in later.deadlines]


def test_a_breathing_space_with_an_end_date_is_waited_out() -> None:
    # moratorium 10 January to 10 March 2026 inclusive: steps open on 11 March
    debtor = {
        "kind": "individual",
        "given_names": "Sam",
        "family_name": "Lane",
        "address": {"lines": ["1 High Street"], "town": "Kingston", "postcode": "KT1 1AA"},
        "breathing_space": {"start": "2026-01-10", "end": "2026-03-10"},
    }
    step = _step(next_steps(_case(debtors=[debtor]), date(2026, 2, 1)), "letter_before_claim")
    assert step.status == "waiting" and step.opens_on == date(2026, 3, 11)
    open_ended = {**debtor, "breathing_space": {"start": "2026-01-10"}}
    step = _step(next_steps(_case(debtors=[open_ended]), date(2026, 2, 1)), "letter_before_claim")
    assert step.status == "blocked" and step.opens_on is None


def test_six_years_to_enforce_without_permission_and_limitation() -> None:
    # judgment of 15 March 2020: six years end on 14 March 2026; a warrant after that needs permission
    judgment = {
        "court": "County Court at Kingston",
        "claim_number": "K00XX002",
        "date": "2020-03-15",
        "amount": "6200.00",
    }
    steps = next_steps(_case(judgments=[judgment]), date(2026, 1, 15))
    warrant = _step(steps, "n323")
    assert warrant.closes_on == date(2026, 3, 14)
    assert "permission_window" in [w.code for w in warrant.warnings]
    after = _step(next_steps(_case(judgments=[judgment]), date(2026, 3, 15)), "n323")
    assert "permission_order" in [q.answered_by for q in after.questions]

    # invoice due 1 May 2020, nothing paid: barred from 1 May 2026; a claim by 30 April 2026
    old = [{"number": "OLD-1", "issued": "2020-04-01", "due": "2020-05-01", "net": "700.00"}]
    steps = next_steps(_case(invoices=old), date(2026, 1, 15))
    assert _step(steps, "n1").closes_on == date(2026, 4, 30)
    assert [d.on for d in steps.deadlines if d.code == "limitation_running"] == [date(2026, 4, 30)]


def test_types_that_do_not_fit_the_case_say_so_in_plain_words() -> None:
    steps = next_steps(_case(), date(2026, 1, 15))
    ruled_out = {s.doc_type: s for s in steps.not_for_case}
    assert {"winding_up_petition", "statutory_demand_company"} <= set(ruled_out)
    message = ruled_out["winding_up_petition"].reasons[0].message
    assert "is for companies" in message and "Sam Lane is an individual" in message
    assert "letter_before_claim" in [s.doc_type for s in steps.possible]
    assert steps.next_step is not None and steps.next_step.doc_type == "letter_before_claim"


@pytest.mark.parametrize(
    "history",
    [
        [{"date": "2026-01-05", "action": "letter_before_claim"}],
        [
            {"date": "2026-03-02", "action": "claim_issued"},
            {"date": "2026-03-03", "action": "claim_served", "method": "first_class_post"},
        ],
        [{"date": "2026-02-02", "action": "statutory_demand_served", "method": "first_class_post"}],
    ],
)
def test_every_opening_date_is_the_rule_s_own(history: list[dict[str, str]]) -> None:
    """On the day before a reported opening date the rule still raises the period; on the day itself
    it no longer does: the date is what the rule does, not a second reckoning of it."""
    case = _case(recovery_history=history)
    start = max(date.fromisoformat(h["date"]) for h in history)
    waiting = [s for s in next_steps(case, start).steps if s.periods]
    assert waiting
    for step in waiting:
        dt = registry.get(step.doc_type)
        assert step.opens_on is not None
        codes = {p.code for p in step.periods}
        before = {p.code for p in dt.eligibility_of(case, step.opens_on - timedelta(days=1))}
        on = {p.code for p in dt.eligibility_of(case, step.opens_on)}
        assert codes <= before and not codes & on, step.doc_type
