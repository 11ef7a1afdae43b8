"""What ``docgen serve`` needs to start cleanly and stop completely on Linux.

- ``DataFolderLock``: one server per data folder. The lock is an ``flock`` on a file in the folder,
  released by the kernel when the process ends however it ends; the file says who holds it.
- ``bind_listener``: the API's socket, bound before anything else is done, so a busy port is found
  before demo keys are made (making them replaces the running server's).
- ``Subreaper`` and ``stop_descendants``: every process started under the server (the Celery worker,
  its pool processes, a warm LibreOffice started in its own session) stays this process's
  descendant even when its parent dies first, and is stopped when the server stops.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import json
import os
import signal
import socket
import time
from multiprocessing import resource_tracker
from pathlib import Path
from typing import Any

LOCK_NAME = "serve.lock"
_PR_SET_CHILD_SUBREAPER = 36


class FolderBusy(Exception):
    def __init__(self, holder: dict[str, Any]):
        super().__init__(holder)
        self.holder = holder


class DataFolderLock:
    """An exclusive lock on a data folder, held for as long as the process keeps it open."""

    def __init__(self, data_dir: Path):
        self.path = data_dir / LOCK_NAME
        self._fd: int | None = None

    def acquire(self, **about: Any) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            os.close(fd)
            if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN):
                raise FolderBusy(holder(self.path.parent) or {}) from None
            raise
        os.ftruncate(fd, 0)
        os.write(fd, json.dumps({"pid": os.getpid(), **about}).encode())
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def holder(data_dir: Path) -> dict[str, Any] | None:
    """Who holds the data folder's lock, or None when no live process does."""
    path = data_dir / LOCK_NAME
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except OSError:
            raw = os.pread(fd, 4096, 0)
            try:
                about: dict[str, Any] = json.loads(raw or b"{}")
            except ValueError:
                about = {}
            return about
        fcntl.flock(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)


def bind_listener(host: str, port: int) -> socket.socket:
    """A listening TCP socket on host:port; OSError (EADDRINUSE, EACCES, ...) when it cannot be had."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    family, kind, proto, _name, address = infos[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(2048)
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(False)
    return sock


def become_subreaper() -> bool:
    """Orphaned descendants are re-parented to this process instead of init (Linux 3.4+)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def children(pid: int) -> list[int]:
    out: list[int] = []
    task_dir = Path(f"/proc/{pid}/task")
    try:
        tasks = list(task_dir.iterdir())
    except OSError:
        return out
    for task in tasks:
        try:
            out.extend(int(p) for p in (task / "children").read_text().split())
        except OSError:
            continue
    return out


def descendants(pid: int) -> list[int]:
    found: list[int] = []
    todo = [pid]
    while todo:
        for child in children(todo.pop()):
            if child not in found:
                found.append(child)
                todo.append(child)
    return found


def _reap() -> None:
    while True:
        try:
            pid, _status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def _alive(pids: list[int]) -> list[int]:
    _reap()
    alive = []
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            continue
        if state != "Z":
            alive.append(pid)
    return alive


def _signal(pids: list[int], sig: int) -> None:
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, sig)


def _tracker_pid() -> int | None:
    """The multiprocessing resource tracker this process started, if any (the render pool's
    workers are spawned, which starts one). By design it ignores SIGINT and SIGTERM and ends when
    the pipe from its parent closes: it is stopped by closing that pipe, not by a signal."""
    pid = getattr(resource_tracker._resource_tracker, "_pid", None)
    return pid if isinstance(pid, int) else None


def _stop_tracker() -> None:
    stop = getattr(resource_tracker._resource_tracker, "_stop", None)
    if callable(stop):
        with contextlib.suppress(Exception):
            stop()  # closes the pipe; the tracker exits at once and is reaped


def stop_descendants(grace: float = 15.0) -> None:
    """Stop every descendant of this process: SIGTERM to the direct children first (the worker
    shuts its own pool down), then to whatever is left (a LibreOffice in its own session, an
    orphan re-parented to us), SIGKILL to anything still there after ``grace`` seconds. The
    resource tracker is stopped last, by closing its pipe, once nothing else that holds it is left."""
    me = os.getpid()
    tracker = _tracker_pid()
    first = [p for p in _alive(children(me)) if p != tracker]
    _signal(first, signal.SIGTERM)
    deadline = time.monotonic() + grace
    halfway = time.monotonic() + grace / 2
    termed: set[int] = set()
    while True:
        pids = [p for p in _alive(descendants(me)) if p != tracker]
        if not pids:
            _stop_tracker()
            return
        now = time.monotonic()
        if now > deadline + 5:
            return  # unkillable (uninterruptible sleep): nothing more a signal can do
        if now > deadline:
            _signal(pids, signal.SIGKILL)
        elif now > halfway or not _alive(first):
            fresh = [p for p in pids if p not in termed]
            _signal(fresh, signal.SIGTERM)
            termed.update(fresh)
        time.sleep(0.05)
