"""Against the API served by uvicorn in its own process, over raw sockets: bodies are refused
before they are read (no key, or more than the route's cap), a streamed upload is cut off at its
cap as the bytes arrive, and the server's memory stays flat throughout (read from /proc). After
a 500 the server says ``Connection: close`` and closes."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from docgen.config import PROJECT_ROOT, Settings
from docgen.register import migrate
from tests.fixtures.api import SECRET, demo_case, seed_users, unique_ref

UPLOAD_CAP = 8 * 1024 * 1024
MB = 1024 * 1024


@dataclass
class Served:
    port: int
    pid: int
    keys: dict[str, str]

    def memory_kb(self, field: str = "VmRSS") -> int:
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
        raise AssertionError(field)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    tmp = tmp_path_factory.mktemp("served")
    settings = Settings(environment="test", data_dir=tmp / "var", secret_key=SECRET)
    migrate(settings)  # the start-up step, before the service starts
    keys = seed_users(settings)
    port = _free_port()
    env = {
        **os.environ,
        "DOCGEN_ENVIRONMENT": "test",
        "DOCGEN_DATA_DIR": str(settings.data_dir),
        "DOCGEN_SECRET_KEY": SECRET,
        "DOCGEN_MAX_UPLOAD_BYTES": str(UPLOAD_CAP),
        "PYTHONPATH": str(PROJECT_ROOT),
    }
    log = (tmp / "uvicorn.log").open("wb")
    process = subprocess.Popen(
        [
            sys.executable, "-m", "uvicorn", "tests.integration.hardening.failing_app:app",
            "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning",
        ],
        env=env, cwd=PROJECT_ROOT, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    deadline = time.monotonic() + 120  # a shared machine under load starts slowly
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                process.wait()
                log_text = (tmp / "uvicorn.log").read_text()
                raise RuntimeError(f"uvicorn exited {process.returncode}: {log_text}") from None
            time.sleep(0.1)
    try:
        yield Served(port, process.pid, keys)
    finally:
        process.terminate()
        process.wait(timeout=15)


def _send_head(served: Served, head: str) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", served.port), timeout=10)
    sock.sendall(head.encode())
    return sock


def _read_answer(sock: socket.socket, timeout: float = 5.0) -> tuple[int, dict[str, str], bytes]:
    sock.settimeout(timeout)
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    length = int(headers.get("content-length", "0"))
    while len(rest) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        rest += chunk
    return int(lines[0].split()[1]), headers, rest


def _stream_until_answered(sock: socket.socket, chunk: bytes, most: int) -> int:
    """Send chunks until the server answers or closes; returns how many body bytes went out."""
    sent = 0
    sock.settimeout(10)
    try:
        while sent < most:
            sock.sendall(chunk)
            sent += len(chunk)
    except (BrokenPipeError, ConnectionResetError, TimeoutError):
        pass
    return sent


def _create_case(served: Served, ref: str) -> None:
    import httpx

    made = httpx.post(
        f"http://127.0.0.1:{served.port}/api/v1/cases",
        json=demo_case("kingston-sundry-individual", ref),
        headers={"Authorization": f"Bearer {served.keys['officer']}"},
        timeout=30,
    )
    assert made.status_code == 201, made.text


def test_a_huge_body_without_a_key_is_refused_before_it_is_read(served: Served) -> None:
    _create_case(served, unique_ref("MEM"))  # warm: the first request loads what every request needs
    before = served.memory_kb("VmRSS")
    for declared in (4 * MB, 500_000_000):  # within the case cap, and far over it
        sock = _send_head(
            served,
            "POST /api/v1/cases HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            f"Content-Length: {declared}\r\n\r\n",
        )
        with sock:
            sock.sendall(b"[" * MB)  # 1 MB of what was declared: the answer must not wait for the rest
            status, headers, body = _read_answer(sock)
        assert status == 401 and b"unauthenticated" in body, (declared, status, body[:200])
        assert headers.get("www-authenticate") == "Bearer"
    assert served.memory_kb("VmRSS") - before < 20_000


def test_a_case_body_declared_over_its_cap_is_refused_at_once(served: Served) -> None:
    sock = _send_head(
        served,
        "PUT /api/v1/cases/ANY/1 HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        f"Authorization: Bearer {served.keys['officer']}\r\nContent-Length: 500000000\r\n\r\n",
    )
    with sock:
        status, headers, body = _read_answer(sock)
    assert status == 413 and b"case_too_large" in body and headers.get("connection") == "close"


def test_a_streamed_upload_is_cut_off_at_its_cap_and_memory_stays_flat(served: Served) -> None:
    ref = unique_ref("MEM")
    _create_case(served, ref)
    hwm_before = served.memory_kb("VmHWM")
    rss_before = served.memory_kb("VmRSS")
    sock = _send_head(
        served,
        f"POST /api/v1/cases/{ref}/uploads?filename=big.pdf HTTP/1.1\r\nHost: x\r\n"
        f"Authorization: Bearer {served.keys['officer']}\r\nContent-Type: application/pdf\r\n"
        "Transfer-Encoding: chunked\r\n\r\n",
    )
    piece = b"%PDF-1.7\n" + b"0" * (64 * 1024 - 9)
    chunk = f"{len(piece):x}\r\n".encode() + piece + b"\r\n"
    with sock:
        sent = _stream_until_answered(sock, chunk, 200 * MB)
        status, _headers, body = _read_answer(sock, timeout=10)
    assert status == 413 and b"upload_too_large" in body
    assert sent < 200 * MB  # the server stopped reading long before the end
    # nothing like the body was held: the high-water mark moved by less than the cap itself
    assert served.memory_kb("VmHWM") - hwm_before < UPLOAD_CAP // 1024
    assert served.memory_kb("VmRSS") - rss_before < 20_000


def test_after_a_500_the_server_says_connection_close_and_closes(served: Served) -> None:
    sock = _send_head(served, "GET /test-only/fails HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n")
    with sock:
        status, headers, body = _read_answer(sock)
        assert status == 500 and b"unexpected error" in body
        assert headers.get("connection") == "close"
        sock.settimeout(5)
        assert sock.recv(1) == b""  # closed, as announced
