"""OCRmyPDF plugin: its per-page progress, passed to whoever is listening (docgen.pdf.ocr)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ocrmypdf import hookimpl

#: set by docgen.pdf.ocr around one OCR run; called with the share of the file's pages done (0-1)
listener: Callable[[float], None] | None = None


class _Progress:
    def __init__(self, *, total: Any = None, desc: str = "", unit: str = "", **_kwargs: Any) -> None:
        self.counts = desc.lower().startswith("ocr")
        self.total = float(total or 0)
        self.done = 0.0

    def __enter__(self) -> _Progress:
        return self

    def __exit__(self, *_exc: object) -> None:
        return None

    def update(self, n: float = 1, *, completed: float | None = None) -> None:
        self.done = completed if completed is not None else self.done + n
        if self.counts and self.total and listener is not None:
            listener(min(1.0, self.done / self.total))


@hookimpl
def get_progressbar_class() -> type[_Progress]:
    return _Progress
