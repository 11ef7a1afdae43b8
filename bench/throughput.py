"""Throughput side by side in one run: the claim pack warm, and bulk claim packs on 1, 2 and 4 worker
processes, every pack stored and registered.

    .venv/bin/python bench/throughput.py [--packs 40] [--cases 150] [--workers 1,2,4] [--rounds 2]

1. Claim pack (letter before claim + N1 + particulars) in the default configuration (the official N1),
   warm: rendered one after another in this process, and through the render pool, whose workers take
   the three papers at once (one per core).
2. Bulk: ``run_bulk`` over the same varied cases with each worker count in turn, the counts interleaved
   over ``--rounds`` rounds so that a change in the machine's load falls on every count alike; each run
   has its own empty register and store. Reports packs per second over the whole run and once every
   worker has delivered its first pack (a monthly run lasts hours, so its rate is the second: the
   first includes spawning, importing and warming each worker), when the first pack came back, worker
   CPU-seconds per pack over the whole run, peak memory per worker and the rates of 2 and 4 workers
   against 1.

The machine's load average is printed at the start and the end: on a shared machine compare the
ratios in one run, not absolute figures across runs.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import tempfile
import time
from concurrent.futures import wait
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bulk import AS_OF, make_cases  # noqa: E402

from docgen.bulk import run_bulk  # noqa: E402
from docgen.config import Settings  # noqa: E402
from docgen.domain.case import load_case  # noqa: E402
from docgen.register import migrate  # noqa: E402
from docgen.render.pipeline import render_document  # noqa: E402
from docgen.render.pool import PoolLimits, RenderPool, warm_engines  # noqa: E402

CASE = ROOT / "tests" / "data" / "cases" / "individual-care-charges.json"
PACK_AS_OF = date(2025, 5, 16)
PACK = ("letter_before_claim", "n1", "particulars_of_claim")


def _load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def _cpu() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _ms(samples: list[float]) -> dict[str, float]:
    s = sorted(samples)
    return {
        "median_ms": round(statistics.median(s) * 1000, 1),
        "p10_ms": round(s[len(s) // 10] * 1000, 1),
        "p90_ms": round(s[(9 * len(s)) // 10] * 1000, 1),
    }


def claim_pack(packs: int, settings: Settings) -> dict[str, Any]:
    case = load_case(CASE)
    engines = {t: render_document(t, case, PACK_AS_OF, settings=settings).engine for t in PACK}
    per_doc: dict[str, list[float]] = {t: [] for t in PACK}
    cpu_doc: dict[str, list[float]] = {t: [] for t in PACK}
    sequential: list[float] = []
    sequential_cpu: list[float] = []
    with RenderPool(PoolLimits(), warm=warm_engines, warm_args=(settings,)) as pool:
        for t in PACK:  # warm each worker's static parts (the letter's enclosures)
            for _ in range(pool.limits.size):
                pool.run(render_document, t, case, PACK_AS_OF, {}, None, settings, label=t)
        pooled: list[float] = []
        for _ in range(packs):  # interleaved: one pack in this process, then one through the pool
            started, started_cpu = time.perf_counter(), time.process_time()
            for t in PACK:
                t0, c0 = time.perf_counter(), time.process_time()
                render_document(t, case, PACK_AS_OF, settings=settings)
                per_doc[t].append(time.perf_counter() - t0)
                cpu_doc[t].append(time.process_time() - c0)
            sequential.append(time.perf_counter() - started)
            sequential_cpu.append(time.process_time() - started_cpu)
            started = time.perf_counter()
            futures = [
                pool.submit(render_document, t, case, PACK_AS_OF, {}, None, settings, label=t)
                for t in ("particulars_of_claim", "letter_before_claim", "n1")
            ]
            wait(futures)
            for f in futures:
                f.result()
            pooled.append(time.perf_counter() - started)
        workers = pool.limits.size
    return {
        "engines": engines,
        "per_document": {t: _ms(v) for t, v in per_doc.items()},
        # CPU time is what a render costs whatever else the machine runs; wall time is what a caller waits
        "per_document_cpu": {t: _ms(v) for t, v in cpu_doc.items()},
        "pack_in_one_process": _ms(sequential),
        "pack_in_one_process_cpu": _ms(sequential_cpu),
        f"pack_through_the_pool_{workers}_workers": _ms(pooled),
        "packs": packs,
    }


def _pack_done(stamps: list[float], done: int, _total: int, _item: object) -> None:
    if done % len(PACK) == 0:
        stamps.append(time.perf_counter())


def bulk(cases: int, worker_counts: list[int], rounds: int) -> dict[str, Any]:
    sample = make_cases(cases)
    runs: dict[int, list[dict[str, Any]]] = {w: [] for w in worker_counts}
    for _round in range(rounds):
        for workers in worker_counts:
            with tempfile.TemporaryDirectory(prefix="docgen-bench-tp-") as tmp:
                settings = Settings(environment="test", data_dir=Path(tmp) / "var")
                migrate(settings)  # the start-up step
                # one worker runs in this process, more in child processes: count both
                before = _cpu()
                packs_done: list[float] = []  # when each pack's three papers were all back
                progress = partial(_pack_done, packs_done)
                started = time.perf_counter()
                result = run_bulk(sample, "claim_pack", AS_OF, settings, workers=workers, progress=progress)
                cpu = _cpu() - before
                stored = result.counts["stored"]
                if stored != 3 * cases:
                    raise SystemExit(f"only {stored} of {3 * cases} documents were stored: {result.counts}")
                runs[workers].append(
                    {
                        "packs_per_second": round(cases / result.seconds, 2),
                        # a month's run is hours long: its rate is the rate once every worker has
                        # started (spawned, imported, warmed) and delivered its first pack
                        "packs_per_second_once_started": round(
                            (len(packs_done) - workers) / (packs_done[-1] - packs_done[workers - 1]), 2
                        ),
                        "first_pack_after_s": round(packs_done[0] - started, 2),
                        "cpu_seconds_per_pack": round(cpu / cases, 3) if cpu else None,
                        "peak_rss_mb": max(result.peak_rss_mb.values()),
                        "load": _load(),
                    }
                )
    out: dict[str, Any] = {"cases_per_run": cases, "rounds": rounds}
    best = {w: max(r["packs_per_second"] for r in rs) for w, rs in runs.items()}
    best_started = {w: max(r["packs_per_second_once_started"] for r in rs) for w, rs in runs.items()}
    for w, rs in runs.items():
        out[f"{w}_workers"] = {
            "packs_per_second": [r["packs_per_second"] for r in rs],
            "packs_per_second_once_started": [r["packs_per_second_once_started"] for r in rs],
            "first_pack_after_s": [r["first_pack_after_s"] for r in rs],
            "cpu_seconds_per_pack": [r["cpu_seconds_per_pack"] for r in rs],
            "peak_rss_mb_per_worker": round(max(r["peak_rss_mb"] for r in rs)),
            "load_after_each": [r["load"] for r in rs],
        }
    if 1 in best:
        out["rate_vs_1_worker"] = {f"{w}_workers": round(best[w] / best[1], 2) for w in best if w != 1}
        out["rate_once_started_vs_1_worker"] = {
            f"{w}_workers": round(best_started[w] / best_started[1], 2) for w in best_started if w != 1
        }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--packs", type=int, default=40)
    parser.add_argument("--cases", type=int, default=150)
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--skip-bulk", action="store_true")
    args = parser.parse_args()
    report: dict[str, Any] = {"cpus": os.cpu_count(), "load_at_start": _load()}
    settings = Settings(environment="test")
    report["claim_pack"] = claim_pack(args.packs, settings)
    if not args.skip_bulk:
        report["bulk"] = bulk(args.cases, [int(w) for w in args.workers.split(",")], args.rounds)
    report["load_at_end"] = _load()
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
