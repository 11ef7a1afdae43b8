"""Benchmark: server time of the busiest web pages, through the app in this process.

Measures the case page (figures, deadlines and the eligibility of every document type), the case
list, and the page-1 thumbnail drawn by pdftoppm the first time and served from its cache after.
Filesystem store and SQLite register in a temporary folder; no worker (nothing is queued).

    .venv/bin/python -m bench.ui_pages [--rounds N]   (as a module: bench/api.py would shadow the api package)
"""

from __future__ import annotations

import argparse
import re
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from fastapi.testclient import TestClient

from api.main import create_app
from docgen.config import Settings
from docgen.demo import demo_cases
from docgen.register import migrate, open_register, unit_of_work
from docgen.register.models import Role
from docgen.services import cases, generation
from docgen.services.auth import Principal, create_user
from docgen.services.backend import Backend
from docgen.storage import make_store


def _timed(rounds: int, call: Callable[[], int]) -> list[float]:
    out = []
    for _ in range(rounds):
        start = time.perf_counter()
        status = call()
        out.append((time.perf_counter() - start) * 1000)
        assert status == 200, status
    return out


def _report(name: str, ms: list[float]) -> None:
    ms = sorted(ms)
    p95 = ms[min(len(ms) - 1, int(len(ms) * 0.95))]
    print(f"{name:34} median {statistics.median(ms):7.1f} ms   p95 {p95:7.1f} ms   (n={len(ms)})")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="docgen-bench-ui-") as tmp:
        settings = Settings(environment="test", data_dir=Path(tmp) / "var", secret_key="bench-" + "x" * 30)
        migrate(settings)  # the start-up step
        app = create_app(settings)
        factory = open_register(settings)
        officer = Principal("bench.officer", Role.officer)
        with unit_of_work(factory) as session:
            _user, key = create_user(session, name=officer.name, role="officer", pepper=settings.secret_key)
            for case in demo_cases():
                cases.create_case(session, officer, case.model_dump(mode="json", by_alias=True))
        case = next(c for c in demo_cases() if c.case_ref.startswith("KGN"))
        backend = Backend(settings, factory, make_store(settings))
        request = generation.PaperRequest("letter_before_claim", case.case_ref, date.today(), officer)
        version = generation.generate(backend, request).version
        thumb = f"/ui/documents/{version.document_id}/versions/{version.number}/page1.png"

        client = TestClient(app)
        page = client.post("/ui/sign-in", data={"api_key": key})
        assert re.search(r'name="csrf_token"', page.text)
        _report("case list", _timed(args.rounds, lambda: client.get("/ui/cases").status_code))
        _report(
            "case page (all eligibility)",
            _timed(args.rounds, lambda: client.get(f"/ui/cases/{case.case_ref}").status_code),
        )
        _report("thumbnail, first (pdftoppm)", _timed(1, lambda: client.get(thumb).status_code))
        _report("thumbnail, cached", _timed(args.rounds, lambda: client.get(thumb).status_code))


if __name__ == "__main__":
    main()
