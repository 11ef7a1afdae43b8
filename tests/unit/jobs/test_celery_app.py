"""The Celery application's contract: JSON only, late acknowledgement, requeue on a lost worker,
recycling from Settings, and the embedded broker that needs no server."""

from __future__ import annotations

import socket
import threading
from pathlib import Path

from kombu import Connection

from docgen.config import Settings
from docgen.jobs.app import QUEUE, make_celery
from docgen.jobs.broker import FilesystemTransport
from docgen.jobs.tasks import BACKOFF_MAX_S, backoff


def test_messages_are_json_only_and_acknowledged_after_the_work(tmp_path: Path) -> None:
    conf = make_celery(
        Settings(environment="test", data_dir=tmp_path, broker_url="redis://127.0.0.1:1/0")
    ).conf
    assert conf.task_serializer == "json" and list(conf.accept_content) == ["json"]
    assert "pickle" not in conf.accept_content and "pickle" not in conf.result_accept_content
    assert conf.task_acks_late is True and conf.task_reject_on_worker_lost is True
    assert conf.worker_prefetch_multiplier == 1 and conf.task_default_queue == QUEUE


def test_workers_are_recycled_as_the_settings_say(tmp_path: Path) -> None:
    settings = Settings(
        environment="test",
        data_dir=tmp_path,
        worker_max_tasks_per_child=7,
        worker_max_memory_per_child_kb=123_456,
    )
    conf = make_celery(settings).conf
    assert conf.worker_max_tasks_per_child == 7 and conf.worker_max_memory_per_child == 123_456


def test_the_embedded_broker_is_a_folder_under_data_dir(tmp_path: Path) -> None:
    conf = make_celery(Settings(environment="test", data_dir=tmp_path)).conf
    assert conf.broker_url == "filesystem://"
    assert conf.broker_transport_options["data_folder_in"] == str(tmp_path / "broker" / "in")
    assert (tmp_path / "broker" / "in").is_dir()


def _ask(conn: Connection, outcome: list[BaseException]) -> None:
    try:
        conn.drain_events()
    except BaseException as err:  # the expected socket.timeout, or whatever else went wrong
        outcome.append(err)


def test_the_embedded_broker_carries_a_message_and_never_blocks_the_worker_loop(tmp_path: Path) -> None:
    # A worker notices Ctrl+C or SIGTERM only between asks for messages; an ask with no timeout,
    # or Celery's own 2 s, must come back when the folder is empty rather than hold the stop.
    app = make_celery(Settings(environment="test", data_dir=tmp_path))
    got: list[object] = []
    with app.connection_for_write() as conn:
        assert isinstance(conn.transport, FilesystemTransport)
        queue = conn.SimpleQueue(QUEUE)
        # nothing queued yet: an ask with no timeout comes back (run aside, so a regression fails
        # this test instead of hanging the suite)
        outcome: list[BaseException] = []
        asker = threading.Thread(target=lambda: _ask(conn, outcome), daemon=True)
        asker.start()
        asker.join(timeout=30)
        assert not asker.is_alive() and isinstance(outcome[0], socket.timeout), outcome
        queue.put({"job": "J-1"})
        message = queue.get(timeout=5)
        message.ack()
        got.append(message.payload)
        queue.close()
    assert got == [{"job": "J-1"}]
    assert list((tmp_path / "broker" / "in").iterdir()) == []  # taken, not left behind


def test_retries_back_off_exponentially_to_a_ceiling() -> None:
    assert [backoff(n) for n in range(4)] == [1.0, 2.0, 4.0, 8.0]
    assert backoff(30) == BACKOFF_MAX_S
