"""Benchmark: the API under 50 concurrent clients on loopback.

Starts uvicorn (``api.asgi:app``) in a subprocess with the embedded register (SQLite) and store
(filesystem) under a temporary folder, and a Redis broker from Debian's redis-server (no worker:
only submission is measured). Then, with an httpx async client, 50 concurrent clients send

1. synchronous single-document generation (POST /cases/{ref}/documents) with new inputs each time,
2. the same request repeated with unchanged inputs (answered from the register, nothing rendered), and
3. job submission (POST /jobs, one item each),

each for a bounded number of requests or seconds. Sync renders go to the API's render pool; a request
that would wait too long for a worker is refused at once with 429 and Retry-After, which the client
honours. Reports accepted requests per second with their median and p99 latency, and the refusals
with theirs, against the letter's render cost measured in this process before the load starts.

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
from docgen.register import migrate, open_register, unit_of_work
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
    """Requests answered 2xx ("accepted") and 429 ("refused") are timed apart: a refusal must come
    at once, and an accepted sync request must not wait long."""
    accepted: list[float] = []
    refused: list[float] = []
    failures: dict[int, int] = {}
    sent = 0
    deadline = time.monotonic() + seconds

    async def client(n: int, http: httpx.AsyncClient) -> None:
        nonlocal sent
        while sent < total and time.monotonic() < deadline:
            sent += 1
            started = time.perf_counter()
            answer = await send(http, sent)  # type: ignore[operator]
            took = time.perf_counter() - started
            if answer.status_code < 300:
                accepted.append(took)
            elif answer.status_code == 429:
                refused.append(took)
                # a well-behaved client waits as told before its next request
                await asyncio.sleep(float(answer.headers.get("retry-after", "1")))
            else:
                failures[answer.status_code] = failures.get(answer.status_code, 0) + 1

    def p99(xs: list[float]) -> float:
        xs = sorted(xs)
        return round(xs[min(len(xs) - 1, int(len(xs) * 0.99))] * 1000, 1) if xs else 0.0

    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    started = time.perf_counter()
    async with httpx.AsyncClient(limits=limits, timeout=300) as http:
        await asyncio.gather(*(client(n, http) for n in range(clients)))
    elapsed = time.perf_counter() - started
    return {
        "scenario": name,
        "clients": clients,
        "accepted": len(accepted),
        "seconds": round(elapsed, 2),
        "accepted_rps": round(len(accepted) / elapsed, 2),
        "median_ms": round(statistics.median(accepted) * 1000, 1) if accepted else 0.0,
        "p99_ms": p99(accepted),
        "refused_429": len(refused),
        "refused_p99_ms": p99(refused),
        "refused_max_ms": round(max(refused) * 1000, 1) if refused else 0.0,
        "failures": json.dumps(failures),
    }


def _render_cost(repeat: int = 15) -> float:
    """Median warm render of the benchmark's letter in this process, before the load starts."""
    from docgen.domain.case import parse_case
    from docgen.render.pipeline import render_document

    settings = Settings(environment="test")
    case = parse_case(json.loads((DEMO_DIR / "kingston-sundry-individual.json").read_text()))
    render_document("letter_before_claim", case, DEMO_AS_OF, settings=settings)
    samples = []
    for n in range(repeat):
        started = time.perf_counter()
        render_document("letter_before_claim", case, DEMO_AS_OF + timedelta(days=n + 1), settings=settings)
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


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
    load_at_start = [round(x, 2) for x in os.getloadavg()]
    cost = _render_cost()
    tmp = Path(tempfile.mkdtemp(prefix="docgen-bench-api-"))
    redis_port, port = _free_port(), _free_port()
    redis = subprocess.Popen(
        [redis_bin, "--bind", "127.0.0.1", "--port", str(redis_port), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    settings = Settings(
        environment="test", data_dir=tmp, broker_url=f"redis://127.0.0.1:{redis_port}/0", secret_key=SECRET
    )
    migrate(settings)  # the start-up step
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
        cores = os.cpu_count() or 1
        print(
            f"uvicorn workers: {args.workers}; CPUs: {cores}; register: SQLite; store: filesystem; "
            f"load average at start {load_at_start}, at end {[round(x, 2) for x in os.getloadavg()]}"
        )
        print(
            f"letter render cost {cost * 1000:.0f} ms in one process: cores / cost = {cores / cost:.2f} "
            f"renders/s; 85% of that = {0.85 * cores / cost:.2f}/s"
        )
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
