"""Jobs spread over Celery workers as production runs them: Redis as the broker, PostgreSQL as the
register, an S3-protocol server as the store, on 1, 2 and 4 worker processes, side by side in one run.

    .venv/bin/python bench/jobs_scaling.py [--cases 60] [--job-size 10] [--workers 1,2,4] [--rounds 1]

The servers are real and local: redis-server and PostgreSQL from the Debian packages
(scripts/setup.sh installs them), and moto's S3 server in a process of its own (driven by the minio
SDK exactly as MinIO is). For each worker count, in turn and over ``--rounds`` rounds so that a change
in the machine's load falls on every count alike: a fresh database and bucket, the varied claim-pack
cases of bench/bulk.py held in the register, that many Celery worker processes (one pool process
each, as on hosts of one core each) started and answering, then the cases submitted as generate jobs
of ``--job-size`` cases each (letter before claim, official N1 and particulars per case) and timed
until every job has ended. Reports packs per second, the workers' CPU-seconds per pack (each worker
and its pool process, from /proc), the store server's and the database's CPU alongside, peak memory
per worker, and the rates against one worker.
"""

from __future__ import annotations

import argparse
import json
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bulk import AS_OF, make_cases  # noqa: E402

from docgen.config import Settings  # noqa: E402
from docgen.jobs.app import make_celery  # noqa: E402
from docgen.register import migrate, unit_of_work  # noqa: E402
from docgen.register.models import Job, Role  # noqa: E402
from docgen.services import jobs  # noqa: E402
from docgen.services.auth import Principal  # noqa: E402
from docgen.services.backend import Backend  # noqa: E402
from docgen.services.cases import hold  # noqa: E402

PACK = ("letter_before_claim", "n1", "particulars_of_claim")
ACCESS_KEY, SECRET_KEY = "docgen-bench", "docgen-bench-secret"
TICK = os.sysconf("SC_CLK_TCK")


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_port(port: int, what: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"{what} did not listen on port {port} within {timeout:g} s")


@contextmanager
def redis_server(folder: Path) -> Iterator[str]:
    binary = shutil.which("redis-server")
    if binary is None:
        raise SystemExit("redis-server is not installed (scripts/setup.sh installs it)")
    port = _free_port()
    args = [binary, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no"]
    process = subprocess.Popen([*args, "--dir", str(folder)], stdout=subprocess.DEVNULL)
    try:
        _wait_port(port, "redis-server")
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(10)


@contextmanager
def postgres_server() -> Iterator[tuple[int, int]]:
    """(port, postmaster pid); the server runs as the postgres user under root, in a folder of its own."""
    bindirs = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
    if not bindirs:
        raise SystemExit("PostgreSQL is not installed (scripts/setup.sh installs it)")
    bindir = bindirs[0]
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    folder = Path(tempfile.mkdtemp(prefix="docgen-bench-pg-"))
    if os.geteuid() == 0:
        user = pwd.getpwnam("postgres")
        os.chown(folder, user.pw_uid, user.pw_gid)
    data, port = folder / "data", _free_port()
    run: dict[str, Any] = {"check": True, "capture_output": True, "timeout": 120}
    subprocess.run(
        [*prefix, str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8"],
        **run,
    )
    options = f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={folder}"
    subprocess.run([*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(folder / "log"), "-w", "start"], **run)  # fmt: skip
    try:
        _wait_port(port, "PostgreSQL")
        yield port, int((data / "postmaster.pid").read_text().split()[0])
    finally:
        subprocess.run([*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"], capture_output=True, timeout=60)  # fmt: skip
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def s3_server() -> Iterator[tuple[str, int]]:
    """(endpoint, pid) of moto's S3 server in a process of its own."""
    binary = shutil.which("moto_server") or str(Path(sys.executable).parent / "moto_server")
    port = _free_port()
    process = subprocess.Popen(
        [binary, "-H", "127.0.0.1", "-p", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        _wait_port(port, "the S3 server")
        yield f"127.0.0.1:{port}", process.pid
    finally:
        process.terminate()
        process.wait(10)


def _tree(pid: int) -> list[int]:
    found = [pid]
    for child in (
        Path(f"/proc/{pid}/task/{pid}/children").read_text().split() if Path(f"/proc/{pid}").exists() else []
    ):
        found.extend(_tree(int(child)))
    return found


def _cpu(pids: list[int]) -> float:
    """CPU-seconds of these processes so far (their own, and their reaped children's)."""
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += sum(int(x) for x in fields[11:15]) / TICK  # utime, stime, cutime, cstime
    return total


def _peak_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _env(settings: Settings) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DOCGEN_ENVIRONMENT": "test",
            "DOCGEN_DATA_DIR": str(settings.data_dir),
            "DOCGEN_DATABASE_URL": settings.sqlalchemy_url,
            "DOCGEN_BROKER_URL": settings.celery_broker_url,
            "DOCGEN_STORAGE_BACKEND": "s3",
            "DOCGEN_S3_ENDPOINT": settings.s3_endpoint,
            "DOCGEN_S3_ACCESS_KEY": settings.s3_access_key,
            "DOCGEN_S3_SECRET_KEY": settings.s3_secret_key,
            "DOCGEN_S3_BUCKET": settings.s3_bucket,
            "DOCGEN_S3_SECURE": "false",
        }
    )
    return env


def _start_workers(count: int, settings: Settings, logs: Path) -> list[subprocess.Popen[bytes]]:
    workers = []
    for n in range(count):
        args = [sys.executable, "-m", "celery", "-A", "docgen.jobs.tasks", "worker", "--pool=prefork"]
        args += ["--concurrency=1", "--loglevel=WARNING", "--without-gossip", "--without-mingle"]
        with open(logs / f"worker-{n}.log", "wb") as log:
            workers.append(
                subprocess.Popen(
                    [*args, "-n", f"bench{n}-{uuid.uuid4().hex[:6]}@%h"],
                    env=_env(settings),
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    cwd=ROOT,
                )
            )
    app = make_celery(settings)
    deadline = time.monotonic() + 120
    while len(app.control.ping(timeout=1.0) or []) < count:
        if time.monotonic() > deadline or any(w.poll() is not None for w in workers):
            raise SystemExit(f"the workers did not all answer; see {logs}")
    return workers


def _stop(workers: list[subprocess.Popen[bytes]]) -> None:
    for w in workers:
        w.send_signal(signal.SIGQUIT)  # nothing is running: no need to wait for a warm shutdown
    for w in workers:
        try:
            w.wait(30)
        except subprocess.TimeoutExpired:
            w.kill()


def one_run(
    workers: int, cases: list[Any], job_size: int, servers: dict[str, Any], folder: Path
) -> dict[str, Any]:
    import psycopg

    database = f"bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(
        f"host=127.0.0.1 port={servers['pg_port']} user=postgres dbname=postgres", autocommit=True
    ) as c:
        c.execute(f'CREATE DATABASE "{database}"')
    settings = Settings(
        environment="test",
        data_dir=folder / database,
        database_url=f"postgresql+psycopg://postgres@127.0.0.1:{servers['pg_port']}/{database}",
        broker_url=servers["redis"],
        storage_backend="s3",
        s3_endpoint=servers["s3"],
        s3_access_key=ACCESS_KEY,
        s3_secret_key=SECRET_KEY,
        s3_bucket=f"bench-{uuid.uuid4().hex[:10]}",
        s3_secure=False,
    )
    migrate(settings)
    backend = Backend.open(settings)
    who = Principal("bench", Role.officer)
    with unit_of_work(backend.sessions) as session:
        for case in cases:
            hold(session, who, case)
    logs = folder / f"logs-{database}"
    logs.mkdir(parents=True)
    _say(f"{workers} worker(s): starting")
    procs = _start_workers(workers, settings, logs)
    _say(f"{workers} worker(s): answering; submitting {len(cases)} cases")
    app = make_celery(settings)  # sends to this run's Redis

    try:
        pids = [p for w in procs for p in _tree(w.pid)]
        cpu_before = _cpu(pids)
        others_before = {"s3": _cpu([servers["s3_pid"]]), "postgres": _cpu(_tree(servers["pg_pid"]))}
        started = time.perf_counter()
        job_ids = []
        for first in range(0, len(cases), job_size):
            items = [jobs.Item(c.case_ref, t, {}) for c in cases[first : first + job_size] for t in PACK]
            with backend.sessions() as session:
                job, _ = jobs.submit_generate(session, who, items, AS_OF)
                jobs.enqueue(session, job, app.send_task)
                job_ids.append(job.id)
        first_done: float | None = None
        deadline = time.monotonic() + 60 + 10 * len(cases)
        while True:
            if time.monotonic() > deadline:
                raise SystemExit(f"the jobs did not end in time; see {logs}")
            with backend.sessions() as session:
                states = [session.get(Job, j) for j in job_ids]
                ended = [s for s in states if s is not None and s.status in jobs.FINISHED]
            if ended and first_done is None:
                first_done = time.perf_counter() - started
            if len(ended) == len(job_ids):
                break
            time.sleep(0.1)
        seconds = time.perf_counter() - started
        pids = [p for w in procs for p in _tree(w.pid)]
        cpu = _cpu(pids) - cpu_before
        stored = sum(int(s.progress) for s in ended)
        failed = [s.id for s in ended if s.status != jobs.SUCCEEDED]
        if failed or stored != len(cases) * len(PACK):
            raise SystemExit(
                f"{len(failed)} jobs did not succeed; {stored} of {len(cases) * len(PACK)} items made"
            )
        return {
            "packs_per_second": round(len(cases) / seconds, 2),
            "first_job_ended_after_s": round(first_done or 0.0, 2),
            "cpu_seconds_per_pack": round(cpu / len(cases), 3),
            "store_server_cpu_seconds_per_pack": round(
                (_cpu([servers["s3_pid"]]) - others_before["s3"]) / len(cases), 3
            ),
            "postgres_cpu_seconds_per_pack": round(
                (_cpu(_tree(servers["pg_pid"])) - others_before["postgres"]) / len(cases), 3
            ),
            "peak_rss_mb_per_worker_process": round(max(_peak_mb(p) for p in pids)),
            "load": [round(x, 2) for x in os.getloadavg()],
        }
    finally:
        _stop(procs)
        backend.sessions.kw["bind"].dispose()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cases", type=int, default=60)
    parser.add_argument("--job-size", type=int, default=10)
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    counts = [int(w) for w in args.workers.split(",")]
    cases = make_cases(args.cases)
    report: dict[str, Any] = {"cpus": os.cpu_count(), "cases": args.cases, "job_size": args.job_size}
    report["load_at_start"] = [round(x, 2) for x in os.getloadavg()]
    runs: dict[int, list[dict[str, Any]]] = {w: [] for w in counts}
    with ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="docgen-bench-jobs-")))
        (folder / "redis").mkdir()
        pg_port, pg_pid = stack.enter_context(postgres_server())
        s3, s3_pid = stack.enter_context(s3_server())
        redis = stack.enter_context(redis_server(folder / "redis"))
        servers = {"pg_port": pg_port, "pg_pid": pg_pid, "s3": s3, "s3_pid": s3_pid, "redis": redis}
        for _round in range(args.rounds):
            for w in counts:
                runs[w].append(one_run(w, cases, args.job_size, servers, folder))
    for w, rs in runs.items():
        report[f"{w}_workers"] = {k: [r[k] for r in rs] for k in rs[0]}
    if 1 in runs:
        best = {w: max(r["packs_per_second"] for r in rs) for w, rs in runs.items()}
        report["rate_vs_1_worker"] = {f"{w}_workers": round(best[w] / best[1], 2) for w in best if w != 1}
    report["load_at_end"] = [round(x, 2) for x in os.getloadavg()]
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
