"""The demo: sample cases shipped with docgen, and a run that generates, stores and registers
every document type each case is eligible for. Needs no server: the embedded store and SQLite."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from docgen.config import Settings
from docgen.documents import registry
from docgen.domain.case import Case, load_case
from docgen.errors import DocgenError
from docgen.register import open_register, unit_of_work
from docgen.register.service import generate
from docgen.storage import ObjectStore, make_store

log = logging.getLogger(__name__)

DEMO_DIR = Path(__file__).parent
#: the sample cases' histories are written up to spring 2025; a fixed date keeps the demo's
#: figures and PDFs the same on every machine
DEMO_AS_OF = date(2025, 6, 2)
#: options an officer would give for these cases; every other type runs with none
DEMO_OPTIONS: dict[tuple[str, str], dict[str, str]] = {
    # reg 50: the charging order is sought in the County Court for the dwelling's area
    ("SUT-CTX-2021-40877", "n379"): {"basis": "reg50", "court": "County Court at Croydon"},
}


@dataclass(frozen=True)
class DemoRow:
    case_ref: str
    doc_type: str
    outcome: str  # stored | unchanged | skipped | failed
    document_id: str = ""
    version: int | None = None
    status: str = ""
    reason: str = ""


def demo_cases() -> list[Case]:
    return [load_case(path) for path in sorted(DEMO_DIR.glob("*.json"))]


def _reason(err: DocgenError) -> str:
    blocking = [str(p) for p in err.problems if p.blocking]
    if not blocking:
        return err.message
    more = f" (and {len(blocking) - 1} more)" if len(blocking) > 1 else ""
    return blocking[0] + more


def run_demo(
    settings: Settings,
    as_of: date = DEMO_AS_OF,
    actor: str = "demo",
    cases: Sequence[Case] | None = None,
    store: ObjectStore | None = None,
) -> list[DemoRow]:
    factory = open_register(settings)
    store = store or make_store(settings)
    rows: list[DemoRow] = []
    for case in cases if cases is not None else demo_cases():
        for document_type in registry.all_types():
            rows.append(_one(factory, store, settings, case, document_type.id, as_of, actor))
    return rows


def _one(
    factory: sessionmaker[Session],
    store: ObjectStore,
    settings: Settings,
    case: Case,
    doc_type: str,
    as_of: date,
    actor: str,
) -> DemoRow:
    try:
        with unit_of_work(factory) as session:
            options = DEMO_OPTIONS.get((case.case_ref, doc_type), {})
            result = generate(session, store, case, doc_type, options, actor, as_of, settings=settings)
            row = DemoRow(
                case.case_ref,
                doc_type,
                "stored" if result.created else "unchanged",
                result.version.document_id,
                result.version.number,
                result.version.status,
            )
    except DocgenError as err:  # ineligible, engine missing on this machine, bad option
        return DemoRow(case.case_ref, doc_type, "skipped", reason=_reason(err))
    except Exception as err:  # one broken template must not hide what the others made
        log.exception("demo: %s for %s failed", doc_type, case.case_ref)
        return DemoRow(case.case_ref, doc_type, "failed", reason=f"{type(err).__name__}: {err}")
    return row
