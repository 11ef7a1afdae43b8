"""The app served by uvicorn on loopback, with a real Celery worker over Redis and the S3 store,
driven by Debian's Chromium through Playwright. Screenshots go to a session folder whose path is
printed at the end of the run."""

from __future__ import annotations

import re
import shutil
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from docgen.config import PROJECT_ROOT, Settings
from tests.fixtures.api import PARTNER_ORG, Worker, demo_case, seed_users, service_settings
from tests.fixtures.libreoffice import Inbox
from tests.fixtures.redis import RedisServer
from tests.fixtures.s3 import S3Server

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
#: the shared case; the officer's flow works on KINGSTON, the unshared one is SOUTHWARK
SHARED = "BRO-ASC-2022-7716"
KINGSTON = "KGN/SUN/2024/0101"
UNSHARED = "SWK-COM-2024-2291"


#: where the manager is written to; they sit on the debt panel
MANAGER_EMAIL = "mina.manager@kingston.example.gov.uk"
#: the widths every page is checked at: a desktop, and a phone (an iPhone SE or mini is 375 px)
WIDTHS = (1100, 375)
#: axe-core's rules for WCAG 2.0, 2.1 and 2.2 at levels A and AA
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@dataclass
class UiApp:
    base_url: str
    settings: Settings
    keys: dict[str, str]
    shots: Path
    worker: Worker
    inbox: Inbox


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _seed(settings: Settings) -> None:
    """Three cases, one shared with the partner's organisation; two write-off reports, one within
    the manager's 5,000 limit (Kingston, £2,027.50) and one above it (Bromley, its judgment balance); and a debt
    panel briefing for Kingston."""
    from docgen.register import unit_of_work
    from docgen.register.models import Role
    from docgen.services import cases, generation, people, sharing
    from docgen.services.auth import Principal
    from docgen.services.backend import Backend

    officer = Principal("olivia.officer", Role.officer)
    admin = Principal("ada.admin", Role.admin)
    backend = Backend.open(settings)
    factory = backend.sessions
    made = []
    with unit_of_work(factory) as session:
        people.set_contact(session, admin, "mina.manager", MANAGER_EMAIL, True)
        for name in (
            "bromley-judgment-with-property",
            "kingston-sundry-individual",
            "southwark-company-commercial-rent",
        ):
            _record, case = cases.create_case(session, officer, demo_case(name))
            made.append(case)
        sharing.share_case(session, officer, SHARED, PARTNER_ORG)
    options = {"reason": "uneconomic", "evidence": "Tracing and cost review on file"}
    papers = [(case, "write_off_report", options) for case in made[:2]]
    papers.append((made[1], "panel_briefing", {}))
    for case, doc_type, opts in papers:
        request = generation.PaperRequest(doc_type, case.case_ref, date.today(), officer, opts)
        generation.generate(backend, request)


@pytest.fixture(scope="session")
def ui_mail() -> Iterator[tuple[int, Inbox]]:
    """A local SMTP server (aiosmtpd) receiving everything the service sends."""
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, inbox
    finally:
        controller.stop()


@pytest.fixture(scope="session")
def ui_app(
    tmp_path_factory: pytest.TempPathFactory,
    redis_server: RedisServer,
    s3_server: S3Server,
    ui_mail: tuple[int, Inbox],
) -> Iterator[UiApp]:
    if not CHROMIUM.exists():
        pytest.skip(
            f"Chromium not found at {CHROMIUM} (Debian package chromium; scripts/setup.sh installs it)"
        )
    import uvicorn

    from api.main import create_app

    tmp = tmp_path_factory.mktemp("ui")
    # a copy of the templates, so that replacing a Word template in a test leaves the project's alone
    templates = tmp / "templates"
    shutil.copytree(PROJECT_ROOT / "templates", templates, ignore=shutil.ignore_patterns("ui"))
    smtp_port, inbox = ui_mail
    port = _free_port()
    settings = service_settings(tmp, redis_server, s3_server).model_copy(
        update={
            "templates_dir": templates,
            "smtp_host": "127.0.0.1",
            "smtp_port": smtp_port,
            "smtp_sender": "docgen@kingston.example.gov.uk",
            "api_base_url": f"http://127.0.0.1:{port}",
        }
    )
    from docgen.register import migrate

    migrate(settings)  # the start-up step
    app = create_app(settings)
    keys = seed_users(settings)
    _seed(settings)
    worker = Worker.start(settings, tmp / "worker.log")
    server = uvicorn.Server(
        uvicorn.Config(
            app, host="127.0.0.1", port=port, log_level="warning", access_log=False, lifespan="off"
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            worker.stop()
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    shots = tmp / "screenshots"
    shots.mkdir()
    try:
        yield UiApp(f"http://127.0.0.1:{port}", settings, keys, shots, worker, inbox)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        worker.stop()
        print(f"\nscreenshots: {shots}")


@pytest.fixture(scope="session")
def browser_context(ui_app: UiApp) -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright for Python is not installed")
    sync_playwright = sync_api.sync_playwright

    profile = Path(tempfile.mkdtemp(prefix="docgen-chromium-"))
    try:
        with sync_playwright() as pw:
            context = pw.chromium.launch_persistent_context(
                str(profile),
                executable_path=str(CHROMIUM),
                args=CHROMIUM_ARGS,
                headless=True,
                viewport={"width": 1100, "height": 900},
                base_url=ui_app.base_url,
                locale="en-GB",
            )
            context.set_default_timeout(15_000)
            try:
                yield context
            finally:
                context.close()
    finally:
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def page(browser_context: Any) -> Iterator[Any]:
    """A fresh tab with no session: each test signs in as its own role."""
    browser_context.clear_cookies()
    tab = browser_context.new_page()
    try:
        yield tab
    finally:
        tab.close()


def sign_in(page: Any, ui_app: UiApp, role: str) -> None:
    page.goto("/ui/sign-in")
    page.get_by_label("API key").fill(ui_app.keys[role])
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    assert "/ui/sign-in" not in page.url, page.content()[:2000]


def shot(page: Any, ui_app: UiApp, name: str) -> Path:
    path = ui_app.shots / f"{re.sub(r'[^a-z0-9_-]+', '-', name.lower())}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 5000, f"screenshot {path} looks empty"
    return path


def check_page(page: Any, ui_app: UiApp, name: str, widths: tuple[int, ...] = WIDTHS) -> None:
    """The page as it stands, at each width: no WCAG 2.2 A/AA violation that axe-core finds, nothing
    wider than the window (no sideways scrolling on a phone), and a screenshot to look at."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    original = page.viewport_size
    try:
        for width in widths:
            page.set_viewport_size({"width": width, "height": 900})
            results = axe.run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
            assert results.violations_count == 0, f"{name} at {width}px:\n{results.generate_report()}"
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, f"{name} at {width}px is {overflow}px wider than the window"
            shot(page, ui_app, f"{name}-{width}")
    finally:
        page.set_viewport_size(original or {"width": WIDTHS[0], "height": 900})


def wait_for_job(page: Any, ui_app: UiApp) -> None:
    """The job page reloads itself when the job ends; wait for that, however the job went."""
    try:
        page.locator("#job-done").wait_for(state="visible", timeout=90_000)
    except Exception as exc:
        status = page.request.get(page.url.split("#")[0] + "/status").text()
        raise AssertionError(f"job did not end: {status}\n{ui_app.worker.log()[-3000:]}") from exc
