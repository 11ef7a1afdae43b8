"""The generation corridor: the one way a paper becomes a stored, registered version.

    request (API | job | bulk | command | demo | page)  ->  generate(backend, request)
      1. probe   a short read transaction: the case as the service holds it, and whether a version
                 made from exactly these inputs (input hash, template hash, engine) is stored already
      2. render  with no transaction open: SQLite takes its write lock when a writing transaction
                 begins, and a render held inside one would stall every other writer for its length
      3. store   the objects first, then the register row and its audit event, in a short write
                 transaction (a crash in between leaves an orphan object for ``verify``, never a row
                 pointing at nothing)

The steps are written once, as a generator that hands each step to a driver: ``generate`` runs them
in the calling thread (commands, jobs, bulk workers, the demo); ``generate_async`` runs each in a
worker thread behind the API's transaction and render slots. Both drivers apply the one retry policy
to the transactions (the database busy, a concurrent writer taking the version number first), and
``attempt`` is the one error policy for a paper that is one item of many.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, Generator, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Any, TypeVar

from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from docgen.domain.case import Case
from docgen.errors import Conflict, DocgenError, Problem
from docgen.register.db import read_transaction, unit_of_work
from docgen.register.models import Version
from docgen.register.repositories import documents as documents_repo
from docgen.register.versions import Made, StoreResult, note_reuse, store_version
from docgen.services import papers
from docgen.services.auth import Principal
from docgen.services.backend import Backend
from docgen.services.papers import BatchPaperRequest, BundleRequest, PaperRequest, Plan, Request

log = logging.getLogger(__name__)

T = TypeVar("T")

#: how often a transaction meeting a busy database or a concurrent writer is tried
RETRIES = 6
RETRY_BASE_S = 0.05


# -- what is asked, and what comes back ----------------------------------------------------------


@dataclass(frozen=True)
class Generated:
    """The versions a request answered with: one for a paper, one per volume for a bundle."""

    results: tuple[StoreResult, ...]
    #: the PDF bytes of the first version when this request rendered them (None when unchanged)
    pdf: bytes | None = None
    warnings: tuple[str, ...] = ()

    @property
    def version(self) -> Version:
        return self.results[0].version

    @property
    def stored(self) -> bool:
        """False when unchanged inputs were answered with what was stored before."""
        return any(r.created for r in self.results)

    def as_dict(self) -> dict[str, Any]:
        return self.results[0].as_dict()


@dataclass(frozen=True)
class ItemError:
    """Why one item of a batch was not made: a reasoned refusal, or ``internal`` for a fault."""

    code: str
    message: str
    problems: tuple[Problem, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "problems": [p.as_dict() for p in self.problems]}

    def describe(self, blocking_only: bool = False) -> str:
        problems = [str(p) for p in self.problems if p.blocking or not blocking_only]
        if blocking_only and problems:
            return "; ".join(problems)
        return "; ".join([self.message, *problems])


INTERNAL_ERROR = "an unexpected error stopped this paper; it has been logged for the support team"


def attempt(
    work: Callable[[], T], what: str, *, reraise: tuple[type[BaseException], ...] = ()
) -> T | ItemError:
    """The error policy for one item of many: a DocgenError becomes the item's reasoned error; any
    other exception is logged with its traceback and becomes an ``internal`` error, so that one
    fault never stops the items after it. ``reraise`` names what the caller retries as a whole
    (storage or database down)."""
    try:
        return work()
    except reraise:
        raise
    except DocgenError as err:
        return ItemError(err.code, err.message, tuple(err.problems))
    except Exception:
        log.exception("%s failed", what)
        return ItemError("internal", INTERNAL_ERROR)


# -- the steps ------------------------------------------------------------------------------------

#: a hook run inside the store step's transaction, e.g. to advance a job in the same commit
OnStored = Callable[[Session, Generated], None]


@dataclass(frozen=True)
class _Read:
    work: Callable[[Session], Any]


@dataclass(frozen=True)
class _Write:
    work: Callable[[Session], Any]


@dataclass(frozen=True)
class _Render:
    work: Callable[[], Any]
    #: names the paper in a refusal (e.g. a render stopped at its time limit)
    label: str = ""
    #: ``work`` is picklable, so a door may run it in another process
    portable: bool = False


_Step = _Read | _Write | _Render
_Steps = Generator[_Step, Any, Generated]


def _corridor(backend: Backend, request: Request, on_stored: OnStored | None) -> _Steps:
    actor = request.actor.name
    plan: Plan = yield _Read(partial(papers.plan, backend, request))
    if plan.unchanged_ids:
        return (yield _Write(partial(_reuse, plan.unchanged_ids, actor, on_stored)))
    made: list[Made] = yield _Render(plan.render, plan.label, plan.portable)
    return (yield _Write(partial(_store, backend, made, actor, on_stored)))


def _reuse(
    version_ids: tuple[int, ...], actor: str, on_stored: OnStored | None, session: Session
) -> Generated:
    found = [documents_repo.version_by_id(session, version_id) for version_id in version_ids]
    # an issued version is never deleted; a draft deleted meanwhile makes this request conflict
    if any(v is None for v in found):
        raise Conflict("a version changed while it was being read; try again", code="concurrent_version")
    out = Generated(tuple(note_reuse(session, v, actor) for v in found if v is not None))
    if on_stored is not None:
        on_stored(session, out)
    return out


def _store(
    backend: Backend, made: list[Made], actor: str, on_stored: OnStored | None, session: Session
) -> Generated:
    results = tuple(store_version(session, backend.store, m, actor) for m in made)
    out = Generated(results, pdf=made[0].pdf, warnings=tuple(str(w) for w in made[0].warnings))
    if on_stored is not None:
        on_stored(session, out)
    return out


def generate_case(
    backend: Backend,
    case: Case,
    doc_type: str,
    as_of: date,
    who: Principal,
    options: Mapping[str, str] | None = None,
    engine: str | None = None,
    redacted: bool = False,
) -> Generated:
    """A paper of a case read from a file (a command, the demo): the case is first held as the
    service's current content of that case, so that the API and the pages see what the paper was
    made from, then the paper goes through the corridor like any other."""
    hold_cases(backend, who, [case])
    request = PaperRequest(doc_type, case.case_ref, as_of, who, options or {}, engine, redacted=redacted)
    return generate(backend, request)


def hold_cases(backend: Backend, who: Principal, cases: Sequence[Case]) -> None:
    """Keep cases read from files as the service's current content of each (one transaction)."""
    from docgen.services.cases import hold

    def keep() -> None:
        with unit_of_work(backend.sessions) as session:
            for case in cases:
                hold(session, who, case)

    retrying(keep)


# -- the drivers ----------------------------------------------------------------------------------


def generate(backend: Backend, request: Request, *, on_stored: OnStored | None = None) -> Generated:
    """Make (or find unchanged) the paper asked for, in the calling thread."""
    steps = _corridor(backend, request, on_stored)
    try:
        step = next(steps)
        while True:
            step = steps.send(_run(backend, step))
    except StopIteration as done:
        result: Generated = done.value
    _after(backend, request, result)
    return result


def _after(backend: Backend, request: Request, result: Generated) -> None:
    """Notices that follow a stored paper (e.g. a write-off waiting for a manager), outside every
    transaction; they never fail the paper."""
    from docgen.services.notifications import after_generated

    if isinstance(request, PaperRequest):
        after_generated(backend, request.doc_type, result.version.id, result.stored)


@dataclass(frozen=True)
class Gates:
    """Where an async door lets the steps through: ``transactions`` around each transaction,
    ``renders`` around the render (WeasyPrint's Pango must never render twice at once in a process),
    ``reads`` (when given) around the transactions that only read, instead of ``transactions``."""

    transactions: AbstractAsyncContextManager[Any]
    renders: AbstractAsyncContextManager[Any]
    #: runs a portable render elsewhere (the API's render pool: worker processes with time and
    #: memory limits and bounded admission), given the work and the paper's label
    render_elsewhere: Callable[[Callable[[], Any], str], Awaitable[Any]] | None = None
    reads: AbstractAsyncContextManager[Any] | None = None


async def generate_async(
    backend: Backend, request: Request, gates: Gates, *, on_stored: OnStored | None = None
) -> Generated:
    """``generate`` for an event loop: each step in a worker thread, behind its gate."""
    import anyio

    steps = _corridor(backend, request, on_stored)
    try:
        step = next(steps)
        while True:
            if isinstance(step, _Render) and step.portable and gates.render_elsewhere is not None:
                value = await gates.render_elsewhere(step.work, step.label)
            elif isinstance(step, _Render):
                async with gates.renders:
                    value = await anyio.to_thread.run_sync(step.work)
            else:
                gate = (
                    gates.reads if isinstance(step, _Read) and gates.reads is not None else gates.transactions
                )
                for attempt_no in range(RETRIES):
                    try:
                        async with gate:
                            value = await anyio.to_thread.run_sync(partial(_transaction, backend, step))
                        break
                    except Exception as err:
                        if not _retryable(err) or attempt_no == RETRIES - 1:
                            raise
                    await anyio.sleep(RETRY_BASE_S * 2**attempt_no)
            step = steps.send(value)
    except StopIteration as done:
        result: Generated = done.value
    await anyio.to_thread.run_sync(partial(_after, backend, request, result))
    return result


def _run(backend: Backend, step: _Step) -> Any:
    if isinstance(step, _Render):
        return step.work()
    return retrying(partial(_transaction, backend, step))


def _transaction(backend: Backend, step: _Read | _Write) -> Any:
    if isinstance(step, _Read):
        with read_transaction(backend.sessions) as session:
            return step.work(session)
    with unit_of_work(backend.sessions) as session:
        return step.work(session)


def _retryable(err: BaseException) -> bool:
    """The retry policy: the database busy (SQLite's one writer), or another request registering
    the same document's next version first. Anything else is not made better by trying again."""
    if isinstance(err, OperationalError):
        text = str(err.orig).lower()
        return "locked" in text or "busy" in text
    return isinstance(err, Conflict) and err.code == "concurrent_version"


def retrying(work: Callable[[], T]) -> T:
    """Run ``work`` (one whole transaction) again after a retryable failure, with backoff."""
    for attempt_no in range(RETRIES):
        try:
            return work()
        except Exception as err:
            if not _retryable(err) or attempt_no == RETRIES - 1:
                raise
        time.sleep(RETRY_BASE_S * 2**attempt_no)
    raise AssertionError("unreachable")


__all__ = [
    "INTERNAL_ERROR",
    "BatchPaperRequest",
    "BundleRequest",
    "Gates",
    "Generated",
    "ItemError",
    "PaperRequest",
    "Request",
    "attempt",
    "generate",
    "generate_async",
    "generate_case",
    "hold_cases",
    "retrying",
]
