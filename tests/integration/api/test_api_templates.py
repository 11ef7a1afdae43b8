"""A Word template an admin uploads through the pages is kept in the object store with a register
row, and a separate Celery worker process renders with it: its sha256 is the template hash of the
version the worker stores, and its words are in the PDF. Rolled back, the shipped template is in
force again for API and worker alike. Real Redis, the S3 store on the test session's server, a real
worker process and LibreOffice."""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader

from docgen.config import PROJECT_ROOT
from docgen.register import open_register, unit_of_work
from docgen.register.repositories import templates
from tests.fixtures.api import Service, demo_case, service_settings, start_service, unique_ref
from tests.fixtures.redis import RedisServer
from tests.fixtures.s3 import S3Server

pytestmark = [pytest.mark.redis, pytest.mark.libreoffice]
V1 = "/api/v1"
AS_OF = "2025-06-02"
SHIPPED = PROJECT_ROOT / "templates" / "docx" / "write_off_report.docx"
OPTIONS = {"reason": "uneconomic", "evidence": "tracing and cost review"}


def revised_template() -> bytes:
    """The shipped report with its heading reworded, as a council would in Word."""
    out = io.BytesIO()
    with zipfile.ZipFile(SHIPPED) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "word/document.xml":
                assert b"Write-off report" in data
                data = data.replace(b"Write-off report", b"Recommendation to write off", 1)
            dst.writestr(info, data)
    return out.getvalue()


def _csrf(svc: Service, path: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', svc.client.get(path).text)
    assert found, "the page carries its CSRF token"
    return found.group(1)


def _report_by_the_worker(svc: Service, ref: str) -> dict[str, str]:
    job = svc.client.post(
        f"{V1}/jobs",
        json={
            "items": [{"case_ref": ref, "doc_type": "write_off_report", "options": OPTIONS}],
            "as_of": AS_OF,
        },
        headers=svc.as_("officer"),
    )
    assert job.status_code == 202, job.text
    done = svc.wait_job(job.json()["id"], timeout=120)
    assert done["status"] == "succeeded", done
    item: dict[str, str] = done["result"]["items"][-1]
    return item


def _pdf_text(svc: Service, document_id: str, number: int) -> str:
    got = svc.client.get(
        f"{V1}/documents/{document_id}/versions/{number}/download", headers=svc.as_("officer")
    )
    assert got.status_code == 200
    return " ".join(p.extract_text() for p in PdfReader(io.BytesIO(got.content)).pages)


def test_a_template_uploaded_through_the_pages_is_used_by_a_separate_worker(
    tmp_path: Path, redis_server: RedisServer, s3_server: S3Server
) -> None:
    svc = start_service(service_settings(tmp_path, redis_server, s3_server), tmp_path)
    assert svc.worker is not None
    try:
        ref = unique_ref("TPL")
        made = svc.client.post(
            f"{V1}/cases", json=demo_case("kingston-sundry-individual", ref), headers=svc.as_("officer")
        )
        assert made.status_code == 201, made.text
        before = _report_by_the_worker(svc, ref)
        assert "Write-off report" in _pdf_text(svc, before["document_id"], int(before["version"]))

        # GIVEN an admin replaces the report's template through the pages
        data = revised_template()
        signed_in = svc.client.post(
            "/ui/sign-in", data={"api_key": svc.keys["admin"]}, follow_redirects=False
        )
        assert signed_in.status_code == 303
        token = _csrf(svc, "/ui/admin/templates")
        page = svc.client.post(
            "/ui/admin/templates/write_off_report",
            data={"csrf_token": token},
            files={"template_write_off_report": ("report.docx", data, "application/octet-stream")},
        )
        assert page.status_code == 200 and "replaced; new documents use it now" in page.text, page.text[
            -2000:
        ]
        # kept as an object in the store with its register row: nothing on the web server's disk
        sha = hashlib.sha256(data).hexdigest()
        with unit_of_work(open_register(svc.settings)) as session:
            row = templates.in_force(session, svc.settings.council, ["write_off_report.docx"])[
                "write_off_report.docx"
            ]
            assert (row.sha256, row.created_by, row.lint["problems"]) == (sha, "ada.admin", [])
            assert row.storage_key.startswith("templates/")
        assert not (svc.settings.templates_dir / "branding").exists()

        # WHEN the worker process makes the report again
        after = _report_by_the_worker(svc, ref)

        # THEN it is a new version made from the uploaded template: its hash, its words
        assert (after["document_id"], int(after["version"])) == (before["document_id"], 2)
        version = svc.client.get(
            f"{V1}/documents/{after['document_id']}/versions/2", headers=svc.as_("officer")
        ).json()
        assert version["template_hash"] == sha
        assert "Recommendation to write off" in _pdf_text(svc, after["document_id"], 2)

        # AND once rolled back, the shipped template is back in force for the worker too
        token = _csrf(svc, "/ui/admin/templates")
        rolled = svc.client.post("/ui/admin/templates/write_off_report/rollback", data={"csrf_token": token})
        assert rolled.status_code == 200 and "rolled back" in rolled.text
        again = _report_by_the_worker(svc, ref)
        assert int(again["version"]) == 3
        assert "Write-off report" in _pdf_text(svc, again["document_id"], 3)
    finally:
        svc.client.close()
        if svc.worker:
            svc.worker.stop()
