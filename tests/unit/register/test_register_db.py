from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import inspect, select, text

from docgen.config import Settings
from docgen.register import open_register, unit_of_work
from docgen.register.models import AuditEvent, Base
from docgen.register.repositories import audit, documents
from docgen.register.versions import _ensure_document

TABLES = {
    "case_snapshots", "documents", "versions", "audit_events",
    "users", "shares", "jobs", "uploads", "approvals", "template_versions",
}  # fmt: skip


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_the_migrations_build_exactly_the_schema_the_models_declare(
    settings: Settings, database: str, request: pytest.FixtureRequest
) -> None:
    if database == "postgresql":
        settings = request.getfixturevalue("postgres_settings")
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    from docgen.register.db import MIGRATIONS_DIR

    factory = open_register(settings)
    engine = factory.kw["bind"]

    assert set(inspect(engine).get_table_names()) >= TABLES
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
        head = ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head()
        assert context.get_current_revision() == head


def test_sqlite_runs_in_wal_mode_with_foreign_keys(settings: Settings) -> None:
    factory = open_register(settings)
    with unit_of_work(factory) as session:
        assert session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert session.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_the_unit_of_work_commits_on_success_and_rolls_back_on_error(settings: Settings) -> None:
    factory = open_register(settings)
    with unit_of_work(factory) as session:
        audit.add(session, "a", "kept", "s", {})
    with pytest.raises(RuntimeError), unit_of_work(factory) as session:
        audit.add(session, "a", "dropped", "s", {})
        raise RuntimeError("boom")

    with unit_of_work(factory) as session:
        assert session.scalars(select(AuditEvent.action)).all() == ["kept"]


def test_document_ids_are_random_and_a_document_is_found_again_by_what_it_is(settings: Settings) -> None:
    factory = open_register(settings)
    with unit_of_work(factory) as session:
        first = _ensure_document(session, "A/1", "n1", "n1", "Claim form")
        again = _ensure_document(session, "A/1", "n1", "n1", "Claim form")
        other = _ensure_document(session, "A/2", "n1", "n1", "Claim form")
        ids = (first.id, other.id)
    assert again.id == first.id  # the same paper of the same case: one document
    assert first.id != other.id
    # 128 random bits in hex: nothing in the id follows from the case reference or the type
    assert all(len(i) == 32 and all(c in "0123456789abcdef" for c in i) for i in ids)
    import hashlib

    assert hashlib.sha256(b"A/1\x00n1\x00n1").hexdigest()[:20] not in first.id


def test_a_version_row_cannot_point_at_a_missing_document(settings: Settings) -> None:
    from sqlalchemy.exc import IntegrityError

    factory = open_register(settings)
    with pytest.raises(IntegrityError), unit_of_work(factory) as session:
        documents.add_version(
            session, document_id="nope", number=1, sha256="0" * 64, size=1, storage_key="k/x",
            storage_version_id="1", input_hash="0" * 64, created_by="x",
        )  # fmt: skip


def test_a_read_transaction_reads_while_another_writer_holds_the_lock(settings: Settings) -> None:
    import threading
    import time

    from docgen.register.db import read_transaction

    factory = open_register(settings)
    holding, release = threading.Event(), threading.Event()

    def writer() -> None:
        with unit_of_work(factory) as session:
            audit.add(session, "w", "held", "s", {})
            holding.set()
            release.wait(30)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        assert holding.wait(10)
        started = time.monotonic()
        with read_transaction(factory) as probe:
            assert probe.scalars(select(AuditEvent.action)).all() == []  # the writer has not committed
        assert time.monotonic() - started < 2
    finally:
        release.set()
        thread.join(30)
    with read_transaction(factory) as probe:
        assert probe.scalars(select(AuditEvent.action)).all() == ["held"]


def test_opening_a_register_never_migrates_it_and_says_to_run_docgen_migrate(tmp_path: Path) -> None:
    from docgen.cli import main
    from docgen.register import RegisterNotMigrated, migrate
    from docgen.register.db import current_revision, head_revision, make_engine

    fresh = Settings(environment="test", data_dir=tmp_path / "var")
    with pytest.raises(RegisterNotMigrated) as refused:
        open_register(fresh)
    assert "docgen migrate" in refused.value.message and refused.value.exit_code == 8
    engine = make_engine(fresh.sqlalchemy_url)
    assert current_revision(engine) is None  # opening created no table
    assert migrate(fresh) == (None, head_revision())
    assert current_revision(engine) == head_revision()
    engine.dispose()
    open_register(fresh)  # now it opens
    assert migrate(fresh) == (head_revision(), head_revision())  # and running it again changes nothing
    other = tmp_path / "other"
    env = {"DOCGEN_ENVIRONMENT": "test", "DOCGEN_DATA_DIR": str(other)}
    with pytest.MonkeyPatch.context() as patch:
        for name, value in env.items():
            patch.setenv(name, value)
        from docgen.config import get_settings

        get_settings.cache_clear()
        try:
            assert main(["versions", "X/1"]) == 8  # the CLI refuses with the documented exit code
            assert main(["migrate"]) == 0
            assert main(["versions", "X/1"]) == 0
        finally:
            get_settings.cache_clear()
