"""`docgen users`: the first admin is made on the command line; keys are shown once, rotated,
and refused once a user is disabled."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest

from docgen.cli import main
from docgen.config import Settings, get_settings
from docgen.errors import DocgenError
from docgen.register import open_register, unit_of_work
from docgen.services.auth import authenticate


@pytest.fixture
def cli_settings(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    monkeypatch.setenv("DOCGEN_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("DOCGEN_ENVIRONMENT", "test")
    get_settings.cache_clear()
    yield get_settings()
    get_settings.cache_clear()


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _who(settings: Settings, key: str) -> str:
    with unit_of_work(open_register(settings)) as session:
        return authenticate(session, key, settings.secret_key).name


def test_first_admin_then_users_keys_rotation_and_disabling(
    cli_settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _run(capsys, "users", "list")
    assert code == 0 and "docgen users create --role admin" in out

    code, out, _ = _run(capsys, "users", "create", "--role", "admin", "--name", "ada.admin")
    assert code == 0
    admin_key = re.search(r"API key: (dg_\S+)", out)
    assert admin_key and _who(cli_settings, admin_key.group(1)) == "ada.admin"
    assert "shown once" in out

    code, out, _ = _run(
        capsys,
        "users",
        "create",
        "--role",
        "legal_partner",
        "--name",
        "lee",
        "--organisation",
        "Harbour LLP",
        "--json",
    )
    lee = json.loads(out)
    assert (lee["role"], lee["organisation"], lee["status"]) == ("legal_partner", "Harbour LLP", "active")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+00:00", lee["created_at"])

    code, _out, err = _run(capsys, "users", "create", "--role", "legal_partner", "--name", "nobody.org")
    assert code == 2 and "organisation" in err

    code, out, _ = _run(capsys, "users", "rotate", "lee", "--json")
    new_key = json.loads(out)["api_key"]
    assert new_key != lee["api_key"] and _who(cli_settings, new_key) == "lee"
    with pytest.raises(DocgenError):
        _who(cli_settings, lee["api_key"])

    code, out, _ = _run(capsys, "users", "disable", "lee")
    assert code == 0 and "disabled" in out
    with pytest.raises(DocgenError):
        _who(cli_settings, new_key)
    code, _out, err = _run(capsys, "users", "rotate", "lee")
    assert code == 5 and "enable" in err

    code, out, _ = _run(capsys, "users", "list", "--json")
    assert {u["name"]: u["status"] for u in json.loads(out)} == {"ada.admin": "active", "lee": "disabled"}
    assert all("api_key" not in u for u in json.loads(out))

    code, out, _ = _run(capsys, "users", "enable", "lee", "--json")
    assert _who(cli_settings, json.loads(out)["api_key"]) == "lee"

    code, _out, err = _run(capsys, "users", "rotate", "nobody")
    assert code == 4 and "docgen users list" in err

    code, out, _ = _run(capsys, "users", "list")
    assert all(len(line) <= 80 for line in out.splitlines())
