"""Bulk runs: every case gets its documents stored and registered, failures are listed and the
run goes on, and the manifest and ZIP say exactly what was made."""

from __future__ import annotations

import hashlib
import io
import json
import os
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader

from docgen.bulk import BulkItem, expand_types, read_manifest, run_bulk
from docgen.cli import main
from docgen.config import Settings, get_settings
from docgen.errors import InvalidInput, NotFound
from docgen.register import open_register, unit_of_work
from docgen.register.repositories import documents
from docgen.register.versions import fetch
from docgen.storage import make_store
from tests.fixtures.bulk_cases import CLAIM_AS_OF, CaseFactory

PACK = ("letter_before_claim", "n1", "particulars_of_claim")


def _pdf_text(data: bytes) -> str:
    """The page text and, for a filled official form, its field values."""
    reader = PdfReader(io.BytesIO(data))
    fields = [str(f.get("/V", "")) for f in (reader.get_fields() or {}).values()]
    return " ".join([*(page.extract_text() for page in reader.pages), *fields])


def test_engine_per_type_fills_the_official_n1(
    make_case: CaseFactory, settings: Settings, official_forms_dir: Path, tmp_path: Path
) -> None:
    with_forms = settings.model_copy(update={"official_forms_dir": official_forms_dir})

    result = run_bulk(
        [make_case("company-late-payment")],
        ["n1"],
        CLAIM_AS_OF,
        with_forms,
        workers=1,
        out_dir=tmp_path,
        engines={"n1": "official"},
    )

    assert result.counts["stored"] == 1, result.items[0].problem
    with zipfile.ZipFile(result.zip_path) as zf:  # type: ignore[arg-type]
        reader = PdfReader(io.BytesIO(zf.read("TST-COM-2024-0007/n1.pdf")))
    assert len(reader.pages) == 5  # the official N1 12.24, not the like-effect layout


def test_a_pool_process_that_cannot_warm_up_still_makes_the_papers_it_can(
    make_case: CaseFactory, settings: Settings, official_forms_dir: Path, tmp_path: Path
) -> None:
    # no html templates at all: warming the html engine fails in each pool process, the official
    # N1 needs none of it and is still filled, as in the render pool
    empty = tmp_path / "no-templates"
    empty.mkdir()
    broken = settings.model_copy(update={"official_forms_dir": official_forms_dir, "templates_dir": empty})

    result = run_bulk(
        [make_case("company-late-payment"), make_case("individual-care-charges")],
        ["n1"],
        CLAIM_AS_OF,
        broken,
        workers=2,
        engines={"n1": "official"},
    )

    assert result.counts["stored"] == 2, [i.problem for i in result.items]


def test_engine_choice_is_checked_before_any_work(make_case: CaseFactory, settings: Settings) -> None:
    with pytest.raises(InvalidInput) as info:
        run_bulk(
            [make_case()],
            "claim_pack",
            CLAIM_AS_OF,
            settings,
            workers=1,
            engines={"n1": "docx", "n225": "html"},
        )
    assert {p.path for p in info.value.problems} == {"engines.n1", "engines.n225"}


def test_claim_pack_names_the_three_documents() -> None:
    assert expand_types("claim_pack") == PACK
    with pytest.raises(NotFound, match="unknown document type"):
        expand_types(["n1", "n999"])


def test_run_stores_registers_lists_and_zips(
    make_case: CaseFactory, settings: Settings, tmp_path: Path
) -> None:
    good = make_case("individual-care-charges")
    company = make_case("company-late-payment")
    early = make_case(
        "individual-care-charges",
        case_ref="TST/EARLY-1",
        recovery_history=[{"date": "2025-05-20", "action": "letter_before_claim", "note": ""}],
    )
    broken = ("broken.json", json.dumps({"schema": "docgen.case/1", "case_ref": "BROKEN-1"}))
    seen: list[tuple[int, int, BulkItem]] = []

    result = run_bulk(
        [good, company, early, broken],
        "claim_pack",
        CLAIM_AS_OF,
        settings,
        progress=lambda d, t, i: seen.append((d, t, i)),
        workers=1,
        out_dir=tmp_path / "out",
    )

    assert [d for d, _, _ in seen] == list(range(1, 13)) and {t for _, t, _ in seen} == {12}
    assert result.counts == {"stored": 7, "unchanged": 0, "ineligible": 2, "invalid": 3, "failed": 0}
    by_key = {(i.case_ref, i.doc_type): i for i in result.items}
    assert "pap_period_running" not in by_key[("TST/EARLY-1", "n1")].problem  # the message, not the code
    # letter of 20 May 2025: day 30 of the reply period is 19 June, so the first claim day is 20 June
    assert "may not be issued before 20 June 2025" in by_key[("TST/EARLY-1", "n1")].problem
    assert by_key[("TST/EARLY-1", "letter_before_claim")].status == "stored"
    assert "creditor: required" in by_key[("broken.json", "n1")].problem

    manifest = read_manifest(result.manifest_path)  # type: ignore[arg-type]
    assert list(manifest[0]) == [
        "case_ref",
        "doc_type",
        "document_id",
        "version",
        "sha256",
        "status",
        "problem",
    ]
    assert len(manifest) == 12
    with zipfile.ZipFile(result.zip_path) as zf:  # type: ignore[arg-type]
        names = zf.namelist()
        assert names[:3] == [f"{good.case_ref}/{t}.pdf" for t in PACK]
        assert "TST_EARLY-1/letter_before_claim.pdf" in names and len(names) == 7
        n1 = zf.read(f"{good.case_ref}/n1.pdf")
    row = next(r for r in manifest if r["case_ref"] == good.case_ref and r["doc_type"] == "n1")
    assert hashlib.sha256(n1).hexdigest() == row["sha256"]
    assert good.primary_debtor.display_name.split()[-1] in _pdf_text(n1)

    # the register holds the very bytes the ZIP has
    with unit_of_work(open_register(settings)) as session:
        version, stored = fetch(
            session, make_store(settings), row["document_id"], int(row["version"]), "test"
        )
        assert stored == n1 and version.status == "draft"
        assert len(documents.versions_for_case(session, company.case_ref)) == 3


def test_rerun_stores_nothing_new_and_gives_identical_outputs(
    make_case: CaseFactory, settings: Settings, tmp_path: Path
) -> None:
    cases = [make_case("company-late-payment")]
    first = run_bulk(cases, "claim_pack", CLAIM_AS_OF, settings, workers=1, out_dir=tmp_path / "a")
    again = run_bulk(cases, "claim_pack", CLAIM_AS_OF, settings, workers=1, out_dir=tmp_path / "b")

    assert first.counts["stored"] == 3 and again.counts["unchanged"] == 3
    assert (tmp_path / "a" / "documents.zip").read_bytes() == (tmp_path / "b" / "documents.zip").read_bytes()
    assert [i.version for i in again.items] == [1, 1, 1]


@pytest.mark.slow
def test_two_worker_processes_share_the_register(make_case: CaseFactory, settings: Settings) -> None:
    cases = [make_case("company-late-payment", case_ref=f"TST-COM-{n}") for n in range(4)]
    # a parent far larger than any worker: each worker must report its own peak, not the parent's
    ballast = b"\x01" * (450 * 2**20)

    result = run_bulk(cases, ["n1", "particulars_of_claim"], CLAIM_AS_OF, settings, workers=2)
    del ballast

    assert result.counts["stored"] == 8, [i.problem for i in result.items if not i.ok]
    assert [i.case_ref for i in result.items][::2] == [c.case_ref for c in cases]  # in case order
    # Every paper was made in a worker process, never in this one. Which of the two workers takes
    # which case is the pool's choice: on a loaded machine the first to start may take all four
    # before the second has imported its modules, so only "at most two, none of them this process"
    # is certain.
    assert 1 <= len(result.peak_rss_mb) <= 2 and os.getpid() not in result.peak_rss_mb
    assert all(0 < mb < 400 for mb in result.peak_rss_mb.values())
    with unit_of_work(open_register(settings)) as session:
        assert sum(len(documents.versions_for_case(session, c.case_ref)) for c in cases) == 8


def test_cli_bulk_from_a_folder_exit_status_and_outputs(
    make_case: CaseFactory,
    settings: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    folder = tmp_path / "cases"
    folder.mkdir()
    for case in (make_case("company-late-payment"), make_case(case_ref="TST-EARLY", recovery_history=[])):
        (folder / f"{case.case_ref}.json").write_text(case.canonical_json(), encoding="utf-8")
    monkeypatch.setenv("DOCGEN_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("DOCGEN_ENVIRONMENT", "test")
    get_settings.cache_clear()
    try:
        status = main(
            [
                "bulk",
                "n1",
                "--cases",
                str(folder),
                "--as-of",
                CLAIM_AS_OF.isoformat(),
                "--out-dir",
                str(tmp_path / "out"),
                "--workers",
                "1",
                "--quiet",
                "--json",
            ]
        )
    finally:
        get_settings.cache_clear()

    out, err = capsys.readouterr()
    assert status == 3  # some cases were ineligible; the rest were stored
    assert json.loads(out)["counts"]["stored"] == 1
    assert "ineligible: TST-EARLY n1: recovery_history: No letter of claim is recorded" in err
    assert [r["status"] for r in read_manifest(tmp_path / "out" / "manifest.csv")] == ["stored", "ineligible"]
