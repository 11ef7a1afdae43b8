"""Worker processes that do nothing but render settle their warm heap (``gc.freeze``) so the
collector's full passes stop walking fonts, stylesheets and forms at every few papers: the bulk
run's pool processes once warm, a Celery pool process after its first task. Each check runs in a
process of its own, as the workers do; the caller's own process is never frozen."""

from __future__ import annotations

import gc
import multiprocessing
import subprocess
import sys
from concurrent.futures import ProcessPoolExecutor

from docgen.bulk.worker import init_pool_worker
from docgen.config import PROJECT_ROOT, Settings


def test_a_bulk_runs_pool_process_is_settled_before_its_first_case(settings: Settings) -> None:
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        1, mp_context=context, initializer=init_pool_worker, initargs=(settings,)
    ) as pool:
        frozen = pool.submit(gc.get_freeze_count).result(timeout=120)
    assert frozen > 10_000
    assert gc.get_freeze_count() == 0


# Celery's own signals, sent as its prefork pool sends them: a task finished in the worker's main
# process (or anywhere that is not a pool process) freezes nothing; in a pool process the first
# finished task settles the heap, and later ones leave it as it is.
CELERY_PROCESS = """
import gc
from celery.signals import task_postrun, worker_process_init
import docgen.jobs.tasks
task_postrun.send(sender=None)
outside = gc.get_freeze_count()
worker_process_init.send(sender=None)
task_postrun.send(sender=None)
first = gc.get_freeze_count()
kept = [[n] for n in range(1000)]  # alive now: a second freeze would take them too
task_postrun.send(sender=None)
print(outside, first, gc.get_freeze_count())
"""


def test_a_celery_pool_process_settles_after_its_first_task_and_only_there(settings: Settings) -> None:
    env = {"DOCGEN_DATA_DIR": str(settings.data_dir), "DOCGEN_ENVIRONMENT": "test", "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "-c", CELERY_PROCESS],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    outside, first, later = (int(n) for n in done.stdout.split())
    assert outside == 0
    assert first > 10_000 and later == first
