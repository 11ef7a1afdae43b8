"""Follows the README literally on a fresh clone of this repository: its two commands, then every
example command in the order written. Run by CI after the test suite (`.ci/run`).

- `make run` is started in the background (on a free port, through DOCGEN_PORT as the README says),
  until it has printed the keys box; the keys must work against the running server, the docs page
  must load, and SIGTERM must stop it and every process it started.
- `make test` runs as written.
- every other command in a ```sh block of the README runs from the clone's root and must exit 0.

Only the Python standard library: the clone has no virtualenv until `make run` makes one. The clone
sits in a temporary folder beside a `shared` link, as CI lays the repository out.

    python3 scripts/fresh_clone.py [--keep] [--skip-make-test]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUN_READY_S = 1200  # `make run` installs first: Debian packages and a virtualenv on a bare machine
TEST_S = 3600
EXAMPLE_S = 600


def sh_blocks(readme: str) -> list[list[str]]:
    blocks = re.findall(r"^```sh\n(.*?)^```", readme, re.M | re.S)
    return [
        [line.strip() for line in b.splitlines() if line.strip() and not line.strip().startswith("#")]
        for b in blocks
    ]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str, key: str | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {key}"} if key else {})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


def _processes_under(folder: Path) -> list[tuple[int, str]]:
    """Processes whose command line names the clone (its virtualenv's Python, its worker)."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit() or int(proc.name) == os.getpid():
            continue
        try:
            cmd = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            state = (proc / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if str(folder) in cmd and state != "Z":
            found.append((int(proc.name), cmd.strip()))
    return found


class Check:
    def __init__(self) -> None:
        self.passed = 0
        self.failed: list[str] = []

    def __call__(self, ok: bool, what: str, detail: str = "") -> bool:
        if ok:
            self.passed += 1
            print(f"fresh clone: ok: {what}", flush=True)
        else:
            self.failed.append(what)
            print(f"fresh clone: FAILED: {what}\n{detail}", flush=True)
        return ok


def make_run(clone: Path, check: Check, log_path: Path) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCGEN_")} | {"DOCGEN_PORT": str(port)}
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            ["make", "run"], cwd=clone, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    keys: dict[str, str] = {}
    try:
        deadline = time.monotonic() + RUN_READY_S
        while time.monotonic() < deadline and process.poll() is None:
            text = log_path.read_text(errors="replace")
            keys = dict(
                re.findall(
                    r"^│\s+(officer|legal_partner|manager|admin)\s+Authorization: Bearer (\S+)", text, re.M
                )
            )
            if len(keys) == 4 and text.rstrip().endswith("┘"):
                break
            time.sleep(1)
        text = log_path.read_text(errors="replace")
        if not check(len(keys) == 4, "make run prints four demo keys last, in a box", text[-4000:]):
            return
        base = f"http://127.0.0.1:{port}"
        check(f"{base}/docs" in text, "make run prints the API docs address")
        status, body = _get(f"{base}/api/v1/cases", keys["officer"])
        cases = json.loads(body) if status == 200 else []
        check(
            status == 200 and len(cases) == 4,
            "the officer's key lists the four demo cases",
            body[:500].decode(),
        )
        status, body = _get(f"{base}/api/v1/cases", keys["legal_partner"])
        check(status == 200 and len(json.loads(body)) == 1, "the legal partner sees only the shared case")
        status, body = _get(f"{base}/docs")
        check(status == 200 and b"swagger" in body.lower(), "the API docs page loads")
        status, _ = _get(f"{base}/api/v1/cases", "dg_not-a-key")
        check(status == 401, "a wrong key is refused")
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    time.sleep(1)
    left = _processes_under(clone)
    check(left == [], "stopping make run leaves no process of the clone running (server, worker)", repr(left))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keep", action="store_true", help="keep the clone afterwards")
    parser.add_argument(
        "--skip-make-test", action="store_true", help="leave out `make test` (for a quick look)"
    )
    args = parser.parse_args()

    readme = (ROOT / "README.md").read_text()
    blocks = sh_blocks(readme)
    two = [line.split("#")[0].strip() for line in blocks[0]]
    check = Check()
    if not check(
        two == ["make run", "make test"], "the README's first commands are make run and make test", repr(two)
    ):
        return 1
    examples = [line for block in blocks[1:] for line in block]

    work = Path(tempfile.mkdtemp(prefix="docgen-fresh-"))
    clone = work / "docgen"
    started = time.monotonic()
    try:
        subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
        shared = (ROOT.parent / "shared").resolve()
        if shared.is_dir():
            (work / "shared").symlink_to(shared)
        print(f"fresh clone: {clone} ({len(examples)} example commands)", flush=True)

        make_run(clone, check, work / "make-run.log")
        if not args.skip_make_test:
            env = {k: v for k, v in os.environ.items() if not k.startswith("DOCGEN_")}
            done = subprocess.run(["make", "test"], cwd=clone, env=env, timeout=TEST_S)
            check(done.returncode == 0, "make test passes")
        for line in examples:
            done = subprocess.run(
                ["bash", "-c", line], cwd=clone, capture_output=True, text=True, timeout=EXAMPLE_S
            )
            check(done.returncode == 0, line, (done.stdout + done.stderr)[-3000:])
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    minutes = (time.monotonic() - started) / 60
    print(
        f"fresh clone: {len(check.failed)} failed in {minutes:.1f} min"
        + (f": {check.failed}" if check.failed else "")
    )
    print(f"{check.passed} passed, {len(check.failed)} failed")
    return 1 if check.failed else 0


if __name__ == "__main__":
    sys.exit(main())
