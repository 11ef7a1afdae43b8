"""Jobs through a real Celery worker over a real Redis: progress, per-case errors, idempotency,
a worker killed mid-job, and the object store going away and coming back."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from moto.server import ThreadedMotoServer
from sqlalchemy import func, select

from docgen.register import open_register, unit_of_work
from docgen.register.models import Document, Version
from tests.fixtures.api import Service, Worker, demo_case, service_settings, start_service, unique_ref
from tests.fixtures.redis import RedisServer
from tests.fixtures.s3 import S3Server, _free_port

pytestmark = [pytest.mark.redis]
V1 = "/api/v1"
AS_OF = "2025-06-02"
#: documents each demo case below is eligible for on AS_OF
KINGSTON_TYPES = ["letter_before_claim", "n1", "particulars_of_claim"]


def _cases(svc: Service, count: int, prefix: str) -> list[str]:
    refs = [unique_ref(prefix) for _ in range(count)]
    for ref in refs:
        made = svc.client.post(
            f"{V1}/cases", json=demo_case("kingston-sundry-individual", ref), headers=svc.as_("officer")
        )
        assert made.status_code == 201, made.text
    return refs


def _items(refs: list[str], types: list[str]) -> list[dict[str, str]]:
    return [{"case_ref": r, "doc_type": t} for r in refs for t in types]


def _version_counts(svc: Service, refs: list[str]) -> dict[tuple[str, str], int]:
    with unit_of_work(open_register(svc.settings)) as session:
        rows = session.execute(
            select(Document.case_ref, Document.doc_type, func.count(Version.id))
            .join(Version)
            .where(Document.case_ref.in_(refs))
            .group_by(Document.case_ref, Document.doc_type)
        ).all()
    return {(r, t): n for r, t, n in rows}


def test_a_job_reports_progress_results_and_per_case_errors(service: Service) -> None:
    refs = _cases(service, 2, "JOB")
    items = [*_items(refs, ["letter_before_claim"]), {"case_ref": refs[0], "doc_type": "n225"}]
    answer = service.client.post(
        f"{V1}/jobs", json={"items": items, "as_of": AS_OF}, headers=service.as_("officer")
    )
    assert answer.status_code == 202, answer.text
    job_id = answer.json()["id"]
    assert answer.headers["location"] == f"{V1}/jobs/{job_id}" and answer.json()["total"] == 3

    job = service.wait_job(job_id)
    assert job["status"] == "partial" and job["progress"] == 3
    assert [(i["case_ref"], i["version"]) for i in job["result"]["items"]] == [(refs[0], 1), (refs[1], 1)]
    [error] = job["errors"]
    assert error["case_ref"] == refs[0] and error["doc_type"] == "n225" and error["code"] == "ineligible"
    assert error["problems"][0]["path"] == "recovery_history"

    document_id = job["result"]["items"][0]["document_id"]
    pdf = service.client.get(f"{V1}/documents/{document_id}/download", headers=service.as_("officer"))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_a_bad_job_request_is_refused_before_queueing(service: Service) -> None:
    answer = service.client.post(
        f"{V1}/jobs",
        json={"items": [{"case_ref": "NO/SUCH", "doc_type": "nope"}]},
        headers=service.as_("officer"),
    )
    assert answer.status_code == 422
    assert {p["path"] for p in answer.json()["problems"]} == {"items[0].case_ref", "items[0].doc_type"}


def test_the_same_idempotency_key_makes_one_job_and_one_version(service: Service) -> None:
    refs = _cases(service, 1, "IDEM")
    body = {"items": _items(refs, ["letter_before_claim"]), "as_of": AS_OF}
    headers = {**service.as_("officer"), "Idempotency-Key": f"batch-{refs[0]}"}
    first = service.client.post(f"{V1}/jobs", json=body, headers=headers)
    second = service.client.post(f"{V1}/jobs", json=body, headers=headers)
    assert first.status_code == second.status_code == 202
    assert first.json()["id"] == second.json()["id"] and second.headers["idempotent-replayed"] == "true"
    assert service.wait_job(first.json()["id"])["status"] == "succeeded"
    # a new key with the same inputs makes a new job, but the register stores nothing new
    third = service.client.post(
        f"{V1}/jobs", json=body, headers={**service.as_("officer"), "Idempotency-Key": "x2"}
    )
    assert service.wait_job(third.json()["id"])["result"]["items"][0]["stored"] is False
    assert _version_counts(service, refs) == {(refs[0], "letter_before_claim"): 1}


def test_a_worker_killed_mid_job_finishes_on_retry_with_one_version_each(service: Service) -> None:
    assert service.worker is not None
    refs = _cases(service, 3, "KILL")
    answer = service.client.post(
        f"{V1}/jobs",
        json={"items": _items(refs, KINGSTON_TYPES), "as_of": AS_OF},
        headers=service.as_("officer"),
    )
    job_id = answer.json()["id"]
    # GIVEN the job is part-way through
    service.wait_job(
        job_id,
        until=lambda j: 2 <= j["progress"] < j["total"] or (j["status"] != "queued" and j["progress"] >= 2),
    )
    # WHEN the process running it is killed outright
    killed = service.worker.kill_child()
    # THEN the message goes back on the queue, a fresh pool process picks it up and finishes it
    job = service.wait_job(job_id, timeout=90)
    assert killed not in service.worker.pool_children()
    assert job["status"] == "succeeded" and job["progress"] == job["total"] == 9 and not job["errors"]
    counts = _version_counts(service, refs)
    assert counts == {(r, t): 1 for r in refs for t in KINGSTON_TYPES}


class SwitchableS3:
    """An S3-protocol server a test may stop and start again on the same port. moto keeps its
    data in this process, so what was stored survives the restart."""

    def __init__(self) -> None:
        self.port = _free_port()
        self.endpoint = S3Server(f"127.0.0.1:{self.port}")
        self._server: ThreadedMotoServer | None = None

    def up(self) -> None:
        self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=self.port, verbose=False)
        self._server.start()

    def down(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None


@pytest.fixture
def own_s3() -> Iterator[SwitchableS3]:
    switch = SwitchableS3()
    switch.up()
    yield switch
    switch.down()


def test_storage_down_then_up_the_job_is_retried_and_nothing_is_lost(
    tmp_path: Path, redis_server: RedisServer, own_s3: SwitchableS3
) -> None:
    settings = service_settings(tmp_path, redis_server, own_s3.endpoint)
    svc = start_service(settings, tmp_path)
    try:
        refs = _cases(svc, 2, "DOWN")
        # GIVEN the object store is unreachable (and readiness says so)
        own_s3.down()
        not_ready = svc.client.get("/readyz")
        assert not_ready.status_code == 503 and not_ready.json()["checks"]["storage"] == "unavailable"
        answer = svc.client.post(
            f"{V1}/jobs",
            json={"items": _items(refs, ["letter_before_claim"]), "as_of": AS_OF},
            headers=svc.as_("officer"),
        )
        job_id = answer.json()["id"]
        # WHEN the job runs, it is put off with backoff rather than failed
        job = svc.wait_job(job_id, until=lambda j: j["result"].get("retries", 0) >= 1, timeout=30)
        assert job["progress"] == 0 and job["status"] in {"retrying", "running"}
        assert "unreachable" in job["result"]["last_retry_reason"]
        time.sleep(1)
        # THEN once the store is back the job completes and every PDF can be read back
        own_s3.up()
        job = svc.wait_job(job_id, timeout=60)
        assert job["status"] == "succeeded" and job["progress"] == 2, job
        for item in job["result"]["items"]:
            got = svc.client.get(f"{V1}/documents/{item['document_id']}/download", headers=svc.as_("officer"))
            assert got.status_code == 200 and got.headers["etag"] == f'"{item["sha256"]}"'
        assert _version_counts(svc, refs) == {(r, "letter_before_claim"): 1 for r in refs}
    finally:
        svc.client.close()
        if svc.worker:
            svc.worker.stop()


def test_a_whole_worker_killed_mid_job_is_redelivered_to_the_next_worker(
    tmp_path: Path, redis_server: RedisServer, s3_server: S3Server
) -> None:
    # a short visibility timeout stands in for the production hour
    settings = service_settings(tmp_path, redis_server, s3_server)
    settings = settings.model_copy(update={"extra": {"broker_visibility_timeout_s": "3"}})
    svc = start_service(settings, tmp_path)
    assert svc.worker is not None
    try:
        refs = _cases(svc, 2, "WHOLE")
        answer = svc.client.post(
            f"{V1}/jobs",
            json={"items": _items(refs, KINGSTON_TYPES), "as_of": AS_OF},
            headers=svc.as_("officer"),
        )
        job_id = answer.json()["id"]
        # GIVEN the job is part-way through WHEN the worker and its pool die outright
        svc.wait_job(job_id, until=lambda j: j["progress"] >= 2)
        svc.worker.kill()
        stopped_at = svc.wait_job(job_id, until=lambda j: True)["progress"]
        assert stopped_at < 6
        # THEN a new worker gets the unacknowledged message once its visibility timeout passes
        svc.worker = Worker.start(settings, tmp_path / "worker2.log")
        job = svc.wait_job(job_id, timeout=60)
        assert job["status"] == "succeeded" and job["progress"] == 6, job
        assert _version_counts(svc, refs) == {(r, t): 1 for r in refs for t in KINGSTON_TYPES}
    finally:
        svc.client.close()
        if svc.worker:
            svc.worker.stop()
