"""Opening the register: engine, migrations, sessions, and the unit of work that commits.

Services add and flush; only the caller's ``unit_of_work`` commits, so one request or task is one
transaction.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from docgen.config import Settings
from docgen.errors import StorageUnavailable

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


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest migration (does nothing when it is already there)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def open_register(settings: Settings) -> sessionmaker[Session]:
    """Create the engine named by the settings, migrate it, and return a session factory."""
    engine = make_engine(settings.sqlalchemy_url)
    try:
        upgrade(engine)
    except OperationalError as err:
        raise StorageUnavailable(f"register database unavailable: {err.orig}") from err
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
