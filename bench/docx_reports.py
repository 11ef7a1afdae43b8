"""DOCX -> PDF: the warm LibreOffice against a cold ``soffice --convert-to`` in the same run.

    .venv/bin/python bench/docx.py [--warm 20] [--cold 5]

Warm: the full engine path per report (lint cache hit, docxtpl fill, DOCX normalisation, UNO
conversion, PDF finishing) and the UNO conversion alone. Cold: one soffice process per document
with an already-initialised profile (a first-ever profile costs seconds more), the same DOCX.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, this folder comes first on sys.path: keep it from shadowing installed packages.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(ROOT))

from docgen.config import Settings  # noqa: E402
from docgen.documents import registry  # noqa: E402
from docgen.domain.case import load_case  # noqa: E402
from docgen.render.base import PdfMeta  # noqa: E402
from docgen.render.docx import DocxEngine  # noqa: E402
from docgen.render.libreoffice import LibreOffice  # noqa: E402

AS_OF = date(2025, 6, 30)
CASE = ROOT.parent / "shared" / "cases" / "sundry-commercial-company.json"


def timed(fn: object, n: int) -> list[float]:
    out = []
    for _ in range(n):
        start = time.perf_counter()
        fn()  # type: ignore[operator]
        out.append(time.perf_counter() - start)
    return out


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--warm", type=int, default=20)
    parser.add_argument("--cold", type=int, default=5)
    args = parser.parse_args()
    if not CASE.exists():
        print(f"needs {CASE}", file=sys.stderr)
        return 2
    case = load_case(CASE)
    dt = registry.get("write_off_report")
    options = {"reason": "uneconomic", "evidence": "Director untraceable"}
    context = dt.context_of(case, AS_OF, options)
    meta = PdfMeta(title="bench", document_id="ab" * 16, created=AS_OF)

    with LibreOffice(timeout_s=120, restart_after=10_000) as office:
        engine = DocxEngine(Settings(environment="test"), office=office)
        start = time.perf_counter()
        docx = engine.render_docx(dt.templates["docx"], context, meta)
        office.convert(docx)
        first = time.perf_counter() - start
        full = timed(lambda: engine.render(dt.templates["docx"], context, meta), args.warm)
        fill = timed(lambda: engine.render_docx(dt.templates["docx"], context, meta), args.warm)
        uno = timed(lambda: office.convert(docx), args.warm)

    soffice = shutil.which("soffice") or "soffice"
    with tempfile.TemporaryDirectory(prefix="bench-cold-") as tmp:
        work = Path(tmp)
        src = work / "report.docx"
        src.write_bytes(docx)
        profile = (work / "profile").as_uri()
        cmd = [
            soffice,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(work / "out"),
            str(src),
        ]
        start = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True, timeout=300)
        fresh_profile = time.perf_counter() - start
        cold = timed(lambda: subprocess.run(cmd, check=True, capture_output=True, timeout=300), args.cold)

    ms = lambda xs: f"{statistics.median(xs) * 1000:8.1f} ms"  # noqa: E731
    print(f"write_off_report, {len(docx)} byte DOCX, {args.warm} warm / {args.cold} cold runs")
    print(f"  warm start (first document, soffice start included) {first * 1000:8.1f} ms")
    print(f"  warm, full engine render per report (median)         {ms(full)}")
    print(f"    of which docxtpl fill + DOCX normalisation          {ms(fill)}")
    print(f"    of which UNO conversion                             {ms(uno)}")
    print(f"  cold soffice --convert-to, profile exists (median)   {ms(cold)}")
    print(f"  cold soffice --convert-to, fresh profile (once)      {fresh_profile * 1000:8.1f} ms")
    print(
        f"  speed-up warm full render vs cold conversion         {statistics.median(cold) / statistics.median(full):6.1f}x"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
