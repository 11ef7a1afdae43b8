"""LibreOffice kept warm: one soffice per worker process, conversions through UNO.

A cold ``soffice --convert-to`` pays LibreOffice's start-up on every document; here soffice starts
once, listens on a named pipe, and a small bridge process (docgen/render/uno_bridge.py, run under
the system Python that has the UNO module) converts each document through it. The pair is
restarted after ``restart_after`` conversions, because soffice grows with every document it opens,
and killed and restarted when a conversion takes longer than ``timeout_s``.

Both child processes run in their own session so that a hang is ended by killing their process
groups, never by name. Every conversion gets its own scratch folder, removed whatever happens.

Both also run sandboxed (bubblewrap): in a network namespace of their own with no interface but
a loopback that leads nowhere, with the system's programs and fonts read-only and, of the rest of
the machine, only this LibreOffice's own folder (its profile and the one conversion's scratch
folder) visible. A document that links to a picture on a web server or in a local file gets
neither: nothing is fetched and nothing outside the scratch folder is read.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import logging
import os
import select
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import IO, Any, Literal

from docgen.config import Settings
from docgen.errors import EngineUnavailable, InvalidInput

logger = logging.getLogger(__name__)

BRIDGE_SCRIPT = Path(__file__).with_name("uno_bridge.py")
# The UNO module is built for the Python LibreOffice was packaged with (Debian: python3-uno).
DEFAULT_UNO_PYTHON = "/usr/bin/python3"
START_TIMEOUT_S = 60.0

Sandbox = Literal["auto", "bwrap", "off"]
#: read-only parts of the system LibreOffice and the UNO bridge need (programs, libraries, fonts)
_SYSTEM_PATHS = ("/usr", "/etc/fonts", "/etc/libreoffice", "/etc/ld.so.cache", "/var/cache/fontconfig")


def bwrap_available() -> bool:
    """Whether bubblewrap is installed and may make namespaces here (it may not in some containers)."""
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        return False
    try:
        probe = subprocess.run(
            [bwrap, "--ro-bind", "/usr", "/usr", "--symlink", "usr/bin", "/bin", "--symlink", "usr/lib", "/lib",
             "--symlink", "usr/lib64", "/lib64", "--unshare-pid", "--unshare-net", "--die-with-parent",
             "/bin/true"],
            capture_output=True, timeout=20,
        )  # fmt: skip
    except (OSError, subprocess.TimeoutExpired):
        return False
    return probe.returncode == 0


def sandboxed(command: list[str], home: Path) -> list[str]:
    """``command`` run by bubblewrap with no network, in a process namespace of its own that ends
    with its parent, and, besides the system's read-only programs and fonts, only ``home``
    (read-write; also mounted as /tmp, where LibreOffice keeps its pipe)."""
    bwrap = shutil.which("bwrap")
    assert bwrap is not None
    # a process namespace of its own: when whatever started it dies, even by SIGKILL, bubblewrap
    # dies with it (--die-with-parent) and the kernel ends everything inside (soffice.bin included,
    # which its launcher would otherwise leave running)
    args = [bwrap, "--die-with-parent", "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts"]
    for path in _SYSTEM_PATHS:
        args += ["--ro-bind-try", path, path]
    for link, target in (
        ("/bin", "usr/bin"),
        ("/sbin", "usr/sbin"),
        ("/lib", "usr/lib"),
        ("/lib64", "usr/lib64"),
    ):
        args += ["--symlink", target, link]
    pipes = home / "tmp"
    pipes.mkdir(parents=True, exist_ok=True)
    # /tmp first: the home folder may itself lie under /tmp, and must be mounted over it
    args += ["--proc", "/proc", "--dev", "/dev", "--bind", str(pipes), "/tmp", "--bind", str(home), str(home)]
    args += ["--setenv", "HOME", str(home), "--setenv", "TMPDIR", "/tmp", "--chdir", str(home), "--"]
    return args + command


class LibreOffice:
    """A warm soffice and its UNO bridge. Thread-safe: conversions are serialised."""

    def __init__(
        self,
        soffice: str = "soffice",
        timeout_s: float = 60.0,
        restart_after: int = 200,
        uno_python: str = DEFAULT_UNO_PYTHON,
        sandbox: Sandbox = "auto",
    ) -> None:
        self.soffice = soffice
        self.timeout_s = timeout_s
        self.restart_after = max(1, restart_after)
        self.uno_python = uno_python
        self.sandbox = sandbox
        #: whether the running soffice is sandboxed (decided at each start)
        self.sandboxed = False
        self.version = ""
        self.conversions = 0  # since the last start
        self.starts = 0
        self._lock = threading.Lock()
        self._office: subprocess.Popen[bytes] | None = None
        self._bridge: subprocess.Popen[str] | None = None
        self._workdir = Path(tempfile.mkdtemp(prefix="docgen-lo-"))
        self._owner_pid = os.getpid()

    @classmethod
    def from_settings(cls, settings: Settings) -> LibreOffice:
        return cls(
            soffice=settings.libreoffice_path,
            timeout_s=settings.libreoffice_timeout_s,
            restart_after=settings.libreoffice_restart_after,
            sandbox=settings.libreoffice_sandbox,
        )

    # -- public -----------------------------------------------------------------------------

    @property
    def office_pid(self) -> int | None:
        return self._office.pid if self._office and self._office.poll() is None else None

    def convert(self, data: bytes, suffix: str = ".docx") -> bytes:
        """Convert one document (DOCX by default) to PDF bytes."""
        if suffix in (".docx", ".xlsx") and not data.startswith(b"PK"):
            # LibreOffice would open anything as plain text and happily print it.
            raise InvalidInput(f"not a {suffix[1:].upper()} file (no zip signature)")
        with self._lock:
            if self.conversions >= self.restart_after:
                self._stop()
            self._workdir.mkdir(parents=True, exist_ok=True)  # also after close(): the object stays usable
            scratch = Path(tempfile.mkdtemp(prefix="conv-", dir=self._workdir))
            try:
                src, dst = scratch / f"in{suffix}", scratch / "out.pdf"
                src.write_bytes(data)
                self._convert_with_one_retry(src, dst)
                return dst.read_bytes()
            finally:
                shutil.rmtree(scratch, ignore_errors=True)

    def close(self) -> None:
        with self._lock:
            self._stop()
            shutil.rmtree(self._workdir, ignore_errors=True)

    def __enter__(self) -> LibreOffice:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- conversion -------------------------------------------------------------------------

    def _convert_with_one_retry(self, src: Path, dst: Path) -> None:
        # A soffice that died between documents is restarted once; a document that hangs is not
        # retried, since it would most likely hang again.
        for attempt in (1, 2):
            self._ensure_started()
            try:
                reply = self._request({"src": str(src), "dst": str(dst)})
            except _BridgeGone:
                self._stop()
                if attempt == 2:
                    raise EngineUnavailable("LibreOffice stopped while converting the document") from None
                continue
            self.conversions += 1
            if not reply.get("ok") and (self._office is None or self._office.poll() is not None):
                # soffice died under the bridge during this document: same as a crash between documents
                self._stop()
                if attempt == 2:
                    raise EngineUnavailable("LibreOffice stopped while converting the document")
                continue
            if not reply.get("ok"):
                raise EngineUnavailable(f"LibreOffice could not convert the document: {reply.get('error')}")
            if not dst.exists() or dst.stat().st_size == 0:
                raise EngineUnavailable("LibreOffice produced no PDF")
            return

    def _request(self, payload: dict[str, str]) -> dict[str, Any]:
        bridge = self._bridge
        assert bridge is not None and bridge.stdin is not None and bridge.stdout is not None
        try:
            bridge.stdin.write(json.dumps(payload) + "\n")
            bridge.stdin.flush()
        except (BrokenPipeError, OSError):
            raise _BridgeGone() from None
        try:
            return self._read_reply(bridge.stdout, self.timeout_s)
        except TimeoutError:
            self._stop()
            raise EngineUnavailable(
                f"LibreOffice did not finish within {self.timeout_s:g} s; it has been restarted",
                code="engine_timeout",
            ) from None

    @staticmethod
    def _read_reply(stream: IO[str], timeout_s: float) -> dict[str, Any]:
        deadline = time.monotonic() + timeout_s
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError
            ready, _, _ = select.select([stream], [], [], remaining)
            if not ready:
                continue
            line = stream.readline()
            if not line:
                raise _BridgeGone()
            reply: dict[str, Any] = json.loads(line)
            return reply

    # -- process management -----------------------------------------------------------------

    def _ensure_started(self) -> None:
        if os.getpid() != self._owner_pid:
            # A forked worker must not share its parent's soffice: start afresh in this process.
            self._office = self._bridge = None
            self._owner_pid = os.getpid()
            self._workdir = Path(tempfile.mkdtemp(prefix="docgen-lo-"))
        alive = (
            self._office is not None
            and self._office.poll() is None
            and self._bridge is not None
            and self._bridge.poll() is None
        )
        if not alive:
            self._stop()
            self._start()

    def _start(self) -> None:
        soffice = shutil.which(self.soffice)
        if soffice is None:
            raise EngineUnavailable(
                f"LibreOffice not found ({self.soffice!r}); install libreoffice-writer-nogui "
                "or set DOCGEN_LIBREOFFICE_PATH"
            )
        if shutil.which(self.uno_python) is None:
            raise EngineUnavailable(f"{self.uno_python} not found; the DOCX engine needs python3-uno")
        pipe = f"docgen-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        profile = self._workdir / "profile"  # kept across restarts: a fresh profile costs seconds
        wrap = self._wrapper()
        # the bridge runs from this LibreOffice's own folder: the sandbox shows nothing else
        bridge = self._workdir / BRIDGE_SCRIPT.name
        shutil.copyfile(BRIDGE_SCRIPT, bridge)
        self._office = subprocess.Popen(
            [
                *wrap,
                soffice,
                "--headless",
                "--invisible",
                "--nologo",
                "--norestore",
                "--nodefault",
                "--nolockcheck",
                "--nofirststartwizard",
                f"-env:UserInstallation={profile.as_uri()}",
                f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext",
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        # stderr to a file, not a pipe: nobody reads it while all is well, and a full pipe would block
        with self._bridge_log.open("wb") as log:
            self._bridge = subprocess.Popen(
                [
                    *wrap,
                    self.uno_python,
                    str(bridge),
                    "--pipe",
                    pipe,
                    "--connect-timeout",
                    str(START_TIMEOUT_S),
                ],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=log,
                text=True,
                start_new_session=True,
            )
        assert self._bridge.stdout is not None
        try:
            hello = self._read_reply(self._bridge.stdout, START_TIMEOUT_S)
        except (TimeoutError, _BridgeGone):
            detail = self._bridge_stderr()
            self._stop()
            if "No module named 'uno'" in detail:
                raise EngineUnavailable(
                    f"{self.uno_python} has no UNO module; install Debian's python3-uno"
                ) from None
            raise EngineUnavailable(f"LibreOffice did not start: {detail or 'no response'}") from None
        self.version = str(hello.get("version", ""))
        self.conversions = 0
        self.starts += 1

    def _wrapper(self) -> list[str]:
        """The sandbox both children run in: empty when it is off, or unavailable under "auto"."""
        if self.sandbox == "off":
            self.sandboxed = False
            return []
        if not _bwrap_usable():
            if self.sandbox == "bwrap":
                raise EngineUnavailable(
                    "LibreOffice must run sandboxed, but bubblewrap (bwrap) is not installed or may not "
                    "make namespaces here; install Debian's bubblewrap"
                )
            logger.warning("bubblewrap is not available: LibreOffice runs without its sandbox")
            self.sandboxed = False
            return []
        self.sandboxed = True
        return sandboxed([], self._workdir)

    @property
    def _bridge_log(self) -> Path:
        return self._workdir / "bridge.log"

    def _bridge_stderr(self) -> str:
        bridge = self._bridge
        if bridge is None or not self._bridge_log.exists():
            return ""
        try:
            bridge.wait(timeout=5)  # it closed its output: let it finish writing why
        except subprocess.TimeoutExpired:
            return ""
        lines = self._bridge_log.read_text(errors="replace").strip().splitlines()
        return lines[-1] if lines else ""

    def _stop(self) -> None:
        for proc in (self._bridge, self._office):
            if proc is None:
                continue
            if proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            for stream in (proc.stdin, proc.stdout, proc.stderr):
                if stream is not None:
                    stream.close()
        self._bridge = self._office = None


_bwrap_checked: list[bool] = []


def _bwrap_usable() -> bool:
    if not _bwrap_checked:
        _bwrap_checked.append(bwrap_available())
    return _bwrap_checked[0]


class _BridgeGone(Exception):
    """The bridge closed its output: soffice or the bridge died."""


_warm: dict[tuple[str, float, int, str, int], LibreOffice] = {}
_warm_lock = threading.Lock()


def warm_libreoffice(settings: Settings) -> LibreOffice:
    """The process's warm LibreOffice for these settings (one per worker process)."""
    key = (
        settings.libreoffice_path,
        settings.libreoffice_timeout_s,
        settings.libreoffice_restart_after,
        settings.libreoffice_sandbox,
        os.getpid(),
    )
    with _warm_lock:
        office = _warm.get(key)
        if office is None:
            office = _warm[key] = LibreOffice.from_settings(settings)
        return office


def close_all() -> None:
    """Stop every warm LibreOffice of this process (atexit and test teardown)."""
    with _warm_lock:
        for office in _warm.values():
            if office._owner_pid == os.getpid():
                office.close()
        _warm.clear()


atexit.register(close_all)
