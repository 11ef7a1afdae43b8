"""Sync generation through the render pool: bounded admission (429 with Retry-After, or 202 and a
job with Prefer: respond-async) and a render that overruns its limit stopped with a clear error,
the next render unaffected. Each app here has its own data folder and filesystem broker."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from docgen.config import PROJECT_ROOT, Settings
from docgen.demo import DEMO_AS_OF
from docgen.render.pool import RenderPool
from tests.fixtures.api import SECRET, Service, demo_case, start_service, unique_ref

V1 = "/api/v1"
ASK = {"doc_type": "letter_before_claim", "as_of": DEMO_AS_OF.isoformat()}


def _service(tmp: Path, **limits: object) -> Iterator[Service]:
    settings = Settings(environment="test", data_dir=tmp / "var", secret_key=SECRET, **limits)  # type: ignore[arg-type]
    svc = start_service(settings, tmp, with_worker=False)
    try:
        yield svc
    finally:
        _pool(svc).close()
        svc.client.close()


def _pool(svc: Service) -> RenderPool:
    pool: RenderPool = svc.client.app.state.services.render_pool  # type: ignore[attr-defined]
    return pool


def _case(svc: Service) -> str:
    ref = unique_ref("POOL")
    made = svc.client.post(
        f"{V1}/cases", json=demo_case("kingston-sundry-individual", ref), headers=svc.as_("officer")
    )
    assert made.status_code == 201, made.text
    return ref


@pytest.fixture(scope="module")
def saturated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    """An app with one render worker, kept busy, and a short admission window."""
    for svc in _service(tmp_path_factory.mktemp("saturated"), render_workers=1, render_max_wait_s=0.1):
        busy = _pool(svc).submit(time.sleep, 600, label="a long render")
        yield svc
        busy.cancel()


def test_a_busy_pool_answers_429_with_retry_after(saturated: Service) -> None:
    ref = _case(saturated)
    answer = saturated.client.post(f"{V1}/cases/{ref}/documents", json=ASK, headers=saturated.as_("officer"))
    assert answer.status_code == 429, answer.text
    assert int(answer.headers["retry-after"]) >= 1
    assert answer.json()["code"] == "busy"
    listed = saturated.client.get(f"{V1}/cases/{ref}/documents", headers=saturated.as_("officer")).json()
    assert listed == []  # nothing was rendered or stored


def test_a_busy_pool_refuses_before_reading_the_case(saturated: Service) -> None:
    # no such case: with a free pool this is a 404 from reading the case; saturated, the refusal
    # comes first, so none of the request's own work is done
    answer = saturated.client.post(
        f"{V1}/cases/NO-SUCH-CASE/documents", json=ASK, headers=saturated.as_("officer")
    )
    assert answer.status_code == 429, answer.text
    assert answer.json()["code"] == "busy"


def test_a_busy_pool_refuses_at_the_door_before_the_key_or_the_body_is_read(saturated: Service) -> None:
    # a body that is not JSON and no key: with a free pool these are a 401 (then a 422); saturated,
    # the door answers first and spends nothing on either
    garbage = {"content-type": "application/json"}
    answer = saturated.client.post(f"{V1}/cases/ANY/documents", content=b"{not json", headers=garbage)
    assert answer.status_code == 429, answer.text
    assert answer.json()["code"] == "busy" and int(answer.headers["retry-after"]) >= 1
    # the door sheds only renders: the rest of the API still answers
    listed = saturated.client.get(f"{V1}/cases", headers=saturated.as_("officer"))
    assert listed.status_code == 200, listed.text


def test_a_busy_pool_queues_a_job_for_a_client_that_prefers_async(saturated: Service) -> None:
    ref = _case(saturated)
    headers = {**saturated.as_("officer"), "Prefer": "wait=5, respond-async"}
    answer = saturated.client.post(f"{V1}/cases/{ref}/documents", json=ASK, headers=headers)
    assert answer.status_code == 202, answer.text
    assert answer.headers["preference-applied"] == "respond-async"
    job = saturated.client.get(answer.headers["location"], headers=saturated.as_("officer")).json()
    assert job["id"] == answer.json()["id"] and job["status"] == "queued"
    assert job["total"] == 1


def test_a_render_past_its_time_limit_is_stopped_and_the_next_one_works(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(PROJECT_ROOT / "templates", templates)
    (templates / "html" / "claims" / "letter_before_claim.html").write_text(
        "{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}", encoding="utf-8"
    )
    for svc in _service(tmp_path, templates_dir=templates, render_timeout_s=20.0, render_workers=1):
        ref = _case(svc)
        stopped = svc.client.post(f"{V1}/cases/{ref}/documents", json=ASK, headers=svc.as_("officer"))
        assert stopped.status_code == 422, stopped.text
        assert stopped.json()["code"] == "render_time_limit"
        assert f"letter_before_claim for {ref}" in stopped.json()["message"]
        assert _pool(svc).stats().killed_time == 1
        # the slot's fresh worker renders the next document
        ask = {**ASK, "doc_type": "n1"}  # the official form: quick to fill even on a loaded machine
        made = svc.client.post(f"{V1}/cases/{ref}/documents", json=ask, headers=svc.as_("officer"))
        assert made.status_code == 201, made.text
