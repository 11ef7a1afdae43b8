"""``docgen serve``: the API and one job worker on this machine, with no external servers by
default (SQLite register, filesystem store, filesystem broker, all under the data folder)."""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys

from docgen.config import Settings, get_settings
from docgen.errors import InvalidInput


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("serve", help="run the API and a job worker (embedded: no servers needed)")
    p.add_argument("--demo", action="store_true", help="load the demo cases and print demo users' keys")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--no-worker", action="store_true", help="run the API only (workers run elsewhere)")
    p.set_defaults(func=run)


def worker_command(name: str, loglevel: str = "WARNING", heartbeat: bool = True) -> list[str]:
    """One Celery worker process with a single pool process, named ``name`` (``x@%h``)."""
    return [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "docgen.jobs.tasks",
        "worker",
        "--pool=prefork",
        "--concurrency=1",
        f"--loglevel={loglevel}",
        "--without-gossip",
        "--without-mingle",
        *([] if heartbeat else ["--without-heartbeat"]),
        "-n",
        name,
    ]


def worker_env(settings: Settings) -> dict[str, str]:
    """The worker reads its settings from the environment: hand it the ones this process uses."""
    env = dict(os.environ)
    env["DOCGEN_DATA_DIR"] = str(settings.data_dir)
    env["DOCGEN_ENVIRONMENT"] = settings.environment
    return env


def run(args: argparse.Namespace) -> int:
    import uvicorn

    from api.main import create_app
    from docgen.register import open_register, unit_of_work
    from docgen.services import demo

    settings = get_settings()
    if args.demo and settings.environment == "production":
        raise InvalidInput("--demo makes users with printed keys: not in production")
    app = create_app(settings)
    keys: dict[str, str] = {}
    refs: list[str] = []
    if args.demo:
        with unit_of_work(open_register(settings)) as session:
            keys, refs = demo.seed(session, settings.secret_key)

    worker = None
    if not args.no_worker:
        worker = subprocess.Popen(worker_command(f"docgen-{os.getpid()}@%h"), env=worker_env(settings))
    url = f"http://{args.host}:{args.port}"
    print(f"docgen API: {url}/docs   (data in {settings.data_dir})", flush=True)
    print(f"web pages:  {url}/ui/   (sign in with an API key)", flush=True)
    if args.demo:
        print(f"demo cases: {', '.join(refs)} ({refs[0]} is shared with {demo.DEMO_PARTNER_ORG})")
        for role, key in keys.items():
            print(f"  {role:<14} Authorization: Bearer {key}")
        print(f"  try: curl -H 'Authorization: Bearer {keys['officer']}' {url}/api/v1/cases", flush=True)
    try:
        uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
    finally:
        if worker is not None and worker.poll() is None:
            worker.send_signal(signal.SIGTERM)
            try:
                worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                worker.kill()
    return 0
