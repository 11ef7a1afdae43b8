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
    """A render engine: turns a named template and a context into a PDF."""

    name: str

    def render(self, template: str, context: Mapping[str, Any], meta: PdfMeta) -> RenderOutput: ...

    def template_hash(self, template: str) -> str:
        """sha256 over the template and everything it includes, so the register knows which
        template made a version."""
        ...

    def versions(self) -> dict[str, str]:
        """Library versions that affect the output (recorded with every stored version)."""
        ...
