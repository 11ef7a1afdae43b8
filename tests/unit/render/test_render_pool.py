"""The render pool: real worker processes, real renders, limits enforced by killing the worker.

Jobs are real functions (the pipeline's render_document, the standard library's sleep and exit), so
each runs in the spawned worker exactly as it would in service."""

from __future__ import annotations

import asyncio
import gc
import json
import operator
import os
import shutil
import subprocess
import time
from datetime import date
from pathlib import Path

import pytest

from docgen.config import PROJECT_ROOT, Settings
from docgen.domain.case import Case, load_case
from docgen.errors import Ineligible
from docgen.render.pipeline import Rendered, render_document
from docgen.render.pool import (
    PoolBusy,
    PoolLimits,
    RenderFailed,
    RenderLimitExceeded,
    RenderPool,
    warm_engines,
)

CASE = PROJECT_ROOT / "tests" / "data" / "cases" / "individual-care-charges.json"
AS_OF = date(2025, 5, 16)
# two nested loops of the sandbox's largest range: a template that never finishes
NESTED_LOOPS = "{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}"


@pytest.fixture(scope="module")
def case() -> Case:
    return load_case(CASE)


@pytest.fixture(scope="module")
def settings() -> Settings:
    return Settings(environment="test")


@pytest.fixture(scope="module")
def pool(settings: Settings) -> object:
    limits = PoolLimits(workers=2, timeout_s=120, memory_mb=600, recycle_memory_mb=600)
    with RenderPool(limits, warm=warm_engines, warm_args=(settings,)) as p:
        yield p


def _hostile_templates(tmp_path: Path, body: str) -> Settings:
    templates = tmp_path / "templates"
    shutil.copytree(PROJECT_ROOT / "templates", templates)
    (templates / "html" / "claims" / "letter_before_claim.html").write_text(body, encoding="utf-8")
    return Settings(environment="test", templates_dir=templates)


def test_renders_in_the_pool_are_the_bytes_rendered_in_process(
    pool: RenderPool, case: Case, settings: Settings
) -> None:
    futures = [
        pool.submit(render_document, t, case, AS_OF, {}, None, settings, label=f"{t} for {case.case_ref}")
        for t in ("letter_before_claim", "particulars_of_claim", "n1")
    ]
    results: list[Rendered] = [f.result(timeout=60) for f in futures]
    for r in results:
        here = render_document(r.doc_type, case, AS_OF, settings=settings)
        assert r.pdf == here.pdf and r.input_hash == here.input_hash
    assert pool.stats().renders >= 3


def test_a_warm_worker_keeps_its_heap_out_of_the_collectors_passes(pool: RenderPool) -> None:
    # the worker froze what was alive after warming up (the bytes it renders are the in-process
    # bytes, above); the caller's own process is never frozen
    assert pool.run(gc.get_freeze_count, label="frozen objects") > 10_000
    assert gc.get_freeze_count() == 0


def test_a_refusal_comes_back_as_the_same_error_with_its_problems(pool: RenderPool, case: Case) -> None:
    with pytest.raises(Ineligible) as exc:
        pool.run(render_document, "n225", case, AS_OF, label="n225 for the sample case")
    assert exc.value.status == 409 and exc.value.problems
    assert all(p.path for p in exc.value.problems)


def test_a_template_that_never_finishes_is_killed_and_the_next_render_works(
    pool: RenderPool, case: Case, settings: Settings, tmp_path: Path
) -> None:
    hostile = _hostile_templates(tmp_path, NESTED_LOOPS)
    label = f"letter_before_claim for {case.case_ref}"
    with pytest.raises(RenderLimitExceeded) as exc:
        pool.run(
            render_document, "letter_before_claim", case, AS_OF, {}, None, hostile, label=label, timeout_s=3
        )
    assert exc.value.code == "render_time_limit" and label in exc.value.message
    assert "3 seconds" in exc.value.message
    assert pool.stats().killed_time >= 1
    # the slot has a fresh worker: the next render is a normal one
    good = pool.run(render_document, "letter_before_claim", case, AS_OF, {}, None, settings, label="next")
    assert good.pdf.startswith(b"%PDF")


def test_a_render_that_grows_past_the_memory_limit_is_stopped(pool: RenderPool) -> None:
    # 900 MB of filled bytes in a worker limited to 600 MB
    with pytest.raises(RenderLimitExceeded) as exc:
        pool.run(operator.mul, b"x", 900 * 1024 * 1024, label="the big one")
    assert exc.value.code == "render_memory_limit" and "the big one" in exc.value.message
    assert os.getpid() != pool.run(os.getpid, label="pid")


def test_a_crashed_worker_is_a_clear_error_and_is_replaced(pool: RenderPool) -> None:
    with pytest.raises(RenderFailed, match="n1 for X: the render process stopped unexpectedly"):
        pool.run(os._exit, 3, label="n1 for X")
    assert pool.run(operator.add, 2, 3, label="sum") == 5


def test_what_the_render_started_dies_with_it(tmp_path: Path) -> None:
    """A render that started a program in a session of its own (as LibreOffice is started)."""
    pid_file = tmp_path / "pid"
    script = f"setsid sleep 300 & echo $! > {pid_file}; sleep 300"
    with RenderPool(PoolLimits(workers=1, timeout_s=1)) as pool, pytest.raises(RenderLimitExceeded):
        pool.run(subprocess.run, ["sh", "-c", script], label="converter")
    pid = int(pid_file.read_text())
    with pytest.raises(ProcessLookupError):
        for _ in range(50):  # reaped by init shortly after the kill
            os.kill(pid, 0)
            time.sleep(0.05)


def test_workers_are_recycled_after_a_number_of_renders() -> None:
    with RenderPool(PoolLimits(workers=1, recycle_after=2)) as pool:
        pids = [pool.run(os.getpid, label="pid") for _ in range(5)]
    assert pids[0] == pids[1] != pids[2] == pids[3] != pids[4]
    assert os.getpid() not in pids


def test_admission_refuses_at_once_when_the_queue_is_too_long() -> None:
    limits = PoolLimits(workers=1, max_wait_s=0.6, initial_cost_s=0.25)
    with RenderPool(limits) as pool:
        assert pool.expected_wait_s() == 0  # a free worker: no wait
        # one running and two queued: the next would wait 3 x 0.25 s for the worker
        admitted = [pool.submit(time.sleep, 0.5, label=f"slow {n}", admit=True) for n in range(3)]
        with pytest.raises(PoolBusy) as exc:
            pool.submit(time.sleep, 0.5, label="one too many", admit=True)
        assert exc.value.status == 429 and exc.value.retry_after >= 1
        # without admission (a job) the render is queued however long the queue
        queued = pool.submit(time.sleep, 0.01, label="job")
        for f in (*admitted, queued):
            f.result(timeout=30)
        assert pool.stats().refused == 1


def test_seats_taken_before_the_work_is_ready_count_against_each_other() -> None:
    # requests arriving together are admitted against each other while each still reads its case,
    # not all at once because none has reached the pool yet
    limits = PoolLimits(workers=1, max_wait_s=0.6, initial_cost_s=0.25)
    with RenderPool(limits) as pool:
        seats = [pool.take_seat() for _ in range(3)]  # would wait 0, 0.25 and 0.5 s
        with pytest.raises(PoolBusy):
            pool.take_seat()  # three ahead: 0.75 s
        # the render that comes with its seat is not refused again, and uses the seat up
        render = pool.submit(time.sleep, 0.2, label="seated", admit=True, seat=seats[2])
        assert not seats[2].held
        seats[2].give_back()  # the render holds the place now
        with pytest.raises(PoolBusy):
            pool.take_seat()
        render.result(timeout=30)
        fourth = pool.take_seat()  # the render is done: two ahead, 0.5 s
        for seat in [*seats, fourth]:
            seat.give_back()
            seat.give_back()  # a seat is given back once
        assert pool.expected_wait_s() == 0
        assert pool.stats().refused == 2


def test_seats_given_back_unused_stop_crowding_out_the_renders() -> None:
    # requests answered from the register (inputs unchanged) take a seat and give it back: after a
    # run of them a seat counts for little; after a run of renders it counts as a render again
    limits = PoolLimits(workers=1, max_wait_s=0.5, initial_cost_s=0.25)
    with RenderPool(limits) as pool:
        for _ in range(30):
            pool.take_seat().give_back()
        many = [pool.take_seat() for _ in range(10)]  # 10 x 0.8**30 of a render ahead: no wait
        assert pool.expected_wait_s() == 0
        for seat in many:
            seat.give_back()
        for _ in range(10):  # renders of about the assumed cost, so that the measured cost stays
            pool.submit(time.sleep, 0.25, label="render", seat=pool.take_seat()).result(timeout=30)
        held = [pool.take_seat() for _ in range(3)]  # 3 x 0.89 of a render ahead: 0.67 s
        with pytest.raises(PoolBusy):
            pool.take_seat()
        for seat in held:
            seat.give_back(learn=False)
        # requests refused before they could tell (a flood with a wrong key) teach the weight nothing
        for _ in range(30):
            pool.take_seat().give_back(learn=False)
        held = [pool.take_seat() for _ in range(3)]
        with pytest.raises(PoolBusy):
            pool.take_seat()
        for seat in held:
            seat.give_back()


def test_render_workers_run_below_the_callers_priority() -> None:
    own = os.getpriority(os.PRIO_PROCESS, 0)
    with RenderPool(PoolLimits(workers=1, nice=5)) as pool:
        worker = pool.run(os.getpriority, os.PRIO_PROCESS, 0, label="priority")
    assert worker == min(19, own + 5)


def test_an_event_loop_keeps_turning_while_renders_run(
    pool: RenderPool, case: Case, settings: Settings
) -> None:
    async def main() -> tuple[int, list[Rendered]]:
        ticks = 0

        async def ticker() -> None:
            nonlocal ticks
            while True:
                ticks += 1
                await asyncio.sleep(0.005)

        task = asyncio.create_task(ticker())
        renders = await asyncio.gather(
            *(
                pool.run_async(
                    render_document, "particulars_of_claim", case, AS_OF, {}, None, settings, label="p"
                )
                for _ in range(2)
            )
        )
        task.cancel()
        return ticks, list(renders)

    ticks, renders = asyncio.run(main())
    assert len({r.sha256 for r in renders}) == 1
    assert ticks > 5  # the loop ran while the renders took their time in the workers


def test_settings_name_the_limits() -> None:
    s = Settings(environment="test", render_workers=3, render_timeout_s=7, render_max_wait_s=0.5)
    limits = PoolLimits.from_settings(s)
    assert (limits.size, limits.timeout_s, limits.max_wait_s, limits.nice) == (3, 7, 0.5, 5)
    assert PoolLimits().size == (os.cpu_count() or 1)
    assert json.loads(s.model_dump_json())["render_memory_mb"] == 1024
