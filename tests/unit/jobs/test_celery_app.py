"""The Celery application's contract: JSON only, late acknowledgement, requeue on a lost worker,
recycling from Settings, and the embedded broker that needs no server."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from queue import Empty

import pytest
from kombu import Connection
from kombu.transport import filesystem

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


def _ask(conn: Connection, outcome: list[object]) -> None:
    try:
        outcome.append(conn.drain_events())
    except BaseException as err:  # a regression: recorded for the assertion, not lost in the thread
        outcome.append(err)


def test_the_embedded_broker_never_blocks_the_worker_loop(tmp_path: Path) -> None:
    # A worker notices Ctrl+C or SIGTERM only between asks for messages; an ask with no timeout,
    # or Celery's own 2 s, must come back when the folder is empty rather than hold the stop.
    app = make_celery(Settings(environment="test", data_dir=tmp_path))
    with app.connection_for_write() as conn:
        assert isinstance(conn.transport, FilesystemTransport)
        # nothing queued: an ask with no timeout comes back, with nothing and without an error (run
        # aside, so a regression fails this test instead of hanging the suite)
        outcome: list[object] = []
        asker = threading.Thread(target=lambda: _ask(conn, outcome), daemon=True)
        asker.start()
        asker.join(timeout=30)
        assert not asker.is_alive() and outcome == [None], outcome
        # an ask whose own timeout has run out still says so
        started = time.monotonic()
        with pytest.raises(TimeoutError):
            conn.drain_events(timeout=0.05)
        assert time.monotonic() - started < 5


def test_a_caller_waiting_longer_than_one_ask_gets_a_message_that_comes_late(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # kombu's SimpleQueue.get(timeout=10) asks the transport again until its own 10 s run out; a
    # timeout raised after the transport's quarter-second would end that wait with "empty" while the
    # message is still on its way. The message is queued, but the first four looks at the folder find
    # nothing (as on a loaded machine, where one look can take longer than a quarter of a second):
    # the caller must still receive it within its own timeout.
    app = make_celery(Settings(environment="test", data_dir=tmp_path))
    looks = {"empty": 4}
    real_get = filesystem.Channel._get

    def slow_first_looks(channel: filesystem.Channel, queue: str) -> object:
        if looks["empty"]:
            looks["empty"] -= 1
            raise Empty()
        return real_get(channel, queue)

    monkeypatch.setattr(filesystem.Channel, "_get", slow_first_looks)
    with app.connection_for_write() as conn:
        queue = conn.SimpleQueue(QUEUE)
        queue.put({"job": "J-1"})
        started = time.monotonic()
        message = queue.get(timeout=10)
        message.ack()
        assert message.payload == {"job": "J-1"} and looks["empty"] == 0
        assert time.monotonic() - started < 10
        queue.close()
    assert list((tmp_path / "broker" / "in").iterdir()) == []  # taken, not left behind


def test_two_broker_folders_in_one_process_each_carry_their_messages(tmp_path: Path) -> None:
    # kombu keeps one table of bindings for every filesystem broker in a process and writes a
    # binding to a control folder only once: the second folder's message used to be dropped.
    for name in ("first", "second"):
        app = make_celery(Settings(environment="test", data_dir=tmp_path / name))
        with app.connection_for_write() as conn:
            queue = conn.SimpleQueue(QUEUE)
            queue.put({"job": name})
            assert (tmp_path / name / "broker" / "control" / f"{QUEUE}.exchange").is_file()
            message = queue.get(timeout=10)
            message.ack()
            assert message.payload == {"job": name}
            queue.close()


def test_retries_back_off_exponentially_to_a_ceiling() -> None:
    assert [backoff(n) for n in range(4)] == [1.0, 2.0, 4.0, 8.0]
    assert backoff(30) == BACKOFF_MAX_S
