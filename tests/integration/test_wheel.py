"""docgen as it ships: the wheel is built from the project, installed into a new virtualenv away from
the source tree, and renders a letter from there, its templates found as package data; its
migrations ship too (``docgen migrate``, then ``docgen generate``).

The new virtualenv borrows this one's installed dependencies through a path file (no package index
is needed), never its copy of docgen: the test checks that docgen, its templates and its forms are
imported from the new environment."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
from pypdf import PdfReader

from docgen.config import PROJECT_ROOT
from tests.fixtures.bulk_cases import CLAIM_AS_OF, case_data

pytestmark = pytest.mark.slow

SOURCES = ("docgen", "api", "templates", "forms", "pyproject.toml", "setup.py", "README.md")


def _run(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"{' '.join(args)}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


def test_the_built_wheel_installed_in_a_new_virtualenv_renders_a_letter(tmp_path: Path) -> None:
    # GIVEN the wheel built from a copy of the project (the build writes beside its sources)
    source = tmp_path / "source"
    source.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", "build")
    for name in SOURCES:
        path = PROJECT_ROOT / name
        if path.is_dir():
            shutil.copytree(path, source / name, ignore=ignore)
        else:
            shutil.copy2(path, source / name)
    dist = tmp_path / "dist"
    _run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(dist),
            ".",
        ],
        source,
    )
    [wheel] = dist.glob("docgen-*.whl")

    # AND a new virtualenv with it installed, borrowing only the dependencies of this one
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", str(venv)], tmp_path)
    python = venv / "bin" / "python"
    _run([str(python), "-m", "pip", "install", "--no-deps", "--no-index", "-q", str(wheel)], tmp_path)
    new_site = Path(
        _run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], tmp_path
        ).stdout.strip()
    )
    (new_site / "zz_borrowed_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")

    # WHEN a letter is rendered from a folder outside the source tree
    work = tmp_path / "work"
    work.mkdir()
    case = work / "case.json"
    case.write_text(json.dumps(case_data("individual-care-charges")))
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCGEN_") and k != "PYTHONPATH"}
    env.update(DOCGEN_ENVIRONMENT="test", DOCGEN_DATA_DIR=str(work / "var"))
    where = _run(
        [
            str(python),
            "-c",
            "import docgen, docgen.config as c; print(docgen.__file__); print(c.Settings().templates_dir); "
            "print(c.Settings().forms_dir)",
        ],
        work,
        env,
    ).stdout.split()
    docgen_bin = venv / "bin" / "docgen"
    letter = work / "letter.pdf"
    _run(
        [
            str(docgen_bin),
            "render",
            "letter_before_claim",
            "--case",
            str(case),
            "--as-of",
            CLAIM_AS_OF.isoformat(),
            "-o",
            str(letter),
        ],
        work,
        env,
    )

    # THEN docgen and its templates and forms come from the new environment, not the project
    assert all(Path(p).resolve().is_relative_to(venv.resolve()) for p in where), where
    assert not any(Path(p).resolve().is_relative_to(PROJECT_ROOT) for p in where)
    # AND the letter is a real PDF saying what the letter says
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(letter.read_bytes())).pages)
    data = case_data("individual-care-charges")
    assert data["case_ref"] in text and "Pre-Action Protocol" in text

    # AND the migrations ship: the register is made by `docgen migrate`, then a letter stored
    _run([str(docgen_bin), "migrate"], work, env)
    stored = _run(
        [
            str(docgen_bin),
            "generate",
            "letter_before_claim",
            "--case",
            str(case),
            "--as-of",
            CLAIM_AS_OF.isoformat(),
        ],
        work,
        env,
    )
    assert json.loads(stored.stdout)["stored"] is True
