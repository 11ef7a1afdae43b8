"""Figures for a past date are those then in force: every table the papers read has a row for every
day from 1 January 2022, and no document type fails for want of one."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import pairwise
from pathlib import Path

import pytest

from docgen.documents import registry
from docgen.domain.case import load_case
from docgen.domain.fees import application_fee, enforcement_fee, fixed_costs_on_issue, fixed_costs_on_judgment
from docgen.domain.tables import TableError, lookup, rows, table_names

DATA = Path(__file__).resolve().parents[2] / "data" / "cases"
SINCE = date(2022, 1, 1)


@pytest.mark.parametrize("name", table_names())
def test_every_table_has_a_row_for_every_day_since_2022(name: str) -> None:
    found = rows(name)
    # rows are contiguous from the first one in force on 1 January 2022 to the open-ended last one
    assert found[0].valid_from <= SINCE or name == "base_rates", name
    assert found[-1].valid_to is None, name
    for a, b in pairwise(found):
        assert a.valid_to is not None and a.valid_to + timedelta(days=1) == b.valid_from, (name, a, b)


def test_figures_for_an_earlier_date_are_those_then_in_force() -> None:
    # application on notice: £275 until 30 April 2024, £303 from 1 May 2024, £313 from 8 April 2025
    assert application_fee("on_notice", date(2022, 6, 1)) == 275
    assert application_fee("on_notice", date(2024, 5, 1)) == 303
    assert application_fee("on_notice", date(2025, 4, 8)) == 313
    # fixed costs before and after the October 2023 reforms: the same amounts in both tables
    assert fixed_costs_on_issue(1000, date(2022, 6, 1)) == 70
    assert fixed_costs_on_judgment(6000, "default_of_acknowledgment", date(2022, 6, 1)) == 30
    # unconfirmed rows are marked so: the officer is warned, the paper never prints the note
    assert lookup("enforcement_fees", date(2022, 6, 1)).confidence == "unconfirmed"
    assert enforcement_fee("warrant_of_control", date(2022, 6, 1)) > 0


@pytest.mark.parametrize("on", [date(2022, 1, 4), date(2022, 6, 1), date(2023, 3, 1), date(2024, 6, 3)])
def test_no_document_type_fails_for_want_of_a_table_row(on: date) -> None:
    cases = [load_case(p) for p in sorted(DATA.glob("*.json"))]
    for dt in registry.all_types():
        for case in cases:
            try:
                problems = dt.eligibility_of(case, on, {})
            except TableError as err:  # pragma: no cover - the failure this test exists for
                pytest.fail(f"{dt.id} on {on}: {err}")
            if any(p.blocking for p in problems):
                continue
            try:
                dt.context_of(case, on, {})
            except TableError as err:  # pragma: no cover
                pytest.fail(f"{dt.id} context on {on}: {err}")
            except Exception:  # a paper that needs options it was not given is another matter
                continue
