"""Bundle benchmark: 1,000 pages from 125 documents and 10,000 pages from 1,250, against qpdf's plain merge.

Run on demand: ``.venv/bin/python bench/bundle.py [--runs 3] [--skip-large]``. Each build runs in its
own process so that peak memory (VmHWM) is the build's own; qpdf merges the same files in the
same run as the floor (its peak, from wait4's ru_maxrss, also counts this process's size at the fork,
so it is an upper bound). Inputs are WeasyPrint documents with embedded fonts, made once per run.

Targets: 1,000 pages < 2 s and within 5x of qpdf; 10,000 pages < 20 s and < 1 GB peak;
output <= 1.2x the sum of the inputs.
"""

from __future__ import annotations

import argparse
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
DOC_PAGES = 8
SECTIONS = [
    ("A", "Statements of case"),
    ("B", "Orders and judgments"),
    ("C", "Evidence"),
    ("D", "Correspondence"),
]


def make_inputs(folder: Path, count: int) -> list[Path]:
    from weasyprint import HTML

    paths = []
    for i in range(count):
        family = ("DejaVu Serif", "DejaVu Sans", "Liberation Serif", "Liberation Sans")[i % 4]
        paras = "".join(
            f"<p>{i}.{n} The council's records show that the account for the period {2015 + n % 9}/"
            f"{16 + n % 9} remained unpaid after the reminder and final notice were served at the "
            f"property, and the liability order of {n % 28 + 1} March was not complied with.</p>"
            for n in range(44)
        )
        html = (
            f"<html><body style='font-family: \"{family}\"; font-size: 11pt'><h1>Document {i}</h1>"
            f"{paras}</body></html>"
        )
        doc = HTML(string=html).render()
        doc.pages = (doc.pages * DOC_PAGES)[:DOC_PAGES]
        path = folder / f"doc{i:04d}.pdf"
        path.write_bytes(bytes(doc.write_pdf()))
        paths.append(path)
    return paths


def write_spec(folder: Path, files: list[Path], name: str, volume_pages: int) -> Path:
    sections = []
    for s, (letter, title) in enumerate(SECTIONS):
        items = [
            {
                "source": {"file": str(f)},
                "date": f"2025-{1 + k % 12:02d}-{1 + k % 28:02d}",
                "description": f.stem,
            }
            for k, f in enumerate(files)
            if k % len(SECTIONS) == s
        ]
        sections.append({"letter": letter, "title": title, "items": items})
    spec = {
        "title": "Trial bundle",
        "case_ref": "K00NN123",
        "court": "County Court at Northampton",
        "parties": {"claimant": "Northshire Borough Council", "defendant": "A Debtor"},
        "sections": sections,
        "options": {"volume_pages": volume_pages},
    }
    path = folder / f"{name}.yaml"
    path.write_text(yaml.safe_dump(spec))
    return path


def child(spec_path: str, out: str) -> None:
    """Runs in its own process: build, write, report the build's own time."""

    sys.path.insert(0, str(ROOT))
    from docgen.bulk.worker import peak_rss_mb
    from docgen.cli.bundle_cmds import build_from_spec
    from docgen.config import Settings

    settings = Settings(environment="test", max_upload_pages=100_000)
    start, start_cpu = time.perf_counter(), time.process_time()
    bundle = build_from_spec(Path(spec_path), settings)
    elapsed, cpu = time.perf_counter() - start, time.process_time() - start_cpu
    sizes = []
    for v in bundle.volumes:
        Path(f"{out}.vol{v.number}.pdf").write_bytes(v.pdf)
        sizes.append(len(v.pdf))
    rss_mb = peak_rss_mb()
    print(
        json.dumps(
            {
                "build_s": elapsed,
                "build_cpu_s": cpu,
                "bytes": sum(sizes),
                "volumes": len(sizes),
                "peak_mb": rss_mb,
            }
        )
    )


def run_child(args: list[str]) -> tuple[float, float, float, str]:
    """Wall time, CPU time (user + system), peak RSS in MB and stdout of one child process.

    CPU time is reported too because wall time on a shared machine includes waiting for a core."""
    start = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None
    stdout = proc.stdout.read().decode()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{args[0]} failed: {proc.stderr.read().decode() if proc.stderr else ''}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, stdout


def bench(name: str, spec: Path, files: list[Path], folder: Path, runs: int) -> dict[str, float]:
    inputs = sum(f.stat().st_size for f in files)
    ours, ours_build_cpu, ours_wall, ours_cpu, ours_mem, qpdf_wall, qpdf_cpu, qpdf_mem = (
        [] for _ in range(8)
    )
    result: dict[str, float] = {}
    for _ in range(runs):
        wall, cpu, mem, out = run_child([sys.executable, __file__, "--child", str(spec), str(folder / name)])
        result = json.loads(out)
        ours.append(result["build_s"])
        ours_build_cpu.append(result["build_cpu_s"])
        ours_wall.append(wall)
        ours_cpu.append(cpu)
        ours_mem.append(mem)
        q_wall, q_cpu, q_mem, _ = run_child(
            ["qpdf", "--empty", "--pages", *map(str, files), "--", str(folder / "q.pdf")]
        )
        qpdf_wall.append(q_wall)
        qpdf_cpu.append(q_cpu)
        qpdf_mem.append(q_mem)
    summary = {
        "pages": len(files) * DOC_PAGES,
        "documents": len(files),
        "build_s": statistics.median(ours),
        "build_cpu_s": statistics.median(ours_build_cpu),
        "process_s": statistics.median(ours_wall),
        "process_cpu_s": statistics.median(ours_cpu),
        "peak_mb": max(ours_mem),
        "qpdf_s": statistics.median(qpdf_wall),
        "qpdf_cpu_s": statistics.median(qpdf_cpu),
        "qpdf_peak_mb": max(qpdf_mem),
        "vs_qpdf_build": statistics.median(ours) / statistics.median(qpdf_wall),
        "vs_qpdf_process": statistics.median(ours_wall) / statistics.median(qpdf_wall),
        "vs_qpdf_cpu": statistics.median(ours_cpu) / statistics.median(qpdf_cpu),
        "vs_qpdf_build_cpu": statistics.median(ours_build_cpu) / statistics.median(qpdf_cpu),
        "inputs_mb": inputs / 1e6,
        "output_mb": result["bytes"] / 1e6,
        "size_ratio": result["bytes"] / inputs,
        "volumes": result["volumes"],
    }
    print(
        f"{name}: "
        + ", ".join(f"{k}={v:.3f}" if isinstance(v, float) else f"{k}={v}" for k, v in summary.items())
    )
    return summary


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3])
        return
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--skip-large", action="store_true")
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory(prefix="bundle-bench-") as tmp:
        folder = Path(tmp)
        (folder / "docs").mkdir()
        t = time.perf_counter()
        files = make_inputs(folder / "docs", 125)
        print(f"made 125 inputs of {DOC_PAGES} pages in {time.perf_counter() - t:.1f} s")
        # One volume, as the 1,000-page target is about one file.
        bench("bundle_1000", write_spec(folder, files, "b1000", 10_000), files, folder, args.runs)
        if not args.skip_large:
            copies = []
            for n in range(10):
                for f in files:
                    copy = folder / "docs" / f"{f.stem}_{n}.pdf"
                    copy.write_bytes(f.read_bytes())
                    copies.append(copy)
            bench(
                "bundle_10000",
                write_spec(folder, copies, "b10000", 100_000),
                copies,
                folder,
                max(1, args.runs // 3),
            )


if __name__ == "__main__":
    main()
