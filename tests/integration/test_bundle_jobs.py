"""Bundles with many scanned pages are built by a worker: the API answers 202 with a job, the bundle
page sends the officer to the job's page, and the job's progress counts the scanned pages read.
The worker is played here by calling the job's service, as a Celery worker's task does."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageDraw, ImageFont

from docgen.register import unit_of_work
from docgen.register.models import Job, Role
from docgen.services import bundle_jobs, jobs
from docgen.services.auth import Principal
from docgen.services.bundles import BundleRequest
from tests.integration.hardening.conftest import Local, make_local, sign_in

pytestmark = pytest.mark.skipif(
    shutil.which("tesseract") is None, reason="Tesseract is not installed (scripts/setup.sh installs it)"
)

V1 = "/api/v1"
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def scans(*lines: str) -> bytes:
    """One small scanned page per line (an image with no text layer), as a PDF."""
    pages = []
    for line in lines:
        img = Image.new("L", (900, 300), 255)
        ImageDraw.Draw(img).text((40, 120), line, font=ImageFont.truetype(FONT, 40), fill=0)
        pages.append(img)
    out = io.BytesIO()
    pages[0].save(out, format="PDF", resolution=150, save_all=True, append_images=pages[1:])
    return out.getvalue()


@pytest.fixture
def app(tmp_path: Path) -> Callable[..., Local]:
    def make(limit: int = 2) -> Local:
        return make_local(tmp_path, bundle_job_scanned_pages=limit, ocr_languages="eng")

    return make


def _upload(svc: Local, ref: str, name: str, data: bytes) -> dict[str, Any]:
    answer = svc.client.post(
        f"{V1}/cases/{ref}/uploads",
        params={"filename": name},
        content=data,
        headers={**svc.as_("officer"), "Content-Type": "application/pdf"},
    )
    assert answer.status_code == 201, answer.text
    return dict(answer.json())


def _spec(ref: str, sha256: str) -> dict[str, Any]:
    return {
        "title": "Hearing bundle",
        "case_ref": ref,
        "court": "County Court at Kingston",
        "parties": {"claimant": "Royal Borough of Kingston", "defendant": "Owen Pritchard"},
        "sections": [
            {
                "letter": "C",
                "title": "Evidence",
                "items": [{"source": {"upload": sha256}, "date": "2025-04-01", "description": "Visit notes"}],
            }
        ],
    }


def _job(svc: Local, job_id: str) -> Job:
    with unit_of_work(svc.app.state.services.backend.sessions) as session:
        job = session.get(Job, job_id)
        assert job is not None
        session.expunge(job)
        return job


def _text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "bundle.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_a_bundle_with_more_scanned_pages_than_the_limit_is_a_job_with_progress(
    app: Callable[..., Local], tmp_path: Path
) -> None:
    svc = app(2)
    officer = svc.as_("officer")
    ref = svc.new_case()
    upload = _upload(svc, ref, "visits.pdf", scans("VISIT ONE MONDAY", "VISIT TWO TUESDAY", "VISIT THREE"))

    answer = svc.client.post(f"{V1}/cases/{ref}/bundles", json=_spec(ref, upload["sha256"]), headers=officer)
    assert answer.status_code == 202, answer.text
    queued = answer.json()
    assert queued["kind"] == "bundle" and queued["status"] == "queued"
    assert answer.headers["location"] == f"/api/v1/jobs/{queued['id']}"
    assert svc.client.get(answer.headers["location"], headers=officer).json()["status"] == "queued"

    assert bundle_jobs.run_bundle_job(svc.app.state.services.backend, queued["id"]) == jobs.SUCCEEDED
    done = svc.client.get(answer.headers["location"], headers=officer).json()
    assert done["status"] == "succeeded" and done["progress"] == done["total"] == 3, done
    [volume] = done["result"]["items"]
    assert volume["stored"] is True and volume["version"] == 1
    pdf = svc.client.get(f"{V1}/documents/{volume['document_id']}/versions/1/download", headers=officer)
    assert pdf.status_code == 200
    text = _text(pdf.content, tmp_path)
    assert "VISIT TWO TUESDAY" in text  # the scanned pages were read by the worker

    # the same bundle again: unchanged inputs are answered at once, from the register, with no job
    again = svc.client.post(f"{V1}/cases/{ref}/bundles", json=_spec(ref, upload["sha256"]), headers=officer)
    assert again.status_code == 200 and again.json()[0]["version"]["number"] == 1

    # another bundle with the same scans: their text is taken from the OCR kept in the store
    store = svc.app.state.services.backend.store
    kept = [(o.key, o.version_id) for o in store.iter_objects("ocr/")]
    assert len(kept) == 1
    other = {**_spec(ref, upload["sha256"]), "title": "Trial bundle"}
    queued = svc.client.post(f"{V1}/cases/{ref}/bundles", json=other, headers=officer).json()
    assert bundle_jobs.run_bundle_job(svc.app.state.services.backend, queued["id"]) == jobs.SUCCEEDED
    assert [(o.key, o.version_id) for o in store.iter_objects("ocr/")] == kept  # nothing read again
    later = svc.client.get(f"{V1}/jobs/{queued['id']}", headers=officer).json()
    assert later["progress"] == later["total"] == 3


def test_a_small_bundle_is_built_in_the_request_unless_the_client_prefers_a_job(
    app: Callable[..., Local],
) -> None:
    svc = app(2)
    officer = svc.as_("officer")
    ref = svc.new_case()
    upload = _upload(svc, ref, "visit.pdf", scans("ONE VISIT"))
    spec = _spec(ref, upload["sha256"])

    queued = svc.client.post(
        f"{V1}/cases/{ref}/bundles", json=spec, headers={**officer, "Prefer": "respond-async"}
    )
    assert queued.status_code == 202 and queued.headers["preference-applied"] == "respond-async"
    assert queued.json()["kind"] == "bundle"
    made = svc.client.post(f"{V1}/cases/{ref}/bundles", json=spec, headers=officer)
    assert made.status_code == 201, made.text
    # the queued job then finds the volume the request stored, and stores nothing new
    assert bundle_jobs.run_bundle_job(svc.app.state.services.backend, queued.json()["id"]) == jobs.SUCCEEDED
    [volume] = _job(svc, queued.json()["id"]).result["items"]
    assert volume["stored"] is False and volume["version"] == made.json()[0]["version"]["number"]


def test_a_job_that_cannot_build_the_bundle_ends_failed_with_the_reason(app: Callable[..., Local]) -> None:
    svc = app()
    ref = svc.new_case()
    backend = svc.app.state.services.backend
    who = Principal(svc.user("officer"), Role.officer)
    with unit_of_work(backend.sessions) as session:
        job_id = bundle_jobs.submit(session, BundleRequest.of(ref, _spec(ref, "0" * 64), who)).id
    assert bundle_jobs.run_bundle_job(backend, job_id) == jobs.FAILED
    job = _job(svc, job_id)
    assert job.status == jobs.FAILED
    [error] = job.errors
    assert error["index"] == 0 and error["code"] == "invalid_input"
    assert error["problems"][0]["message"] == "no such upload for this case"
    # the job's page shows the refusal against the bundle
    page = svc.client.get(f"{V1}/jobs/{job_id}", headers=svc.as_("officer")).json()
    assert page["status"] == "failed"


def test_the_bundle_page_sends_a_big_bundle_to_the_job_page(app: Callable[..., Local]) -> None:
    svc = app(1)
    ref = svc.new_case()
    upload = _upload(svc, ref, "visits.pdf", scans("FIRST VISIT", "SECOND VISIT"))
    browser = svc.browser()
    csrf = sign_in(browser, svc.keys["officer"])
    form = browser.get(f"/ui/cases/{ref}/bundle")
    assert form.status_code == 200
    key = re.search(r'name="include" value="(u[^"]+)"', form.text)
    assert key, "the upload is offered"
    answer = browser.post(
        f"/ui/cases/{ref}/bundle",
        data={"csrf_token": csrf, "include": key.group(1), "court": "County Court at Kingston"},
    )
    assert answer.status_code == 303, answer.text
    found = re.fullmatch(r"/ui/jobs/([0-9a-f]{32})", answer.headers["location"])
    assert found
    waiting = browser.get(answer.headers["location"])
    assert waiting.status_code == 200 and "Building the court bundle" in waiting.text
    assert "Building the bundle." in waiting.text  # nothing read yet

    bundle_jobs.run_bundle_job(svc.app.state.services.backend, found.group(1))
    status = browser.get(f"/ui/jobs/{found.group(1)}/status").json()
    assert status["finished"] and status["progress"] == status["total"] == 2
    done = browser.get(answer.headers["location"])
    assert "Court bundle" in done.text and "Download version 1" in done.text
    assert upload["sha256"]
