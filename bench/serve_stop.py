"""Benchmark: how long `docgen serve --demo` (what `make run` starts) takes to stop, and how soon its
job worker picks up a job.

Each round starts the server in a new data folder on a free port, waits for the demo keys, submits
one job (the letter before claim for the first demo case) and polls it until it has succeeded (so the
worker is known to be running and idle), then sends SIGINT, as Ctrl+C does, and times the server's
exit: the API, the Celery worker and its pool process, all stopped in order. Reports each round and
the medians.

    .venv/bin/python bench/serve_stop.py [--rounds 5]

The project is the one the running interpreter imports ``docgen`` from, so another checkout's
interpreter measures that checkout: ``../other/.venv/bin/python bench/serve_stop.py``.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import httpx

import docgen

T = TypeVar("T")
ROOT = Path(docgen.__file__).resolve().parent.parent
KEY = re.compile(r"^│\s+officer\s+Authorization: Bearer (\S+)\s+│$", re.M)
CASE = re.compile(r"^│\s+([A-Z]{2,4}/[A-Z]{2,4}/\d{4}/\d+)", re.M)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _until(what: str, check: Callable[[], T | None], timeout: float = 120.0) -> T:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found is not None:
            return found
        time.sleep(0.05)
    raise SystemExit(f"timed out waiting for {what}")


def _round() -> tuple[float, float]:
    folder = Path(tempfile.mkdtemp(prefix="docgen-bench-stop-"))
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCGEN_")}
    env.update(DOCGEN_DATA_DIR=str(folder / "var"), DOCGEN_ENVIRONMENT="development")
    log = folder / "serve.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "docgen", "serve", "--demo", "--port", str(port)],
            env=env,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:

        def keys_printed() -> tuple[str, str] | None:
            printed = log.read_text(errors="replace")
            key, case = KEY.search(printed), CASE.search(printed)
            return (key[1], case[1]) if key and case else None

        key, ref = _until("the demo keys", keys_printed)
        base, headers = f"http://127.0.0.1:{port}", {"Authorization": f"Bearer {key}"}
        body = {"items": [{"case_ref": ref, "doc_type": "letter_before_claim"}], "as_of": "2025-06-02"}
        submitted = time.perf_counter()
        job = httpx.post(f"{base}/api/v1/jobs", json=body, headers=headers, timeout=30).json()

        def done() -> bool | None:
            state = httpx.get(f"{base}/api/v1/jobs/{job['id']}", headers=headers, timeout=30).json()
            if state["status"] in ("partial", "failed"):
                raise SystemExit(f"the job did not succeed: {state}")
            return True if state["status"] == "succeeded" else None

        _until("the job", done)
        job_s = time.perf_counter() - submitted
        started = time.perf_counter()
        server.send_signal(signal.SIGINT)
        server.wait(timeout=60)
        return job_s, time.perf_counter() - started
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
        shutil.rmtree(folder, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    jobs, stops = [], []
    for n in range(args.rounds):
        job_s, stop_s = _round()
        jobs.append(job_s)
        stops.append(stop_s)
        print(
            f"round {n + 1}: first job submitted to succeeded {job_s:.2f} s; stop after Ctrl+C {stop_s:.2f} s"
        )
    print(
        f"{ROOT}: median first job {statistics.median(jobs):.2f} s, median stop {statistics.median(stops):.2f} s "
        f"(min {min(stops):.2f}, max {max(stops):.2f}) over {args.rounds} rounds; "
        f"load average {[round(x, 2) for x in os.getloadavg()]}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
