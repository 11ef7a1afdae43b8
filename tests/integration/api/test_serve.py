"""`docgen serve --demo`: the API and a worker on one machine with no external servers (SQLite,
filesystem store, filesystem broker), the demo cases loaded and demo keys printed."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from docgen.config import PROJECT_ROOT
from tests.fixtures.s3 import _free_port

pytestmark = [pytest.mark.slow]


def _wait_for_keys(log: Path, process: subprocess.Popen[bytes], timeout: float = 60) -> dict[str, str]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        keys = dict(
            re.findall(
                r"^\s+(officer|legal_partner|manager)\s+Authorization: Bearer (\S+)$",
                log.read_text(errors="replace"),
                re.M,
            )
        )
        if len(keys) == 3:
            return keys
        assert process.poll() is None, log.read_text()
        time.sleep(0.2)
    raise AssertionError(f"no demo keys printed:\n{log.read_text()}")


def test_serve_demo_runs_api_and_worker_with_no_servers(tmp_path: Path) -> None:
    port, log = _free_port(), tmp_path / "serve.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCGEN_")}
    env.update(DOCGEN_DATA_DIR=str(tmp_path / "var"), DOCGEN_ENVIRONMENT="development")
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "docgen", "serve", "--demo", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=PROJECT_ROOT,
        )
    try:
        keys = _wait_for_keys(log, process)
        base = f"http://127.0.0.1:{port}"
        assert f"{base}/docs" in log.read_text() and f"{base}/ui/" in log.read_text()
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.2)
        officer = {"Authorization": f"Bearer {keys['officer']}"}
        partner = {"Authorization": f"Bearer {keys['legal_partner']}"}
        all_refs = [c["case_ref"] for c in httpx.get(f"{base}/api/v1/cases", headers=officer).json()]
        assert len(all_refs) == 4
        assert len(httpx.get(f"{base}/api/v1/cases", headers=partner).json()) == 1

        body = {
            "items": [{"case_ref": "KGN/SUN/2024/0101", "doc_type": "letter_before_claim"}],
            "as_of": "2025-06-02",
        }
        job = httpx.post(f"{base}/api/v1/jobs", json=body, headers=officer).json()
        deadline = time.monotonic() + 60
        while job["status"] not in {"succeeded", "partial", "failed"}:
            assert time.monotonic() < deadline, f"{job}\n{log.read_text()}"
            time.sleep(0.3)
            job = httpx.get(f"{base}/api/v1/jobs/{job['id']}", headers=officer).json()
        assert job["status"] == "succeeded", job
        pdf = httpx.get(
            f"{base}/api/v1/documents/{job['result']['items'][0]['document_id']}/download", headers=officer
        )
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    assert (tmp_path / "var" / "register.sqlite3").is_file()
