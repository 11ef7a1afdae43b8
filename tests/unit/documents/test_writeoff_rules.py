"""Each council writes off under its own policy, chosen by id from its own set, and only for a
reason its case supports. Figures and words are read back from the PDFs LibreOffice makes."""

from __future__ import annotations

import io
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader

from docgen.config import Settings
from docgen.documents import registry
from docgen.domain.case import Case, load_case
from docgen.domain.writeoff import BatchItem, build_schedule, reason_support
from docgen.domain.writeoff_policy import POLICIES_DIR, PolicyBook, can_approve
from docgen.errors import InvalidInput
from docgen.render.base import PdfMeta
from docgen.render.docx import DocxEngine
from tests.fixtures.enforcement_cases import TEST_CASES_DIR
from tests.unit.documents.test_writeoff import make_case

AS_OF = date(2025, 6, 30)
OWN = TEST_CASES_DIR / "writeoff-own-policy.json"
UNTRACED = {"reason": "absconded_untraceable", "evidence": "Two tracing searches, no new address"}


def codes(problems: list) -> set[str]:
    return {p.code for p in problems if p.blocking}


def flat_text(pdf: bytes) -> str:
    return " ".join(" ".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf)).pages).split())


@pytest.fixture
def own_case() -> Case:
    return load_case(OWN)


# -- the policy is the council's own, chosen by id -------------------------------------------


def test_an_officer_cannot_point_the_policy_option_at_a_file(
    tmp_path: Path, own_case: Case, council_settings: Settings
) -> None:
    """The hole: ``options.policy`` took any path ending in .json, so a policy with raised limits
    could be made up and a write-off approved above a manager's real limit; it also told whether a
    file existed. A policy is an id from the council's own set, and a path is refused the same way
    whether or not the file exists."""
    raised = json.loads((POLICIES_DIR / "district_example.json").read_text())
    raised["council"] = own_case.creditor.name
    raised["levels"][2]["limit"] = "900000.00"
    (tmp_path / "raised.json").write_text(json.dumps(raised))
    dt = registry.get("write_off_report")

    def problems(policy: str) -> list:
        return dt.eligibility(
            dt.request(own_case, AS_OF, {**UNTRACED, "policy": policy}, settings=council_settings)
        )

    made_up, absent = problems(str(tmp_path / "raised.json")), problems(str(tmp_path / "absent.json"))
    assert codes(made_up) == codes(absent) == {"bad_policy_id"}
    assert [p.message for p in made_up] == [p.message for p in absent]
    assert "tmp" not in made_up[0].message  # the path is not echoed back


def test_a_named_council_never_falls_back_to_the_example_policy(council_settings: Settings) -> None:
    case = make_case("NOP-01", [("2023-01-10", "800.00", "0.00")])
    stranger = case.model_copy(
        update={"creditor": case.creditor.model_copy(update={"name": "Borough of Elsewhere"})}
    )
    dt = registry.get("write_off_report")
    options = {"reason": "uneconomic", "evidence": "cost review"}
    problems = dt.eligibility(dt.request(stranger, AS_OF, options, settings=council_settings))
    assert codes(problems) == {"no_policy_for_council"}
    assert "Borough of Elsewhere" in problems[0].message and "--" not in problems[0].message
    assert "DOCGEN_WRITE_OFF_POLICIES" in problems[0].hint
    # nor may it name another council's policy, even a shipped example
    named = dt.eligibility(
        dt.request(stranger, AS_OF, {**options, "policy": "district_example"}, settings=council_settings)
    )
    assert codes(named) == {"no_policy_for_council"}


def test_a_council_uses_only_its_own_policies(own_case: Case, council_settings: Settings) -> None:
    dt = registry.get("write_off_report")
    other = dt.eligibility(
        dt.request(own_case, AS_OF, {**UNTRACED, "policy": "district_example"}, settings=council_settings)
    )
    assert codes(other) == {"unknown_policy"}
    assert "testbridge_2023, testbridge_2025" in other[0].message
    # a mapping that gives a council another council's policy is an error in the settings, said so
    wrong = council_settings.model_copy(
        update={"write_off_policies": {"Borough of Testbridge": ["testbridge_2025", "wiltshire_test"]}}
    )
    assert codes(dt.eligibility(dt.request(own_case, AS_OF, UNTRACED, settings=wrong))) == {
        "policy_of_another_council"
    }


def test_the_policy_in_force_on_the_date_of_the_report(own_case: Case, council_settings: Settings) -> None:
    book = PolicyBook(
        folders=(*council_settings.policy_dirs, POLICIES_DIR),
        councils={k: tuple(v) for k, v in council_settings.write_off_policies.items()},
    )
    council = own_case.creditor.name
    assert book.choose(council, "", date(2025, 3, 31)).name == "testbridge_2023"
    assert book.choose(council, "", date(2025, 4, 1)).name == "testbridge_2025"
    with pytest.raises(InvalidInput) as err:
        book.choose(council, "testbridge_2025", date(2024, 6, 30))
    assert err.value.problems[0].code == "policy_not_in_force"
    with pytest.raises(InvalidInput) as err:
        book.choose(council, "", date(2020, 1, 1))
    assert err.value.problems[0].code == "policy_not_in_force"


@pytest.mark.libreoffice
def test_the_report_cites_the_councils_own_policy_and_authority(
    own_case: Case, council_settings: Settings, docx_engine: DocxEngine
) -> None:
    """£3,456.78 (£2,480.65 + £976.13): within the Income Manager's £4,000 under the 2025 policy,
    above the Income Manager's £3,000 and so for the Head of Finance under the 2023 policy."""
    dt = registry.get("write_off_report")
    for on, policy, authority, limit in (
        (AS_OF, "testbridge_2025", "Income Manager", "£4,000.00"),
        (date(2024, 6, 28), "testbridge_2023", "Head of Finance (s151 officer)", "£15,000.00"),
    ):
        req = dt.request(own_case, on, UNTRACED, settings=council_settings)
        assert dt.eligibility(req) == []
        text = flat_text(
            docx_engine.render(
                dt.templates["docx"], dt.context(req), PdfMeta(title="WO", document_id="ef" * 16, created=on)
            ).pdf
        )
        assert "Outstanding on" in text and "£3,456.78" in text
        assert f"Borough of Testbridge write-off policy ({policy})" in text
        assert f"is for the {authority} (limit {limit})" in text
        assert f"under the delegation to the {authority} in the Borough of Testbridge" in text
        assert (
            "Trace attempt on 12 April 2022: Credit reference agency search by Corporate tracing team" in text
        )
        assert "Example District Council" not in text
        assert "delete one" not in text and "approved / rejected" not in text
        # the approval names the same authority
        policy_obj = PolicyBook(folders=(*council_settings.policy_dirs,)).get(policy)
        verdict = can_approve("s151_officer", None, Decimal("3456.78"), policy_obj)
        assert verdict.allowed and f"the delegation to the {authority}" in verdict.reason


# -- a reason only where the case supports it ------------------------------------------------


@pytest.mark.parametrize(
    ("reason", "missing"),
    [
        ("deceased_no_estate", "no date of death"),
        ("absconded_untraceable", "no trace attempt is recorded"),
        ("insolvency_proof_lodged", "no bankruptcy order"),
        ("dro_iva", "neither is recorded"),
        ("vulnerability_hardship", "no vulnerability is recorded"),
        ("statute_barred", "has not run out"),
    ],
)
def test_a_reason_the_case_does_not_support_is_refused(reason: str, missing: str) -> None:
    case = make_case("RSN-01", [("2024-01-10", "400.00", "0.00")])
    support = reason_support(case, reason, AS_OF)
    assert not support.supported
    assert any(missing in p.message for p in support.problems)
    dt = registry.get("write_off_report")
    assert "reason_unsupported" in codes(dt.eligibility_of(case, AS_OF, {"reason": reason, "evidence": "x"}))


def test_an_insolvency_needs_the_order_and_the_proof_and_names_both() -> None:
    bankrupt = [
        {
            "kind": "bankruptcy_order",
            "date": "2024-03-01",
            "court": "County Court at Exton",
            "reference": "BR-12/2024",
        }
    ]
    history: list[dict[str, str]] = []
    case = make_case(
        "RSN-02", [("2023-01-10", "400.00", "0.00")], recovery_history=history, insolvency=bankrupt
    )
    support = reason_support(case, "insolvency_proof_lodged", AS_OF)
    assert not support.supported and any("proof of debt" in p.message for p in support.problems)
    history.append(
        {"date": "2024-04-02", "action": "proof_of_debt_lodged", "note": "to the Official Receiver"}
    )
    case = make_case(
        "RSN-02", [("2023-01-10", "400.00", "0.00")], recovery_history=history, insolvency=bankrupt
    )
    support = reason_support(case, "insolvency_proof_lodged", AS_OF)
    assert support.supported
    assert support.evidence == (
        "Bankruptcy order on 1 March 2024 (County Court at Exton, BR-12/2024)",
        "Proof of debt lodged recorded on 2 April 2024 (to the Official Receiver)",
    )
    # no dividend yet: a warning, not a refusal
    assert [p.code for p in support.problems] == ["no_dividend_recorded"]


def test_a_debtor_found_by_the_latest_trace_is_not_untraceable() -> None:
    traces = [
        {"date": "2024-01-10", "method": "Credit reference agency", "outcome": "not_traced"},
        {"date": "2024-05-10", "method": "DWP search", "by": "Tracing team", "outcome": "traced"},
    ]
    case = make_case("RSN-03", [("2023-01-10", "400.00", "0.00")], trace_attempts=traces)
    support = reason_support(case, "absconded_untraceable", AS_OF)
    assert not support.supported
    assert "found the debtor" in support.problems[0].message


def test_a_batch_names_every_case_whose_reason_is_unsupported() -> None:
    items = [
        BatchItem(make_case("BAT-01", [("2023-01-10", "400.00", "0.00")]), "uneconomic"),
        BatchItem(make_case("BAT-02", [("2023-01-10", "400.00", "0.00")]), "dro_iva"),
        BatchItem(make_case("BAT-03", [("2023-01-10", "400.00", "0.00")]), "deceased_no_estate"),
    ]
    book = PolicyBook()
    with pytest.raises(InvalidInput) as err:
        build_schedule(items, AS_OF, book.get("district_example"))
    assert [p.path for p in err.value.problems] == ["cases[1] BAT-02", "cases[2] BAT-03"]
    assert all(p.code == "reason_unsupported" for p in err.value.problems)
