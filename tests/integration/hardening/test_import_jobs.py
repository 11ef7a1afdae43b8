"""Imports run as jobs: the page keeps the files and queues a job (the request never reads a row),
a worker reads them with a row limit and moves the job's progress, and the report is the job's
result. The command line refuses a file past the limits by name, with exit status 2."""

from __future__ import annotations

import contextlib
import re
import time
from pathlib import Path

import pytest

from docgen.cli import main
from docgen.register import unit_of_work
from docgen.register.models import Job, Role
from docgen.services import imports
from docgen.services.auth import Principal
from tests.hostile.spreadsheets import CASES_CSV, DATA
from tests.integration.hardening.conftest import Local, make_local, sign_in

OFFICER = Principal("olivia.officer", Role.officer)


def _files(cases: bytes | None = None) -> dict[str, imports.ImportFile]:
    return {
        "cases_file": imports.ImportFile("cases.csv", cases or (DATA / "cases.csv").read_bytes()),
        "debts_file": imports.ImportFile("debts.csv", (DATA / "debts.csv").read_bytes()),
        "mapping_file": imports.ImportFile("mapping.yaml", (DATA / "mapping.yaml").read_bytes()),
    }


def _run(svc: Local, files: dict[str, imports.ImportFile], valid_only: bool) -> Job:
    backend = svc.app.state.services.backend
    with unit_of_work(backend.sessions) as session:
        job_id = imports.submit(session, backend, OFFICER, files, valid_only).id
    imports.run_import_job(backend, job_id)
    with unit_of_work(backend.sessions) as session:
        job = session.get(Job, job_id)
        assert job is not None
        session.expunge(job)
        return job


def test_an_import_job_reports_every_row_and_adds_the_valid_cases(tmp_path: Path) -> None:
    svc = make_local(tmp_path)
    refused = _run(svc, _files(), valid_only=False)
    assert refused.status == "failed"
    report = refused.result["report"]
    assert report["nothing_imported"] and report["rows"] == 3 and len(report["problems"]) == 3

    done = _run(svc, _files(), valid_only=True)
    assert done.status == "partial" and done.total == done.progress == 2
    assert done.result["report"]["imported"] == ["SUN-0001", "SUN-0002"]
    again = _run(svc, _files(), valid_only=True)
    assert again.result["report"]["skipped"] == ["SUN-0001", "SUN-0002"]


def test_an_import_past_the_row_limit_ends_failed_naming_the_file(tmp_path: Path) -> None:
    svc = make_local(tmp_path, max_import_rows=2)
    header, *rows = CASES_CSV.splitlines()
    job = _run(svc, _files("\n".join([header, *rows[:1] * 3]).encode()), valid_only=True)
    assert job.status == "failed"
    assert "more than 2 rows" in job.errors[-1]["message"] and "cases.csv" in job.errors[-1]["message"]


def test_the_page_queues_the_import_and_answers_at_once(tmp_path: Path) -> None:
    svc = make_local(tmp_path)
    browser = svc.browser()
    csrf = sign_in(browser, svc.keys["officer"])
    started = time.monotonic()
    answer = browser.post(
        "/ui/import",
        data={"csrf_token": csrf, "valid_only": "yes"},
        files={name: (f.filename, f.data) for name, f in _files().items()},
    )
    assert answer.status_code == 303, answer.text
    found = re.fullmatch(r"/ui/import/([0-9a-f]{32})", answer.headers["location"])
    assert found
    assert time.monotonic() - started < 30
    waiting = browser.get(answer.headers["location"])
    assert waiting.status_code == 200 and 'data-reload="true"' in waiting.text  # no worker here: queued
    assert svc.client.get("/healthz").json() == {"status": "ok"}

    # a worker runs it; the same page then shows the report
    imports.run_import_job(svc.app.state.services.backend, found.group(1))
    report = browser.get(answer.headers["location"])
    assert "Cases imported" in report.text and 'id="imported-count">2<' in report.text


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            ["render", "letter_before_claim", "--as-of", "2025-06-02", "-o", "/nonexistent/folder/x.pdf"],
            "no folder",
        ),
        (["import", "{big}"], "longer than 128 KiB"),
        (["import", "{utf16}"], "UTF-16"),
    ],
)
def test_the_command_line_names_the_problem_and_exits_2(
    args: list[str], expected: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    big = tmp_path / "big.csv"
    big.write_text(CASES_CSV.replace("Flat 2", "x" * (130 * 1024), 1))
    utf16 = tmp_path / "utf16.csv"
    utf16.write_bytes(CASES_CSV.encode("utf-16-le"))
    case = tmp_path / "case.json"
    case.write_text((Path(__file__).parents[2] / "data" / "cases" / "company-late-payment.json").read_text())
    argv = [a.format(big=big, utf16=utf16) for a in args]
    if argv[0] == "render":
        argv += ["--case", str(case)]
    # a missing folder is refused while the arguments are read (argparse exits), before any work
    refused_early = argv[0] == "render"
    status = None
    with pytest.raises(SystemExit) if refused_early else contextlib.nullcontext() as raised:
        status = main(argv)
    out = capsys.readouterr()
    code = raised.value.code if raised is not None else status
    assert code == 2
    assert expected in out.err and "Traceback" not in out.err
