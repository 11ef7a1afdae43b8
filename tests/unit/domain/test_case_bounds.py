"""Case data is bounded: amounts under £1 billion, plausible dates, short texts and lists, and JSON
that cannot cost memory or a traceback however it is written. Each refusal names the field."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from typing import Any

import pytest

from docgen.domain import case as case_model
from docgen.domain.case import parse_case, parse_case_json
from docgen.errors import InvalidInput


def _refused(data: dict[str, Any] | str) -> dict[str, str]:
    text = data if isinstance(data, str) else json.dumps(data)
    with pytest.raises(InvalidInput) as exc:
        parse_case_json(text)
    assert exc.value.exit_code == 2
    return {p.path: p.message for p in exc.value.problems} or {"": exc.value.message}


def test_amounts_of_a_billion_or_more_are_refused(judgment_case_data: dict) -> None:
    for amount in ("1e26", "1000000000", "-1000000000.00"):
        data = copy.deepcopy(judgment_case_data)
        data["invoices"][0]["net"] = amount
        assert "under £1,000,000,000" in _refused(data)["invoices[0].net"]
    data = copy.deepcopy(judgment_case_data)
    data["invoices"][0]["net"] = "999999999.99"
    assert parse_case(data).invoices[0].net == Decimal("999999999.99")


def test_implausible_dates_are_refused_with_their_field(judgment_case_data: dict) -> None:
    data = copy.deepcopy(judgment_case_data)
    data["invoices"][0]["issued"] = "1899-12-31"
    data["invoices"][0]["due"] = "9999-12-31"
    data["judgments"][0]["date"] = "2100-01-01"
    problems = _refused(data)
    for path in ("invoices[0].issued", "invoices[0].due", "judgments[0].date"):
        assert "not a plausible date" in problems[path], path


def test_lists_and_texts_have_limits(judgment_case_data: dict) -> None:
    data = copy.deepcopy(judgment_case_data)
    data["invoices"] = data["invoices"] * 251
    data["notes"] = "n" * 2001
    data["debtors"][0]["address"]["lines"] = ["a line"] * 9
    data["creditor"]["contact"]["name"] = "c" * 501
    problems = _refused(data)
    assert problems["invoices"] == "more than 250 entries (251)"
    assert problems["notes"] == "longer than 2,000 characters (2,001)"
    assert problems["debtors[0].address.lines"] == "more than 8 entries (9)"
    assert problems["creditor.contact.name"] == "longer than 500 characters (501)"


def test_a_creditor_name_over_255_characters_is_accepted(judgment_case_data: dict) -> None:
    # Word's document properties hold 255 characters; the paper itself takes the whole name
    judgment_case_data["creditor"]["name"] = "The Mayor and Burgesses of " + "K" * 300
    assert len(parse_case(judgment_case_data).creditor.name) > 255


def test_control_characters_and_lone_surrogates_are_refused(judgment_case_data: dict) -> None:
    data = copy.deepcopy(judgment_case_data)
    data["notes"] = "before\x00after"
    assert "control characters" in _refused(data)["notes"]
    text = json.dumps(judgment_case_data).replace('"notes": "', '"notes": "\\ud800', 1)
    assert any(path.endswith("notes") for path in _refused(text))


@pytest.mark.parametrize(
    ("replacement", "expected"),
    [
        ("1e308", "under £1,000,000,000"),  # read exactly as a Decimal, then refused as an amount
        ("1" * 5000, "longer than 40 characters"),  # past the interpreter's int digit limit
        ("NaN", "not a JSON number"),
        ("-Infinity", "not a JSON number"),
    ],
)
def test_numbers_that_break_parsers_are_problems(
    judgment_case_data: dict, replacement: str, expected: str
) -> None:
    net = judgment_case_data["invoices"][0]["net"]
    text = json.dumps(judgment_case_data).replace(f'"{net}"', replacement, 1)
    problems = _refused(text)
    assert any(expected in m for m in problems.values()), problems


def test_a_bare_decimal_number_is_read_exactly(judgment_case_data: dict) -> None:
    net = judgment_case_data["invoices"][0]["net"]
    text = json.dumps(judgment_case_data).replace(f'"{net}"', "1865.1", 1)
    assert parse_case_json(text).invoices[0].net == Decimal("1865.1")


@pytest.mark.parametrize("depth", [1_000, 100_000])
def test_deep_nesting_is_a_problem_not_a_recursion_error(depth: int) -> None:
    for text in ('{"notes": ' + "[" * depth + "]" * depth + "}", "[" * depth):
        with pytest.raises(InvalidInput) as exc:
            parse_case_json(text)
        assert exc.value.exit_code == 2


def test_a_long_unknown_field_name_is_quoted_short(judgment_case_data: dict) -> None:
    judgment_case_data["x" * 10_000] = 1
    problems = _refused(judgment_case_data)
    assert all(len(path) < 100 for path in problems)


def test_loads_json_reads_decimals_and_refuses_the_rest() -> None:
    assert case_model.loads_json('{"a": 1.10, "b": 7}') == {"a": Decimal("1.10"), "b": 7}
    for text in ("", "{", b"\xff\xfe\x00", '{"a": NaN}'):
        with pytest.raises(InvalidInput):
            case_model.loads_json(text)
