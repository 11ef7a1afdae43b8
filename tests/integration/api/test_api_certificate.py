"""The certificate of service through the API: it exhibits the stored statutory demand that was
served, named by its sha256 among the certificate's inputs, its pages those exact bytes (read back
with poppler's pdftotext, not with the code that wrote them)."""

from __future__ import annotations

import hashlib
import json
import subprocess
from pathlib import Path

import pytest

from tests.fixtures.api import Service, unique_ref

pytestmark = [pytest.mark.redis]
V1 = "/api/v1"
CTX = "council-tax-liability-orders"


def _text(pdf: bytes, tmp_path: Path, name: str) -> str:
    path = tmp_path / name
    path.write_bytes(pdf)
    done = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True)
    return " ".join(done.stdout.split())


def test_the_certificate_made_through_the_api_exhibits_the_stored_demand(
    service: Service, shared_cases_dir: Path, tmp_path: Path
) -> None:
    officer = service.as_("officer")
    ref = unique_ref("COS")
    case = json.loads((shared_cases_dir / f"{CTX}.json").read_text(encoding="utf-8"))
    case["case_ref"] = ref
    case["debtors"][0]["insolvency_court"] = "County Court at Uxbridge"
    case["recovery_history"].append(
        {"date": "2025-04-01", "action": "statutory_demand_served", "method": "personal", "note": ""}
    )
    assert service.client.post(f"{V1}/cases", json=case, headers=officer).status_code == 201

    # a certificate asked for before the served demand is stored is refused, saying why
    early = service.client.post(
        f"{V1}/cases/{ref}/documents",
        json={"doc_type": "certificate_of_service_sd", "as_of": "2025-06-02"},
        headers=officer,
    )
    assert early.status_code == 409, early.text
    assert any(p["code"] == "stored_input_missing" for p in early.json()["problems"])

    # GIVEN the demand dated 31 March, stored and issued
    made = service.client.post(
        f"{V1}/cases/{ref}/documents",
        json={"doc_type": "statutory_demand_individual", "as_of": "2025-03-31"},
        headers=officer,
    )
    assert made.status_code == 201, made.text
    demand = made.json()["version"]
    issued = service.client.post(
        f"{V1}/documents/{demand['document_id']}/versions/{demand['number']}/issue", headers=officer
    )
    assert issued.status_code == 200, issued.text
    demand = issued.json()
    demand_pdf = service.client.get(
        f"{V1}/documents/{demand['document_id']}/versions/{demand['number']}/download", headers=officer
    ).content
    assert hashlib.sha256(demand_pdf).hexdigest() == demand["sha256"]

    # WHEN the certificate is asked for through the API
    cert = service.client.post(
        f"{V1}/cases/{ref}/documents",
        json={"doc_type": "certificate_of_service_sd", "as_of": "2025-06-02"},
        headers=officer,
    )

    # THEN it names the served demand by the sha256 of the stored bytes
    assert cert.status_code == 201, cert.text
    version = cert.json()["version"]
    assert version["inputs"]["demand"] == {
        "document_id": demand["document_id"],
        "version": demand["number"],
        "sha256": demand["sha256"],
    }
    # AND it ends with the demand as stored, not one rendered again for the service date
    cert_pdf = service.client.get(
        f"{V1}/documents/{version['document_id']}/versions/{version['number']}/download", headers=officer
    ).content
    text = _text(cert_pdf, tmp_path, "certificate.pdf")
    assert "Certificate of service of statutory demand" in text
    assert "This demand is dated 31 March 2025" in text
    # AND asking again is answered from the register
    again = service.client.post(
        f"{V1}/cases/{ref}/documents",
        json={"doc_type": "certificate_of_service_sd", "as_of": "2025-06-02"},
        headers=officer,
    )
    assert again.status_code == 200 and again.json()["version"]["number"] == version["number"]
