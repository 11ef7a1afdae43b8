"""LibreOffice converts with no network and sees nothing of the machine but its own folder.

A document whose pictures are linked to a web address (a local HTTP server that counts requests)
and to a local file is converted: the server must see no request and the PDF must hold no
picture. The same document converted without the sandbox shows that the check can fail: there
LibreOffice fetches the address and embeds what it got."""

from __future__ import annotations

import http.server
import io
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest
from pypdf import PdfReader

from docgen.render.libreoffice import LibreOffice, bwrap_available
from tests.hostile.templates import linked_pictures, png

pytestmark = [pytest.mark.libreoffice, pytest.mark.slow]


class Counting(http.server.BaseHTTPRequestHandler):
    seen: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        Counting.seen.append(self.path)
        body = png((200, 10, 10))
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args: object) -> None:
        return


@pytest.fixture
def web() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Counting)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    Counting.seen = []
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


def _pictures(pdf: bytes) -> int:
    return sum(len(page.images) for page in PdfReader(io.BytesIO(pdf)).pages)


def _document(web: str, tmp_path: Path) -> bytes:
    private = tmp_path / "private.png"  # stands for anything on the machine: the data folder, keys
    private.write_bytes(png())
    return linked_pictures([f"{web}/picture.png", private.as_uri()])


def test_a_linked_picture_is_neither_fetched_nor_read(web: str, tmp_path: Path) -> None:
    assert bwrap_available(), "bubblewrap must be installed (scripts/setup.sh) and able to make namespaces"
    with LibreOffice(sandbox="bwrap", timeout_s=60) as office:
        pdf = office.convert(_document(web, tmp_path))
        assert office.sandboxed
    assert Counting.seen == []
    assert _pictures(pdf) == 0
    assert "Linked pictures follow." in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()


def test_without_the_sandbox_the_same_document_reaches_out(web: str, tmp_path: Path) -> None:
    with LibreOffice(sandbox="off", timeout_s=60) as office:
        pdf = office.convert(_document(web, tmp_path))
    assert Counting.seen  # what the sandbox prevents
    assert _pictures(pdf) >= 1


def test_the_default_is_sandboxed_where_bubblewrap_works(tmp_path: Path) -> None:
    from tests.hostile.templates import docx

    with LibreOffice(timeout_s=60) as office:
        office.convert(docx("Hello."))
        assert office.sandboxed == bwrap_available()


def _office_processes(profile_root: Path) -> list[int]:
    """Live soffice processes whose profile lies under ``profile_root``."""
    import os

    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes().split(b"\0")
            state = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            continue
        if (
            state != "Z"
            and any(b"soffice" in a for a in cmdline[:1])
            and str(profile_root).encode() in b" ".join(cmdline)
        ):
            found.append(int(entry))
    return found


@pytest.mark.skipif(not bwrap_available(), reason="bubblewrap cannot make namespaces on this machine")
def test_a_process_killed_outright_takes_its_libreoffice_with_it(tmp_path: Path) -> None:
    # a render worker killed by the kernel (out of memory) or by the render pool's time limit gets no
    # chance to stop its LibreOffice: the sandbox must end it, or every such kill leaks a soffice
    import os
    import signal
    import subprocess
    import sys
    import time

    script = (
        "import sys, tempfile, pathlib\n"
        "from docgen.render.libreoffice import LibreOffice\n"
        "from tests.hostile.templates import docx\n"
        f"tempfile.tempdir = {str(tmp_path)!r}\n"
        "office = LibreOffice(timeout_s=60, sandbox='bwrap')\n"
        "office.convert(docx('Hello.'))\n"
        "print('converted', flush=True)\n"
        "sys.stdin.read()\n"
    )
    from docgen.config import PROJECT_ROOT

    child = subprocess.Popen(
        [sys.executable, "-c", script],
        cwd=PROJECT_ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "converted"
        assert _office_processes(tmp_path), "the conversion ran without a LibreOffice under the test's folder"
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        deadline = time.monotonic() + 20
        while _office_processes(tmp_path) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert _office_processes(tmp_path) == []
    finally:
        for pid in _office_processes(tmp_path):
            os.kill(pid, signal.SIGKILL)
        child.kill()
