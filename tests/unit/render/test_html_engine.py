"""The html engine: sandboxed templates, escaped values, a renderer that fetches nothing it should not."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from docgen.config import Settings
from docgen.errors import UnsafeTemplate
from docgen.render.base import PdfMeta
from docgen.render.html import HtmlEngine, LockedFetcher, RefusedFetch

META = PdfMeta(title="Test", document_id="00" * 16, created=date(2026, 1, 2), author="Council")


@pytest.fixture
def engine(tmp_path: Path) -> HtmlEngine:
    """An engine over a throwaway template folder holding the real base layout and CSS."""
    real = Settings().templates_dir / "html"
    html = tmp_path / "templates" / "html"
    html.mkdir(parents=True)
    for name in ("base.html", "base.css", "ua.css", "_macros.html"):
        (html / name).write_text((real / name).read_text())
    (tmp_path / "forms").mkdir()
    return HtmlEngine(tmp_path / "templates", tmp_path / "forms")


def _write(engine: HtmlEngine, name: str, body: str) -> str:
    (engine.templates_dir / "html" / name).write_text(body)
    return name


def test_values_are_escaped_and_rendered_literally(engine: HtmlEngine) -> None:
    tpl = _write(engine, "t.html", '{% extends "base.html" %}{% block body %}<p>{{ name }}</p>{% endblock %}')
    evil = '<img src="file:///etc/passwd">{{ 7*7 }}'
    pdf = engine.render(tpl, {"name": evil}, META).pdf
    text = PdfReader(__import__("io").BytesIO(pdf)).pages[0].extract_text()
    assert '<img src="file:///etc/passwd">{{ 7*7 }}' in text
    assert "49" not in text


def test_sandbox_refuses_python_internals(engine: HtmlEngine) -> None:
    tpl = _write(engine, "evil.html", "{{ ''.__class__.__mro__[1].__subclasses__() }}")
    with pytest.raises(UnsafeTemplate, match="sandbox"):
        engine.render(tpl, {}, META)


def test_syntax_error_and_undefined_are_named(engine: HtmlEngine) -> None:
    with pytest.raises(UnsafeTemplate, match="line 1"):
        engine.render(_write(engine, "bad.html", "{% if %}"), {}, META)
    with pytest.raises(UnsafeTemplate, match="undefined"):
        engine.render(_write(engine, "undef.html", "{{ nothing_here.x }}"), {}, META)


@pytest.mark.parametrize(
    "src",
    [
        "file:///etc/passwd",
        "http://127.0.0.1:9/x.png",
        "https://example.com/x.css",
        "../../../../etc/hostname",
    ],
)
def test_renderer_refuses_to_fetch_outside_the_project(engine: HtmlEngine, src: str) -> None:
    tpl = _write(
        engine,
        "fetch.html",
        f'{{% extends "base.html" %}}{{% block body %}}<img src="{src}">{{% endblock %}}',
    )
    with pytest.raises(UnsafeTemplate, match="refused to fetch"):
        engine.render(tpl, {}, META)


def test_renderer_may_load_files_in_the_template_folder_and_data_uris(engine: HtmlEngine) -> None:
    png = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
    (engine.templates_dir / "html" / "logo.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>'
    )
    tpl = _write(
        engine,
        "ok.html",
        f'{{% extends "base.html" %}}{{% block body %}}<img src="logo.svg"><img src="{png}">{{% endblock %}}',
    )
    assert engine.render(tpl, {}, META).pdf.startswith(b"%PDF")


def test_locked_fetcher_resolves_symlinks(tmp_path: Path) -> None:
    root = tmp_path / "root"
    root.mkdir()
    (root / "escape").symlink_to("/etc/hostname")
    fetcher = LockedFetcher([root])
    with pytest.raises(RefusedFetch, match="refused"):
        fetcher.fetch((root / "escape").as_uri())


def test_same_inputs_same_bytes_and_metadata(engine: HtmlEngine) -> None:
    tpl = _write(engine, "d.html", '{% extends "base.html" %}{% block body %}<p>{{ x }}</p>{% endblock %}')
    a = engine.render(tpl, {"x": "one"}, META).pdf
    b = engine.render(tpl, {"x": "one"}, META).pdf
    assert a == b
    info = PdfReader(__import__("io").BytesIO(a)).metadata
    assert info is not None and info.title == "Test" and info.author == "Council"


def test_template_hash_follows_included_templates(engine: HtmlEngine) -> None:
    tpl = _write(engine, "h.html", '{% extends "base.html" %}{% block body %}x{% endblock %}')
    before = HtmlEngine(engine.templates_dir, engine.forms_dir).template_hash(tpl)
    base = engine.templates_dir / "html" / "base.html"
    base.write_text(base.read_text() + "\n<!-- changed -->")
    assert HtmlEngine(engine.templates_dir, engine.forms_dir).template_hash(tpl) != before
