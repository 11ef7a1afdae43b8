"""Jobs always end. A job whose worker is lost (killed whole, with the broker's production
visibility timeout of an hour) is taken up by another worker within a lease and finished from the
first item without a version; a job whose store turns read-only part-way waits and finishes when
the store comes back, or ends failed with the reason when it does not; a worker whose pool process
was killed while idle still takes the next job. Real Redis, real Celery workers, the filesystem
store on a disk the test turns read-only."""

from __future__ import annotations

import os
import signal
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from docgen.config import Settings
from docgen.register import migrate, open_register, unit_of_work
from docgen.register.models import Document, Job, Version
from docgen.services import jobs
from docgen.services.backend import Backend
from tests.fixtures import api as api_fixtures
from tests.fixtures.api import SECRET, Service, Worker, demo_case, start_service, unique_ref
from tests.fixtures.readonly import Switchable, mount_switchable, unmount
from tests.fixtures.redis import RedisServer

pytestmark = [pytest.mark.redis, pytest.mark.slow]
V1 = "/api/v1"
AS_OF = "2025-06-02"
TYPES = ["letter_before_claim", "n1", "particulars_of_claim"]


def _settings(tmp: Path, redis: RedisServer, **extra: object) -> Settings:
    # a broker database of its own, so that no other service's worker takes its jobs
    broker = redis.url_for(next(api_fixtures._broker_dbs))
    fields: dict[str, object] = {
        "environment": "test",
        "data_dir": tmp / "var",
        "broker_url": broker,
        "secret_key": SECRET,
        "job_lease_s": 3,
        **extra,
    }
    return Settings(**fields)  # type: ignore[arg-type]


def _cases(svc: Service, count: int, prefix: str) -> list[str]:
    refs = [unique_ref(prefix) for _ in range(count)]
    for ref in refs:
        made = svc.client.post(
            f"{V1}/cases", json=demo_case("kingston-sundry-individual", ref), headers=svc.as_("officer")
        )
        assert made.status_code == 201, made.text
    return refs


def _submit(svc: Service, refs: list[str], types: list[str]) -> str:
    answer = svc.client.post(
        f"{V1}/jobs",
        json={"items": [{"case_ref": r, "doc_type": t} for r in refs for t in types], "as_of": AS_OF},
        headers=svc.as_("officer"),
    )
    assert answer.status_code == 202, answer.text
    return str(answer.json()["id"])


def _versions(svc: Service, refs: list[str]) -> dict[tuple[str, str], int]:
    with unit_of_work(open_register(svc.settings)) as session:
        rows = session.execute(
            select(Document.case_ref, Document.doc_type, func.count(Version.id))
            .join(Version)
            .where(Document.case_ref.in_(refs))
            .group_by(Document.case_ref, Document.doc_type)
        ).all()
    return {(r, t): n for r, t, n in rows}


@pytest.fixture
def stopper() -> Iterator[list[Service]]:
    made: list[Service] = []
    yield made
    for svc in made:
        svc.client.close()
        if svc.worker:
            svc.worker.stop()


def test_a_job_whose_worker_is_lost_is_finished_by_another_within_a_lease(
    tmp_path: Path, redis_server: RedisServer, stopper: list[Service]
) -> None:
    # the broker's visibility timeout stays at its production hour: only reconciliation brings
    # the job back
    svc = start_service(_settings(tmp_path, redis_server), tmp_path)
    stopper.append(svc)
    assert svc.worker is not None
    refs = _cases(svc, 2, "LOST")
    job_id = _submit(svc, refs, TYPES)
    svc.wait_job(job_id, until=lambda j: j["progress"] >= 2)
    svc.worker.kill()
    stopped_at = svc.wait_job(job_id, until=lambda j: True)
    assert stopped_at["status"] == "running" and stopped_at["progress"] < 6

    svc.worker = Worker.start(svc.settings, tmp_path / "worker2.log")
    job = svc.wait_job(job_id, timeout=90)
    assert job["status"] == "succeeded" and job["progress"] == 6, job
    assert _versions(svc, refs) == {(r, t): 1 for r in refs for t in TYPES}
    with unit_of_work(open_register(svc.settings)) as session:
        row = session.get(Job, job_id)
        assert row is not None and row.resumes == 1


def test_a_pool_process_killed_while_idle_does_not_stop_the_worker_taking_jobs(
    tmp_path: Path, redis_server: RedisServer, stopper: list[Service]
) -> None:
    svc = start_service(_settings(tmp_path, redis_server), tmp_path)
    stopper.append(svc)
    assert svc.worker is not None
    refs = _cases(svc, 1, "IDLE")
    svc.wait_job(_submit(svc, refs, ["letter_before_claim"]))  # the pool is warm and idle
    idle = svc.worker.pool_children()
    assert idle
    os.kill(idle[0], signal.SIGKILL)
    job = svc.wait_job(_submit(svc, refs, ["n1"]), timeout=90)
    assert job["status"] == "succeeded", job


def _filesystem_service(tmp_path: Path, redis: RedisServer, **extra: object) -> tuple[Service, Switchable]:
    settings = _settings(tmp_path, redis, **extra)
    switch = mount_switchable(settings.storage_dir)
    return start_service(settings, tmp_path), switch


def test_a_store_turned_read_only_mid_job_is_waited_for_and_nothing_is_lost(
    tmp_path: Path, redis_server: RedisServer, stopper: list[Service]
) -> None:
    svc, switch = _filesystem_service(tmp_path, redis_server)
    stopper.append(svc)
    try:
        refs = _cases(svc, 3, "ROJ")
        job_id = _submit(svc, refs, TYPES)
        svc.wait_job(job_id, until=lambda j: j["progress"] >= 1)
        switch.read_only()
        waiting = svc.wait_job(job_id, until=lambda j: j["result"].get("retries", 0) >= 1, timeout=60)
        assert waiting["status"] in {"retrying", "running"}
        assert "cannot be used" in waiting["result"]["last_retry_reason"]
        switch.writable()
        job = svc.wait_job(job_id, timeout=120)
        assert job["status"] == "succeeded" and job["progress"] == 9 and not job["errors"], job
        assert _versions(svc, refs) == {(r, t): 1 for r in refs for t in TYPES}
    finally:
        unmount(switch)


def test_a_store_that_stays_read_only_ends_the_job_failed_with_the_reason(
    tmp_path: Path, redis_server: RedisServer, stopper: list[Service]
) -> None:
    svc, switch = _filesystem_service(tmp_path, redis_server, job_max_retries=2)
    stopper.append(svc)
    try:
        refs = _cases(svc, 1, "ROF")
        switch.read_only()
        job = svc.wait_job(_submit(svc, refs, ["letter_before_claim"]), timeout=90)
        assert job["status"] == "failed", job
        assert job["errors"][-1]["code"] == "gave_up"
        assert "cannot be used" in job["errors"][-1]["message"]
    finally:
        unmount(switch)


# -- the reconciler's own rules, on a real register ------------------------------------------


def _job(backend: Backend, **fields: object) -> str:
    job_id = uuid.uuid4().hex
    with unit_of_work(backend.sessions) as session:
        session.add(
            Job(
                id=job_id,
                kind="generate",
                total=1,
                request={"as_of": AS_OF, "items": []},
                result={"items": []},
                errors=[],
                created_by="olivia.officer",
                **fields,
            )
        )
    return job_id


def test_reconcile_queues_a_silent_job_once_and_gives_up_after_too_many_losses(tmp_path: Path) -> None:
    settings = Settings(environment="test", data_dir=tmp_path / "var", job_lease_s=60, job_max_resumes=2)
    migrate(settings)
    backend = Backend.open(settings)
    now = datetime.now(UTC)
    long_ago = now - timedelta(minutes=5)
    silent = _job(backend, status="running", worker="gone:1", heartbeat_at=long_ago)
    alive = _job(backend, status="running", worker="here:2", heartbeat_at=now)
    fresh = _job(backend, status="queued")
    worn = _job(backend, status="running", worker="gone:3", heartbeat_at=long_ago, resumes=2)

    sent: list[tuple[str, list[str]]] = []
    requeued = jobs.reconcile(backend, lambda name, args: sent.append((name, args)), now=now)
    assert requeued == [silent] and sent == [(jobs.TASK_GENERATE, [silent])]
    # a second reconciler at the same moment finds nothing more to do
    assert jobs.reconcile(backend, lambda name, args: sent.append((name, args)), now=now) == []
    with unit_of_work(backend.sessions) as session:
        rows = {j: session.get(Job, j) for j in (silent, alive, fresh, worn)}
        assert rows[silent].status == "queued" and rows[silent].resumes == 1  # type: ignore[union-attr]
        assert rows[alive].status == "running" and rows[fresh].status == "queued"  # type: ignore[union-attr]
        assert rows[worn].status == "failed"  # type: ignore[union-attr]
        assert rows[worn].errors[-1]["code"] == "worker_lost"  # type: ignore[union-attr]
        assert "stopped 3 times" in rows[worn].errors[-1]["message"]  # type: ignore[union-attr]


def test_a_second_delivery_leaves_a_job_its_live_worker_is_running(tmp_path: Path) -> None:
    settings = Settings(environment="test", data_dir=tmp_path / "var", job_lease_s=60)
    migrate(settings)
    backend = Backend.open(settings)
    job_id = _job(backend, status="running", worker="elsewhere:9", heartbeat_at=datetime.now(UTC))
    assert jobs.run_generate_job(backend, job_id) == "running"
    with unit_of_work(backend.sessions) as session:
        row = session.get(Job, job_id)
        assert row is not None and row.worker == "elsewhere:9" and row.status == "running"
    # once that worker has been silent for a lease, a delivery takes the job up
    with unit_of_work(backend.sessions) as session:
        row = session.get(Job, job_id)
        assert row is not None
        row.heartbeat_at = datetime.now(UTC) - timedelta(minutes=2)
    assert jobs.run_generate_job(backend, job_id) == "succeeded"  # an empty job: nothing to make
