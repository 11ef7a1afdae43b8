"""A store that cannot be written (a failing or full disk, here a filesystem remounted read-only)
is a clear 503 ``storage_unavailable`` with Retry-After, never a 500, and readiness says so: it
writes a probe object, where it used to only list."""

from __future__ import annotations

from pathlib import Path

from docgen.config import Settings
from tests.fixtures.pdfs import make_pdf
from tests.fixtures.readonly import mount_switchable, unmount
from tests.integration.hardening.conftest import V1, make_local


def test_a_read_only_store_is_503_storage_unavailable_and_not_ready(tmp_path: Path) -> None:
    objects = Settings(environment="test", data_dir=tmp_path / "svc" / "var").storage_dir
    switch = mount_switchable(objects)
    svc = make_local(tmp_path / "svc")
    try:
        ref = svc.new_case(prefix="RO")
        assert svc.client.get("/readyz").status_code == 200

        switch.read_only()
        ready = svc.client.get("/readyz")
        assert ready.status_code == 503 and ready.json()["checks"]["storage"] == "unavailable"
        assert ready.json()["checks"]["database"] == "ok"
        answer = svc.client.post(
            f"{V1}/cases/{ref}/uploads",
            params={"filename": "statement.pdf"},
            content=make_pdf(1),
            headers=svc.as_("officer"),
        )
        assert answer.status_code == 503, answer.text
        assert answer.json()["code"] == "storage_unavailable" and answer.headers["retry-after"]
        made = svc.client.post(
            f"{V1}/cases/{ref}/documents",
            json={"doc_type": "letter_before_claim", "as_of": "2025-06-02"},
            headers=svc.as_("officer"),
        )
        assert made.status_code == 503 and made.json()["code"] == "storage_unavailable", made.text

        switch.writable()
        assert svc.client.get("/readyz").status_code == 200
        again = svc.client.post(
            f"{V1}/cases/{ref}/documents",
            json={"doc_type": "letter_before_claim", "as_of": "2025-06-02"},
            headers=svc.as_("officer"),
        )
        assert again.status_code == 201, again.text
    finally:
        svc.client.close()
        unmount(switch)
