"""Replacing a Word template: check it, install it as the council's branding override, roll back.

The DOCX engine looks for ``branding/<council>/docx/<name>`` before the shipped template, so a
replacement is a file in that folder; the file it replaces is kept in ``.history`` beside it, so
a rollback restores exactly what was in use before (or, with no history, the shipped template).
A replacement is installed only when the lint finds nothing: a template naming a field the
document does not provide would otherwise render with blanks on a court paper."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from docgen.config import Settings
from docgen.demo import demo_cases
from docgen.documents import registry
from docgen.documents.base import DocumentType
from docgen.errors import InvalidInput, NotFound, Problem
from docgen.render.docx import lint_docx_template

#: options that let every Word document type build its context from a demo case
_LINT_OPTIONS = {"reason": "uneconomic", "evidence": "template check"}


@dataclass(frozen=True)
class WordTemplate:
    doc_type: DocumentType
    name: str
    shipped: Path
    override: Path

    @property
    def replaced(self) -> bool:
        return self.override.is_file()

    @property
    def in_use(self) -> Path:
        return self.override if self.replaced else self.shipped

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.in_use.read_bytes()).hexdigest() if self.in_use.is_file() else ""

    @property
    def history(self) -> list[Path]:
        folder = self.override.parent / ".history" / self.name
        return sorted(folder.glob("*.docx"), key=lambda p: int(p.stem)) if folder.is_dir() else []


def word_templates(settings: Settings) -> list[WordTemplate]:
    root = settings.templates_dir
    out = []
    for dt in sorted(registry.all_types(), key=lambda t: t.title):
        name = dt.templates.get("docx")
        if name:
            out.append(
                WordTemplate(
                    dt, name, root / "docx" / name, root / "branding" / settings.council / "docx" / name
                )
            )
    return out


def find(settings: Settings, doc_type: str) -> WordTemplate:
    for t in word_templates(settings):
        if t.doc_type.id == doc_type:
            return t
    raise NotFound(f"no Word template for {doc_type!r}", code="template_not_found")


def lint(template: WordTemplate, data: bytes) -> list[Problem]:
    case = demo_cases()[0]
    context = template.doc_type.context(template.doc_type.request(case, date.today(), dict(_LINT_OPTIONS)))
    return lint_docx_template(data, context)


def install(template: WordTemplate, data: bytes) -> str:
    """Check and install ``data`` as the replacement; returns its sha256."""
    problems = lint(template, data)
    if problems:
        raise InvalidInput(
            f"the replacement for {template.name} has {len(problems)} problem(s)",
            problems,
            code="template_lint",
        )
    if template.replaced:
        _keep(template)
    template.override.parent.mkdir(parents=True, exist_ok=True)
    _write(template.override, data)
    return hashlib.sha256(data).hexdigest()


def roll_back(template: WordTemplate) -> str:
    """Put back what was in use before the last replacement; returns its sha256."""
    if not template.replaced:
        raise InvalidInput(
            f"{template.name} is the shipped template; there is nothing to roll back",
            [Problem("template", "nothing to roll back")],
        )
    history = template.history
    if history:
        _write(template.override, history[-1].read_bytes())
        history[-1].unlink()
    else:
        template.override.unlink()
    return template.sha256


def _keep(template: WordTemplate) -> None:
    folder = template.override.parent / ".history" / template.name
    folder.mkdir(parents=True, exist_ok=True)
    number = int(template.history[-1].stem) + 1 if template.history else 1
    _write(folder / f"{number}.docx", template.override.read_bytes())


def _write(path: Path, data: bytes) -> None:
    # written beside and renamed, so the engine never opens half a template
    partial = path.with_suffix(".part")
    partial.write_bytes(data)
    partial.replace(path)
