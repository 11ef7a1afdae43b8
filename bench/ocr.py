"""OCR and archival benchmark: seconds per scanned page, and a 300-page bundle with 50 scanned pages.

Run on demand: ``.venv/bin/python bench/ocr.py [--runs 3] [--pages 6]``.

1. Seconds per scanned page: single A4 pages scanned at 200 dpi (greyscale JPEG, typed text),
   read with English only and with English and Welsh (the default), one page per call, median.
2. The bundle: 250 typed pages (WeasyPrint documents with embedded fonts) and 50 scanned pages in
   5 scanned documents, built end to end as the service builds it (index, stamps, outline, links,
   OCR of the scanned pages, PDF/A-2b), against the same bundle with OCR and PDF/A off, as A/B
   pairs in one run. Each build runs in its own process so its peak memory (VmHWM) is its own.

The machine is shared with other work: compare the ratios within one run, not across runs.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

LINES = [
    "WITNESS STATEMENT",
    "I am employed by the council as a visiting officer in the income team.",
    "On 4 March 2026 I attended the property and spoke to the occupier.",
    "The occupier confirmed that the debtor still lives at the address and",
    "that a letter about the arrears had been received in February 2026.",
    "I left a calling card and a copy of the council's final notice.",
    "I believe that the facts stated in this witness statement are true.",
]


def scanned_page(n: int) -> bytes:
    """One A4 page as a 200 dpi greyscale scan: typed text, a little noise-free, no text layer."""
    from PIL import Image, ImageDraw, ImageFont

    img = Image.new("L", (1654, 2339), 255)
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf", 34)
    for i in range(30):
        draw.text((150, 180 + i * 66), f"{n}.{i} {LINES[i % len(LINES)]}", font=font, fill=0)
    out = io.BytesIO()
    img.save(out, format="PDF", resolution=200)
    return out.getvalue()


def per_page(pages: int) -> dict[str, float]:
    from docgen.pdf.ocr import OcrOptions, ocr_pdf

    out: dict[str, float] = {}
    for langs in ("eng", "eng+cym"):
        times = []
        for n in range(pages):
            data = scanned_page(n)
            start = time.perf_counter()
            result = ocr_pdf(data, OcrOptions(languages=langs))
            times.append(time.perf_counter() - start)
            assert result.pages_read == (0,)
        out[langs] = statistics.median(times)
    return out


def make_bundle_inputs(folder: Path) -> Path:
    from pypdf import PdfReader, PdfWriter
    from weasyprint import HTML

    items = []
    for i in range(25):  # 25 typed documents of 10 pages
        paras = "".join(
            f"<p>{i}.{n} The council's records show that the account remained unpaid after the reminder "
            f"and final notice were served, and the liability order was not complied with.</p>"
            for n in range(40)
        )
        doc = HTML(
            string=f"<body style='font-family: DejaVu Serif'><h1>Document {i}</h1>{paras}</body>"
        ).render()
        doc.pages = (doc.pages * 10)[:10]
        path = folder / f"typed{i:02d}.pdf"
        path.write_bytes(bytes(doc.write_pdf()))
        items.append(
            {"source": {"file": path.name}, "date": f"2026-01-{i + 1:02d}", "description": f"Letter {i}"}
        )
    for i in range(5):  # 5 scanned statements of 10 pages
        writer = PdfWriter()
        for n in range(10):
            writer.append(PdfReader(io.BytesIO(scanned_page(i * 10 + n))))
        path = folder / f"scan{i}.pdf"
        with path.open("wb") as fh:
            writer.write(fh)
        items.append(
            {"source": {"file": path.name}, "date": f"2026-02-{i + 1:02d}", "description": f"Statement {i}"}
        )
    spec = {
        "title": "Trial bundle",
        "case_ref": "K00NN123",
        "court": "County Court at Northampton",
        "parties": {"claimant": "Northshire Borough Council", "defendant": "Zoe Smith"},
        "sections": [{"letter": "A", "title": "Documents", "items": items}],
        "options": {"volume_pages": 400},
    }
    path = folder / "spec.yaml"
    path.write_text(yaml.safe_dump(spec))
    return path


def _child(spec: str, archival: bool) -> None:
    from docgen.bundles.builder import Finishing
    from docgen.cli.bundle_cmds import build_from_spec
    from docgen.config import Settings

    settings = Settings(environment="test", ocr=archival, pdfa=archival)
    start = time.perf_counter()
    built = build_from_spec(Path(spec), settings)
    elapsed = time.perf_counter() - start
    assert isinstance(Finishing, type)
    with open("/proc/self/status") as fh:
        peak = next(int(line.split()[1]) for line in fh if line.startswith("VmHWM"))
    print(
        json.dumps(
            {
                "s": elapsed,
                "pages": built.volumes[0].pages,
                "ocr_pages": built.ocr_pages,
                "bytes": len(built.volumes[0].pdf),
                "peak_kb": peak,
                "warnings": built.warnings,
            }
        )
    )


def bundle_pair(spec: Path) -> tuple[dict, dict]:
    out = []
    for archival in (False, True):
        proc = subprocess.run(
            [sys.executable, __file__, "--child", str(spec), "--archival", str(int(archival))],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONWARNINGS": "ignore"},
        )
        out.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    return out[0], out[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pages", type=int, default=6, help="scanned pages timed one by one")
    parser.add_argument("--child")
    parser.add_argument("--archival", type=int, default=1)
    args = parser.parse_args()
    if args.child:
        _child(args.child, bool(args.archival))
        return
    print("seconds per scanned page (median of", args.pages, "single-page runs):")
    for langs, secs in per_page(args.pages).items():
        print(f"  {langs:8s} {secs:.2f} s")
    with tempfile.TemporaryDirectory() as tmp:
        spec = make_bundle_inputs(Path(tmp))
        plain, archival = [], []
        for _ in range(args.runs):
            a, b = bundle_pair(spec)
            plain.append(a)
            archival.append(b)
        p, a = statistics.median(r["s"] for r in plain), statistics.median(r["s"] for r in archival)
        print(f"300-page bundle, 50 scanned pages, {args.runs} A/B pairs (medians):")
        print(
            f"  plain (no OCR, no PDF/A): {p:.1f} s, peak {max(r['peak_kb'] for r in plain) / 1024:.0f} MB, "
            f"{plain[0]['bytes'] / 1e6:.1f} MB"
        )
        print(
            f"  OCR + PDF/A-2b:           {a:.1f} s, peak {max(r['peak_kb'] for r in archival) / 1024:.0f} MB, "
            f"{archival[0]['bytes'] / 1e6:.1f} MB, {archival[0]['ocr_pages']} pages read"
        )
        print(f"  ratio {a / p:.1f}x; OCR and PDF/A add {(a - p) / 50:.2f} s per scanned page")
        if archival[0]["warnings"]:
            print("  warnings:", archival[0]["warnings"])


if __name__ == "__main__":
    main()
