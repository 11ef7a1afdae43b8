"""WeasyPrint never runs in two threads of a process at once, whoever asks for it: a paper from
the html engine, a bundle's index, a signature's appearance (Pango's state is shared by the
process, and two layouts at once corrupt its heap)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from weasyprint import HTML
from weasyprint.document import Document

from docgen.bundles.builder import SourceFile, build_bundle
from docgen.bundles.spec import parse_spec
from docgen.config import PROJECT_ROOT, Settings
from docgen.pdf.inputs import InputLimits
from docgen.pdf.signing import _stamp_pdf
from docgen.render.base import PdfMeta
from docgen.render.html import HtmlEngine
from tests.fixtures.pdfs import make_pdf

META = PdfMeta(title="Test", document_id="00" * 16, created=date(2026, 1, 2), author="Council")


class Watch:
    """How many threads were inside WeasyPrint at the same moment, at most."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.inside: dict[int, int] = {}
        self.most = 0

    def wrap(self, original: Callable[..., Any]) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            me = threading.get_ident()
            with self.lock:
                self.inside[me] = self.inside.get(me, 0) + 1
                self.most = max(self.most, sum(1 for depth in self.inside.values() if depth))
            try:
                time.sleep(0.02)  # widen the window a second thread would have to come in
                return original(*args, **kwargs)
            finally:
                with self.lock:
                    self.inside[me] -= 1

        return call


@pytest.fixture
def engine(tmp_path: Path) -> HtmlEngine:
    real = Settings().templates_dir / "html"
    html = tmp_path / "templates" / "html"
    html.mkdir(parents=True)
    for name in ("base.html", "base.css", "ua.css", "_macros.html"):
        (html / name).write_text((real / name).read_text())
    (html / "t.html").write_text('{% extends "base.html" %}{% block body %}<p>{{ name }}</p>{% endblock %}')
    (tmp_path / "forms").mkdir()
    return HtmlEngine(tmp_path / "templates", tmp_path / "forms")


def _bundle() -> bytes:
    spec = parse_spec(
        {
            "title": "Trial bundle",
            "case_ref": "K00NN123",
            "court": "County Court at Northampton",
            "parties": {"claimant": "Northshire Borough Council", "defendant": "A Debtor"},
            "sections": [
                {
                    "letter": "A",
                    "title": "Statements of case",
                    "items": [
                        {"source": {"file": "claim.pdf"}, "date": "2025-02-01", "description": "Claim"}
                    ],
                }
            ],
        }
    )
    item = spec.sections[0].items[0]
    files = {item.source.key: SourceFile(item.source.key, "claim.pdf", make_pdf(2, label="claim"))}
    built = build_bundle(
        spec,
        files,
        limits=InputLimits(max_bytes=10_000_000, max_pages=50),
        volume_pages=300,
        templates_dir=PROJECT_ROOT / "templates",
    )
    return built.volumes[0].pdf


def test_weasyprint_never_runs_in_two_threads_at_once(
    engine: HtmlEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    watch = Watch()
    monkeypatch.setattr(HTML, "render", watch.wrap(HTML.render))
    monkeypatch.setattr(HTML, "write_pdf", watch.wrap(HTML.write_pdf))
    monkeypatch.setattr(Document, "write_pdf", watch.wrap(Document.write_pdf))
    work: list[Callable[[], bytes]] = [
        lambda: engine.render("t.html", {"name": "Ada"}, META).pdf,
        lambda: engine.page_numbers(2),
        lambda: _stamp_pdf("Ada Officer", datetime(2026, 1, 2, 9, 30, tzinfo=UTC)),
        _bundle,
    ] * 2
    with ThreadPoolExecutor(max_workers=len(work)) as pool:
        made = list(pool.map(lambda w: w(), work))
    assert all(pdf.startswith(b"%PDF-") for pdf in made)
    assert watch.most == 1
