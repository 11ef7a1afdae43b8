"""The storage commands end to end, in-process, on the embedded store and SQLite."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader

from docgen.cli import main
from docgen.config import PROJECT_ROOT, Settings, get_settings
from docgen.demo import DEMO_AS_OF, demo_cases
from docgen.documents import registry
from docgen.errors import NotFound
from docgen.register.verify import verify
from docgen.services.demo import run_demo

CASE = PROJECT_ROOT / "docgen" / "demo" / "kingston-sundry-individual.json"
DOC_TYPE = "letter_before_claim"


@pytest.fixture
def cli_settings(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    monkeypatch.setenv("DOCGEN_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("DOCGEN_ENVIRONMENT", "test")
    get_settings.cache_clear()
    yield get_settings()
    get_settings.cache_clear()


@pytest.fixture
def doc_type() -> str:
    try:
        registry.get(DOC_TYPE)
    except NotFound:
        pytest.skip(f"document type {DOC_TYPE} is not registered in this build")
    return DOC_TYPE


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    return code, capsys.readouterr().out


def test_generate_get_issue_verify(
    cli_settings: Settings, doc_type: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    generate = ("generate", doc_type, "--case", str(CASE), "--as-of", "2025-06-02", "--actor", "a.crowther")
    code, out = _run(capsys, *generate)
    assert code == 0
    made = json.loads(out)
    assert set(made) >= {"document_id", "version", "sha256", "status"}
    assert (made["version"], made["status"], made["stored"]) == (1, "draft", True)

    code, out = _run(capsys, *generate)
    assert json.loads(out) | {"stored": True} == made  # same inputs: the same version, nothing stored

    target = tmp_path / "out.pdf"
    code, out = _run(capsys, "get", made["document_id"], "-o", str(target))
    assert code == 0
    assert hashlib.sha256(target.read_bytes()).hexdigest() == made["sha256"]
    assert len(PdfReader(target).pages) >= 1

    code, out = _run(capsys, "issue", made["document_id"], "--version", "1", "--actor", "a.crowther")
    assert (code, json.loads(out)["status"]) == (0, "issued")

    code, out = _run(capsys, "versions", "KGN/SUN/2024/0101", "--json")
    listed = json.loads(out)
    assert [(v["doc_type"], v["version"], v["status"]) for v in listed] == [(doc_type, 1, "issued")]

    code, out = _run(capsys, "verify")
    assert code == 0 and "checked 1 stored objects" in out and out.strip().endswith("ok")


def test_verify_exits_non_zero_on_tampering(
    cli_settings: Settings, doc_type: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = _run(capsys, "generate", doc_type, "--case", str(CASE), "--as-of", "2025-06-02")
    assert code == 0
    made = json.loads(out)
    stored = next(cli_settings.storage_dir.rglob("00000001.data"))
    stored.chmod(0o644)
    stored.write_bytes(stored.read_bytes().replace(b"%%EOF", b"%%EOF\n% appended"))

    code, out = _run(capsys, "verify", "--json")
    report = json.loads(out)
    assert code == 1
    assert [m["subject"] for m in report["mismatches"]] == [f"document:{made['document_id']}/v1"]

    code, _ = _run(capsys, "get", made["document_id"], "-o", str(cli_settings.data_dir / "x.pdf"))
    assert code == 5  # Conflict: the stored bytes are not the registered bytes
    assert not (cli_settings.data_dir / "x.pdf").exists()


def test_errors_name_the_problem_without_a_traceback(
    cli_settings: Settings, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert main(["get", "nosuchdocument", "-o", str(tmp_path / "x.pdf")]) == 4
    assert "nosuchdocument" in capsys.readouterr().err
    assert main(["issue", "nosuchdocument", "--version", "1"]) == 4
    capsys.readouterr()


def test_get_to_an_unwritable_place_names_the_file(
    cli_settings: Settings, doc_type: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out = _run(capsys, "generate", doc_type, "--case", str(CASE), "--as-of", "2025-06-02")
    assert code == 0
    target = tmp_path / "no" / "such" / "folder" / "x.pdf"
    with pytest.raises(SystemExit) as stopped:  # refused while the arguments are read, before any work
        main(["get", json.loads(out)["document_id"], "-o", str(target)])
    assert stopped.value.code == 2
    assert str(target.parent) in capsys.readouterr().err


@pytest.mark.slow
def test_demo_generates_what_each_case_is_eligible_for_and_is_idempotent(settings: Settings) -> None:
    cases = [c for c in demo_cases() if c.case_ref == "KGN/SUN/2024/0101"]
    rows = run_demo(settings, DEMO_AS_OF, cases=cases)

    assert {r.doc_type for r in rows} == {t.id for t in registry.all_types()}
    stored = [r for r in rows if r.outcome == "stored"]
    assert stored, rows
    assert not [r for r in rows if r.outcome == "failed"], [r for r in rows if r.outcome == "failed"]
    assert all(r.reason for r in rows if r.outcome == "skipped")

    again = run_demo(settings, DEMO_AS_OF, cases=cases)
    assert {(r.doc_type, r.document_id, r.version) for r in again if r.outcome == "unchanged"} == {
        (r.doc_type, r.document_id, r.version) for r in stored
    }
    report = verify(settings)
    assert report.ok and report.orphans == [] and report.checked >= len(stored)
