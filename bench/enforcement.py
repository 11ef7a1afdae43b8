"""Warm render time of each enforcement and insolvency paper, and the time to check eligibility.

Run: .venv/bin/python bench/enforcement.py [--repeat 20]

Uses the shared sample cases (../shared/cases) and the company record in tests/data/cases; the
petitions and the certificate of service use copies recording a statutory demand served on 1 April
2025. The certificate is timed with its demand appended (a second render plus the pypdf merge). The
courts come from settings mapping the sample addresses' postcode districts, as an installation would.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

from docgen.config import Settings  # noqa: E402
from docgen.documents import registry  # noqa: E402
from docgen.domain.case import Case, parse_case  # noqa: E402
from docgen.render.pipeline import render_document  # noqa: E402

AS_OF = date(2025, 6, 2)
CASES = ROOT.parent / "shared" / "cases"
TEST_CASES = ROOT / "tests" / "data" / "cases"


def case(name: str, served: str | None = None) -> Case:
    folder = CASES if (CASES / f"{name}.json").exists() else TEST_CASES
    data: dict[str, Any] = json.loads((folder / f"{name}.json").read_text(encoding="utf-8"))
    for prop in data.get("properties", []):
        # every co-owner and chargee is served, so each needs an address (PD 73 para 1.2)
        here = prop["address"]
        prop["co_owners"] = [
            o if isinstance(o, dict) else {"name": o, "address": here} for o in prop["co_owners"]
        ]
        for charge in prop["charges"]:
            charge.setdefault(
                "address", {"lines": ["Charges Department"], "town": "Swindon", "postcode": "SN38 1NW"}
            )
    if served:
        data["recovery_history"].append(
            {"date": "2025-04-01", "action": "statutory_demand_served", "method": served}
        )
    return parse_case(data, name)


def timed(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    fn()  # warm: fonts, CSS, templates
    runs = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - t) * 1000)
    return statistics.median(runs), max(runs)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    settings = Settings(
        environment="test",
        data_dir=Path(tempfile.mkdtemp()) / "var",
        insolvency_courts={"UB8": "County Court at Uxbridge", "SE25": "County Court at Croydon"},
        hearing_centres={"UB8": "County Court at Uxbridge", "SE25": "County Court at Croydon"},
    )
    jwp, ctx, co = (
        case("judgment-with-property"),
        case("council-tax-liability-orders"),
        case("sundry-commercial-company"),
    )
    ctx_served, co_served = (
        case("council-tax-liability-orders", "personal"),
        case("company-record"),
    )
    jobs: list[tuple[str, Case, dict[str, str]]] = [
        ("n379", jwp, {}),
        ("n379", ctx, {}),
        ("n337", jwp, {}),
        (
            "n244",
            case("judgment-old"),
            {"application": "permission_to_enforce", "delay_reason": "the debtor was traced only in 2025"},
        ),
        ("statutory_demand_individual", ctx, {}),
        ("statutory_demand_company", co, {}),
        ("bankruptcy_petition", ctx_served, {}),
        ("winding_up_petition", co_served, {}),
    ]
    print(f"{'document':52} {'median ms':>10} {'max ms':>8}")
    for doc_type, c, opts in jobs:
        med, worst = timed(partial(render_document, doc_type, c, AS_OF, opts, settings=settings), args.repeat)
        print(f"{doc_type + ' / ' + c.case_ref:52} {med:10.1f} {worst:8.1f}")
    med, worst = timed(
        partial(render_document, "certificate_of_service_sd", co_served, AS_OF, settings=settings),
        args.repeat,
    )
    print(f"{'certificate_of_service_sd + demand (preview)':52} {med:10.1f} {worst:8.1f}")
    types = [t for t in registry.all_types() if t.family in ("enforcement", "insolvency")]
    med, worst = timed(
        lambda: [
            t.eligibility(t.request(c, AS_OF, settings=settings)) for t in types for c in (jwp, ctx, co)
        ],
        args.repeat,
    )
    print(f"{'eligibility, 9 types x 3 cases':52} {med:10.1f} {worst:8.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
