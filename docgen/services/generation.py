"""Generation split in two: render with no transaction open, then store in a short one.

SQLite (the embedded register) takes its write lock at the start of a transaction; a render held
inside one would stall every other request and worker for its whole length. A request whose inputs
were stored before is answered from the register without a render (``existing``). Storing the rendered
bytes goes through the register's ``store_version``, whose input-hash check returns the existing
version when the same inputs were stored before, so a repeated or retried render adds nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from sqlalchemy.orm import Session

from docgen.config import Settings
from docgen.documents import registry
from docgen.domain.case import Case
from docgen.register import service
from docgen.register.service import StoreResult, reuse_unchanged
from docgen.render.pipeline import Rendered, render_document
from docgen.storage import ObjectStore


def existing(
    session: Session,
    case: Case,
    doc_type: str,
    options: Mapping[str, str],
    as_of: date,
    engine: str | None,
    settings: Settings,
    actor: str,
) -> StoreResult | None:
    """The stored version made from exactly these inputs, found without rendering (None if there is none)."""
    return reuse_unchanged(session, case, registry.get(doc_type).id, options, as_of, engine, settings, actor)


def render(
    case: Case, doc_type: str, options: Mapping[str, str], as_of: date, engine: str | None, settings: Settings
) -> Rendered:
    document_type = registry.get(doc_type)
    return render_document(
        document_type.id, case, as_of, options=dict(options), engine=engine, settings=settings
    )


def store_rendered(
    session: Session, store: ObjectStore, rendered: Rendered, case: Case, actor: str
) -> StoreResult:
    return service.store_rendered(session, store, rendered, case, actor)
