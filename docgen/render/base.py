"""The one interface every render engine implements."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol


@dataclass(frozen=True)
class PdfMeta:
    """What goes into a PDF's info dictionary and identifier. Nothing here comes from the clock:
    ``created`` is the document's as_of date, and ``document_id`` is derived from the inputs."""

    title: str
    document_id: str  # hex, stable for the same inputs; becomes the PDF /ID
    created: date
    author: str = ""
    subject: str = ""
    keywords: tuple[str, ...] = ()
    language: str = "en-GB"


@dataclass
class RenderOutput:
    pdf: bytes
    # Other files made with the PDF, keyed by extension (e.g. {"docx": b"..."}).
    attachments: dict[str, bytes] = field(default_factory=dict)


class Engine(Protocol):
    """A render engine: turns a named template and a context into a PDF.

    Every operation the pipeline uses is named here. An engine that cannot do one raises
    ``docgen.errors.NotSupported`` (for example a static part from the official-form filler, or
    an option it does not know), never an AttributeError found at run time."""

    name: str

    def render(
        self,
        template: str,
        context: Mapping[str, Any],
        meta: PdfMeta,
        options: Mapping[str, Any] | None = None,
    ) -> RenderOutput:
        """The PDF for this template and context. ``options`` are engine-specific switches
        (e.g. ``{"flatten": True}`` for an official form); an unknown one is NotSupported."""
        ...

    def render_static(self, template: str, context: Mapping[str, Any], title: str, created: date) -> bytes:
        """A part whose content depends only on ``context`` (enclosures carrying the council's
        details), rendered once per process and template version and reused."""
        ...

    def template_hash(self, template: str) -> str:
        """sha256 over the template and everything it includes, so the register knows which
        template made a version."""
        ...

    def versions(self) -> dict[str, str]:
        """Library versions that affect the output (recorded with every stored version)."""
        ...


def refuse_options(engine: str, options: Mapping[str, Any] | None, known: tuple[str, ...]) -> None:
    """Engines take only the switches they know; anything else is a typed refusal."""
    unknown = sorted(set(options or {}) - set(known))
    if unknown:
        from docgen.errors import NotSupported

        raise NotSupported(f"the {engine} engine has no option {', '.join(unknown)}")
