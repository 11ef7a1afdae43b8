"""What the command line prints for people and for machines: tables within 80 columns, --json on
listing commands, error messages that say what to do."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from docgen.cli import main
from docgen.config import PROJECT_ROOT, Settings, get_settings
from docgen.documents import registry

CASE = PROJECT_ROOT / "examples" / "cases" / "sundry-individual.json"


@pytest.fixture
def cli_settings(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    monkeypatch.setenv("DOCGEN_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("DOCGEN_ENVIRONMENT", "test")
    monkeypatch.setenv("COLUMNS", "80")
    get_settings.cache_clear()
    yield get_settings()
    get_settings.cache_clear()


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_versions_table_json_and_a_missing_version_says_what_exists(
    cli_settings: Settings, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, _ = _run(
        capsys, "generate", "letter_before_claim", "--case", str(CASE), "--as-of", "2025-06-02"
    )
    assert code == 0
    made = json.loads(out)
    code, out, _ = _run(capsys, "versions", "KGN/SUN/2024/0101")
    assert code == 0 and all(len(line) <= 80 for line in out.splitlines())
    assert made["document_id"] in out  # whole, never folded
    code, out, _ = _run(capsys, "versions", "KGN/SUN/2024/0101", "--json")
    rows = json.loads(out)
    assert [r["document_id"] for r in rows] == [made["document_id"]]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+00:00", rows[0]["created_at"])

    code, _out, err = _run(
        capsys, "get", made["document_id"], "--version", "9", "-o", str(tmp_path / "x.pdf")
    )
    assert code == 4
    assert f"document {made['document_id']} has no version 9 (its newest is version 1)" in err
    code, _out, err = _run(capsys, "get", "no-such-document", "-o", str(tmp_path / "x.pdf"))
    assert code == 4 and "document no-such-document has no versions" in err


def test_doctypes_lists_every_type_and_its_typed_options(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "doctypes", "--json")
    assert code == 0
    listed = {row["id"]: row for row in json.loads(out)}
    assert set(listed) == {dt.id for dt in registry.all_types()}
    for dt in registry.all_types():
        assert [o["name"] for o in listed[dt.id]["options"]] == [o.name for o in dt.options]
        assert [o["kind"] for o in listed[dt.id]["options"]] == [o.kind for o in dt.options]
    code, out, _ = _run(capsys, "doctypes")
    assert all(len(line) <= 80 for line in out.splitlines())


def test_an_unknown_option_is_refused_naming_the_valid_ones(
    cli_settings: Settings, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    argv = ["render", "n379", "--case", str(CASE), "--as-of", "2025-06-02", "-o", str(tmp_path / "x.pdf")]
    code, _out, err = _run(capsys, *argv, "--option", "bsis=reg50")
    assert code == 2
    known = ", ".join(sorted(o.name for o in registry.get("n379").options))
    assert "bsis" in err and known in err


def test_writeoff_policies_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "writeoff-policies", "--json")
    assert code == 0 and all({"name", "council", "levels"} <= set(p) for p in json.loads(out))
