"""Typed dependency shortcuts for routes: the request's session, the caller, the store."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Annotated, Any, TypeVar

import anyio
from celery import Celery
from fastapi import Depends, Header, Request
from fastapi.concurrency import run_in_threadpool
from sqlalchemy.orm import Session, sessionmaker

from api.guard import FailureCounter
from docgen.config import Settings
from docgen.register import read_transaction, unit_of_work
from docgen.render.pool import PoolLimits, RenderPool, Seat, warm_engines
from docgen.services.access import audit_refusal
from docgen.services.auth import Principal, authenticate
from docgen.services.backend import Backend
from docgen.services.generation import Gates
from docgen.storage import ObjectStore

T = TypeVar("T")


def _db_slots(settings: Settings) -> anyio.Semaphore:
    """How many transactions this process runs at once. SQLite has one writer and makes the
    others poll for its lock, which starves under load; one slot turns that into a fair queue.
    A server database gets fewer slots than its connection pool holds. Slots are waited for on
    the event loop, never in a worker thread: a thread blocked on a slot could be the very thread
    the slot's holder needs to finish."""
    return anyio.Semaphore(1 if settings.sqlalchemy_url.startswith("sqlite") else 12)


def _read_slots(settings: Settings, db_slots: anyio.Semaphore) -> anyio.Semaphore:
    """How many read-only transactions run at once. On SQLite a read takes no lock (it reads a WAL
    snapshot), so reads need not queue behind the writer's one slot: a request that only
    authenticates, or is refused, never waits for other requests' writes. A server database's
    reads share its slots, so that the slots never outnumber the connection pool."""
    return anyio.Semaphore(4) if settings.sqlalchemy_url.startswith("sqlite") else db_slots


@dataclass
class Services:
    """What the app builds once at start-up from its Settings."""

    settings: Settings
    sessions: sessionmaker[Session]
    store: ObjectStore
    celery: Celery
    #: one in-process render at a time (papers the pool cannot take): renders are CPU-bound under
    #: the GIL, and Pango (under WeasyPrint) corrupted its heap when two threads rendered at once.
    render_slots: anyio.Semaphore = field(default_factory=lambda: anyio.Semaphore(1))
    db_slots: anyio.Semaphore = field(init=False)
    read_slots: anyio.Semaphore = field(init=False)
    #: single papers render here: warm worker processes, one per core, each render limited in time
    #: and memory by killing its worker, with bounded admission (docgen.render.pool)
    render_pool: RenderPool = field(init=False)
    #: failed sign-ins and unrecognised keys per client address (see api.guard)
    auth_failures: FailureCounter = field(init=False)

    def __post_init__(self) -> None:
        self.db_slots = _db_slots(self.settings)
        self.read_slots = _read_slots(self.settings, self.db_slots)
        self.render_pool = RenderPool(
            PoolLimits.from_settings(self.settings), warm=warm_engines, warm_args=(self.settings,)
        )
        self.auth_failures = FailureCounter(self.settings.auth_failures_per_minute)

    @property
    def backend(self) -> Backend:
        return Backend(self.settings, self.sessions, self.store)

    @property
    def gates(self) -> Gates:
        """The generation corridor's transactions and renders go through this process's slots."""
        return self.seated_gates(None)

    def seated_gates(self, seat: Seat | None) -> Gates:
        """``gates`` for a request admitted to the render pool before its case was read: its render
        takes the seat (see RenderPool.take_seat)."""

        async def render_in_pool(work: Callable[[], T], label: str) -> T:
            # a sync request's render: admitted only when it would not wait too long (PoolBusy)
            return await self.render_pool.run_async(work, label=label, admit=True, seat=seat)

        return Gates(
            transactions=self.db_slots,
            renders=self.render_slots,
            render_elsewhere=render_in_pool,
            reads=self.read_slots,
        )

    def send(self, name: str, args: list[Any]) -> Any:
        """Queue a task by name (the job's id only: workers read the rest from the register)."""
        return self.celery.send_task(name, args=args)

    async def in_transaction(self, work: Callable[[Session], T]) -> T:
        """Run ``work`` in one unit of work, in a worker thread, holding a transaction slot."""
        return await self._in(unit_of_work, self.db_slots, work)

    async def in_read_transaction(self, work: Callable[[Session], T]) -> T:
        """Run ``work`` in a transaction that only reads (whatever it flushed is rolled back)."""
        return await self._in(read_transaction, self.read_slots, work)

    async def _in(
        self,
        transaction: Callable[[sessionmaker[Session]], AbstractContextManager[Session]],
        slots: anyio.Semaphore,
        work: Callable[[Session], T],
    ) -> T:
        def run() -> T:
            with transaction(self.sessions) as session:
                return work(session)

        async with slots:
            return await run_in_threadpool(run)


def get_services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]


async def get_session(request: Request, services: ServicesDep) -> AsyncIterator[Session]:
    """One request, one transaction, committed before the response is sent. A page that answered
    a refusal of access with an error page leaves its audit events in ``request.state.denied``;
    they are written with the transaction."""
    async with services.db_slots:
        session = services.sessions()
        try:
            yield session
            denied = tuple(getattr(request.state, "denied", ()))

            def commit() -> None:
                for actor, subject, detail in denied:
                    audit_refusal(session, actor, subject, detail)
                session.commit()

            await run_in_threadpool(commit)
        except BaseException:
            await run_in_threadpool(session.rollback)
            raise
        finally:
            await run_in_threadpool(session.close)


SessionDep = Annotated[Session, Depends(get_session, scope="function")]


def get_store(services: ServicesDep) -> ObjectStore:
    return services.store


StoreDep = Annotated[ObjectStore, Depends(get_store)]


def get_settings_dep(services: ServicesDep) -> Settings:
    return services.settings


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]


def _key(authorization: str | None, x_api_key: str | None) -> str | None:
    if authorization:
        scheme, _, value = authorization.partition(" ")
        if scheme.lower() == "bearer":
            return value
    return x_api_key


def _checked_at_the_door(request: Request) -> Principal | None:
    """The caller api.guard authenticated before the body was read."""
    found = getattr(request.state, "principal", None)
    return found if isinstance(found, Principal) else None


def get_current_user(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    authorization: Annotated[str | None, Header()] = None,
    x_api_key: Annotated[str | None, Header()] = None,
) -> Principal:
    return _checked_at_the_door(request) or authenticate(
        session, _key(authorization, x_api_key), settings.secret_key
    )


CurrentUser = Annotated[Principal, Depends(get_current_user)]


async def get_current_user_own_transaction(
    request: Request,
    services: ServicesDep,
    authorization: Annotated[str | None, Header()] = None,
    x_api_key: Annotated[str | None, Header()] = None,
) -> Principal:
    """For routes that run their own short transactions around slow work instead of holding
    the request's one transaction (and its slot) throughout."""
    found = _checked_at_the_door(request)
    if found is not None:
        return found
    key = _key(authorization, x_api_key)
    return await services.in_read_transaction(lambda s: authenticate(s, key, services.settings.secret_key))


CurrentUserOwnTransaction = Annotated[Principal, Depends(get_current_user_own_transaction)]
