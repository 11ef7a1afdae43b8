"""The embedded broker: kombu's filesystem transport, answering a worker's stop without delay.

Transports without an event loop of their own (the filesystem one among them) run under Celery's
blocking loop, which asks the transport for messages with a 2-second timeout and looks for a stop
request (Ctrl+C on ``docgen serve``, SIGTERM from a service manager) only between asks; the
transport itself sleeps its polling interval (1 s) between looks at the folder. A stop therefore
waited up to 3 s before the worker even began to shut down. Here each ask returns after at most
``MAX_WAIT_S``, looking at the folder once at the start of it: an idle worker lists the folder four
times a second (0.1% of a core more than kombu's once a second, measured), and a job
submitted to an idle worker starts sooner too.

An ask that has waited ``MAX_WAIT_S`` without a message returns nothing rather than raising a
timeout, unless the caller's own timeout has run out: kombu allows an ask to come back early (its
``SimpleQueue.get`` and Celery's loop both ask again), whereas a timeout raised early would tell a
caller waiting five seconds that the queue was empty after a quarter of one.

kombu keeps the filesystem transport's exchanges and bindings in one table for the whole process,
and writes a binding to the broker's control folder only the first time the process makes it: a
second broker folder in the same process (a second data folder) never received its binding, and
messages published to it were dropped. Here each control folder has its own table.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any, ClassVar

from kombu.transport import filesystem, virtual

#: the longest one ask for messages blocks the worker's loop
MAX_WAIT_S = 0.25


class FilesystemTransport(filesystem.Transport):
    polling_interval = MAX_WAIT_S

    _states: ClassVar[dict[str, virtual.BrokerState]] = {}
    _states_lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(self, client: Any, **kwargs: Any) -> None:
        super().__init__(client, **kwargs)
        folder = str(Path(client.transport_options.get("control_folder", "control")).resolve())
        with self._states_lock:
            self.state = self._states.setdefault(folder, virtual.BrokerState())

    def drain_events(self, connection: Any, timeout: Any = None, **kwargs: Any) -> Any:
        if timeout is not None and timeout <= MAX_WAIT_S:
            return super().drain_events(connection, timeout=timeout, **kwargs)
        try:
            return super().drain_events(connection, timeout=MAX_WAIT_S, **kwargs)
        except TimeoutError:
            return None  # back early, as kombu allows: the caller's own timeout has not run out
