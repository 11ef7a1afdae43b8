"""The command line's ``validate`` and the API's ``POST /cases`` accept and refuse exactly the same
case documents, over the hostile corpus (tests/hostile/cases.py): never a traceback, never a 500.
Accepted extremes then answer their facts and eligibility without a 500."""

from __future__ import annotations

import zlib
from pathlib import Path

import pytest

from docgen.cli import main
from tests.hostile.cases import Hostile, corpus, with_ref
from tests.integration.hardening.conftest import V1, Local

CORPUS = list(corpus())


@pytest.mark.parametrize("item", CORPUS, ids=[h.name for h in CORPUS])
def test_cli_and_api_agree(
    item: Hostile, local: Local, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "case.json"
    path.write_bytes(item.body)
    status = main(["validate", str(path)])
    out = capsys.readouterr()
    assert "Traceback" not in out.out + out.err
    assert status == (0 if item.valid else 2), out.out

    ref = f"PAR/{zlib.crc32(item.name.encode()):08x}"
    sent = with_ref(item, ref)
    answer = local.client.post(
        f"{V1}/cases",
        content=sent.body,
        headers={**local.as_("officer"), "Content-Type": "application/json"},
    )
    assert answer.status_code == (201 if item.valid else 422), answer.text[:500]
    body = answer.json()
    if not item.valid:
        assert body["code"] in {"invalid_input", "not_json"} and body["message"]
        assert len(answer.content) < 20_000  # a huge input is never quoted back whole
    else:
        for route in ("facts?as_of=2025-06-02", "eligibility?as_of=2025-06-02"):
            got = local.client.get(f"{V1}/cases/{ref}/{route}", headers=local.as_("officer"))
            assert got.status_code == 200, (route, got.text[:300])


def test_a_case_body_over_its_cap_is_refused_before_it_is_read(local: Local) -> None:
    huge = b'{"notes": "' + b"x" * (6 * 1024 * 1024) + b'"}'
    answer = local.client.post(
        f"{V1}/cases", content=huge, headers={**local.as_("officer"), "Content-Type": "application/json"}
    )
    assert answer.status_code == 413 and answer.json()["code"] == "case_too_large"


def test_json_bodies_elsewhere_cannot_cost_a_500(local: Local) -> None:
    officer = {**local.as_("officer"), "Content-Type": "application/json"}
    for body in (b"[" * 100_000, b'{"items": [' + b"1" * 5000 + b"]}", b"\xff\xfe", b'{"items": NaN}'):
        answer = local.client.post(f"{V1}/jobs", content=body, headers=officer)
        assert answer.status_code in {400, 422}, (body[:20], answer.status_code, answer.text[:200])
        assert answer.json()["code"] in {"invalid_input", "bad_request"}
