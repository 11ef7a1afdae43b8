"""What one worker process does for one case: render each document and store it, never raising.

A worker keeps its engines (fonts, parsed CSS), its object store and its register connection for
its whole life. Rendering happens outside any transaction: SQLite's write lock is taken only for
the few milliseconds that the version row is written, so two workers never wait on each other's
layout.
"""

from __future__ import annotations

import logging
import os
import resource
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from docgen.config import Settings
from docgen.documents import registry
from docgen.domain.case import Case, parse_case_json
from docgen.errors import Conflict, DocgenError, Ineligible
from docgen.register import open_register, unit_of_work
from docgen.register.models import Version
from docgen.register.service import StoreResult, reuse_unchanged, store_rendered
from docgen.render.pipeline import render_document
from docgen.storage import ObjectStore, make_store

log = logging.getLogger(__name__)

RETRIES = 6
T = TypeVar("T")


@dataclass
class WorkerState:
    settings: Settings
    sessions: sessionmaker[Session]
    store: ObjectStore


_STATE: WorkerState | None = None


def init_worker(settings: Settings) -> None:
    """Run once in each worker process (and in-process when there is no pool)."""
    global _STATE
    _STATE = WorkerState(settings, open_register(settings), make_store(settings))


def _state() -> WorkerState:
    assert _STATE is not None, "init_worker was not called in this process"
    return _STATE


def peak_rss_mb() -> float:
    """This process's own peak resident memory in MB.

    Linux keeps ru_maxrss across fork and exec, so a worker started from a large parent would
    report the parent's size; VmHWM belongs to the process's own address space, made new at exec."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def _retrying(step: Callable[[], T]) -> T:
    """SQLite allows one writer: a busy register or a lost race for a version number is retried."""
    for attempt in range(RETRIES):
        try:
            return step()
        except OperationalError as err:
            if "locked" not in str(err.orig) or attempt == RETRIES - 1:
                raise
        except Conflict as err:
            if err.code != "concurrent_version" or attempt == RETRIES - 1:
                raise
        time.sleep(0.05 * 2**attempt)
    raise AssertionError("unreachable")


def _options_for(doc_type: str, options: Mapping[str, str]) -> dict[str, str]:
    known = registry.get(doc_type).option_specs
    return {k: v for k, v in options.items() if k in known}


def _existing(
    state: WorkerState,
    case: Case,
    doc_type: str,
    as_of: date,
    options: dict[str, str],
    engine: str,
    actor: str,
) -> Version | None:
    """The newest stored version when it was made from exactly these inputs (found without rendering)."""

    def look() -> Version | None:
        with unit_of_work(state.sessions) as session:
            found = reuse_unchanged(session, case, doc_type, options, as_of, engine, state.settings, actor)
            return found.version if found else None

    return _retrying(look)


def _one(
    state: WorkerState,
    case: Case,
    doc_type: str,
    as_of: date,
    options: dict[str, str],
    engine: str,
    actor: str,
    want_pdf: bool,
) -> dict[str, Any]:
    found = _existing(state, case, doc_type, as_of, options, engine, actor)
    if found is not None:
        pdf = state.store.get(found.storage_key, found.storage_version_id) if want_pdf else None
        return {
            "document_id": found.document_id,
            "version": found.number,
            "sha256": found.sha256,
            "status": "unchanged",
            "pdf": pdf,
        }
    rendered = render_document(doc_type, case, as_of, options=options, engine=engine, settings=state.settings)

    def store() -> StoreResult:
        with unit_of_work(state.sessions) as session:
            return store_rendered(session, state.store, rendered, case, actor)

    result = _retrying(store)
    return {
        "document_id": result.version.document_id,
        "version": result.version.number,
        "sha256": result.version.sha256,
        "status": "stored" if result.created else "unchanged",
        "pdf": rendered.pdf if want_pdf else None,
        "warnings": [str(w) for w in rendered.warnings],
    }


#: (label, case JSON, doc types, as_of, options, engine per doc type, actor, want the PDF bytes back)
Task = tuple[str, str, tuple[str, ...], str, dict[str, str], dict[str, str], str, bool]


def process_case(task: Task) -> list[dict[str, Any]]:
    """Every document for one case. Failures become results: a bad case never stops the batch."""
    label, case_json, doc_types, as_of_text, options, engines, actor, want_pdf = task
    state = _state()
    as_of = date.fromisoformat(as_of_text)
    base = {"case_ref": label, "pid": os.getpid()}
    try:
        case = parse_case_json(case_json, source=label)
    except DocgenError as err:
        problem = "; ".join([err.message, *(str(p) for p in err.problems)])
        return [
            base | {"doc_type": t, "status": "invalid", "problem": problem, "rss_mb": peak_rss_mb()}
            for t in doc_types
        ]
    out = []
    for doc_type in doc_types:
        item: dict[str, Any] = base | {"doc_type": doc_type, "problem": ""}
        try:
            engine = engines.get(doc_type) or registry.get(doc_type).default_engine
            item |= _one(
                state, case, doc_type, as_of, _options_for(doc_type, options), engine, actor, want_pdf
            )
        except Ineligible as err:
            item |= {"status": "ineligible", "problem": "; ".join(str(p) for p in err.problems if p.blocking)}
        except DocgenError as err:
            item |= {"status": "failed", "problem": "; ".join([err.message, *(str(p) for p in err.problems)])}
        except Exception as err:  # a bug must not stop the other 999 cases; it is logged with its trace
            log.exception("bulk: %s %s failed", label, doc_type)
            item |= {"status": "failed", "problem": f"internal error ({type(err).__name__}): {err}"}
        item["rss_mb"] = peak_rss_mb()
        out.append(item)
    return out
