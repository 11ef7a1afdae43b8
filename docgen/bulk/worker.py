"""What one worker process does for one case: hold the case, then make each paper through the
generation corridor, never raising.

A worker keeps its engines (fonts, parsed CSS), its object store and its register connection for
its whole life. The corridor renders outside any transaction: SQLite's write lock is taken only
for the few milliseconds that the version row is written, so two workers never wait on each
other's layout.
"""

from __future__ import annotations

import logging
import os
import resource
from collections.abc import Mapping
from datetime import date
from functools import partial
from typing import Any

from docgen.config import Settings
from docgen.documents import registry
from docgen.domain.case import Case, parse_case_json
from docgen.errors import DocgenError
from docgen.register import unit_of_work
from docgen.register.models import Role
from docgen.render.pool import ready_for_renders, warm_engines
from docgen.services import generation
from docgen.services.auth import Principal
from docgen.services.backend import Backend
from docgen.services.cases import hold
from docgen.services.generation import ItemError, PaperRequest

log = logging.getLogger(__name__)

_BACKEND: Backend | None = None


def init_worker(settings: Settings) -> None:
    """Run once in each worker process (and in-process when there is no pool)."""
    global _BACKEND
    _BACKEND = Backend.open(settings)


def init_pool_worker(settings: Settings) -> None:
    """Run once in each process of a bulk run's pool: open the backend, warm the engines, then
    settle the warm heap so that the collector stops walking it at every full pass."""
    init_worker(settings)
    ready_for_renders(warm_engines, settings)


def _backend() -> Backend:
    assert _BACKEND is not None, "init_worker was not called in this process"
    return _BACKEND


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


def _options_for(doc_type: str, options: Mapping[str, str]) -> dict[str, str]:
    known = registry.get(doc_type).option_specs
    return {k: v for k, v in options.items() if k in known}


def _hold(backend: Backend, case: Case, who: Principal) -> None:
    def work() -> None:
        with unit_of_work(backend.sessions) as session:
            hold(session, who, case)

    generation.retrying(work)


def _one(backend: Backend, request: PaperRequest, want_pdf: bool) -> dict[str, Any]:
    made = generation.generate(backend, request)
    version = made.version
    pdf = None
    if want_pdf:
        pdf = (
            made.pdf
            if made.pdf is not None
            else backend.store.get(version.storage_key, version.storage_version_id)
        )
    return {
        "document_id": version.document_id,
        "version": version.number,
        "sha256": version.sha256,
        "status": "stored" if made.stored else "unchanged",
        "pdf": pdf,
        "warnings": list(made.warnings),
    }


#: (label, case JSON, doc types, as_of, options, engine per doc type, actor, want the PDF bytes back)
Task = tuple[str, str, tuple[str, ...], str, dict[str, str], dict[str, str], str, bool]


def process_case(task: Task) -> list[dict[str, Any]]:
    """Every document for one case. Failures become results: a bad case never stops the batch."""
    label, case_json, doc_types, as_of_text, options, engines, actor, want_pdf = task
    backend = _backend()
    as_of = date.fromisoformat(as_of_text)
    base = {"case_ref": label, "pid": os.getpid()}
    who = Principal(actor, Role.officer)
    try:
        case = parse_case_json(case_json, source=label)
    except DocgenError as err:
        problem = "; ".join([err.message, *(str(p) for p in err.problems)])
        return [
            base | {"doc_type": t, "status": "invalid", "problem": problem, "rss_mb": peak_rss_mb()}
            for t in doc_types
        ]
    held = generation.attempt(lambda: _hold(backend, case, who), f"bulk: holding {label}")
    out = []
    for doc_type in doc_types:
        item: dict[str, Any] = base | {"doc_type": doc_type, "problem": ""}
        if isinstance(held, ItemError):
            outcome: dict[str, Any] | ItemError = held
        else:
            request = PaperRequest(
                doc_type,
                case.case_ref,
                as_of,
                who,
                _options_for(doc_type, options),
                engines.get(doc_type) or None,
                access_checked=True,
            )
            outcome = generation.attempt(
                partial(_one, backend, request, want_pdf), f"bulk: {label} {doc_type}"
            )
        if isinstance(outcome, ItemError):
            ineligible = outcome.code == "ineligible"
            item |= {
                "status": "ineligible" if ineligible else "failed",
                "problem": outcome.describe(blocking_only=ineligible),
            }
        else:
            item |= outcome
        item["rss_mb"] = peak_rss_mb()
        out.append(item)
    return out
