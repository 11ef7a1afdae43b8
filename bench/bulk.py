"""Benchmark: claim packs (letter before claim + N1 + particulars) for 1,000 cases, stored and
registered, with two worker processes.

Cases are made from the shared sample cases (../shared/cases; the project's tests/data/cases when
that is absent), varied in names, amounts, dates and addresses, each with a letter of claim more
than 30 days old so that every one is eligible. Reports packs per second, peak memory per worker,
and (with --profile N) a cProfile of N packs rendered in this process, grouped by stage.

    .venv/bin/python bench/bulk.py [--cases 1000] [--workers 2] [--profile 50]
"""

from __future__ import annotations

import argparse
import copy
import cProfile
import json
import os
import pstats
import resource
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from docgen.bulk import run_bulk
from docgen.config import PROJECT_ROOT, Settings
from docgen.domain.case import Case, parse_case
from docgen.register import migrate

AS_OF = date(2025, 6, 2)
SHARED = PROJECT_ROOT.parent / "shared" / "cases"
FALLBACK = PROJECT_ROOT / "tests" / "data" / "cases"
# Claim-ready templates: the deceased and council tax samples are not county court claims; the
# judgment sample is used as the sundry debt it was before judgment
TEMPLATES = ("asc-care-charges-individual", "sundry-commercial-company", "judgment-with-property")
GIVEN = ("Amelia", "Oliver", "Priya", "Kwame", "Siobhan", "Tomasz", "Fatima", "Dylan", "Chen", "Grace")
FAMILY = ("Okonkwo", "Smith", "Patel", "Nowak", "O'Brien", "Hughes", "Rahman", "Evans-Price", "Li", "Murphy")
STREETS = ("Mill Lane", "Station Road", "Church Street", "Victoria Avenue", "Park Road", "Queens Walk")
POSTCODES = ("SE6 4RU", "SW18 2PU", "CR0 1NX", "BR1 3UH", "SM1 1EA", "KT1 1EU", "N1 9GU", "E8 1DY")


def _templates() -> list[dict[str, Any]]:
    folder = SHARED if SHARED.is_dir() else FALLBACK
    files = [folder / f"{t}.json" for t in TEMPLATES if (folder / f"{t}.json").exists()] or sorted(
        folder.glob("*.json")
    )
    return [json.loads(f.read_text(encoding="utf-8")) for f in files]


def _scale(value: str, factor: Decimal) -> str:
    return str((Decimal(value) * factor).quantize(Decimal("0.01")))


def make_case(template: dict[str, Any], n: int) -> Case:
    data = copy.deepcopy(template)
    data["case_ref"] = f"BENCH-{n:06d}"
    data["judgments"], data["properties"], data["liability_orders"] = [], [], []
    factor = Decimal(70 + (n * 37) % 90) / 100
    for inv in data.get("invoices", []):
        inv["net"] = _scale(inv["net"], factor)
        inv["vat"] = _scale(inv.get("vat", "0"), factor)
        inv["number"] = f"{inv['number']}-{n}"
    # payments never exceed what is owed after scaling
    data["payments"] = [dict(p, amount=_scale(p["amount"], factor)) for p in data.get("payments", [])]
    data["adjustments"] = [dict(a, amount=_scale(a["amount"], factor)) for a in data.get("adjustments", [])]
    debtor = data["debtors"][0]
    address = debtor.get("address") or debtor.get("registered_office")
    address["lines"] = [f"{1 + n % 180} {STREETS[n % len(STREETS)]}"]
    address["postcode"] = POSTCODES[n % len(POSTCODES)]
    if debtor["kind"] == "individual":
        debtor["given_names"] = GIVEN[n % len(GIVEN)]
        debtor["family_name"] = FAMILY[(n // len(GIVEN)) % len(FAMILY)]
        debtor["vulnerability"] = {"flags": [], "notes": ""}
        debtor["breathing_space"] = None
        debtor["deceased_on"] = None
    else:
        debtor["name"] = f"{FAMILY[n % len(FAMILY)]} {STREETS[n % len(STREETS)].split()[0]} Ltd"
    letter = AS_OF - timedelta(days=35 + n % 60)
    history = [h for h in data.get("recovery_history", []) if h["action"] in ("reminder", "final_notice")]
    data["recovery_history"] = [
        *history,
        {"date": letter.isoformat(), "action": "letter_before_claim", "note": "bench"},
    ]
    return parse_case(data)


def make_cases(count: int) -> list[Case]:
    templates = _templates()
    return [make_case(templates[n % len(templates)], n) for n in range(count)]


# (label, file fragment, function): cumulative time of each, as a share of the whole profiled run
STAGES = (
    ("render_request (all rendering)", "docgen/render/pipeline.py", "render_request"),
    ("weasyprint: parse HTML, styles and layout", "weasyprint/__init__.py", "render"),
    ("weasyprint: layout", "weasyprint/layout/__init__.py", "layout_document"),
    ("weasyprint: write PDF (draw, fonts, subset)", "weasyprint/document.py", "write_pdf"),
    ("jinja2 template", "docgen/render/html.py", "render_html"),
    ("case facts (balance, interest, fees)", "docgen/domain/facts.py", "case_facts"),
    ("store + register (object write, fsync, SQLite)", "docgen/register/versions.py", "store_version"),
    ("unchanged-version check", "docgen/services/generation.py", "_plan_paper"),
)
PACK = ("letter_before_claim", "n1", "particulars_of_claim")


def profile(cases: list[Case], settings: Settings, engines: dict[str, str]) -> dict[str, Any]:
    from docgen.bulk.worker import init_worker, process_case

    migrate(settings)  # the start-up step
    init_worker(settings)
    process_case(
        (cases[0].case_ref, cases[0].canonical_json(), PACK, AS_OF.isoformat(), {}, engines, "bench", False)
    )  # warm up: fonts, parsed CSS, static parts
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    for case in cases[1:]:
        process_case(
            (case.case_ref, case.canonical_json(), PACK, AS_OF.isoformat(), {}, engines, "bench", False)
        )
    profiler.disable()
    elapsed = time.perf_counter() - started
    stats = pstats.Stats(profiler)
    cumulative: dict[str, float] = {}
    for (filename, _line, name), (_cc, _nc, _tt, ct, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        for label, fragment, function in STAGES:
            if name == function and fragment in filename:
                cumulative[label] = cumulative.get(label, 0.0) + ct
    stats.sort_stats("cumulative").print_stats(25)
    return {
        "packs": len(cases) - 1,
        "seconds_under_profiler": round(elapsed, 2),
        "share_of_time": {
            label: f"{100 * cumulative.get(label, 0.0) / elapsed:.1f}%" for label, _, _ in STAGES
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cases", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--profile", type=int, default=0, metavar="N", help="also profile N packs in-process")
    parser.add_argument("--keep", help="keep the data folder here instead of a temporary one")
    parser.add_argument(
        "--official-forms",
        metavar="DIR",
        help="fill the official N1 from this folder instead of the html like-effect layout",
    )
    args = parser.parse_args()

    cases = make_cases(args.cases)
    with tempfile.TemporaryDirectory(prefix="docgen-bench-") as tmp:
        base = Path(args.keep or tmp)
        forms = Path(args.official_forms) if args.official_forms else None
        engines = {"n1": "official"} if forms else {}
        settings = Settings(environment="test", data_dir=base / "var", official_forms_dir=forms)
        migrate(settings)  # the start-up step
        load = os.getloadavg()
        result = run_bulk(
            cases, "claim_pack", AS_OF, settings, workers=args.workers, out_dir=base / "out", engines=engines
        )
        # The pool has exited, so its workers' CPU time is counted here: packs per CPU-second does not
        # depend on what else the machine was running.
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = children.ru_utime + children.ru_stime
        report: dict[str, Any] = {
            "cases": result.cases,
            "documents": len(result.items),
            "counts": result.counts,
            "seconds": round(result.seconds, 1),
            "packs_per_second": round(result.cases / result.seconds, 2),
            "worker_cpu_seconds": round(cpu, 1),
            "packs_per_cpu_second": round(result.cases / cpu, 2) if cpu else None,
            "projected_packs_per_second_on_idle_cores": round(args.workers * result.cases / cpu, 2)
            if cpu
            else None,
            "peak_rss_mb_per_worker": {str(k): round(v) for k, v in result.peak_rss_mb.items()},
            "zip_mb": round((base / "out" / "documents.zip").stat().st_size / 1e6, 1),
            "load_average_at_start": [round(x, 2) for x in load],
            "cpus": os.cpu_count(),
            "n1_engine": engines.get("n1", "html"),
        }
        failed = [i for i in result.items if not i.ok]
        if failed:
            report["first_problems"] = [f"{i.case_ref} {i.doc_type}: {i.problem}" for i in failed[:5]]
        if args.profile:
            report["profile"] = profile(
                cases[: args.profile + 1],
                settings.model_copy(update={"data_dir": base / "profile-var"}),
                engines,
            )
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
