"""Case events: each changes the case as a case file would hold it, and says what changed."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from docgen.domain.balance import compute_balance
from docgen.domain.case import load_case
from docgen.domain.events import EVENT_KINDS, apply, changes, parse_event
from docgen.errors import InvalidInput

DATA = Path(__file__).resolve().parents[2] / "data" / "cases"


@pytest.fixture
def case() -> Any:
    return load_case(DATA / "individual-care-charges.json")


def test_a_payment_lowers_the_balance_by_its_amount(case: Any) -> None:
    day = date(2026, 1, 20)
    before = compute_balance(case, day).outstanding
    event = parse_event({"kind": "payment", "date": "2026-01-15", "amount": "50.25", "method": "card"})
    after = apply(case, event)
    assert compute_balance(after, day).outstanding == before - Decimal("50.25")
    assert after.payments[-1].method == "card"
    assert event.summary(case) == "Payment of £50.25 received on 15 January 2026"
    listed = changes(case, after)
    assert listed == [
        {
            "path": f"payments[{len(case.payments)}]",
            "before": None,
            "after": {"date": "2026-01-15", "amount": "50.25", "method": "card"},
        }
    ]


def test_service_records_method_and_address_and_the_claim_number_ends_the_note(case: Any) -> None:
    issued = apply(
        case, parse_event({"kind": "claim_issued", "date": "2026-03-02", "claim_number": "K1QZ23AB"})
    )
    assert issued.last("claim_issued").note.split()[-1] == "K1QZ23AB"
    served = apply(
        issued,
        parse_event(
            {
                "kind": "claim_served",
                "date": "2026-03-03",
                "method": "left_at_address",
                "address": {"lines": ["2 New Road"], "town": "Kingston", "postcode": "kt1 2ab"},
            }
        ),
    )
    entry = served.last("claim_served")
    assert entry.method == "left_at_address" and entry.address is not None
    assert entry.address.postcode == "KT1 2AB"


def test_breathing_space_start_and_end_and_death_change_the_debtor(case: Any) -> None:
    started = apply(case, parse_event({"kind": "breathing_space_start", "date": "2026-02-01"}))
    assert started.primary_debtor.breathing_space.start == date(2026, 2, 1)
    ended = apply(started, parse_event({"kind": "breathing_space_end", "date": "2026-04-01"}))
    assert ended.primary_debtor.breathing_space.end == date(2026, 4, 1)
    with pytest.raises(InvalidInput) as err:
        apply(started, parse_event({"kind": "breathing_space_end", "date": "2026-01-01"}))
    assert err.value.problems[0].path == "date"
    dead = apply(case, parse_event({"kind": "death", "date": "2026-01-02"}))
    assert dead.primary_debtor.deceased_on == date(2026, 1, 2)


def test_vulnerability_and_capacity(case: Any) -> None:
    event = parse_event(
        {
            "kind": "vulnerability",
            "flags": ["mental_health"],
            "notes": "Carer present",
            "lacks_capacity": True,
        }
    )
    after = apply(case, event)
    assert after.primary_debtor.vulnerability.flags == ["mental_health"]
    assert after.primary_debtor.lacks_capacity and after.primary_debtor.protected_party
    assert "lacks capacity" in event.summary(case)
    friend = {
        "name": "Ann Lane",
        "address": {"lines": ["3 Mill Lane"], "postcode": "KT2 5AA"},
        "basis": "deputy",
    }
    with_friend = apply(
        after, parse_event({"kind": "vulnerability", "lacks_capacity": True, "litigation_friend": friend})
    )
    assert with_friend.primary_debtor.litigation_friend.name == "Ann Lane"


def test_a_correction_changes_only_the_named_fields_and_is_checked(case: Any) -> None:
    after = apply(case, parse_event({"kind": "correct_party", "fields": {"family_name": "Rhys-Smith"}}))
    assert after.primary_debtor.family_name == "Rhys-Smith"
    assert after.primary_debtor.given_names == case.primary_debtor.given_names
    assert [c["path"] for c in changes(case, after)] == ["debtors[0].family_name"]
    with pytest.raises(InvalidInput) as err:
        apply(
            case,
            parse_event(
                {"kind": "correct_party", "fields": {"address": {"lines": ["x"], "postcode": "nope"}}}
            ),
        )
    assert err.value.problems[0].path == "debtors[0].address.postcode"
    with pytest.raises(InvalidInput) as err:
        apply(case, parse_event({"kind": "correct_party", "fields": {"debt_type": "council_tax"}}))
    assert err.value.problems[0].path == "fields.debt_type"


def test_insolvency_blocks_claims_until_it_ends(case: Any) -> None:
    from docgen.documents import registry

    event = parse_event({"kind": "insolvency", "date": "2026-01-10", "procedure": "debt_relief_order"})
    after = apply(case, event)
    problems = registry.get("n1").eligibility_of(after, date(2026, 2, 1))
    stop = [p for p in problems if p.code == "insolvency"]
    assert stop and "s.251G" in stop[0].message and stop[0].blocking


def test_bad_events_name_their_fields() -> None:
    with pytest.raises(InvalidInput) as err:
        parse_event({"kind": "payment", "date": "15/01/2026", "amount": "-3"})
    paths = {p.path for p in err.value.problems}
    assert {"date"} <= paths
    with pytest.raises(InvalidInput) as err:
        parse_event({"kind": "party"})
    assert err.value.problems[0].path == "kind"
    with pytest.raises(InvalidInput) as err:
        parse_event({"kind": "payment", "date": "2026-01-01", "amount": "1.00", "colour": "red"})
    assert "colour" in {p.path for p in err.value.problems}
    assert len(EVENT_KINDS) == 15


def test_every_shared_case_takes_an_event_and_loads_again(shared_cases_dir: Path) -> None:
    for path in sorted(shared_cases_dir.glob("*.json")):
        case = load_case(path)
        after = apply(case, parse_event({"kind": "letter_sent", "date": "2026-01-05", "letter": "reminder"}))
        assert len(after.recovery_history) == len(case.recovery_history) + 1
        assert [c["path"] for c in changes(case, after)] == [
            f"recovery_history[{len(case.recovery_history)}]"
        ]
