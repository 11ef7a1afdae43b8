"""Warm render time per claim document, against LibreOffice converting an equivalent DOCX.

Run: .venv/bin/python bench/render.py [--repeat 30]

Prints the median and spread of each document type rendered warm in this process (fonts loaded,
CSS parsed, templates compiled), the median of the claim pack (N1 + particulars + letter before
claim), and, in the same run, LibreOffice turning a DOCX of the same letter into a PDF: cold (one
soffice per document, as a mail-merge script does) and warm (one soffice kept running, as
docassemble and Gotenberg do). Ratios are medians over medians from this one run.
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# run as a script, this folder is first on sys.path; keep its modules from shadowing packages
sys.path = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(ROOT))

from docgen.config import Settings  # noqa: E402
from docgen.domain.case import load_case  # noqa: E402
from docgen.render.pipeline import render_document  # noqa: E402

CASE = ROOT / "tests" / "data" / "cases" / "individual-care-charges.json"
AS_OF = date(2025, 5, 16)
PACK = ("n1", "particulars_of_claim", "letter_before_claim")


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def summary(samples: list[float]) -> str:
    s = sorted(samples)
    return f"median {statistics.median(s) * 1000:7.1f} ms  (p10 {s[len(s) // 10] * 1000:6.1f}, p90 {s[(9 * len(s)) // 10] * 1000:6.1f}, n={len(s)})"


def letter_docx(text: str) -> bytes:
    """A DOCX with the same words as the rendered letter, paragraph for paragraph."""
    import docx

    d = docx.Document()
    for para in text.split("\n"):
        if para.strip():
            d.add_paragraph(para)
    buf = BytesIO()
    d.save(buf)
    return buf.getvalue()


def cold_soffice(docx_bytes: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "letter.docx"
        src.write_bytes(docx_bytes)
        subprocess.run(
            [
                "soffice",
                f"-env:UserInstallation=file://{tmp}/profile",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                tmp,
                str(src),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--lo-repeat", type=int, default=5)
    args = parser.parse_args()
    settings = Settings(environment="test")
    case = load_case(CASE)
    results: dict[str, float] = {}

    print(
        f"machine: {platform.machine()} {platform.python_implementation()} {platform.python_version()}; "
        f"cores: {__import__('os').cpu_count()}"
    )
    for doc_type in (*PACK, "n225", "n215"):
        opts = {}
        c = case
        if doc_type in ("n225", "n215"):
            data = json.loads(CASE.read_text())
            data["recovery_history"] += [
                {"date": "2025-05-16", "action": "claim_issued", "note": "Claim K1AB2CD3"},
                {"date": "2025-05-19", "action": "claim_served", "note": "", "method": "first_class_post"},
            ]
            from docgen.domain.case import parse_case

            c = parse_case(data)
        as_of = date(2025, 6, 5) if doc_type in ("n225", "n215") else AS_OF
        render_document(doc_type, c, as_of, opts, settings=settings)  # warm up
        samples = timed(
            lambda dt=doc_type, cc=c, a=as_of: render_document(dt, cc, a, settings=settings), args.repeat
        )
        results[doc_type] = statistics.median(samples)
        print(f"{doc_type:24} {summary(samples)}")

    def pack() -> None:
        for dt in PACK:
            render_document(dt, case, AS_OF, settings=settings)

    pack_samples = timed(pack, args.repeat)
    results["pack"] = statistics.median(pack_samples)
    print(f"{'claim pack (3 docs)':24} {summary(pack_samples)}   target < 150 ms")

    # LibreOffice on a DOCX of the same letter
    from pypdf import PdfReader

    letter = render_document("letter_before_claim", case, AS_OF, settings=settings).pdf
    text = "\n".join(p.extract_text() or "" for p in PdfReader(BytesIO(letter)).pages)
    docx_bytes = letter_docx(text)
    if shutil.which("soffice") is None:
        print("LibreOffice not installed: skipping the comparison")
        return
    cold = timed(lambda: cold_soffice(docx_bytes), args.lo_repeat)
    results["lo_cold"] = statistics.median(cold)
    print(f"{'LibreOffice cold':24} {summary(cold)}")
    try:
        from docgen.render.libreoffice import LibreOffice

        with LibreOffice.from_settings(settings) as lo:
            lo.convert(docx_bytes)
            warm = timed(lambda: lo.convert(docx_bytes), max(args.lo_repeat * 3, 10))
        results["lo_warm"] = statistics.median(warm)
        print(f"{'LibreOffice warm':24} {summary(warm)}")
    except Exception as exc:  # the comparison is optional; the html numbers stand alone
        print(f"warm LibreOffice unavailable: {exc}")
    lbc = results["letter_before_claim"]
    print(
        f"letter: html {lbc * 1000:.1f} ms vs LibreOffice cold {results['lo_cold'] * 1000:.0f} ms "
        f"= {results['lo_cold'] / lbc:.1f}x",
        end="",
    )
    if "lo_warm" in results:
        print(f", warm {results['lo_warm'] * 1000:.0f} ms = {results['lo_warm'] / lbc:.1f}x")
    else:
        print()


if __name__ == "__main__":
    main()
