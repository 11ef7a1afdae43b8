"""A pool of render worker processes, each render limited in time and memory from outside.

Rendering is CPU-bound and runs C libraries (Pango, HarfBuzz, LibreOffice) that cannot be interrupted
from Python, and Pango's heap is corrupted when two threads of one process render at once. So every
render runs in a worker process of its own, one render at a time per worker, with the workers kept
warm (fonts, parsed CSS, official forms read) between renders. The parent supervises each worker:

- a render that runs past ``timeout_s`` or whose worker grows past ``memory_mb`` is stopped by killing
  the worker and everything it started (LibreOffice included); the caller gets a clear error naming the
  document, and a fresh worker takes the slot, so the next render works;
- a worker is retired between renders after ``recycle_after`` renders or once it holds more than
  ``recycle_memory_mb``, because WeasyPrint and LibreOffice keep memory they have touched;
- admission is bounded: ``submit(..., admit=True)`` refuses at once (``PoolBusy`` with a
  ``retry_after``) when the renders already queued would make this one wait longer than ``max_wait_s``
  for a worker (the wait is the renders ahead of it, per worker, at the measured render cost).

Workers are spawned, never forked, so no worker inherits a parent's threads, locks or connections.
A job is any picklable module-level function and its picklable arguments.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import importlib
import logging
import math
import multiprocessing
import os
import queue
import resource
import signal
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from typing import Any, TypeVar

from docgen.errors import DocgenError

log = logging.getLogger(__name__)

T = TypeVar("T")
_WATCH_INTERVAL_S = 0.02  # how often a running render's memory is read
_PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024


class RenderLimitExceeded(DocgenError):
    """A render ran past its wall-clock or memory limit and was stopped."""

    def __init__(self, message: str, code: str):
        super().__init__(message, code=code, status=422, exit_code=2)


class RenderFailed(DocgenError):
    """The worker process rendering a document stopped without an answer (a crash in a C library)."""

    def __init__(self, message: str):
        super().__init__(message, code="render_failed", status=503, exit_code=7)


class PoolBusy(DocgenError):
    """Admission refused: the renders already queued would make this one wait too long."""

    def __init__(self, message: str, retry_after: int):
        super().__init__(message, code="busy", status=429, exit_code=9)
        self.retry_after = retry_after


@dataclass(frozen=True)
class PoolLimits:
    workers: int = 0  # 0: one per core
    timeout_s: float = 30.0
    memory_mb: int = 1024
    recycle_after: int = 500
    recycle_memory_mb: int = 400
    max_wait_s: float = 1.5
    #: added to each worker's nice value (0: the parent's priority)
    nice: int = 0
    #: the render cost assumed before any render has been measured
    initial_cost_s: float = 0.25

    @classmethod
    def from_settings(cls, settings: Any) -> PoolLimits:
        return cls(
            workers=settings.render_workers,
            timeout_s=settings.render_timeout_s,
            memory_mb=settings.render_memory_mb,
            recycle_after=settings.render_recycle_after,
            recycle_memory_mb=settings.render_recycle_memory_mb,
            max_wait_s=settings.render_max_wait_s,
            nice=settings.render_nice,
        )

    @property
    def size(self) -> int:
        return self.workers if self.workers > 0 else max(1, os.cpu_count() or 1)


# ---------------------------------------------------------------- in the worker process


def _limit_own_memory(memory_mb: int) -> None:
    """A backstop inside the worker: the data segment may not grow far past the limit the parent
    enforces, so a runaway allocation fails even between two of the parent's looks."""
    if memory_mb <= 0:
        return
    ceiling = memory_mb * 2 * 1024 * 1024
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_DATA, (ceiling, ceiling))


def _pack_error(err: BaseException) -> tuple[str, str, dict[str, Any]] | tuple[str, str]:
    if isinstance(err, DocgenError):
        return (type(err).__module__, type(err).__qualname__, dict(err.__dict__))
    return ("", f"{type(err).__name__}: {err}")


def _unpack_error(packed: tuple[Any, ...]) -> BaseException:
    if packed[0]:
        module, name, state = packed
        cls = getattr(importlib.import_module(module), name)
        err = cls.__new__(cls)
        err.__dict__.update(state)
        Exception.__init__(err, state.get("message", ""))
        return err
    return RuntimeError(packed[1])


def _worker_main(
    conn: Connection,
    warm: Callable[..., None] | None,
    warm_args: tuple[Any, ...],
    memory_mb: int,
    nice: int = 0,
) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when a worker stops
    os.setpgrp()  # one process group: a kill reaches whatever the render started
    _limit_own_memory(memory_mb)
    if nice > 0:
        # below the parent: the process that answers requests gets a core first when it needs one
        with contextlib.suppress(OSError):
            os.nice(nice)
    logging.getLogger("weasyprint").setLevel(logging.WARNING)
    ready_for_renders(warm, *warm_args)
    conn.send(("ready", os.getpid()))
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        fn, args = message
        try:
            conn.send(("ok", fn(*args)))
        except MemoryError:
            conn.send(("memory", ""))
        except BaseException as err:  # everything goes back to the parent, which decides
            if not isinstance(err, DocgenError):
                log.exception("render job failed")
            conn.send(("error", _pack_error(err)))


def warm_engines(settings: Any) -> None:
    """Load what every render needs (fonts, the shared CSS, the official forms) before the first one."""
    from docgen.render.engines import get_engine
    from docgen.render.html import HtmlEngine, font_config
    from docgen.render.slot import WEASYPRINT

    html = get_engine("html", settings)
    assert isinstance(html, HtmlEngine)
    font_config()
    html._stylesheet("base.css")
    html._stylesheet("ua.css")
    from weasyprint import HTML

    with WEASYPRINT:
        HTML(string="<p>warm</p>").write_pdf(font_config=font_config())
    with contextlib.suppress(Exception):
        get_engine("official", settings)


_settled = False


def settle_heap() -> None:
    """In a process that does nothing but render, once it has warmed up: take what is alive now
    (modules, fonts, parsed stylesheets, the official forms) out of the cyclic garbage collector's
    sight (``gc.freeze``). Each render makes hundreds of thousands of short-lived objects, so the
    collector's full passes come every few papers, and each walked the whole warm heap again:
    about a tenth of a claim pack's CPU, for nothing that could ever be freed. Objects that die
    later are still freed as their last reference goes. Once per process; only for processes of
    the render pool, bulk run and job workers, never the caller's own process."""
    global _settled
    if _settled:
        return
    _settled = True
    gc.collect()
    gc.freeze()


def ready_for_renders(warm: Callable[..., None] | None, *warm_args: Any) -> None:
    """Make a process that will do nothing but render ready: warm it, then settle its heap. A
    process that cannot warm up still renders, only slower."""
    if warm is not None:
        try:
            warm(*warm_args)
        except Exception:
            log.exception("render worker warm-up failed")
    settle_heap()


# ---------------------------------------------------------------- in the parent


def _rss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/statm", encoding="ascii") as statm:
            return int(statm.read().split()[1]) * _PAGE_KB / 1024
    except (OSError, ValueError, IndexError):
        return 0.0


def _descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (LibreOffice starts in a session of its own, so a process-group
    kill alone would leave it running)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as stat:
                ppid = int(stat.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    out: list[int] = []
    todo = [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            out.append(child)
            todo.append(child)
    return out


@dataclass
class _Job:
    fn: Callable[..., Any]
    args: tuple[Any, ...]
    label: str
    future: Future[Any]
    timeout_s: float


@dataclass
class _Worker:
    process: multiprocessing.process.BaseProcess
    conn: Connection
    renders: int = 0

    @property
    def pid(self) -> int:
        return self.process.pid or 0


@dataclass
class PoolStats:
    workers: int
    queued: int
    running: int
    renders: int = 0
    killed_time: int = 0
    killed_memory: int = 0
    crashed: int = 0
    recycled: int = 0
    refused: int = 0
    cost_s: float = 0.0
    peak_rss_mb: dict[int, float] = field(default_factory=dict)


#: how fast the seats' weight follows what the requests turn out to need
_SEAT_ALPHA = 0.2


class Seat:
    """A place in a pool's queue, taken at admission and used by one render or given back."""

    def __init__(self, pool: RenderPool) -> None:
        self.pool = pool
        self.held = True

    def give_back(self, *, learn: bool = True) -> None:
        """Free the place if no render used it (idempotent). ``learn=False`` for a request that
        never reached the point of knowing whether it renders (its key refused, its body refused):
        it says nothing of what requests need, so the seats' weight is left as it is."""
        self.pool._give_back(self, learn)

    def __enter__(self) -> Seat:
        return self

    def __exit__(self, *exc: object) -> None:
        self.give_back()


class RenderPool:
    """``workers`` warm render processes, each supervised by a thread of this process."""

    def __init__(
        self,
        limits: PoolLimits | None = None,
        warm: Callable[..., None] | None = None,
        warm_args: tuple[Any, ...] = (),
    ) -> None:
        self.limits = limits or PoolLimits()
        self._warm = warm
        self._warm_args = warm_args
        self._queue: queue.Queue[_Job | None] = queue.Queue()
        self._lock = threading.Lock()
        self._queued = 0
        self._running = 0
        self._seated = 0
        #: the share of recent seats that went on to render (an average over the last few dozen):
        #: a seat counts as that much of a render, so that requests answered without one (inputs
        #: unchanged, a refusal) do not crowd out those that render
        self._seat_weight = 1.0
        self._cost = self.limits.initial_cost_s
        self._stats = PoolStats(workers=self.limits.size, queued=0, running=0)
        self._threads: list[threading.Thread] = []
        self._workers: dict[int, _Worker] = {}
        self._closed = False
        self._context = multiprocessing.get_context("spawn")

    # -- life

    def start(self) -> RenderPool:
        with self._lock:
            if self._threads or self._closed:
                return self
            for slot in range(self.limits.size):
                thread = threading.Thread(
                    target=self._serve, args=(slot,), name=f"render-slot-{slot}", daemon=True
                )
                self._threads.append(thread)
                thread.start()
        return self

    def close(self, timeout: float = 10.0) -> None:
        with self._lock:
            if self._closed:
                return
            self._closed = True
        for _ in self._threads:
            self._queue.put(None)
        for thread in self._threads:
            thread.join(timeout)
        for worker in list(self._workers.values()):
            self._kill(worker)

    def __enter__(self) -> RenderPool:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- admission and submission

    def expected_wait_s(self) -> float:
        """How long a render submitted now would wait for a worker, from the work ahead of it:
        nothing while a worker is free, else the renders queued ahead at the measured render cost."""
        with self._lock:
            return self._expected_wait()

    def _expected_wait(self) -> float:
        ahead = self._queued + self._running + self._seated * self._seat_weight
        return ahead / self.limits.size * self._cost if ahead >= self.limits.size else 0.0

    def take_seat(self) -> Seat:
        """Admission now, for a render whose work is not ready yet (the case still to be read, its
        facts and hashes worked out): ``PoolBusy`` when a render submitted now would wait longer
        than ``max_wait_s``, else a seat that counts as queued from this moment, so that requests
        arriving together are admitted against each other and not all at once. The render that
        follows is submitted with the seat; a request that needs no render gives it back."""
        with self._lock:
            self._refuse_if_busy()
            self._seated += 1
        return Seat(self)

    def _give_back(self, seat: Seat, learn: bool) -> None:
        with self._lock:
            if not seat.held:
                return
            seat.held = False
            self._seated -= 1
            if learn:
                self._seat_weight *= 1 - _SEAT_ALPHA

    def _refuse_if_busy(self) -> None:
        wait_s = self._expected_wait()
        if wait_s > self.limits.max_wait_s:
            self._stats.refused += 1
            retry = max(1, math.ceil(wait_s))
            raise PoolBusy(
                f"the service is busy rendering other documents: try again in {retry} s, "
                "or ask for the document as a job",
                retry_after=retry,
            )

    def submit(
        self,
        fn: Callable[..., T],
        *args: Any,
        label: str,
        admit: bool = False,
        timeout_s: float | None = None,
        seat: Seat | None = None,
    ) -> Future[T]:
        """Queue ``fn(*args)`` for a worker. With ``admit``, refuse at once (``PoolBusy``) when it
        would wait longer than ``max_wait_s``, unless it comes with a seat still held (admitted
        when the seat was taken). ``label`` names the document in every error."""
        future: Future[T] = Future()
        self.start()  # started on first use: an app that never renders never spawns a worker
        with self._lock:
            if self._closed:
                raise RenderFailed(f"{label}: the render pool is shut down")
            if seat is not None and seat.held:
                seat.held = False
                self._seated -= 1
                self._seat_weight += _SEAT_ALPHA * (1 - self._seat_weight)
            elif admit:
                self._refuse_if_busy()
            self._queued += 1
        self._queue.put(_Job(fn, args, label, future, timeout_s or self.limits.timeout_s))
        return future

    def run(self, fn: Callable[..., T], *args: Any, label: str, timeout_s: float | None = None) -> T:
        """Render and wait (the limits apply; the wait itself is not bounded here)."""
        return self.submit(fn, *args, label=label, timeout_s=timeout_s).result()

    async def run_async(
        self, fn: Callable[..., T], *args: Any, label: str, admit: bool = False, seat: Seat | None = None
    ) -> T:
        """For an event loop: never blocks it, neither while queued nor while rendering."""
        return await asyncio.wrap_future(self.submit(fn, *args, label=label, admit=admit, seat=seat))

    def stats(self) -> PoolStats:
        with self._lock:
            self._stats.queued = self._queued
            self._stats.running = self._running
            self._stats.cost_s = self._cost
            return PoolStats(**{**self._stats.__dict__, "peak_rss_mb": dict(self._stats.peak_rss_mb)})

    # -- supervision

    def _spawn(self) -> _Worker:
        parent, child = self._context.Pipe()
        process = self._context.Process(
            target=_worker_main,
            args=(child, self._warm, self._warm_args, self.limits.memory_mb, self.limits.nice),
            name="docgen-render",
            daemon=True,
        )
        process.start()
        child.close()
        worker = _Worker(process, parent)
        # the warm-up is waited for, so that the first render's time is not the warm-up's
        ready = wait([parent, process.sentinel], timeout=120)
        if parent in ready:
            with contextlib.suppress(EOFError, OSError):
                parent.recv()
        with self._lock:
            self._workers[worker.pid] = worker
        return worker

    def _kill(self, worker: _Worker) -> None:
        pid = worker.pid
        for target in [pid, *_descendants(pid)] if pid else []:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(target, signal.SIGKILL)
        worker.process.join(5)
        worker.conn.close()
        with self._lock:
            self._workers.pop(pid, None)

    def _retire(self, worker: _Worker) -> None:
        with contextlib.suppress(OSError, BrokenPipeError):
            worker.conn.send(None)
        worker.process.join(5)
        self._kill(worker)  # whatever is left (a LibreOffice it started) goes too

    def _serve(self, slot: int) -> None:
        worker: _Worker | None = None
        while True:
            if worker is None and not self._closed:
                try:  # a stopped or retired worker is replaced at once, warm before the next job
                    worker = self._spawn()
                except Exception:
                    log.exception("render slot %d: could not start a worker", slot)
            job = self._queue.get()
            if job is None:
                break
            with self._lock:
                self._queued -= 1
                self._running += 1
            try:
                if not job.future.set_running_or_notify_cancel():
                    continue
                if worker is None or not worker.process.is_alive():
                    if worker is not None:
                        self._kill(worker)
                    worker = self._spawn()
                worker = self._one(worker, job)
            except BaseException as err:  # the slot must survive anything
                log.exception("render slot %d: %s", slot, job.label)
                if not job.future.done():
                    job.future.set_exception(
                        RenderFailed(f"{job.label}: the render could not be run ({err})")
                    )
                if worker is not None:
                    self._kill(worker)
                    worker = None
            finally:
                with self._lock:
                    self._running -= 1
        if worker is not None:
            self._retire(worker)

    def _one(self, worker: _Worker, job: _Job) -> _Worker | None:
        """Run one job on ``worker``; returns the worker to keep, or None when it was stopped."""
        started = time.monotonic()
        deadline = started + job.timeout_s
        peak = 0.0
        try:
            worker.conn.send((job.fn, job.args))
        except (OSError, BrokenPipeError):
            self._kill(worker)
            job.future.set_exception(RenderFailed(f"{job.label}: the render process had stopped"))
            return None
        answer: tuple[Any, ...] | None = None
        stopped = ""
        while answer is None:
            ready = wait([worker.conn, worker.process.sentinel], timeout=_WATCH_INTERVAL_S)
            if worker.conn in ready:
                try:
                    answer = worker.conn.recv()
                except (EOFError, OSError):
                    stopped = "crash"
                break
            if worker.process.sentinel in ready:
                stopped = "crash"
                break
            rss = _rss_mb(worker.pid)
            peak = max(peak, rss)
            if self.limits.memory_mb and rss > self.limits.memory_mb:
                stopped = "memory"
                break
            if time.monotonic() > deadline:
                stopped = "time"
                break
        elapsed = time.monotonic() - started
        worker.renders += 1
        if answer is not None and answer[0] == "memory":
            stopped = "memory"
        if stopped:
            self._kill(worker)
            job.future.set_exception(self._stopped_error(job, stopped, elapsed))
            return None
        assert answer is not None
        rss = _rss_mb(worker.pid)
        with self._lock:
            self._stats.renders += 1
            self._stats.peak_rss_mb[worker.pid] = max(self._stats.peak_rss_mb.get(worker.pid, 0.0), peak, rss)
            if answer[0] == "ok":  # only completed renders teach the admission its cost
                self._cost = 0.8 * self._cost + 0.2 * elapsed
        if answer[0] == "ok":
            job.future.set_result(answer[1])
        else:
            job.future.set_exception(_unpack_error(answer[1]))
        if worker.renders >= self.limits.recycle_after or rss > self.limits.recycle_memory_mb:
            with self._lock:
                self._stats.recycled += 1
            self._retire(worker)
            return None
        return worker

    def _stopped_error(self, job: _Job, why: str, elapsed: float) -> DocgenError:
        with self._lock:
            if why == "time":
                self._stats.killed_time += 1
            elif why == "memory":
                self._stats.killed_memory += 1
            else:
                self._stats.crashed += 1
        if why == "time":
            log.error("render of %s stopped after %.1f s (limit %.0f s)", job.label, elapsed, job.timeout_s)
            return RenderLimitExceeded(
                f"{job.label} took longer than the {job.timeout_s:g} seconds a document may take to "
                "render and was stopped: check the template and the size of the case",
                code="render_time_limit",
            )
        if why == "memory":
            log.error("render of %s stopped: over %d MB", job.label, self.limits.memory_mb)
            return RenderLimitExceeded(
                f"{job.label} needed more than the {self.limits.memory_mb} MB a document may use to "
                "render and was stopped: check the template and the size of the case",
                code="render_memory_limit",
            )
        log.error("render process for %s stopped without an answer", job.label)
        return RenderFailed(f"{job.label}: the render process stopped unexpectedly; nothing was stored")
