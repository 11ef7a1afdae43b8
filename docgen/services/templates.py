"""Word templates an admin replaces: checked, kept as versioned objects in the store with a register
row (who, when, sha256, what the check found), read by the API and every queue worker alike, and
rolled back by marking the newest undone.

A replacement is put in force only when the check finds nothing: a template naming a field the
paper does not provide would otherwise print blanks on a court paper. Its sha256 is the template
hash of every version made from it, so a new template makes new versions and a rolled-back one
answers from the versions made before.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy.orm import Session

from docgen.config import Settings, get_settings
from docgen.demo import demo_cases, demo_settings
from docgen.documents import registry
from docgen.documents.base import DocumentType
from docgen.errors import InvalidInput, NotFound, Problem
from docgen.register.models import Role, TemplateVersion
from docgen.register.repositories import audit
from docgen.register.repositories import templates as repo
from docgen.render.base import Engine
from docgen.render.docx import DocxEngine, lint_docx_template
from docgen.services.access import require_role
from docgen.services.auth import Principal
from docgen.storage import ObjectStore, template_key

ADMINS = frozenset({Role.admin})
MAX_TEMPLATE_BYTES = 10 * 1024 * 1024
#: options that let every Word document type build its context from a demo case, for the check
_LINT_OPTIONS = {"reason": "uneconomic", "evidence": "template check"}


@dataclass(frozen=True)
class WordTemplate:
    """A Word template as the admin's page shows it: what is in force and what came before."""

    doc_type: DocumentType
    name: str
    shipped_sha256: str
    history: list[TemplateVersion]  # newest first

    @property
    def in_force(self) -> TemplateVersion | None:
        return next((row for row in self.history if row.undone_at is None), None)

    @property
    def replaced(self) -> bool:
        return self.in_force is not None

    @property
    def sha256(self) -> str:
        current = self.in_force
        return current.sha256 if current is not None else self.shipped_sha256

    @property
    def earlier(self) -> list[TemplateVersion]:
        """The replacements kept besides the one in force (rolled back ones included)."""
        current = self.in_force
        return [row for row in self.history if row is not current]


@dataclass(frozen=True)
class TemplateFile:
    name: str
    size: int
    sha256: str


def html_templates(settings: Settings) -> list[TemplateFile]:
    """The HTML templates and style sheets shipped with the release (changed only by a release)."""
    root = settings.templates_dir
    return [
        TemplateFile(str(p.relative_to(root)), p.stat().st_size, hashlib.sha256(p.read_bytes()).hexdigest())
        for p in sorted((root / "html").rglob("*"))
        if p.is_file() and p.suffix in {".html", ".css"}
    ]


def word_templates(session: Session, settings: Settings) -> list[WordTemplate]:
    shipped = DocxEngine(settings)
    out = []
    for dt in sorted(registry.all_types(), key=lambda t: t.title):
        name = dt.templates.get("docx")
        if name:
            out.append(
                WordTemplate(
                    dt, name, shipped.template_hash(name), repo.history(session, settings.council, name)
                )
            )
    return out


def find(session: Session, settings: Settings, doc_type: str) -> WordTemplate:
    for template in word_templates(session, settings):
        if template.doc_type.id == doc_type:
            return template
    raise NotFound(f"no Word template for {doc_type!r}", code="template_not_found")


def check(template: WordTemplate, data: bytes, settings: Settings | None = None) -> tuple[list[Problem], int]:
    """What stops ``data`` replacing ``template`` (nothing, when it may), and how many names the
    paper's context offers it, taken from a sample case (made under the demo councils' write-off
    policies, so that a write-off paper's context can be built)."""
    if not data:
        return [Problem("template", "Choose a Word (.docx) file", "empty")], 0
    if len(data) > MAX_TEMPLATE_BYTES:
        return [Problem("template", "The template must be smaller than 10 MB", "too_large")], 0
    req = template.doc_type.request(
        demo_cases()[0], date.today(), dict(_LINT_OPTIONS), settings=demo_settings(settings or get_settings())
    )
    context = template.doc_type.context(req)
    return lint_docx_template(data, context), len(context)


def replace(
    session: Session, store: ObjectStore, settings: Settings, who: Principal, doc_type: str, data: bytes
) -> TemplateVersion:
    """Check ``data`` and put it in force for the council's papers of ``doc_type``."""
    require_role(who, ADMINS, "replace templates")
    template = find(session, settings, doc_type)
    problems, names = check(template, data, settings)
    if problems:
        raise InvalidInput(
            f"the replacement for {template.name} has {len(problems)} problem(s)",
            problems,
            code="template_lint",
        )
    sha = hashlib.sha256(data).hexdigest()
    stored = store.put(
        template_key(settings.council, template.name, sha), data, {"template": template.name, "sha256": sha}
    )
    row = repo.add(
        session,
        council=settings.council,
        name=template.name,
        number=(template.history[0].number + 1) if template.history else 1,
        doc_type=doc_type,
        sha256=sha,
        size=stored.size,
        storage_key=stored.key,
        storage_version_id=stored.version_id,
        lint={"problems": [], "names_checked": names, "checked_with": doc_type},
        created_by=who.name,
    )
    audit.add(
        session,
        who.name,
        "template_replace",
        f"template:{template.name}",
        {"sha256": sha, "number": row.number},
    )
    return row


def roll_back(session: Session, settings: Settings, who: Principal, doc_type: str) -> str:
    """Put back what was in force before the newest replacement; returns the sha256 now in force."""
    require_role(who, ADMINS, "roll back templates")
    template = find(session, settings, doc_type)
    current = template.in_force
    if current is None:
        raise InvalidInput(
            f"{template.name} is the shipped template; there is nothing to roll back",
            [Problem("template", "nothing to roll back")],
        )
    current.undone_by, current.undone_at = who.name, datetime.now(UTC)
    session.flush()
    now = find(session, settings, doc_type).sha256
    audit.add(
        session,
        who.name,
        "template_rollback",
        f"template:{template.name}",
        {"undone": current.sha256, "sha256": now},
    )
    return now


# -- what the corridor renders with ----------------------------------------------------------------


@dataclass(frozen=True)
class InForce:
    """The replacements in force for the templates a paper is rendered from, as the probe found them."""

    rows: tuple[tuple[str, str, str, str], ...] = ()  # (name, sha256, key, version id)

    @classmethod
    def find(cls, session: Session, settings: Settings, names: Sequence[str]) -> InForce:
        found = repo.in_force(session, settings.council, names)
        return cls(
            tuple((n, r.sha256, r.storage_key, r.storage_version_id) for n, r in sorted(found.items()))
        )

    def replacements(self, store: ObjectStore) -> dict[str, bytes]:
        """name -> the replacement's bytes, read once per process and checked against its sha256."""
        return {name: _bytes(store, sha, key, vid) for name, sha, key, vid in self.rows}


def with_replacements(engine: Engine, replaced: Mapping[str, bytes]) -> Engine:
    """``engine`` reading these templates in place of the shipped ones (only Word templates can be
    replaced; any other engine is returned as it is)."""
    if not replaced or not isinstance(engine, DocxEngine):
        return engine
    return engine.with_templates(replaced)


#: replacement bytes by sha256: a template's bytes never change, so they are read once per process
_CACHE: OrderedDict[str, bytes] = OrderedDict()
_CACHE_LOCK = threading.Lock()
_CACHE_SIZE = 32


def _bytes(store: ObjectStore, sha256: str, key: str, version_id: str) -> bytes:
    with _CACHE_LOCK:
        if sha256 in _CACHE:
            _CACHE.move_to_end(sha256)
            return _CACHE[sha256]
    data = store.get(key, version_id)
    if hashlib.sha256(data).hexdigest() != sha256:
        from docgen.register.versions import ChecksumMismatch

        raise ChecksumMismatch(f"the stored template {key} does not match its sha256")
    with _CACHE_LOCK:
        _CACHE[sha256] = data
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return data
