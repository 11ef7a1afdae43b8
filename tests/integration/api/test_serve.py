"""`docgen serve --demo`: the API and a worker on one machine with no external servers (SQLite,
filesystem store, filesystem broker), the demo cases loaded and demo keys printed last, in a box.
A second start on the same port or data folder changes nothing; SIGTERM stops every process the
server started, LibreOffice included."""

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

from docgen.cli.processes import holder
from docgen.config import PROJECT_ROOT
from tests.fixtures.s3 import _free_port

pytestmark = [pytest.mark.slow]


def _wait_for_keys(log: Path, process: subprocess.Popen[bytes], timeout: float = 60) -> dict[str, str]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        keys = dict(
            re.findall(
                r"^│\s+(officer|legal_partner|manager|admin)\s+Authorization: Bearer (\S+)\s+│$",
                log.read_text(errors="replace"),
                re.M,
            )
        )
        if len(keys) == 4:
            return keys
        assert process.poll() is None, log.read_text()
        time.sleep(0.2)
    raise AssertionError(f"no demo keys printed:\n{log.read_text()}")


def _env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCGEN_")}
    env.update(DOCGEN_DATA_DIR=str(data_dir), DOCGEN_ENVIRONMENT="development")
    return env


def _docgen(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "docgen", *args],
        env=_env(data_dir),
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        timeout=120,
    )


def _descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        parent = todo.pop()
        for task in Path(f"/proc/{parent}/task").glob("*"):
            try:
                kids = [int(p) for p in (task / "children").read_text().split()]
            except OSError:
                continue
            found += kids
            todo += kids
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def _wait_job(base: str, headers: dict[str, str], job: dict, log: Path) -> dict:
    deadline = time.monotonic() + 90
    while job["status"] not in {"succeeded", "partial", "failed"}:
        assert time.monotonic() < deadline, f"{job}\n{log.read_text()}"
        time.sleep(0.3)
        job = httpx.get(f"{base}/api/v1/jobs/{job['id']}", headers=headers).json()
    return job


@pytest.mark.libreoffice
def test_serve_demo_runs_api_and_worker_with_no_servers(tmp_path: Path) -> None:
    port, log = _free_port(), tmp_path / "serve.log"
    data_dir = tmp_path / "var"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "docgen", "serve", "--demo", "--port", str(port)],
            env=_env(data_dir),
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=PROJECT_ROOT,
        )
    stopped = False
    try:
        keys = _wait_for_keys(log, process)
        base = f"http://127.0.0.1:{port}"
        printed = log.read_text()
        assert f"{base}/docs" in printed and f"{base}/ui/" in printed
        # the box is the last thing printed, and the worker's banner is in its own log, not here
        assert printed.rstrip().endswith("┘") and "celery@" not in printed
        assert (data_dir / "logs" / "worker.log").is_file()
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

        # a second start on the same data folder, or on the same port, is refused before it changes
        # anything: the running server's keys still work
        again = _docgen("serve", "--demo", "--port", str(_free_port()), data_dir=data_dir)
        assert again.returncode == 5 and "is using the data folder" in again.stderr, again.stderr
        other = _docgen("serve", "--demo", "--port", str(port), data_dir=tmp_path / "other")
        assert other.returncode == 5 and f"--port {port + 1}" in other.stderr, other.stderr
        assert "Bearer" not in other.stdout and not (tmp_path / "other" / "register.sqlite3").exists()
        demo = _docgen("demo", data_dir=data_dir)
        assert demo.returncode == 5 and "make demo" in demo.stderr, demo.stderr
        assert httpx.get(f"{base}/api/v1/cases", headers=officer).status_code == 200

        body = {
            "items": [
                {"case_ref": "KGN/SUN/2024/0101", "doc_type": "letter_before_claim"},
                {"case_ref": "KGN/SUN/2024/0101", "doc_type": "panel_briefing"},  # docx: LibreOffice
            ],
            "as_of": "2025-06-02",
        }
        job = httpx.post(f"{base}/api/v1/jobs", json=body, headers=officer).json()
        job = _wait_job(base, officer, job, log)
        assert job["status"] == "succeeded", job
        pdf = httpx.get(
            f"{base}/api/v1/documents/{job['result']['items'][0]['document_id']}/download", headers=officer
        )
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")

        started = _descendants(process.pid)
        commands = [_cmdline(p) for p in started]
        assert any("celery" in c for c in commands), commands
        assert any("soffice" in c for c in commands), commands  # warm, in a session of its own
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=40) == 0, log.read_text()
        stopped = True
        left = [(p, _cmdline(p)) for p in started if _alive(p)]
        assert left == [], left
        # the folder is free again: the demo may run there now
        assert holder(data_dir) is None
    finally:
        if not stopped:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    assert (data_dir / "register.sqlite3").is_file()
