"""Fixtures every test may use. Real components only: servers are started by fixtures in
tests/fixtures/, each on loopback, each stopped at the end of the session."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from docgen.config import PROJECT_ROOT, Settings

pytest_plugins = [
    "tests.fixtures.servers",
    "tests.fixtures.s3",
    "tests.fixtures.storage",
    "tests.fixtures.postgres",
    "tests.fixtures.pdfs",
    "tests.fixtures.signing",
    "tests.fixtures.libreoffice",
    "tests.fixtures.bulk_cases",
    "tests.fixtures.enforcement_cases",
    "tests.fixtures.redis",
    "tests.fixtures.api",
    "tests.fixtures.readonly",
]

SHARED_DIR = (PROJECT_ROOT.parent / "shared").resolve()
TEST_DATA = Path(__file__).parent / "data"


def _need(path: Path, what: str) -> Path:
    if not path.exists():
        pytest.skip(f"{what} not found at {path}: it lives in ../shared beside the project (CI has it)")
    return path


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    return _need(SHARED_DIR, "../shared")


@pytest.fixture(scope="session")
def shared_cases_dir() -> Path:
    return _need(SHARED_DIR / "cases", "the shared sample cases")


@pytest.fixture(scope="session")
def official_forms_dir() -> Path:
    return _need(SHARED_DIR / "official-forms", "the official HMCTS forms")


@pytest.fixture(scope="session")
def sdt_schemas_dir() -> Path:
    return _need(SHARED_DIR / "sdt-schemas", "the HMCTS SDT schemas")


@pytest.fixture(scope="session")
def migrated_register(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty SQLite register at this release's schema, made once by ``docgen migrate``'s own
    function and copied for each test (migrating is a start-up step, never done on opening)."""
    from docgen.register import migrate

    folder = tmp_path_factory.mktemp("migrated")
    made = Settings(environment="test", data_dir=folder)
    migrate(made)
    return folder / "register.sqlite3"


@pytest.fixture
def settings(tmp_path: Path, migrated_register: Path) -> Settings:
    """Settings for one test: its own data folder, SQLite register (migrated) and filesystem store."""
    (tmp_path / "var").mkdir()
    shutil.copyfile(migrated_register, tmp_path / "var" / "register.sqlite3")
    return Settings(environment="test", data_dir=tmp_path / "var")
