"""Stopping what a server started: the multiprocessing resource tracker that spawned render workers
leave behind ignores SIGTERM by design, so it must be stopped by closing its pipe, not waited on."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from docgen.config import PROJECT_ROOT

SCRIPT = textwrap.dedent(
    """
    import multiprocessing, os, sys
    from docgen.cli.processes import descendants, stop_descendants

    if __name__ == "__main__":
        child = multiprocessing.get_context("spawn").Process(target=os.getpid)
        child.start()
        child.join()
        left = descendants(os.getpid())  # the resource tracker, which ignores SIGTERM
        print(*left, flush=True)
        stop_descendants(grace=600)  # a tracker waited on like the others would hold this 600 s
        print("done", *descendants(os.getpid()), flush=True)
    """
)


def test_the_resource_tracker_is_stopped_by_closing_its_pipe_not_waited_on(tmp_path: Path) -> None:
    script = tmp_path / "stop.py"
    script.write_text(SCRIPT, encoding="utf-8")
    run = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=60, cwd=PROJECT_ROOT
    )
    assert run.returncode == 0, run.stderr
    before, after = run.stdout.splitlines()
    assert len(before.split()) == 1, run.stdout  # the tracker was there to stop
    assert after == "done", run.stdout  # and nothing is left, the tracker included
