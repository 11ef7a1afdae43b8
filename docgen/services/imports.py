"""Importing a batch of cases as a job: the page (or any door) hands over the files, a worker reads
them and adds the cases, and the job row carries the progress and, at the end, the row report.

The files are kept in the object store under the job (``imports/<job id>/...``), so that any
worker can read them; the request never waits on the reading. A cases file may hold at most
``settings.max_import_rows`` rows; every problem is reported by file, row and column as the
command line reports it (docgen.imports), and each accepted case is added through the same
service as the API's POST /cases."""

from __future__ import annotations

import logging
import tempfile
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from docgen.errors import DocgenError, InvalidInput, Problem
from docgen.imports import read_cases, report_dict
from docgen.register import unit_of_work
from docgen.register.models import Job, Role
from docgen.register.repositories import cases as cases_repo
from docgen.register.repositories import jobs as jobs_repo
from docgen.services import cases
from docgen.services.access import require_writer
from docgen.services.auth import Principal
from docgen.services.backend import Backend
from docgen.services.jobs import (
    FAILED,
    FINISHED,
    PARTIAL,
    QUEUED,
    SUCCEEDED,
    TASKS,
    Queue,
    QueueUnavailable,
    heartbeat,
    take,
    worker_name,
)

log = logging.getLogger(__name__)

KIND = "import"
TASK_IMPORT = TASKS[KIND]
#: the files an import takes, and the names they may have
FIELDS = {
    "cases_file": (".csv", ".xlsx"),
    "debts_file": (".csv", ".xlsx"),
    "mapping_file": (".yaml", ".yml", ".json"),
}
#: cases added per transaction (the job's progress moves in these steps)
STEP = 25


@dataclass(frozen=True)
class ImportFile:
    filename: str
    data: bytes


def _safe_name(filename: str, field: str) -> str:
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    stem = "".join(c if c.isalnum() or c in "._-" else "-" for c in name).strip(".-") or field
    return stem[:100]


def check_files(files: Mapping[str, ImportFile], max_bytes: int) -> dict[str, str]:
    """Problems with the files themselves, by form field (empty when the import can be queued)."""
    errors: dict[str, str] = {}
    total = 0
    for field, upload in files.items():
        suffixes = FIELDS.get(field)
        if suffixes is None:
            errors[field] = "Not a file this import takes"
        elif Path(upload.filename).suffix.lower() not in suffixes:
            errors[field] = f"Choose a {' or '.join(suffixes)} file"
        elif not upload.data:
            errors[field] = "The file is empty"
        total += len(upload.data)
    if "cases_file" not in files and "cases_file" not in errors:
        errors["cases_file"] = "Choose the cases file (.csv or .xlsx)"
    if total > max_bytes and not errors:
        errors["cases_file"] = f"The files together must be smaller than {max_bytes:,} bytes"
    return errors


def submit(
    session: Session, backend: Backend, who: Principal, files: Mapping[str, ImportFile], valid_only: bool
) -> Job:
    """Keep the files and make the import's job (queued by ``enqueue``)."""
    require_writer(who, "import cases")
    errors = check_files(files, backend.settings.max_import_bytes)
    if errors:
        raise InvalidInput("the import cannot start", [Problem(f, m) for f, m in errors.items()])
    job_id = uuid.uuid4().hex
    kept: dict[str, dict[str, str]] = {}
    for field, upload in files.items():
        name = _safe_name(upload.filename, field)
        stored = backend.store.put(f"imports/{job_id}/{field}/{name}", upload.data, {"field": field})
        kept[field] = {"key": stored.key, "version_id": stored.version_id, "name": upload.filename[:200]}
    job = Job(
        id=job_id,
        kind=KIND,
        status=QUEUED,
        total=0,
        progress=0,
        request={"files": kept, "valid_only": valid_only},
        result={},
        errors=[],
        created_by=who.name,
    )
    jobs_repo.add(session, job)
    return job


def enqueue(session: Session, job: Job, send: Queue) -> None:
    session.commit()
    try:
        send(TASK_IMPORT, args=[job.id])
    except Exception as exc:
        log.exception("could not queue import %s", job.id)
        job.status = FAILED
        job.errors = [{"index": None, "code": "queue_unavailable", "message": str(exc), "problems": []}]
        session.commit()
        raise QueueUnavailable() from exc


def run_import_job(backend: Backend, job_id: str) -> str | None:
    """Read the files, check every row, add the accepted cases; the report goes on the job."""
    me = worker_name()
    lease = timedelta(seconds=backend.settings.job_lease_s)
    with unit_of_work(backend.sessions) as session:
        job = jobs_repo.get(session, job_id)
        if job is None:
            return None
        if job.status in FINISHED:
            return job.status
        taken = take(job, me, lease, backend.settings.job_max_resumes)
        if taken is not None:
            return taken
        request, actor = dict(job.request or {}), job.created_by
    # taken up again after a lost worker, it starts over: cases already added are skipped
    with heartbeat(backend.sessions, job_id, me, lease / 4):
        return _run(backend, job_id, request, Principal(actor, Role.officer))


def _run(backend: Backend, job_id: str, request: dict[str, Any], who: Principal) -> str:
    """``who`` made the request and was checked when it was submitted."""
    try:
        with tempfile.TemporaryDirectory(prefix="docgen-import-") as tmp:
            paths: dict[str, Path] = {}
            for field, kept in request.get("files", {}).items():
                # each file in a folder of its own, so that the report names it as the officer knows it
                folder = Path(tmp) / field
                folder.mkdir()
                paths[field] = folder / Path(str(kept["name"])).name
                paths[field].write_bytes(backend.store.get(kept["key"], kept["version_id"]))
            result = read_cases(
                paths["cases_file"],
                paths.get("debts_file"),
                paths.get("mapping_file"),
                max_rows=backend.settings.max_import_rows,
            )
    except DocgenError as err:
        return _end(backend, job_id, FAILED, {}, [{"index": None, **_error(err)}])
    report: dict[str, Any] = {**report_dict(result), "imported": [], "skipped": []}
    accepted = result.accepted(valid_only=True)
    if result.problems and not request.get("valid_only"):
        report["nothing_imported"] = True
        return _end(backend, job_id, FAILED, report, [])
    with unit_of_work(backend.sessions) as session:
        job = _job(session, job_id)
        job.total = len(accepted)
    for start in range(0, len(accepted), STEP):
        with unit_of_work(backend.sessions) as session:
            for case in accepted[start : start + STEP]:
                if cases_repo.get(session, case.case_ref) is not None:
                    report["skipped"].append(case.case_ref)
                else:
                    cases.create_case(session, who, case.model_dump(mode="json", by_alias=True))
                    report["imported"].append(case.case_ref)
            job = _job(session, job_id)
            job.progress = min(start + STEP, len(accepted))
            job.result = {"report": report}
    status = SUCCEEDED if not result.problems else PARTIAL
    return _end(backend, job_id, status, report, [])


def _error(err: DocgenError) -> dict[str, Any]:
    return {"code": err.code, "message": err.message, "problems": [p.as_dict() for p in err.problems]}


def _job(session: Session, job_id: str) -> Job:
    job = jobs_repo.get(session, job_id)
    if job is None:
        raise InvalidInput(f"import {job_id} disappeared while it ran")
    return job


def _end(
    backend: Backend, job_id: str, status: str, report: dict[str, Any], errors: list[dict[str, Any]]
) -> str:
    with unit_of_work(backend.sessions) as session:
        job = _job(session, job_id)
        job.status = status
        job.result = {"report": report} if report else {}
        job.errors = [*job.errors, *errors]
    return status
