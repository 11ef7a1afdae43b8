"""``docgen serve``: the API and one job worker on this machine, with no external servers by
default (SQLite register, filesystem store, filesystem broker, all under the data folder).

Start-up order matters: the data folder's lock and the port are taken first, so a second start
that cannot run (a port in use, a folder another server holds) changes nothing, least of all the
running server's demo keys. Keys are printed last, in a box, once the server is listening; the
worker writes to its own log file. Stopping (Ctrl+C or SIGTERM) stops every process started under
the server: the worker, its pool, any LibreOffice."""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from types import FrameType
from typing import Any

from docgen.config import Settings, get_settings
from docgen.errors import Conflict, InvalidInput

WORKER_LOG = Path("logs") / "worker.log"


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "serve",
        help="run the API, the web pages and a job worker (embedded: no servers needed)",
        description="Run the API, the web pages and a job worker on this machine. Stop with Ctrl+C "
        "or SIGTERM: every process it started stops with it.",
    )
    p.add_argument(
        "--demo",
        action="store_true",
        help="load the demo cases and print new keys for the demo users (the earlier ones stop working)",
    )
    p.add_argument("--host", default=None, help="address to listen on (default: DOCGEN_HOST or 127.0.0.1)")
    p.add_argument("--port", type=int, default=None, help="port to listen on (default: DOCGEN_PORT or 8000)")
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
    import json

    env = dict(os.environ)
    env["DOCGEN_DATA_DIR"] = str(settings.data_dir)
    env["DOCGEN_ENVIRONMENT"] = settings.environment
    # the councils' write-off policies and courts by postcode shape the papers a worker makes
    env["DOCGEN_POLICY_DIRS"] = json.dumps([str(p) for p in settings.policy_dirs])
    env["DOCGEN_WRITE_OFF_POLICIES"] = json.dumps(settings.write_off_policies)
    env["DOCGEN_HEARING_CENTRES"] = json.dumps(settings.hearing_centres)
    env["DOCGEN_INSOLVENCY_COURTS"] = json.dumps(settings.insolvency_courts)
    return env


def box(lines: Sequence[str]) -> str:
    """Lines framed so that nothing printed around them hides them."""
    width = max(len(line) for line in lines)
    top = "┌" + "─" * (width + 2) + "┐"
    bottom = "└" + "─" * (width + 2) + "┘"
    return "\n".join([top, *(f"│ {line.ljust(width)} │" for line in lines), bottom])


def _root_warning() -> str | None:
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return None
    who = os.environ.get("SUDO_USER")
    how = (
        f"run it as {who}: sudo -u {who} make run"
        if who and who != "root"
        else "make an ordinary user (adduser docgen) and run it as that user: su docgen -c 'make run'"
    )
    return f"warning: running as root. docgen needs no privileges; {how}"


def _claim_data_folder(settings: Settings, host: str, port: int) -> Any:
    from docgen.cli.processes import DataFolderLock, FolderBusy

    lock = DataFolderLock(settings.data_dir)
    try:
        lock.acquire(url=f"http://{host}:{port}")
    except FolderBusy as busy:
        pid, url = busy.holder.get("pid", "?"), busy.holder.get("url", "?")
        raise Conflict(
            f"another docgen server (process {pid}, {url}) is using the data folder {settings.data_dir}; "
            "stop it first, or give this one its own folder with DOCGEN_DATA_DIR=<folder>",
            code="data_folder_in_use",
        ) from None
    return lock


def _bind(host: str, port: int) -> socket.socket:
    from docgen.cli.processes import bind_listener

    try:
        return bind_listener(host, port)
    except OSError as exc:
        if exc.errno == 98:  # EADDRINUSE
            raise Conflict(
                f"port {port} on {host} is already in use (another docgen, or another program); "
                f"nothing was changed. Start on a free port with --port {port + 1} "
                f"(or DOCGEN_PORT={port + 1} make run)",
                code="port_in_use",
            ) from None
        raise InvalidInput(
            f"cannot listen on {host}:{port} ({exc.strerror or exc}); choose another with --host / --port",
            code="cannot_listen",
        ) from None


class _Stop(Exception):
    """SIGTERM before or after the web server runs (uvicorn handles it while it runs)."""


def _on_term(_sig: int, _frame: FrameType | None) -> None:
    raise _Stop()


def run(args: argparse.Namespace) -> int:
    settings = get_settings()
    host = args.host or settings.host
    port = args.port if args.port is not None else settings.port
    if not 0 < port < 65536:
        raise InvalidInput(f"--port {port}: a port is a number from 1 to 65535")
    if args.demo and settings.environment == "production":
        raise InvalidInput("--demo makes users with printed keys: not in production")
    if args.demo:
        from docgen.demo import demo_settings

        settings = demo_settings(settings)
    warning = _root_warning()
    if warning:
        print(warning, file=sys.stderr, flush=True)

    # nothing below may change state until both the folder and the port are ours
    lock = _claim_data_folder(settings, host, port)
    listener = _bind(host, port)

    from docgen.cli.processes import become_subreaper, stop_descendants

    become_subreaper()
    previous = signal.signal(signal.SIGTERM, _on_term)
    try:
        return _serve(args, settings, host, port, listener)
    except _Stop:
        return 0
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        listener.close()
        stop_descendants()
        lock.release()
        signal.signal(signal.SIGTERM, previous)


def _serve(
    args: argparse.Namespace, settings: Settings, host: str, port: int, listener: socket.socket
) -> int:
    import uvicorn

    from api.main import create_app
    from docgen.register import migrate, open_register, unit_of_work
    from docgen.services import demo

    if args.demo:
        migrate(settings)  # the demo's data folder is set up here; otherwise `docgen migrate` runs first
    app = create_app(settings)
    keys: dict[str, str] = {}
    refs: list[str] = []
    if args.demo:
        with unit_of_work(open_register(settings)) as session:
            keys, refs = demo.seed(session, settings.secret_key)

    log_path = settings.data_dir / WORKER_LOG
    if not args.no_worker:
        log_path.parent.mkdir(parents=True, exist_ok=True)
        with log_path.open("ab") as log:
            subprocess.Popen(
                worker_command(f"docgen-{os.getpid()}@%h"),
                env=worker_env(settings),
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,  # Ctrl+C reaches the server, which stops the worker in order
            )

    url = f"http://{host}:{port}"
    lines = [
        f"docgen is running at {url}",
        f"  API and its docs   {url}/docs",
        f"  web pages          {url}/ui/   (sign in with an API key)",
        f"  data folder        {settings.data_dir}",
    ]
    if not args.no_worker:
        lines.append(f"  worker log         {log_path}")
    if args.demo:
        lines += [
            "",
            "Demo cases:",
            *(
                f"  {ref}" + (f"  (shared with {demo.DEMO_PARTNER_ORG})" if i == 0 else "")
                for i, ref in enumerate(refs)
            ),
            "Demo keys, new on every start (the earlier ones no longer work):",
            *(f"  {role:<14} Authorization: Bearer {key}" for role, key in keys.items()),
            "",
            f"try: curl -H 'Authorization: Bearer <officer key>' {url}/api/v1/cases",
        ]
    lines += ["", "Stop with Ctrl+C."]

    class Server(uvicorn.Server):
        async def startup(self, sockets: list[socket.socket] | None = None) -> None:
            await super().startup(sockets)
            if not self.should_exit:
                print("\n" + box(lines), flush=True)

    config = uvicorn.Config(app, host=host, port=port, log_level="warning")
    Server(config).run(sockets=[listener])
    return 0
