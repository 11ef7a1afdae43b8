"""The worker's main process forks a new pool process whenever one ends, while its reconciler may
be in the middle of a transaction on the register. A child forked at that moment inherits
SQLite's own record of the parent's lock and finds the database "locked" for as long as it lives
(seen as a job stuck after a pool process was killed). The reconciler's pass and a fork exclude
each other, so the child can always write."""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from docgen.config import Settings
from docgen.jobs import tasks
from docgen.register import unit_of_work
from docgen.services.backend import Backend


def test_a_process_forked_during_a_reconcile_pass_can_write_to_the_register(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    started = threading.Event()

    def slow_pass(backend: Backend, _send: object) -> list[str]:
        # a pass holding the register's write lock (every unit of work begins IMMEDIATE)
        with unit_of_work(backend.sessions) as session:
            session.execute(text("SELECT 1"))  # the transaction has begun: the lock is held
            started.set()
            time.sleep(1.0)
        return []

    monkeypatch.setattr(tasks, "get_settings", lambda: settings)
    monkeypatch.setattr(tasks, "_store", lambda: None)
    monkeypatch.setattr(tasks.jobs, "reconcile", slow_pass)
    reconciler = threading.Thread(target=tasks.reconcile_once)
    reconciler.start()
    assert started.wait(10)

    database = Path(settings.data_dir) / "register.sqlite3"
    pid = os.fork()  # as billiard forks a pool process, from the main thread
    if pid == 0:  # the child: a connection of its own must be able to write
        code = 1
        try:
            connection = sqlite3.connect(database, timeout=5, isolation_level=None)
            connection.execute("BEGIN IMMEDIATE")
            connection.execute("COMMIT")
            code = 0
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    reconciler.join(10)
    assert os.waitstatus_to_exitcode(status) == 0, "the forked process found the register locked"
