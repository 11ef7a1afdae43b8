"""The case model accepts the interchange format unchanged and refuses bad data with every problem named."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from docgen.domain.case import load_case, parse_case, parse_case_json
from docgen.errors import InvalidInput


def _problems(data: dict) -> dict[str, str]:
    with pytest.raises(InvalidInput) as exc:
        parse_case(data)
    return {p.path: p.message for p in exc.value.problems}


def test_every_shared_sample_case_loads(shared_cases_dir: Path) -> None:
    files = sorted(shared_cases_dir.glob("*.json"))
    assert len(files) >= 5
    for f in files:
        case = load_case(f)
        assert case.case_ref
        assert all(isinstance(inv.net, Decimal) for inv in case.invoices)


def test_money_is_decimal_and_dates_are_dates(judgment_case_data: dict) -> None:
    case = parse_case(judgment_case_data)
    assert case.invoices[0].net == Decimal("7200.00")
    assert case.judgments[0].date.isoformat() == "2022-10-03"
    assert case.primary_debtor.display_name == "Ms Zoë Adébáyọ̀"


def test_all_problems_are_listed_at_once_with_paths(judgment_case_data: dict) -> None:
    d = judgment_case_data
    d["case_ref"] = "../../etc/passwd"
    d["debtors"][0]["address"]["postcode"] = "NOT A POSTCODE"
    d["debtors"][0]["shoe_size"] = 9
    d["invoices"][0]["net"] = "-5.00"
    d["invoices"][0]["due"] = "2020-01-01"
    d["payments"][0]["amount"] = "twelve"
    problems = _problems(d)
    assert problems["debtors[0].address.postcode"] == "not a UK postcode"
    assert "unsafe case_ref" in problems["case_ref"]
    assert "unknown field" in problems["debtors[0].shoe_size"]
    assert "negative" in problems["invoices[0].net"]
    assert "before the issue date" in problems["invoices[0].due"]
    assert "payments[0].amount" in problems


def test_wrong_types_and_unknown_top_level_fields(judgment_case_data: dict) -> None:
    d = judgment_case_data
    d["debtors"] = "nobody"
    d["interst"] = {}
    problems = _problems(d)
    assert "debtors" in problems
    assert "unknown field" in problems["interst"]


def test_a_float_amount_is_refused_in_python_but_exact_in_json(judgment_case_data: dict) -> None:
    d = judgment_case_data
    d["invoices"][0]["net"] = 7200.1
    assert "float" in _problems(d)["invoices[0].net"]
    # a bare JSON number is read as an exact decimal, never through a float
    text = json.dumps(judgment_case_data).replace("7200.1", "7200.10")
    case = parse_case_json(text)
    assert case.invoices[0].net == Decimal("7200.10")


def test_more_than_two_decimal_places_is_refused(judgment_case_data: dict) -> None:
    judgment_case_data["invoices"][0]["vat"] = "1.005"
    assert "two decimal places" in _problems(judgment_case_data)["invoices[0].vat"]


def test_rate_needed_for_s69(judgment_case_data: dict) -> None:
    del judgment_case_data["interest"]["rate"]
    assert "needs a rate" in _problems(judgment_case_data)["interest"]


def test_company_debtor_and_bad_kind(company_case_data: dict) -> None:
    case = parse_case(company_case_data)
    assert case.primary_debtor.is_company
    company_case_data["debtors"][0]["kind"] = "partnership"
    assert any("debtors[0]" in p for p in _problems(company_case_data))


def test_not_json_and_not_an_object(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(InvalidInput, match="not valid JSON"):
        load_case(bad)
    with pytest.raises(InvalidInput, match="JSON object"):
        parse_case_json("[1, 2]")
    with pytest.raises(InvalidInput, match="cannot read"):
        load_case(tmp_path / "missing.json")


def test_canonical_json_is_stable(judgment_case_data: dict) -> None:
    a = parse_case(judgment_case_data)
    b = parse_case(json.loads(json.dumps(judgment_case_data, indent=4)))
    assert a.canonical_json() == b.canonical_json()
    assert a.content_hash() == b.content_hash()
    judgment_case_data["notes"] = "changed"
    assert parse_case(judgment_case_data).content_hash() != a.content_hash()


def test_legal_representative_signatory_capacity_and_service_fields(care_case_data: dict) -> None:
    rep = care_case_data["creditor"]["legal_representative"]
    rep.update(
        name="Dana Whitlock",
        position="Solicitor",
        phone="01632 962000",
        email="litigation@tls.example",
        dx="DX 999 Testford",
    )
    care_case_data["creditor"]["preferred_hearing_centre"] = "County Court at Oxford"
    debtor = care_case_data["debtors"][0]
    debtor["lacks_capacity"] = True
    debtor["litigation_friend"] = {
        "name": "Rhian Price-Jones",
        "address": {"lines": ["4 Elm Row"], "town": "Testford", "postcode": "TF4 1ER"},
        "basis": "deputy",
        "appointed_on": "2024-06-01",
    }
    debtor["service_address_character"] = "last_known_residence"
    case = parse_case(care_case_data)
    assert case.creditor.legal_representative is not None
    assert case.creditor.legal_representative.name == "Dana Whitlock"
    assert case.creditor.preferred_hearing_centre == "County Court at Oxford"
    d = case.primary_debtor
    assert d.protected_party and d.litigation_friend is not None and d.litigation_friend.basis == "deputy"
    assert d.service_address_character == "last_known_residence"
    # the round trip through the canonical spelling keeps every new field
    assert parse_case(json.loads(case.canonical_json())) == case


def test_new_fields_refuse_wrong_values_and_unknown_keys(care_case_data: dict) -> None:
    debtor = care_case_data["debtors"][0]
    debtor["service_address_character"] = "registered_office"  # a company's, not a person's
    debtor["litigation_friend"] = {
        "name": "X",
        "address": {"lines": ["1 A St"], "postcode": "TF4 1ER"},
        "relation": "son",
    }
    with pytest.raises(InvalidInput) as err:
        parse_case(care_case_data)
    paths = {p.path for p in err.value.problems}
    assert "debtors[0].service_address_character" in paths
    assert "debtors[0].litigation_friend.relation" in paths


def test_a_vulnerability_flag_of_lacking_capacity_makes_a_protected_party(judgment_case_data: dict) -> None:
    judgment_case_data["debtors"][0]["vulnerability"]["flags"] = ["lacks_capacity"]
    assert parse_case(judgment_case_data).primary_debtor.protected_party


def test_adding_optional_fields_leaves_the_content_hash_alone(judgment_case_data: dict) -> None:
    a = parse_case(judgment_case_data)
    # spelling a default out changes nothing: the canonical form leaves defaults out
    judgment_case_data["debtors"][0]["lacks_capacity"] = False
    judgment_case_data["creditor"]["preferred_hearing_centre"] = None
    assert parse_case(judgment_case_data).content_hash() == a.content_hash()
    assert '"lacks_capacity"' not in a.canonical_json()
