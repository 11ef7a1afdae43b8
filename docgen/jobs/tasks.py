"""Thin tasks: take an id, call a service, retry with backoff while storage or the database is
unreachable. Everything else (per-case errors, progress) the service records on the job row.

Each worker also runs ``jobs.reconcile`` from its main process every half lease (and once as it
starts): a job whose worker was lost is queued again for whichever worker is free."""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from functools import lru_cache
from typing import Any

from celery.signals import task_postrun, worker_process_init, worker_ready, worker_shutdown
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool

from docgen.config import Settings, get_settings
from docgen.jobs.app import make_celery
from docgen.register import open_register
from docgen.register.db import make_engine
from docgen.render.pool import settle_heap
from docgen.services import bundle_jobs, callbacks, imports, jobs
from docgen.services.backend import Backend
from docgen.storage import ObjectStore, make_store

log = logging.getLogger(__name__)
# WeasyPrint reports every layout step at INFO, which would bury the worker's own log
logging.getLogger("weasyprint").setLevel(logging.WARNING)

app = make_celery(get_settings())

MAX_RETRIES = get_settings().job_max_retries
BACKOFF_BASE_S = 1.0
BACKOFF_MAX_S = 60.0


@lru_cache(maxsize=1)
def _register() -> sessionmaker[Session]:
    # per worker process, made on first use (after the fork), so no connection crosses a fork
    return open_register(get_settings())


@lru_cache(maxsize=1)
def _store() -> ObjectStore:
    # apart from the register: a job is told it is waiting for the store even while the store is down
    return make_store(get_settings())


def backoff(retries: int) -> float:
    return float(min(BACKOFF_BASE_S * 2**retries, BACKOFF_MAX_S))


@app.task(bind=True, name="docgen.generate", max_retries=MAX_RETRIES, acks_late=True)
def generate_job(self: Any, job_id: str) -> str | None:
    try:
        status = jobs.run_generate_job(Backend(get_settings(), _register(), _store()), job_id)
        if status is None:
            log.warning("job %s is not in this register; message dropped", job_id)
        elif status == jobs.RUNNING:
            # another worker was heard running it within the lease: look again after a lease, when
            # a lost worker has fallen silent (a live one has finished, or is still heard)
            self.apply_async(args=[job_id], countdown=get_settings().job_lease_s)
        else:
            queue_callback(job_id)
        return status
    except jobs.RETRYABLE as exc:
        attempt = self.request.retries + 1
        if attempt > MAX_RETRIES:
            jobs.give_up(_register(), job_id, f"gave up after {MAX_RETRIES} retries: {exc}")
            queue_callback(job_id)
            return jobs.FAILED
        log.warning("job %s: %s; retry %d in %.0fs", job_id, exc, attempt, backoff(self.request.retries))
        with contextlib.suppress(Exception):
            jobs.note_retry(_register(), job_id, str(exc), attempt)
        raise self.retry(exc=exc, countdown=backoff(self.request.retries)) from exc


def queue_callback(job_id: str) -> None:
    """Tell the job's callback URL, if it has one, in a task of its own (a slow receiver holds up
    no paper)."""
    try:
        if jobs.callback_due(_register(), job_id) is not None:
            job_callback.delay(job_id)
    except Exception:
        log.exception("job %s: could not queue its callback", job_id)


@app.task(bind=True, name="docgen.job_callback", acks_late=True, max_retries=None)
def job_callback(self: Any, job_id: str) -> str | None:
    """POST the finished job to its callback URL, signed; retried with backoff until it is taken
    or the attempts run out (recorded on the job either way)."""
    settings: Settings = get_settings()
    due = jobs.callback_due(_register(), job_id)
    if due is None:
        return None
    url, payload = due
    attempt = self.request.retries + 1
    try:
        callbacks.deliver(url, payload, settings)
    except callbacks.CallbackFailed as exc:
        if attempt >= settings.callback_attempts:
            jobs.note_callback(_register(), job_id, "failed", attempt, str(exc))
            log.warning("job %s: callback to %s failed %d times: %s", job_id, url, attempt, exc)
            return "failed"
        jobs.note_callback(_register(), job_id, "retrying", attempt, str(exc))
        raise self.retry(countdown=callbacks.backoff(settings, self.request.retries)) from exc
    jobs.note_callback(_register(), job_id, "delivered", attempt)
    return "delivered"


@app.task(bind=True, name=bundle_jobs.TASK_BUNDLE, max_retries=MAX_RETRIES, acks_late=True)
def bundle_job(self: Any, job_id: str) -> str | None:
    try:
        status = bundle_jobs.run_bundle_job(Backend(get_settings(), _register(), _store()), job_id)
        if status == jobs.RUNNING:  # another worker's, heard within the lease: look again later
            self.apply_async(args=[job_id], countdown=get_settings().job_lease_s)
        return status
    except jobs.RETRYABLE as exc:
        if self.request.retries + 1 > MAX_RETRIES:
            jobs.give_up(_register(), job_id, f"gave up after {MAX_RETRIES} retries: {exc}")
            return jobs.FAILED
        log.warning("bundle job %s: %s; retry in %.0fs", job_id, exc, backoff(self.request.retries))
        with contextlib.suppress(Exception):
            jobs.note_retry(_register(), job_id, str(exc), self.request.retries + 1)
        raise self.retry(exc=exc, countdown=backoff(self.request.retries)) from exc


@app.task(bind=True, name=imports.TASK_IMPORT, max_retries=MAX_RETRIES, acks_late=True)
def import_job(self: Any, job_id: str) -> str | None:
    backend = Backend(get_settings(), _register(), _store())
    try:
        status = imports.run_import_job(backend, job_id)
        if status == jobs.RUNNING:  # another worker's, heard within the lease: look again later
            self.apply_async(args=[job_id], countdown=get_settings().job_lease_s)
        return status
    except jobs.RETRYABLE as exc:
        if self.request.retries + 1 > MAX_RETRIES:
            jobs.give_up(_register(), job_id, f"gave up after {MAX_RETRIES} retries: {exc}")
            return jobs.FAILED
        raise self.retry(exc=exc, countdown=backoff(self.request.retries)) from exc
    except Exception:
        log.exception("import %s stopped by an unexpected error", job_id)
        jobs.give_up(_register(), job_id, "the import stopped by an unexpected error; it has been logged")
        return jobs.FAILED


_reconciling = threading.Event()


#: Held while this process has the register open outside its pool processes (the reconciler), and
#: by every fork: the worker's main process forks a new pool process whenever one ends, and a child
#: forked while SQLite held a lock here would inherit SQLite's own record of that lock and find the
#: database "locked" for as long as it lives. So a fork waits for the reconciler's pass to end, and
#: a pass waits for a fork.
FORK_GUARD = threading.Lock()
os.register_at_fork(
    before=FORK_GUARD.acquire, after_in_parent=FORK_GUARD.release, after_in_child=FORK_GUARD.release
)


def reconcile_once() -> list[str]:
    """One pass of ``jobs.reconcile`` over a connection of its own, closed at once after it and
    never open across a fork (``FORK_GUARD``)."""
    settings = get_settings()
    with FORK_GUARD:
        engine = make_engine(settings.sqlalchemy_url, poolclass=NullPool)
        try:
            backend = Backend(settings, sessionmaker(engine, expire_on_commit=False), _store())
            return jobs.reconcile(backend, app.send_task)
        finally:
            engine.dispose()


_POOL_PROCESS = False


@worker_process_init.connect
def _in_a_pool_process(**_kwargs: Any) -> None:
    global _POOL_PROCESS
    _POOL_PROCESS = True


@task_postrun.connect
def _settle_after_the_first_task(**_kwargs: Any) -> None:
    """A pool process is warm once its first task is done (fonts, stylesheets, forms loaded):
    settle that heap, as the render pool and bulk workers do, so the collector stops walking it."""
    if _POOL_PROCESS:
        settle_heap()


@worker_ready.connect
def _start_reconciling(**_kwargs: Any) -> None:
    every = max(1.0, get_settings().job_lease_s / 2)

    def loop() -> None:
        while True:
            try:
                reconcile_once()
            except Exception:  # the database may be down: the next pass tries again
                log.warning("could not look for jobs of lost workers", exc_info=True)
            if _reconciling.wait(every):
                return

    threading.Thread(target=loop, name="docgen-reconcile", daemon=True).start()


@worker_shutdown.connect
def _stop_reconciling(**_kwargs: Any) -> None:
    _reconciling.set()


@app.task(bind=True, name="docgen.panel_pack", max_retries=MAX_RETRIES, acks_late=True)
def panel_pack_job(self: Any, job_id: str) -> str | None:
    from docgen.services import packs

    try:
        return packs.run_pack_job(Backend(get_settings(), _register(), _store()), job_id)
    except jobs.RETRYABLE as exc:
        attempt = self.request.retries + 1
        if attempt > MAX_RETRIES:
            jobs.give_up(_register(), job_id, f"gave up after {MAX_RETRIES} retries: {exc}")
            return jobs.FAILED
        raise self.retry(exc=exc, countdown=backoff(self.request.retries)) from exc
