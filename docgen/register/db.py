"""Opening the register: engine, sessions, the unit of work that commits, and migrations.

Migrations are a start-up step (``docgen migrate``, run by ``make run``, the compose file's
``migrate`` service and the test fixtures), never a side effect of opening the register: opening
only checks that the schema is the one this release expects, and says what to run when it is not.

Services add and flush; only the caller's ``unit_of_work`` commits, so one request or task is one
transaction.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from docgen.config import Settings
from docgen.errors import DocgenError, StorageUnavailable

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
READ_ONLY = "docgen_read_only"
SQLITE_BUSY_TIMEOUT_S = 30


def _sqlite_pragmas(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # The driver's own transaction handling is switched off so that "begin" below decides.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_S * 1000}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # IMMEDIATE takes the write lock at the start: a transaction that reads and then writes
        # can otherwise fail with "database is locked" when another process wrote in between.
        # A connection marked read-only reads a snapshot and takes no lock at all.
        if connection.get_execution_options().get(READ_ONLY):
            connection.exec_driver_sql("BEGIN")
        else:
            connection.exec_driver_sql("BEGIN IMMEDIATE")


def make_engine(url: str, **options: Any) -> Engine:
    """An engine for ``url``; ``options`` go to create_engine (e.g. poolclass=NullPool)."""
    if url.startswith("sqlite"):
        database = url.split("///", 1)[-1]
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S}, **options)
        _sqlite_pragmas(engine)
        return engine
    return create_engine(url, pool_pre_ping=True, **options)


class RegisterNotMigrated(DocgenError):
    def __init__(self, found: str | None, expected: str):
        where = "has no tables yet" if found is None else f"is at revision {found}"
        super().__init__(
            f"the register {where}; this release expects revision {expected}: "
            "run `docgen migrate` before starting the service",
            code="register_not_migrated",
            status=503,
            exit_code=8,
        )


def _alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


@lru_cache(maxsize=1)
def head_revision() -> str:
    """The newest migration this release carries."""
    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    assert head is not None, "the project carries its migrations"
    return head


def current_revision(engine: Engine) -> str | None:
    # read without taking SQLite's write lock: opening must never wait on, or stall, a writer
    with engine.connect().execution_options(**{READ_ONLY: True}) as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest migration (does nothing when it is already there)."""
    config = _alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def migrate(settings: Settings) -> tuple[str | None, str]:
    """Bring the register named by the settings to this release's schema; (revision before, after)."""
    engine = make_engine(settings.sqlalchemy_url)
    try:
        before = current_revision(engine)
        upgrade(engine)
        return before, head_revision()
    except OperationalError as err:
        raise StorageUnavailable(f"register database unavailable: {err.orig}") from err
    finally:
        engine.dispose()


def open_register(settings: Settings) -> sessionmaker[Session]:
    """A session factory for the register named by the settings, once its schema is checked to be
    this release's (one small query; nothing is changed)."""
    engine = make_engine(settings.sqlalchemy_url)
    try:
        found = current_revision(engine)
    except OperationalError as err:
        raise StorageUnavailable(f"register database unavailable: {err.orig}") from err
    if found != head_revision():
        engine.dispose()
        raise RegisterNotMigrated(found, head_revision())
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def unit_of_work(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One transaction: committed when the block ends normally, rolled back when it raises."""
    with factory() as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


@contextmanager
def read_transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A short transaction that only reads: on SQLite it reads a snapshot and takes no write lock,
    so it never waits on a writer nor makes one wait. Whatever it flushed is rolled back."""
    bind = factory.kw.get("bind")
    if not isinstance(bind, Engine):
        with factory() as session:
            try:
                yield session
            finally:
                session.rollback()
        return
    with (
        bind.connect().execution_options(**{READ_ONLY: True}) as connection,
        Session(bind=connection) as session,
    ):
        try:
            yield session
        finally:
            session.rollback()
