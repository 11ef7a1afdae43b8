"""Benchmark: put + register per version, on each storage backend.

Each round stores a real PDF as a new version (object write, register row, audit event, commit)
through ``store_version``, the path every generate, bundle and bulk run takes. Reports the median
and 95th percentile per version. The S3 backend talks HTTP to moto's server on loopback, so its
numbers include a real round trip but not a real disk behind it.

    .venv/bin/python bench/storage.py [--rounds N] [--kb SIZE]
"""

from __future__ import annotations

import argparse
import logging
import socket
import statistics
import tempfile
import time
from io import BytesIO
from pathlib import Path

from pypdf import PdfWriter

from docgen.config import Settings
from docgen.register import migrate, open_register, unit_of_work
from docgen.register.verify import verify_store
from docgen.register.versions import Made, store_version
from docgen.storage import ObjectStore, make_store


def _pdf(kb: int, label: str) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": label, "/Padding": "x" * (kb * 1024)})
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _bench(settings: Settings, store: ObjectStore, rounds: int, kb: int) -> dict[str, float]:
    migrate(settings)  # the start-up step
    factory = open_register(settings)
    payloads = [_pdf(kb, f"v{i}") for i in range(rounds)]
    timings: list[float] = []
    for i, pdf in enumerate(payloads):
        started = time.perf_counter()
        with unit_of_work(factory) as session:
            made = Made(
                case_ref="BENCH/1",
                doc_type="n1",
                pdf=pdf,
                input_hash=f"{i:064d}",
                template_hash="t" * 64,
                engine="html",
            )
            store_version(session, store, made, "bench")
        timings.append(time.perf_counter() - started)
    started = time.perf_counter()
    with unit_of_work(factory) as session:
        report = verify_store(session, store)
    verify_s = time.perf_counter() - started
    assert report.ok and report.checked == rounds
    timings.sort()
    return {
        "median_ms": statistics.median(timings) * 1000,
        "p95_ms": timings[int(len(timings) * 0.95) - 1] * 1000,
        "verify_per_version_ms": verify_s / rounds * 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--kb", type=int, default=60, help="approximate PDF size in KiB")
    args = parser.parse_args()

    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        fs = Settings(environment="test", data_dir=Path(tmp) / "fs")
        results["filesystem + SQLite"] = _bench(fs, make_store(fs), args.rounds, args.kb)

        from moto.server import ThreadedMotoServer

        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        port = _free_port()
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
        server.start()
        try:
            s3 = Settings(
                environment="test",
                data_dir=Path(tmp) / "s3",
                storage_backend="s3",
                s3_endpoint=f"127.0.0.1:{port}",
                s3_access_key="bench",
                s3_secret_key="bench-secret",
                s3_bucket="docgen-bench",
            )
            results["s3 (moto server, loopback) + SQLite"] = _bench(s3, make_store(s3), args.rounds, args.kb)
        finally:
            server.stop()

    print(f"put + register per version, {args.rounds} versions of a ~{args.kb} KiB PDF")
    for name, r in results.items():
        print(
            f"  {name:38} median {r['median_ms']:7.2f} ms   p95 {r['p95_ms']:7.2f} ms   "
            f"verify {r['verify_per_version_ms']:6.2f} ms/version"
        )


if __name__ == "__main__":
    main()
