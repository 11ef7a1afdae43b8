"""Issuing signs, when the council's certificate is configured: through the API (its own app with
signing settings, S3 store on the session's S3-protocol server) and through the command line."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from docgen.pdf.signing import validate_signatures
from tests.fixtures.api import Service, demo_case, service_settings, start_service, unique_ref
from tests.fixtures.redis import RedisServer
from tests.fixtures.s3 import S3Server
from tests.fixtures.signing import TestPki

V1 = "/api/v1"
AS_OF = "2025-06-02"


@pytest.fixture(scope="module")
def signing_service(
    tmp_path_factory: pytest.TempPathFactory, redis_server: RedisServer, s3_server: S3Server, pki: TestPki
) -> Iterator[Service]:
    tmp = tmp_path_factory.mktemp("api-signing")
    settings = service_settings(tmp, redis_server, s3_server).model_copy(
        update={
            "signing_pkcs12": pki.pfx,
            "signing_pkcs12_password": pki.password,
            "signing_visible": True,
            "trust_roots": [pki.root_pem],
        }
    )
    svc = start_service(settings, tmp, with_worker=False)
    try:
        yield svc
    finally:
        svc.client.close()


def _letter(svc: Service) -> tuple[str, dict[str, object]]:
    officer = svc.as_("officer")
    ref = unique_ref("SIG")
    svc.client.post(f"{V1}/cases", json=demo_case("kingston-sundry-individual", ref), headers=officer)
    made = svc.client.post(
        f"{V1}/cases/{ref}/documents",
        json={"doc_type": "letter_before_claim", "as_of": AS_OF},
        headers=officer,
    )
    assert made.status_code == 201, made.text
    return ref, made.json()["version"]


def test_issuing_signs_a_new_version_and_leaves_the_draft_as_it_was(
    signing_service: Service, pki: TestPki
) -> None:
    svc, officer = signing_service, signing_service.as_("officer")
    _ref, draft = _letter(svc)
    doc = draft["document_id"]
    draft_bytes = svc.client.get(f"{V1}/documents/{doc}/versions/1/download", headers=officer).content

    issued = svc.client.post(f"{V1}/documents/{doc}/versions/1/issue", headers=officer)
    assert issued.status_code == 200, issued.text
    body = issued.json()
    assert (body["number"], body["status"]) == (2, "issued")
    assert body["signature"]["signer"] == pki.signer_name and body["signature"]["from_version"] == 1

    signed = svc.client.get(f"{V1}/documents/{doc}/versions/2/download", headers=officer).content
    assert hashlib.sha256(signed).hexdigest() == body["sha256"]  # the register holds the signed bytes
    assert signed.startswith(draft_bytes)  # signed over exactly the draft's bytes
    first = svc.client.get(f"{V1}/documents/{doc}/versions/1", headers=officer).json()
    assert first["sha256"] == draft["sha256"] and first["status"] == "superseded"

    report = svc.client.get(f"{V1}/documents/{doc}/versions/2/signatures", headers=officer).json()
    assert report["signed"] and report["valid"]
    [sig] = report["signatures"]
    assert sig["signer"] == pki.signer_name and sig["intact"] and sig["trusted"] and sig["covers_whole_file"]

    # issuing the issued version again changes nothing; re-signing makes a third, issued, version
    again = svc.client.post(f"{V1}/documents/{doc}/versions/2/issue", headers=officer).json()
    assert (again["number"], again["sha256"]) == (2, body["sha256"])
    resigned = svc.client.post(f"{V1}/documents/{doc}/versions/2/sign", headers=officer)
    assert resigned.status_code == 201 and resigned.json()["number"] == 3
    assert (
        svc.client.get(f"{V1}/documents/{doc}/versions/2", headers=officer).json()["sha256"] == body["sha256"]
    )
    third = svc.client.get(f"{V1}/documents/{doc}/versions/3/download", headers=officer).content
    sigs = validate_signatures(third, [pki.root_pem])
    assert len(sigs) == 2 and all(s.valid for s in sigs)


def test_a_partner_checks_a_file_it_was_sent(signing_service: Service) -> None:
    svc, officer = signing_service, signing_service.as_("officer")
    _ref, draft = _letter(svc)
    doc = draft["document_id"]
    number = svc.client.post(f"{V1}/documents/{doc}/versions/1/issue", headers=officer).json()["number"]
    signed = svc.client.get(f"{V1}/documents/{doc}/versions/{number}/download", headers=officer).content
    headers = {**officer, "Content-Type": "application/pdf"}
    ok = svc.client.post(f"{V1}/signatures/verify", content=signed, headers=headers).json()
    assert ok["valid"] and ok["signatures"][0]["covers_whole_file"]
    at = signed.index(b"Royal Borough")
    changed = signed[:at] + b"Royal Burrow." + signed[at + 13 :]
    bad = svc.client.post(f"{V1}/signatures/verify", content=changed, headers=headers).json()
    assert bad["signed"] and not bad["valid"] and not bad["signatures"][0]["intact"]
    not_pdf = svc.client.post(f"{V1}/signatures/verify", content=b"hello", headers=headers)
    assert not_pdf.status_code == 422


def test_the_command_line_issues_signed_and_verifies(
    tmp_path: Path, pki: TestPki, shared_cases_dir: Path
) -> None:
    env = {
        **os.environ,
        "DOCGEN_DATA_DIR": str(tmp_path / "var"),
        "DOCGEN_SIGNING_PKCS12": str(pki.pfx),
        "DOCGEN_SIGNING_PKCS12_PASSWORD": pki.password,
        "DOCGEN_TRUST_ROOTS": json.dumps([str(pki.root_pem)]),
    }

    def docgen(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "docgen", *args], env=env, capture_output=True, text=True
        )

    assert docgen("migrate").returncode == 0  # the start-up step
    made = docgen(
        "generate",
        "letter_before_claim",
        "--case",
        str(shared_cases_dir / "asc-care-charges-individual.json"),
        "--as-of",
        "2026-03-02",
    )
    assert made.returncode == 0, made.stderr
    doc = json.loads(made.stdout)["document_id"]
    issued = docgen("issue", doc, "--version", "1")
    assert issued.returncode == 0, issued.stderr
    assert json.loads(issued.stdout)["version"] == 2
    # the event that records the letter is offered, with the command that records it
    assert json.loads(issued.stdout)["record_event"] == {
        "kind": "letter_sent",
        "fields": {"letter": "letter_before_claim"},
    }
    assert "docgen record CASE.json letter_sent --set letter=letter_before_claim" in issued.stderr
    out = tmp_path / "issued.pdf"
    assert docgen("get", doc, "-o", str(out)).returncode == 0
    checked = docgen("verify", str(out))
    assert checked.returncode == 0 and f"valid; signed by {pki.signer_name}" in checked.stdout
    stored = docgen("verify", "--document", doc, "--version", "2", "--json")
    assert json.loads(stored.stdout)["signatures"][0]["trusted"] is True
    out.write_bytes(out.read_bytes().replace(b"/Title", b"/Titlf", 1))
    tampered = docgen("verify", str(out))
    assert tampered.returncode == 1 and "CHANGED since signing" in tampered.stdout
