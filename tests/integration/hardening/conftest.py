"""A service of its own for the hardening tests: the app in this process (driven through httpx),
an SQLite register and a filesystem store in the test's folder, users with known keys. Tests that
count failures per client or break the store get a fresh one each (``fresh_app``)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from docgen.config import Settings
from docgen.register import migrate
from tests.fixtures.api import SECRET, USERS, demo_case, seed_users, unique_ref

if TYPE_CHECKING:
    from fastapi import FastAPI
    from fastapi.testclient import TestClient

V1 = "/api/v1"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class Local:
    settings: Settings
    app: FastAPI
    client: TestClient
    keys: dict[str, str]

    def as_(self, role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.keys[role]}"}

    def user(self, role: str) -> str:
        return USERS[role][0]

    def new_case(self, name: str = "kingston-sundry-individual", prefix: str = "HRD") -> str:
        ref = unique_ref(prefix)
        made = self.client.post(f"{V1}/cases", json=demo_case(name, ref), headers=self.as_("officer"))
        assert made.status_code == 201, made.text
        return ref

    def browser(self, base_url: str = "http://testserver") -> TestClient:
        """A second client (its own cookie jar) on the same app."""
        from fastapi.testclient import TestClient

        return TestClient(self.app, base_url=base_url, follow_redirects=False)

    def audit(self, action: str) -> list[dict[str, Any]]:
        from sqlalchemy import select

        from docgen.register import open_register, unit_of_work
        from docgen.register.models import AuditEvent

        with unit_of_work(open_register(self.settings)) as session:
            rows = session.scalars(select(AuditEvent).where(AuditEvent.action == action))
            return [{"actor": r.actor, "subject": r.subject, "detail": r.detail} for r in rows]


def sign_in(browser: TestClient, key: str) -> str:
    """Sign in through the page; returns the session's CSRF token, read from a page."""
    answer = browser.post("/ui/sign-in", data={"api_key": key})
    assert answer.status_code == 303, answer.text
    page = browser.get("/ui/cases")
    assert page.status_code == 200, page.status_code
    found = CSRF.search(page.text)
    assert found
    return found.group(1)


def make_local(tmp: Path, **overrides: Any) -> Local:
    from fastapi.testclient import TestClient

    from api.main import create_app

    fields: dict[str, Any] = {
        "environment": "test",
        "data_dir": tmp / "var",
        "secret_key": SECRET,
        **overrides,
    }
    if fields["secret_key"] is None:  # as a default install has it: nothing set
        del fields["secret_key"]
    settings = Settings(**fields)
    migrate(settings)  # the start-up step, before the service starts
    app = create_app(settings)
    client = TestClient(app, follow_redirects=False)
    return Local(settings, app, client, seed_users(settings))


@pytest.fixture(scope="module")
def local(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Local]:
    svc = make_local(tmp_path_factory.mktemp("hardening"))
    try:
        yield svc
    finally:
        svc.client.close()


@pytest.fixture
def fresh_app(tmp_path: Path) -> Iterator[Callable[..., Local]]:
    made: list[Local] = []

    def make(**overrides: Any) -> Local:
        svc = make_local(tmp_path / f"app{len(made)}", **overrides)
        made.append(svc)
        return svc

    try:
        yield make
    finally:
        for svc in made:
            svc.client.close()
