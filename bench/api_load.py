"""Benchmark: the API under 50 concurrent clients on loopback.

Starts uvicorn (``api.asgi:app``) in a subprocess with the embedded register (SQLite) and store
(filesystem) under a temporary folder, and a Redis broker from Debian's redis-server (no worker:
only submission is measured). Then 50 concurrent httpx clients, spread over a few client processes
(each with its own event loop, so that a request is not timed while it waits behind the other
clients in one Python process), send

1. synchronous single-document generation (POST /cases/{ref}/documents) with new inputs each time,
2. the same request repeated with unchanged inputs (answered from the register, nothing rendered), and
3. job submission (POST /jobs, one item each),

each for a bounded number of requests or seconds. During the first, one more client in a process of
its own (plain http.client) samples what a single caller sees. Sync renders go to the API's render
pool; a request that would wait too long for a worker is refused at once with 429 and Retry-After,
which the clients honour. Reports accepted requests per second with their median and p99 latency,
and the refusals with theirs, against the letter's render cost measured in this process before the
load starts.

    .venv/bin/python bench/api_load.py [--clients 50] [--requests 200] [--seconds 60] [--workers 1]
        [--client-processes 1] [--probe-seconds 10]
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import multiprocessing
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

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


@dataclass(frozen=True)
class Target:
    """What every client process needs to make its requests (plain values: they cross processes)."""

    base: str
    headers: dict[str, str]
    refs: list[str]
    ask: dict[str, str]


async def _send(kind: str, target: Target, http: httpx.AsyncClient, n: int) -> httpx.Response:
    refs, ask, headers = target.refs, target.ask, target.headers
    if kind == "generate":
        # a date of its own for every request: each one renders, stores and registers a version
        fresh = {**ask, "as_of": (DEMO_AS_OF + timedelta(days=1 + n // len(refs))).isoformat()}
        url = f"{target.base}/api/v1/cases/{refs[n % len(refs)]}/documents"
        return await http.post(url, json=fresh, headers=headers)
    if kind == "repeat":
        # inputs stored before: answered from the register
        return await http.post(f"{target.base}/api/v1/cases/{refs[0]}/documents", json=ask, headers=headers)
    body = {
        "items": [{"case_ref": refs[n % len(refs)], "doc_type": "letter_before_claim"}],
        "as_of": DEMO_AS_OF.isoformat(),
    }
    return await http.post(f"{target.base}/api/v1/jobs", json=body, headers=headers)


async def _clients(
    kind: str, target: Target, clients: int, total: int, seconds: float, index: int, processes: int
) -> tuple[list[float], list[float], dict[int | str, int], float]:
    """One process's share of the clients. Requests answered 2xx ("accepted") and 429 ("refused")
    are timed apart: a refusal must come at once, and an accepted sync request must not wait long."""
    accepted: list[float] = []
    refused: list[float] = []
    failures: dict[int | str, int] = {}
    sent = 0
    deadline = time.monotonic() + seconds

    async def client(http: httpx.AsyncClient) -> None:
        nonlocal sent
        while sent < total and time.monotonic() < deadline:
            n = index + processes * sent  # unique across the processes
            sent += 1
            started = time.perf_counter()
            try:
                answer = await _send(kind, target, http, n)
            except httpx.TransportError as err:
                # e.g. a kept-alive connection the server closed as it was reused: counted, not fatal
                failures[type(err).__name__] = failures.get(type(err).__name__, 0) + 1
                continue
            took = time.perf_counter() - started
            if answer.status_code < 300:
                accepted.append(took)
            elif answer.status_code == 429:
                refused.append(took)
                # a well-behaved client waits as told before its next request
                await asyncio.sleep(float(answer.headers.get("retry-after", "1")))
            else:
                failures[answer.status_code] = failures.get(answer.status_code, 0) + 1

    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(limits=limits, timeout=300) as http:
        await asyncio.gather(*(client(http) for _ in range(clients)))
    return accepted, refused, failures, time.time()


def _client_process(args: tuple[Any, ...], start_at: float, out: Any) -> None:
    time.sleep(max(0.0, start_at - time.time()))  # every process starts together
    out.send(asyncio.run(_clients(*args)))


def _run(
    name: str, kind: str, target: Target, clients: int, total: int, seconds: float, processes: int
) -> dict[str, float | int | str]:
    """The clients spread over ``processes`` client processes, each with its own event loop, so
    that a request is not timed while it waits behind the other clients' in one Python process."""
    context = multiprocessing.get_context("spawn")
    start_at = time.time() + 3.0
    pipes, procs = [], []
    for index in range(processes):
        share = clients // processes + (1 if index < clients % processes else 0)
        part = total // processes + (1 if index < total % processes else 0)
        receiver, sender = context.Pipe(duplex=False)
        proc = context.Process(
            target=_client_process,
            args=((kind, target, share, part, seconds, index, processes), start_at, sender),
        )
        proc.start()
        pipes.append(receiver)
        procs.append(proc)
    accepted: list[float] = []
    refused: list[float] = []
    failures: dict[int | str, int] = {}
    ended = start_at
    for receiver in pipes:
        got_accepted, got_refused, got_failures, finished = receiver.recv()
        accepted += got_accepted
        refused += got_refused
        for key, count in got_failures.items():
            failures[key] = failures.get(key, 0) + count
        ended = max(ended, finished)
    for proc in procs:
        proc.join()
    elapsed = ended - start_at

    def p99(xs: list[float]) -> float:
        xs = sorted(xs)
        return round(xs[min(len(xs) - 1, int(len(xs) * 0.99))] * 1000, 1) if xs else 0.0

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


def _probe(
    base: str, headers: dict[str, str], paths: list[str], ask: dict[str, str], seconds: float, out: Any
) -> None:
    """One more client, in a process of its own, while the load runs: what a single caller sees,
    free of the load generator's own event loop (50 clients in one Python process queue behind
    each other before a request is even sent). Plain http.client on one kept-alive connection;
    after a refusal it tries again 0.1 s later (so as to sample the refusals often)."""
    host, port = base.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=300)
    rows: list[tuple[int, float]] = []
    stop = time.monotonic() + seconds
    n = 0
    while time.monotonic() < stop:
        n += 1
        body = json.dumps({**ask, "as_of": (DEMO_AS_OF + timedelta(days=200 + n)).isoformat()})
        started = time.perf_counter()
        conn.request("POST", paths[n % len(paths)], body, {**headers, "Content-Type": "application/json"})
        answer = conn.getresponse()
        answer.read()
        rows.append((answer.status, time.perf_counter() - started))
        if answer.will_close:
            conn.close()
            conn = http.client.HTTPConnection(host, int(port), timeout=300)
        time.sleep(0.1 if answer.status == 429 else 0.02)
    out.send(rows)


def _probe_summary(rows: list[tuple[int, float]]) -> str:
    def stats(xs: list[float]) -> str:
        xs = sorted(xs)
        if not xs:
            return "0"
        p99 = xs[min(len(xs) - 1, int(len(xs) * 0.99))]
        return f"{len(xs)} (median {statistics.median(xs) * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms)"

    accepted = [t for status, t in rows if status < 300]
    refused = [t for status, t in rows if status == 429]
    other = sorted({status for status, _ in rows} - {200, 201, 429})
    return f"one client in its own process: accepted {stats(accepted)}; refused {stats(refused)}" + (
        f"; other answers {other}" if other else ""
    )


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
    parser.add_argument(
        "--client-processes", type=int, default=1, help="processes the clients are spread over"
    )
    parser.add_argument(
        "--probe-seconds",
        type=float,
        default=10.0,
        help="how long the single client samples the first scenario",
    )
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

        target = Target(base, headers, refs, ask)
        spread = args.client_processes
        receiver, sender = multiprocessing.Pipe(duplex=False)
        paths = [f"/api/v1/cases/{ref}/documents" for ref in refs]
        probe = multiprocessing.get_context("spawn").Process(
            target=_probe, args=(base, headers, paths, ask, args.probe_seconds, sender)
        )
        probe.start()
        rows = [
            _run(
                "sync generate, new inputs (render + store)",
                "generate",
                target,
                args.clients,
                args.requests,
                args.seconds,
                spread,
            )
        ]
        probed = _probe_summary(receiver.recv())
        probe.join()
        # the newest version of refs[0]'s letter is now one of the dated ones above: make the
        # repeated request's version the newest again, so that every repeat is answered from the register
        httpx.post(f"{base}/api/v1/cases/{refs[0]}/documents", json=ask, headers=headers, timeout=60)
        rows.append(
            _run(
                "sync generate, unchanged inputs",
                "repeat",
                target,
                args.clients,
                args.requests * 5,
                args.seconds,
                spread,
            )
        )
        rows.append(
            _run("job submission", "submit", target, args.clients, args.requests * 5, args.seconds, spread)
        )
        cores = os.cpu_count() or 1
        print(
            f"uvicorn workers: {args.workers}; CPUs: {cores}; register: SQLite; store: filesystem; "
            f"{args.clients} clients over {spread} client processes; "
            f"load average at start {load_at_start}, at end {[round(x, 2) for x in os.getloadavg()]}"
        )
        print(
            f"letter render cost {cost * 1000:.0f} ms in one process: cores / cost = {cores / cost:.2f} "
            f"renders/s; 85% of that = {0.85 * cores / cost:.2f}/s"
        )
        for row in rows:
            print("  ".join(f"{k}={v}" for k, v in row.items()))
        print(f"during the first scenario, {probed}")
    finally:
        server.terminate()
        server.wait(timeout=30)
        redis.terminate()
        redis.wait(timeout=10)
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
