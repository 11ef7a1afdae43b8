"""The optional records enforcement and insolvency papers need: the company record, failed service and
trace attempts, co-owners with addresses, hearing centres and the debtor's identification. Every
shared file still loads unchanged, and a misspelt field inside the new records is still refused."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from docgen.domain.case import load_case, parse_case
from docgen.errors import InvalidInput


def _problems(data: dict) -> dict[str, str]:
    with pytest.raises(InvalidInput) as exc:
        parse_case(data)
    return {p.path: p.message for p in exc.value.problems}


def test_shared_cases_load_with_none_of_the_new_records(shared_cases_dir: Path) -> None:
    for f in sorted(shared_cases_dir.glob("*.json")):
        case = load_case(f)
        assert case.service_attempts == [] and case.trace_attempts == []
        for prop in case.properties:
            assert prop.hearing_centre is None
            assert all(o.address is None for o in prop.co_owners)


def test_a_co_owner_given_by_name_alone_keeps_its_name(judgment_case_data: dict) -> None:
    judgment_case_data["properties"] = [
        {
            "address": {"lines": ["14 Birchanger Road"], "town": "London", "postcode": "SE25 5BA"},
            "co_owners": [
                "Kwame Adebayo",
                {"name": "Ama Adebayo", "address": {"lines": ["2 Oak Way"], "postcode": "CR0 1AA"}},
            ],
            "hearing_centre": "County Court at Croydon",
        }
    ]
    prop = parse_case(judgment_case_data).properties[0]
    assert [o.name for o in prop.co_owners] == ["Kwame Adebayo", "Ama Adebayo"]
    assert prop.co_owners[0].address is None
    assert prop.co_owners[1].address is not None and prop.co_owners[1].address.postcode == "CR0 1AA"
    assert prop.hearing_centre == "County Court at Croydon"


def test_the_company_record(company_case_data: dict) -> None:
    company_case_data["debtors"][0].update(
        incorporated_on="2015-06-01",
        share_capital={"nominal": "1000.00", "paid_up": "100.00"},
        principal_business="Market trading",
        insolvency_court="County Court at Central London",
    )
    debtor = parse_case(company_case_data).primary_debtor
    assert debtor.kind == "company"
    assert debtor.incorporated_on == date(2015, 6, 1)
    assert debtor.share_capital is not None
    assert debtor.share_capital.paid_up == Decimal("100.00")
    assert debtor.principal_business == "Market trading"


def test_paid_up_capital_above_nominal_is_refused(company_case_data: dict) -> None:
    company_case_data["debtors"][0]["share_capital"] = {"nominal": "100", "paid_up": "1000", "paidup": "1"}
    problems = _problems(company_case_data)
    assert "unknown field" in problems["debtors[0].share_capital.paidup"]
    company_case_data["debtors"][0]["share_capital"] = {"nominal": "100", "paid_up": "1000"}
    problems = _problems(company_case_data)
    assert "more than the nominal capital" in problems["debtors[0].share_capital"]


def test_service_and_trace_attempts(judgment_case_data: dict) -> None:
    judgment_case_data["service_attempts"] = [
        {
            "date": "2024-03-01",
            "document": "claim_form",
            "method": "personal",
            "by": "A. Process Server",
            "outcome": "No answer; neighbour says the defendant is away",
        }
    ]
    judgment_case_data["trace_attempts"] = [
        {
            "date": "2024-04-01",
            "method": "Credit reference agency",
            "by": "Tracing team",
            "outcome": "not_traced",
        }
    ]
    case = parse_case(judgment_case_data)
    assert case.service_attempts[0].by == "A. Process Server"
    assert case.trace_attempts[0].outcome == "not_traced"


def test_attempts_are_checked_field_by_field(judgment_case_data: dict) -> None:
    judgment_case_data["service_attempts"] = [
        {"date": "2024-03-01", "document": "claim", "method": "pigeon", "by": ""}
    ]
    judgment_case_data["trace_attempts"] = [{"date": "2024-04-01", "method": "DWP", "outcome": "maybe"}]
    problems = _problems(judgment_case_data)
    assert "service_attempts[0].document" in problems
    assert "service_attempts[0].method" in problems
    assert "service_attempts[0].by" in problems
    assert "trace_attempts[0].outcome" in problems


def test_the_debtors_identification_for_a_petition(judgment_case_data: dict) -> None:
    judgment_case_data["debtors"][0].update(
        occupation="Graphic designer",
        address_since="2019-05-01",
        businesses=[{"name": "ZA Design", "address": {"lines": ["3 High St"], "postcode": "SE25 6EP"}}],
        insolvency_court="County Court at Croydon",
    )
    debtor = parse_case(judgment_case_data).primary_debtor
    assert debtor.kind == "individual"
    assert debtor.occupation == "Graphic designer"
    assert debtor.businesses[0].name == "ZA Design"
    assert debtor.address_since == date(2019, 5, 1)
