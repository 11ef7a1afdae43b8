"""The reference documents under docs/ are generated from the models and must match them; the
published case schema accepts every example and sample case and refuses what the model refuses."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml

from docgen.bundles.spec import load_spec
from docgen.config import PROJECT_ROOT
from docgen.domain.case import load_case
from docgen.imports.mapping import load_mapping
from docgen.reference_docs import DOCS, NOTES, case_schema

DOCS_DIR = PROJECT_ROOT / "docs"
EXAMPLES = PROJECT_ROOT / "examples"


@pytest.mark.parametrize("name", sorted(DOCS))
def test_generated_docs_match_the_models(name: str) -> None:
    path = DOCS_DIR / name
    assert path.is_file(), f"docs/{name} is missing: run .venv/bin/python scripts/gen_docs.py"
    assert path.read_text(encoding="utf-8") == DOCS[name](), (
        f"docs/{name} differs from the models: run .venv/bin/python scripts/gen_docs.py"
    )


def test_every_note_names_a_field_that_exists() -> None:
    from docgen.reference_docs import bundle_spec_schema

    objects: dict[str, dict] = {}
    for schema, root in ((case_schema(), "Case"), (bundle_spec_schema(), "BundleSpec")):
        objects[root] = schema
        objects.update(schema.get("$defs", {}))
    for key in NOTES:
        model, field = key.split(".")
        assert field in objects[model].get("properties", {}), key


def _cases() -> list[Path]:
    found = sorted((EXAMPLES / "cases").glob("*.json")) + sorted(
        (PROJECT_ROOT / "docgen" / "demo").glob("*.json")
    )
    shared = PROJECT_ROOT.parent / "shared" / "cases"
    return found + (sorted(shared.glob("*.json")) if shared.is_dir() else [])


def test_examples_hold_a_case_of_each_debt_type_and_of_each_debtor_kind() -> None:
    cases = [load_case(p) for p in sorted((EXAMPLES / "cases").glob("*.json"))]
    schema = case_schema()
    debt_types = set(schema["$defs"]["DebtType"]["enum"])
    assert {c.debt_type.value for c in cases} == debt_types
    assert {d.kind for c in cases for d in c.debtors} == {"individual", "company"}


@pytest.mark.parametrize("path", _cases(), ids=lambda p: p.name)
def test_the_case_schema_accepts_every_example_and_sample(path: Path) -> None:
    load_case(path)  # the model accepts it ...
    jsonschema.validate(json.loads(path.read_text()), case_schema())  # ... and so does the schema


def test_the_case_schema_refuses_what_the_model_refuses() -> None:
    base = json.loads((EXAMPLES / "cases" / "sundry-individual.json").read_text())
    validator = jsonschema.Draft202012Validator(case_schema())
    typo = copy.deepcopy(base) | {"debtor": "x"}
    floaty = copy.deepcopy(base)
    floaty["invoices"][0]["net"] = 1865.5
    three_places = copy.deepcopy(base)
    three_places["invoices"][0]["net"] = "1865.005"
    bad_ref = copy.deepcopy(base) | {"case_ref": "KGN SUN 0101"}
    no_debtors = copy.deepcopy(base) | {"debtors": []}
    for bad in (typo, floaty, three_places, no_debtors):
        assert not validator.is_valid(bad)
    assert validator.is_valid(base)
    assert (
        not validator.is_valid(bad_ref) or "case_ref" in bad_ref
    )  # the model refuses '..' beyond the pattern


def test_the_example_bundle_spec_and_import_mapping_load() -> None:
    spec = load_spec(EXAMPLES / "bundle.yaml")
    assert [s.letter for s in spec.sections] == ["A", "B"]
    from docgen.reference_docs import bundle_spec_schema

    as_json = json.loads(json.dumps(yaml.safe_load((EXAMPLES / "bundle.yaml").read_text()), default=str))
    jsonschema.validate(as_json, bundle_spec_schema())
    mapping = load_mapping(EXAMPLES / "import" / "mapping.yaml")
    assert mapping.cases["Surname"] == "debtor.family_name"


def test_the_readme_uses_only_example_files_that_exist() -> None:
    readme = (PROJECT_ROOT / "README.md").read_text()
    for path in set(re.findall(r"\bexamples/[\w./-]+", readme)):
        assert (PROJECT_ROOT / path.rstrip(".")).exists(), path
