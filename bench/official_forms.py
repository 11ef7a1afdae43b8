"""Warm time to fill the official N1 (12.24) and N225 PDFs, fields kept and flattened.

Run: .venv/bin/python bench/official_forms.py [--forms ../shared/official-forms] [--runs 50]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from docgen.config import PROJECT_ROOT, Settings
from docgen.render.acroform import AcroformEngine
from docgen.render.base import PdfMeta

META = PdfMeta(title="bench", document_id="ab" * 16, created=date(2026, 11, 23))
CONTEXTS: dict[str, dict[str, Any]] = {
    "n1": {
        "court_name": "County Court Business Centre",
        "claimant_details": "Northbridge Borough Council\nTown Hall, 1 Market Square\nNorthbridge\nNB1 2AB",
        "defendant_details": "Mr J Smythe-Williams\nFlat 4, 27 Long Lane\nNorthbridge\nNB3 9ZZ",
        "brief_details": "The claimant claims for unpaid invoices for commercial waste collection. " * 3,
        "value": "The claimant expects to recover not more than £10,000.",
        "amount_claimed": Decimal("4512.30"),
        "court_fee": Decimal("205"),
        "total_amount": Decimal("4717.30"),
        "claimant_vulnerability": "no",
        "human_rights": "no",
        "particulars_status": "attached",
        "sot_belief": "claimant_believes",
        "signer_capacity": "claimant",
        "signed_date": date(2026, 11, 23),
        "signer_name": "Alex Officer",
        "signer_position": "Debt Recovery Officer",
        "address_for_documents_postcode": "NB1 2AB",
    },
    "n225": {
        "court_name": "County Court Business Centre",
        "claim_number": "K1QZ4X7A",
        "claimant": "Northbridge Borough Council",
        "defendant": "Mr J Smythe-Williams",
        "judgment_route": "default",
        "particulars_served": True,
        "payment": "immediately",
        "amount_of_claim": Decimal("4512.30"),
        "court_fees": Decimal("205"),
        "amount_payable": Decimal("4717.30"),
        "signer_role": "claimant",
        "signed_date": date(2026, 11, 23),
    },
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--forms", type=Path, default=PROJECT_ROOT.parent / "shared" / "official-forms")
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    if not (args.forms / "N1.pdf").is_file():
        print(f"official forms not found in {args.forms}", file=sys.stderr)
        return 1
    engine = AcroformEngine(Settings(official_forms_dir=args.forms))
    print(f"{'form':<12}{'median ms':>10}{'p90 ms':>9}{'KiB':>7}")
    for form_id, context in CONTEXTS.items():
        for flatten in (False, True):
            engine.render(form_id, context, META, {"flatten": flatten})  # warm: imports, font parsing
            times = []
            for _ in range(args.runs):
                start = time.perf_counter()
                out = engine.render(form_id, context, META, {"flatten": flatten})
                times.append((time.perf_counter() - start) * 1000)
            p90 = statistics.quantiles(times, n=10)[-1]
            label = f"{form_id}{' flat' if flatten else ''}"
            print(f"{label:<12}{statistics.median(times):>10.1f}{p90:>9.1f}{len(out.pdf) / 1024:>7.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
