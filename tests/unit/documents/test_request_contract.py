"""The single-document contract: typed options, one request per paper, case facts worked out once."""

from __future__ import annotations

import contextlib
import sys
from datetime import date
from typing import Any

import pytest

from docgen.config import Settings
from docgen.documents import registry
from docgen.documents.base import DocumentRequest, OptionSpec
from docgen.domain import balance as balance_module
from docgen.domain.case import Case
from docgen.errors import InvalidInput, NotSupported
from docgen.render.pipeline import check, prepare
from tests.fixtures.enforcement_cases import SampleCase

AS_OF = date(2026, 11, 23)


@pytest.mark.parametrize(
    ("spec", "good", "bad"),
    [
        (OptionSpec("d", "A date", "date"), "2026-01-31", "31/01/2026"),
        (OptionSpec("m", "An amount", "money"), "1250.50", "12.505"),
        (OptionSpec("m", "An amount", "money"), "£1,250", "-3"),
        (OptionSpec("y", "Yes or no", "yes_no"), "yes", "perhaps"),
        (OptionSpec("n", "A number", "number"), "12", "1e3"),
        (OptionSpec("c", "A choice", "choice", choices=(("a", "A"), ("b", "B"))), "b", "c"),
    ],
)
def test_each_option_kind_accepts_its_values_and_says_what_is_wrong(
    spec: OptionSpec, good: str, bad: str
) -> None:
    assert spec.check(good) is None
    wrong = spec.check(bad)
    assert wrong and "must be" in wrong


def test_every_type_declares_labelled_options_without_command_line_words() -> None:
    for dt in registry.all_types():
        names = [o.name for o in dt.options]
        assert len(names) == len(set(names)), dt.id
        for o in dt.options:
            assert o.label and o.label[0].isupper(), (dt.id, o.name)
            assert "--option" not in o.label + o.help, (dt.id, o.name)
            if o.kind == "choice":
                assert o.choices, (dt.id, o.name)
                assert not o.default or o.default in [v for v, _ in o.choices], (dt.id, o.name)


def test_unknown_option_names_the_ones_that_exist(sample_case: SampleCase) -> None:
    case = sample_case("judgment-with-property")
    with pytest.raises(InvalidInput) as exc:
        prepare("n323", case, AS_OF, {"warant_amount": "100.00"})
    (problem,) = exc.value.problems
    assert problem.path == "options.warant_amount" and problem.code == "unknown_option"
    assert "warrant_amount" in problem.message and "permission_order" in problem.message


def test_a_value_of_the_wrong_kind_is_refused_before_any_rule_runs(sample_case: SampleCase) -> None:
    case = sample_case("judgment-with-property")
    with pytest.raises(InvalidInput) as exc:
        prepare("n323", case, AS_OF, {"warrant_amount": "two hundred"})
    assert exc.value.problems[0].path == "options.warrant_amount"
    assert "amount of money" in exc.value.problems[0].message


def test_the_request_keeps_its_facts_when_only_the_options_change(sample_case: SampleCase) -> None:
    req = DocumentRequest.make(sample_case("judgment-with-property"), AS_OF)
    facts = req.facts
    other = req.with_options({"claim_number": "X"})
    assert other.facts is facts and other.options == {"claim_number": "X"}
    assert req.at(date(2026, 1, 5)).facts is not facts


def _counting(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts compute_balance calls wherever a module imported it."""
    original = balance_module.compute_balance
    calls = [0]

    def counted(case: Case, as_of: date, *args: Any, **kwargs: Any) -> Any:
        calls[0] += 1
        return original(case, as_of, *args, **kwargs)

    for module in list(sys.modules.values()):
        if getattr(module, "compute_balance", None) is original:
            monkeypatch.setattr(module, "compute_balance", counted)
    return calls


@pytest.mark.parametrize(
    ("doc_type", "sample", "options"),
    [
        ("letter_before_claim", "asc-care-charges-individual", {}),
        ("particulars_of_claim", "asc-care-charges-individual", {}),
        ("n1", "asc-care-charges-individual", {}),
        ("n379", "judgment-with-property", {}),
        ("n323", "judgment-with-property", {}),
        ("statutory_demand_individual", "council-tax-liability-orders", {}),
        ("write_off_report", "deceased-no-estate-writeoff", {"reason": "deceased_no_estate"}),
        ("panel_briefing", "judgment-with-property", {}),
    ],
)
def test_the_case_balance_is_worked_out_once_for_eligibility_and_context(
    monkeypatch: pytest.MonkeyPatch,
    sample_case: SampleCase,
    doc_type: str,
    sample: str,
    options: dict[str, str],
) -> None:
    dt = registry.get(doc_type)
    req = dt.request(sample_case(sample), AS_OF, options)
    calls = _counting(monkeypatch)
    check(dt, req)
    with contextlib.suppress(Exception):  # an ineligible paper may not build its context
        dt.context_for(req)
    assert calls[0] == 1


def test_engines_refuse_what_they_cannot_do_with_a_typed_error(settings: Settings) -> None:
    from docgen.render.engines import get_engine

    with pytest.raises(NotSupported):
        get_engine("official", settings).render_static("n1", {}, title="x", created=AS_OF)
    with pytest.raises(NotSupported):
        get_engine("docx", settings).render_static("write_off_report.docx", {}, title="x", created=AS_OF)
    with pytest.raises(NotSupported):
        get_engine("html", settings).render("claims/n1.html", {}, None, {"flatten": True})  # type: ignore[arg-type]


def test_a_family_module_that_does_not_import_stops_the_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(registry, "_loaded", False)
    monkeypatch.setattr(registry, "FAMILY_MODULES", [*registry.FAMILY_MODULES, "docgen.documents.missing"])
    with pytest.raises(RuntimeError, match=r"docgen\.documents\.missing"):
        registry.all_types()
