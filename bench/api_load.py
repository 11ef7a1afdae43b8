"""Benchmark: the API under 50 concurrent clients on loopback.

Starts uvicorn (``api.asgi:app``) in a subprocess with the embedded register (SQLite) and store
(filesystem) under a temporary folder, and a Redis broker from Debian's redis-server (no worker:
only submission is measured). Then, with an httpx async client, 50 concurrent clients send

1. synchronous single-document generation (POST /cases/{ref}/documents) with new inputs each time,
2. the same request repeated with unchanged inputs (answered from the register, nothing rendered), and
3. job submission (POST /jobs, one item each),

each for a bounded number of requests or seconds, and reports requests per second, median and
p99 latency, and any non-2xx answers.

    .venv/bin/python bench/api_load.py [--clients 50] [--requests 200] [--seconds 60] [--workers 1]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import httpx

from docgen.config import PROJECT_ROOT, Settings
from docgen.demo import DEMO_AS_OF, DEMO_DIR
from docgen.register import open_register, unit_of_work
from docgen.services.auth import create_user

SECRET = "bench-secret-" + "y" * 24


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_http(url: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer in {timeout}s")


async def _run(
    name: str, clients: int, total: int, seconds: float, send: object
) -> dict[str, float | int | str]:
    latencies: list[float] = []
    failures: dict[int, int] = {}
    sent = 0
    deadline = time.monotonic() + seconds

    async def client(n: int, http: httpx.AsyncClient) -> None:
        nonlocal sent
        while sent < total and time.monotonic() < deadline:
            sent += 1
            started = time.perf_counter()
            answer = await send(http, sent)  # type: ignore[operator]
            latencies.append(time.perf_counter() - started)
            if answer.status_code >= 300:
                failures[answer.status_code] = failures.get(answer.status_code, 0) + 1

    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    started = time.perf_counter()
    async with httpx.AsyncClient(limits=limits, timeout=300) as http:
        await asyncio.gather(*(client(n, http) for n in range(clients)))
    elapsed = time.perf_counter() - started
    latencies.sort()
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    return {
        "scenario": name,
        "clients": clients,
        "requests": len(latencies),
        "seconds": round(elapsed, 2),
        "rps": round(len(latencies) / elapsed, 1),
        "median_ms": round(statistics.median(latencies) * 1000, 1),
        "p99_ms": round(p99 * 1000, 1),
        "failures": json.dumps(failures),
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=200, help="per scenario")
    parser.add_argument("--seconds", type=float, default=60.0, help="per scenario, at most")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    args = parser.parse_args()

    redis_bin = shutil.which("redis-server")
    if redis_bin is None:
        print("redis-server is not installed", file=sys.stderr)
        return 1
    tmp = Path(tempfile.mkdtemp(prefix="docgen-bench-api-"))
    redis_port, port = _free_port(), _free_port()
    redis = subprocess.Popen(
        [redis_bin, "--bind", "127.0.0.1", "--port", str(redis_port), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    settings = Settings(
        environment="test", data_dir=tmp, broker_url=f"redis://127.0.0.1:{redis_port}/0", secret_key=SECRET
    )
    with unit_of_work(open_register(settings)) as session:
        _user, key = create_user(session, name="bench", role="officer", pepper=SECRET)
    env = {
        **os.environ,
        "DOCGEN_ENVIRONMENT": "test",
        "DOCGEN_DATA_DIR": str(tmp),
        "DOCGEN_BROKER_URL": settings.celery_broker_url,
        "DOCGEN_SECRET_KEY": SECRET,
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "api.asgi:app",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(args.workers),
            "--log-level",
            "warning",
            "--no-access-log",
        ],
        env=env,
        cwd=PROJECT_ROOT,
    )
    base = f"http://127.0.0.1:{port}"
    headers = {"Authorization": f"Bearer {key}"}
    try:
        _wait_http(f"{base}/healthz")
        case = json.loads((DEMO_DIR / "kingston-sundry-individual.json").read_text())
        refs = []
        for n in range(10):
            body = {**case, "case_ref": f"BENCH/{n:03d}"}
            httpx.post(f"{base}/api/v1/cases", json=body, headers=headers, timeout=30).raise_for_status()
            refs.append(body["case_ref"])
        ask = {"doc_type": "letter_before_claim", "as_of": DEMO_AS_OF.isoformat()}
        # one warm-up render per process so the first-use cost of fonts and templates is not counted
        httpx.post(f"{base}/api/v1/cases/{refs[0]}/documents", json=ask, headers=headers, timeout=60)

        async def generate(http: httpx.AsyncClient, n: int) -> httpx.Response:
            # a date of its own for every request: each one renders, stores and registers a version
            fresh = {**ask, "as_of": (DEMO_AS_OF + timedelta(days=1 + n // len(refs))).isoformat()}
            return await http.post(
                f"{base}/api/v1/cases/{refs[n % len(refs)]}/documents", json=fresh, headers=headers
            )

        async def repeat(http: httpx.AsyncClient, n: int) -> httpx.Response:
            # inputs stored before: answered from the register
            return await http.post(f"{base}/api/v1/cases/{refs[0]}/documents", json=ask, headers=headers)

        async def submit(http: httpx.AsyncClient, n: int) -> httpx.Response:
            body = {
                "items": [{"case_ref": refs[n % len(refs)], "doc_type": "letter_before_claim"}],
                "as_of": DEMO_AS_OF.isoformat(),
            }
            return await http.post(f"{base}/api/v1/jobs", json=body, headers=headers)

        rows = [
            asyncio.run(
                _run(
                    "sync generate, new inputs (render + store)",
                    args.clients,
                    args.requests,
                    args.seconds,
                    generate,
                )
            )
        ]
        # the newest version of refs[0]'s letter is now one of the dated ones above: make the
        # repeated request's version the newest again, so that every repeat is answered from the register
        httpx.post(f"{base}/api/v1/cases/{refs[0]}/documents", json=ask, headers=headers, timeout=60)
        rows.append(
            asyncio.run(
                _run("sync generate, unchanged inputs", args.clients, args.requests * 5, args.seconds, repeat)
            )
        )
        rows.append(
            asyncio.run(_run("job submission", args.clients, args.requests * 5, args.seconds, submit))
        )
        print(f"uvicorn workers: {args.workers}; CPUs: {os.cpu_count()}; register: SQLite; store: filesystem")
        for row in rows:
            print("  ".join(f"{k}={v}" for k, v in row.items()))
    finally:
        server.terminate()
        server.wait(timeout=30)
        redis.terminate()
        redis.wait(timeout=10)
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
