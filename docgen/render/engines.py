"""Which engine renders what: one instance of each per process, built from the settings."""

from __future__ import annotations

from docgen.config import Settings
from docgen.errors import EngineUnavailable
from docgen.render.base import Engine

ENGINE_NAMES = ("html", "official", "docx")


_ENGINES: dict[tuple[str, str], Engine] = {}


def _engine(name: str, settings: Settings) -> Engine:
    if name == "html":
        from docgen.render.html import HtmlEngine

        return HtmlEngine(settings.templates_dir, settings.forms_dir)
    if name == "official":
        from docgen.render.acroform import AcroformEngine

        return AcroformEngine(settings)
    if name == "docx":
        from docgen.render.docx import DocxEngine

        return DocxEngine(settings)
    raise EngineUnavailable(f"no render engine named {name!r} (known: {', '.join(ENGINE_NAMES)})")


def get_engine(name: str, settings: Settings) -> Engine:
    """One engine per name and settings in a process: engines hold warm state (fonts, parsed CSS,
    a running LibreOffice) that is worth keeping between documents."""
    key = (name, settings.model_dump_json())
    if key not in _ENGINES:
        _ENGINES[key] = _engine(name, settings)
    return _ENGINES[key]
