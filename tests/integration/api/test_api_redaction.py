"""A redacted share: the partner sees only the redacted copies of the case's papers, and a redacted
copy carries none of the personal data it leaves out (read back with poppler's pdfdetach and
pdftotext, not with the code that wrote it)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.fixtures.api import PARTNER_ORG, Service, demo_case, unique_ref

pytestmark = [pytest.mark.redis]
V1 = "/api/v1"
AS_OF = "2025-06-02"
DOB = "1976-02-18"  # the Kingston sample debtor's date of birth


def test_a_redacted_share_sees_redacted_copies_only(service: Service, tmp_path: Path) -> None:
    officer, partner = service.as_("officer"), service.as_("legal_partner")
    ref = unique_ref("RED")
    case = demo_case("kingston-sundry-individual", ref)
    assert case["debtors"][0]["date_of_birth"] == DOB
    service.client.post(f"{V1}/cases", json=case, headers=officer)
    body = {"doc_type": "letter_before_claim", "as_of": AS_OF}
    full = service.client.post(f"{V1}/cases/{ref}/documents", json=body, headers=officer)
    redacted = service.client.post(
        f"{V1}/cases/{ref}/documents", json={**body, "redacted": True}, headers=officer
    )
    assert full.status_code == 201 and redacted.status_code == 201, redacted.text
    full_id, red_id = full.json()["version"]["document_id"], redacted.json()["version"]["document_id"]
    assert full_id != red_id

    share = service.client.post(
        f"{V1}/cases/{ref}/shares", json={"organisation": PARTNER_ORG, "redacted": True}, headers=officer
    )
    assert share.status_code == 201 and share.json()["redacted"] is True

    listed = service.client.get(f"{V1}/cases/{ref}/documents", headers=partner).json()
    assert [d["id"] for d in listed] == [red_id]
    assert service.client.get(f"{V1}/documents/{full_id}", headers=partner).status_code == 404
    assert service.client.get(f"{V1}/documents/{full_id}/download", headers=partner).status_code == 404
    pdf = service.client.get(f"{V1}/documents/{red_id}/download", headers=partner)
    assert pdf.status_code == 200

    path = tmp_path / "redacted.pdf"
    path.write_bytes(pdf.content)
    subprocess.run(["pdfdetach", "-saveall", "-o", str(tmp_path), str(path)], check=True)
    carried = (tmp_path / "case.json").read_bytes()
    assert ref.encode() in carried and DOB.encode() not in carried
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "18 February 1976" not in text

    # the officer still sees both, and an unredacted share sees both too
    assert {d["id"] for d in service.client.get(f"{V1}/cases/{ref}/documents", headers=officer).json()} == {
        full_id,
        red_id,
    }
    service.client.post(f"{V1}/cases/{ref}/shares", json={"organisation": PARTNER_ORG}, headers=officer)
    assert service.client.get(f"{V1}/documents/{full_id}", headers=partner).status_code == 200


def test_a_redacted_bundle_takes_redacted_copies_only(service: Service) -> None:
    officer = service.as_("officer")
    ref = unique_ref("RBU")
    service.client.post(f"{V1}/cases", json=demo_case("kingston-sundry-individual", ref), headers=officer)
    body = {"doc_type": "letter_before_claim", "as_of": AS_OF}
    full = service.client.post(f"{V1}/cases/{ref}/documents", json=body, headers=officer).json()["version"]
    red = service.client.post(
        f"{V1}/cases/{ref}/documents", json={**body, "redacted": True}, headers=officer
    ).json()["version"]

    def spec(version: dict[str, object]) -> dict[str, object]:
        source = {"version": {"document_id": version["document_id"], "number": version["number"]}}
        return {
            "title": "Hearing bundle",
            "case_ref": ref,
            "court": "County Court at Kingston",
            "parties": {"claimant": "Royal Borough of Kingston", "defendant": "Owen Pritchard"},
            "options": {"redact": True},
            "sections": [
                {
                    "letter": "A",
                    "title": "Letters",
                    "items": [{"source": source, "date": AS_OF, "description": "Letter"}],
                }
            ],
        }

    refused = service.client.post(f"{V1}/cases/{ref}/bundles", json=spec(full), headers=officer)
    assert refused.status_code == 422
    assert "redacted copies" in refused.json()["problems"][0]["message"]
    made = service.client.post(f"{V1}/cases/{ref}/bundles", json=spec(red), headers=officer)
    assert made.status_code == 201, made.text
    bundle_id = made.json()[0]["version"]["document_id"]
    assert service.client.get(f"{V1}/documents/{bundle_id}", headers=officer).json()["variant"] == "redacted"
