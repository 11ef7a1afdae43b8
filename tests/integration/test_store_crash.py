"""A process killed with SIGKILL between writing the object and committing the register row
leaves nothing visible and nothing lost: verify finds the orphan, and a retry succeeds."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from datetime import timedelta
from pathlib import Path

from docgen.config import PROJECT_ROOT
from docgen.register import open_register, unit_of_work
from docgen.register.models import Document
from docgen.register.repositories import documents
from docgen.register.verify import verify_store
from docgen.register.versions import Made, store_version
from tests.fixtures.storage import Backend, sample_pdf

WORKER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from docgen.config import Settings
    from docgen.register import open_register, unit_of_work
    from docgen.register.versions import Made, store_version
    from docgen.storage import make_store

    marker = Path(sys.argv[1])
    pdf = Path(sys.argv[2]).read_bytes()
    settings = Settings()
    factory, store = open_register(settings), make_store(settings)

    def pause(stored):
        marker.write_text(stored.version_id)
        time.sleep(120)

    with unit_of_work(factory) as session:
        made = Made(case_ref="CRASH/1", doc_type="n1", pdf=pdf, input_hash="c" * 64, template_hash="t" * 64,
                    engine="html")
        store_version(session, store, made, "worker", after_object_write=pause)
    """
)


def _env(backend: Backend) -> dict[str, str]:
    s = backend.settings
    return {
        **os.environ,
        "PYTHONPATH": str(PROJECT_ROOT),
        "DOCGEN_ENVIRONMENT": "test",
        "DOCGEN_DATA_DIR": str(s.data_dir),
        "DOCGEN_STORAGE_BACKEND": s.storage_backend,
        "DOCGEN_S3_ENDPOINT": s.s3_endpoint,
        "DOCGEN_S3_ACCESS_KEY": s.s3_access_key,
        "DOCGEN_S3_SECRET_KEY": s.s3_secret_key,
        "DOCGEN_S3_BUCKET": s.s3_bucket,
        **({"DOCGEN_DATABASE_URL": s.database_url} if s.database_url else {}),
    }


def test_sigkill_between_object_write_and_commit(backend: Backend, tmp_path: Path) -> None:
    marker, pdf_file = tmp_path / "written", tmp_path / "in.pdf"
    pdf_file.write_bytes(sample_pdf("crash"))
    factory = open_register(backend.settings)  # migrated before the worker starts, like a deployment
    worker = subprocess.Popen([sys.executable, "-c", WORKER, str(marker), str(pdf_file)], env=_env(backend))
    try:
        deadline = time.monotonic() + 60
        while not marker.exists():
            assert worker.poll() is None, "the worker ended before reaching the pause"
            assert time.monotonic() < deadline, "the worker never wrote its object"
            time.sleep(0.05)
        os.kill(worker.pid, signal.SIGKILL)
    finally:
        worker.wait(timeout=30)
    assert worker.returncode == -signal.SIGKILL
    orphan_version = marker.read_text()

    # nothing visible: no document, no version
    with unit_of_work(factory) as session:
        assert documents.versions_for_case(session, "CRASH/1") == []
        assert session.query(Document).count() == 0
        report = verify_store(session, backend.store, remove_orphans=True, orphan_age=timedelta(0))
    assert report.ok
    assert [(f.key.split("/")[1], f.version_id) for f in report.orphans] == [("CRASH%2F1", orphan_version)]
    assert [f.version_id for f in report.removed] == [orphan_version]

    # nothing lost: the retry stores and registers version 1
    with unit_of_work(factory) as session:
        made = Made(
            case_ref="CRASH/1",
            doc_type="n1",
            pdf=pdf_file.read_bytes(),
            input_hash="c" * 64,
            template_hash="t" * 64,
            engine="html",
        )
        result = store_version(session, backend.store, made, "retry")
    assert result.created and result.version.number == 1
    with unit_of_work(factory) as session:
        final = verify_store(session, backend.store)
    assert final.ok and final.orphans == [] and final.checked == 1
