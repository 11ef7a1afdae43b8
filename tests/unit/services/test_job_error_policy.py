"""A job always ends: an item that meets a fault records an ``internal`` error (the fault logged
with its traceback), the items after it are still made, and the job ends partial or failed."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select

from docgen.config import Settings
from docgen.register import unit_of_work
from docgen.register.models import Document, Role, Version
from docgen.services import jobs, papers
from docgen.services.auth import Principal
from docgen.services.backend import Backend
from docgen.services.cases import create_case
from tests.fixtures.bulk_cases import CLAIM_AS_OF, CaseFactory

OFFICER = Principal("olivia.officer", Role.officer)


@pytest.fixture
def backend(settings: Settings) -> Backend:
    return Backend.open(settings)


def _hold(backend: Backend, make_case: CaseFactory, *refs: str) -> None:
    with unit_of_work(backend.sessions) as session:
        for ref in refs:
            create_case(session, OFFICER, make_case(case_ref=ref).model_dump(mode="json", by_alias=True))


def _submit(backend: Backend, items: list[jobs.Item]) -> str:
    with unit_of_work(backend.sessions) as session:
        job, _created = jobs.submit_generate(session, OFFICER, items, CLAIM_AS_OF)
        return job.id


def _fault_on(case_ref: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The render of ``case_ref``'s papers raises what no document code would: a bug."""
    real: Callable[..., Any] = papers.render_request

    def render(document_type: Any, req: Any, settings: Any, **kwargs: Any) -> Any:
        if req.case.case_ref == case_ref:
            raise ZeroDivisionError("a fault inside the render")
        return real(document_type, req, settings, **kwargs)

    monkeypatch.setattr(papers, "render_request", render)


def test_an_unexpected_error_in_one_item_ends_the_job_partial_and_the_next_items_are_made(
    backend: Backend,
    make_case: CaseFactory,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # GIVEN three cases, the second of which meets a fault when its letter is rendered
    _hold(backend, make_case, "JOB/1", "JOB/2", "JOB/3")
    job_id = _submit(
        backend, [jobs.Item(ref, "letter_before_claim", {}) for ref in ("JOB/1", "JOB/2", "JOB/3")]
    )
    _fault_on("JOB/2", monkeypatch)

    # WHEN the job runs
    with caplog.at_level(logging.ERROR, logger="docgen.services.generation"):
        status = jobs.run_generate_job(backend, job_id)

    # THEN it ends partial, the faulty item's error is recorded as internal, the next item is made
    assert status == jobs.PARTIAL
    with unit_of_work(backend.sessions) as session:
        job = jobs.get_job(session, OFFICER, job_id)
        assert (job.status, job.progress, job.total) == ("partial", 3, 3)
        [error] = job.errors
        assert (error["index"], error["case_ref"], error["code"]) == (1, "JOB/2", "internal")
        assert "ZeroDivisionError" not in error["message"]  # the cause goes to the log, not the job
        assert [i["case_ref"] for i in job.result["items"]] == ["JOB/1", "JOB/3"]
        made = session.scalars(select(Document.case_ref).join(Version).order_by(Document.case_ref)).all()
        assert made == ["JOB/1", "JOB/3"]
    [record] = [r for r in caplog.records if r.exc_info]
    assert record.exc_info is not None and record.exc_info[0] is ZeroDivisionError


def test_a_job_whose_every_item_meets_a_fault_ends_failed(
    backend: Backend, make_case: CaseFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    _hold(backend, make_case, "JOB/9")
    job_id = _submit(backend, [jobs.Item("JOB/9", "letter_before_claim", {})])
    _fault_on("JOB/9", monkeypatch)
    assert jobs.run_generate_job(backend, job_id) == jobs.FAILED
    with unit_of_work(backend.sessions) as session:
        job = jobs.get_job(session, OFFICER, job_id)
        assert job.status == "failed" and [e["code"] for e in job.errors] == ["internal"]


def test_a_fault_outside_any_item_ends_the_job_failed_not_running(
    backend: Backend, make_case: CaseFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a job whose stored request cannot be read (a fault in the job's own bookkeeping)
    _hold(backend, make_case, "JOB/7")
    job_id = _submit(backend, [jobs.Item("JOB/7", "letter_before_claim", {})])
    with unit_of_work(backend.sessions) as session:
        job = jobs.get_job(session, OFFICER, job_id)
        job.request = {"items": [{"no": "case"}], "as_of": "2025-06-02"}
    # WHEN it runs, THEN it ends failed with an internal error, never left running
    assert jobs.run_generate_job(backend, job_id) == jobs.FAILED
    with unit_of_work(backend.sessions) as session:
        job = jobs.get_job(session, OFFICER, job_id)
        assert job.status == "failed" and job.errors[-1]["code"] == "internal"
