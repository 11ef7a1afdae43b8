"""The bulk runner: many cases, one document (or a pack of documents) each, stored and registered.

``run_bulk`` is a plain function so the CLI and the API's job can both call it. Cases go to a pool
of worker processes (spawned, never forked, so a worker never inherits a parent's threads or open
database connections); each worker keeps its renderers warm for the whole run. A case that fails
is recorded with its reason and the run goes on.
"""

from __future__ import annotations

import multiprocessing
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from docgen.bulk.cases import CaseSource
from docgen.bulk.output import BulkOutput
from docgen.bulk.worker import Task, init_pool_worker, init_worker, process_case
from docgen.config import Settings
from docgen.documents import registry
from docgen.domain.case import Case
from docgen.errors import InvalidInput, NotFound, Problem
from docgen.register import open_register

#: named packs: what a council sends together
PACKS: dict[str, tuple[str, ...]] = {
    "claim_pack": ("letter_before_claim", "n1", "particulars_of_claim"),
}
STATUSES = ("stored", "unchanged", "ineligible", "invalid", "failed")


@dataclass
class BulkItem:
    case_ref: str
    doc_type: str
    status: str  # one of STATUSES
    document_id: str = ""
    version: int | None = None
    sha256: str = ""
    problem: str = ""
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status in ("stored", "unchanged")


@dataclass
class BulkResult:
    items: list[BulkItem]
    seconds: float
    cases: int
    workers: int
    peak_rss_mb: dict[int, float]  # worker pid -> peak resident memory
    manifest_path: Path | None = None
    zip_path: Path | None = None

    @property
    def counts(self) -> dict[str, int]:
        found = Counter(i.status for i in self.items)
        return {s: found.get(s, 0) for s in STATUSES}

    def as_dict(self) -> dict[str, Any]:
        return {
            "cases": self.cases,
            "documents": len(self.items),
            "counts": self.counts,
            "seconds": round(self.seconds, 3),
            "workers": self.workers,
            "peak_rss_mb": {str(k): round(v, 1) for k, v in sorted(self.peak_rss_mb.items())},
            "manifest": str(self.manifest_path) if self.manifest_path else None,
            "zip": str(self.zip_path) if self.zip_path else None,
            "items": [asdict(i) for i in self.items],
        }


#: progress(done, total, item): called in the calling process after every document
Progress = Callable[[int, int, BulkItem], None]


def expand_types(doc_types: Sequence[str] | str) -> tuple[str, ...]:
    """Document type ids, with pack names opened up; unknown names are refused before any work."""
    names = [doc_types] if isinstance(doc_types, str) else list(doc_types)
    out: list[str] = []
    for name in names:
        for t in PACKS.get(name, (name,)):
            try:
                registry.get(t)
            except NotFound as err:
                raise NotFound(f"{err.message}; packs: {', '.join(PACKS)}", code=err.code) from None
            if t not in out:
                out.append(t)
    if not out:
        raise InvalidInput("no document type given", [Problem("doc_types", "required")])
    return tuple(out)


def _check_engines(types: Sequence[str], engines: Mapping[str, str]) -> dict[str, str]:
    problems = [Problem(f"engines.{t}", "not a document type of this run") for t in engines if t not in types]
    for t, engine in engines.items():
        if t in types and engine not in registry.get(t).templates:
            problems.append(
                Problem(f"engines.{t}", f"{t} renders with {', '.join(registry.get(t).templates)}")
            )
    if problems:
        raise InvalidInput("engine choice does not fit the document types", problems)
    return dict(engines)


def _item(raw: Mapping[str, Any]) -> BulkItem:
    return BulkItem(
        case_ref=raw["case_ref"],
        doc_type=raw["doc_type"],
        status=raw["status"],
        document_id=raw.get("document_id", ""),
        version=raw.get("version"),
        sha256=raw.get("sha256", ""),
        problem=raw.get("problem", ""),
        warnings=list(raw.get("warnings", [])),
    )


def run_bulk(
    cases: Iterable[Case] | Sequence[CaseSource],
    doc_types: Sequence[str] | str,
    as_of: date,
    settings: Settings,
    progress: Progress | None = None,
    workers: int = 2,
    *,
    out_dir: Path | None = None,
    options: Mapping[str, str] | None = None,
    engines: Mapping[str, str] | None = None,
    actor: str = "bulk",
) -> BulkResult:
    """Generate and store ``doc_types`` for every case; write manifest.csv and documents.zip to
    ``out_dir`` when given. ``workers`` <= 1 runs in this process (e.g. inside a Celery worker,
    whose daemon processes may not start children). ``engines`` picks an engine per document type,
    e.g. ``{"n1": "official"}`` where the official HMCTS PDF is installed."""
    types = expand_types(doc_types)
    chosen = _check_engines(types, engines or {})
    sources: list[CaseSource] = [
        c if isinstance(c, tuple) else (c.case_ref, c.canonical_json()) for c in cases
    ]
    opts = dict(options or {})
    want_pdf = out_dir is not None
    tasks: list[Task] = [
        (label, text, types, as_of.isoformat(), opts, chosen, actor, want_pdf) for label, text in sources
    ]
    total = len(tasks) * len(types)
    # Checked once here, before any worker starts: a register that is not migrated is one clear
    # refusal (run `docgen migrate`), not one failure per case.
    open_register(settings)

    items: list[BulkItem] = []
    rss: dict[int, float] = {}
    output = BulkOutput(out_dir) if out_dir is not None else None
    started = time.perf_counter()

    def take(results: list[dict[str, Any]]) -> None:
        for raw in results:
            item = _item(raw)
            items.append(item)
            rss[raw.get("pid", 0)] = max(rss.get(raw.get("pid", 0), 0.0), float(raw.get("rss_mb", 0.0)))
            if output is not None:
                output.add(item, raw.get("pdf"))
            if progress is not None:
                progress(len(items), total, item)

    try:
        # a daemonic process (a Celery prefork child) may not start children: run in-process there
        if workers <= 1 or multiprocessing.current_process().daemon:
            init_worker(settings)
            for task in tasks:
                take(process_case(task))
        else:
            context = multiprocessing.get_context("spawn")
            with ProcessPoolExecutor(
                workers, mp_context=context, initializer=init_pool_worker, initargs=(settings,)
            ) as pool:
                done = 0
                try:
                    for results in pool.map(process_case, tasks, chunksize=1):
                        take(results)
                        done += 1
                except BrokenProcessPool as err:
                    for label, *_ in tasks[done:]:
                        take(
                            [
                                {
                                    "case_ref": label,
                                    "doc_type": t,
                                    "status": "failed",
                                    "problem": f"worker process stopped: {err}",
                                }
                                for t in types
                            ]
                        )
    finally:
        if output is not None:
            output.close()
    return BulkResult(
        items=items,
        seconds=time.perf_counter() - started,
        cases=len(tasks),
        workers=1 if multiprocessing.current_process().daemon else max(workers, 1),
        peak_rss_mb=rss,
        manifest_path=output.manifest_path if output else None,
        zip_path=output.zip_path if output else None,
    )
