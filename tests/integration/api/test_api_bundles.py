"""Evidence uploads with their size limit, and court bundles built from stored versions and
uploads, with late documents added at the end."""

from __future__ import annotations

import io
from typing import Any

import pytest
from pypdf import PdfReader

from tests.fixtures.api import Service, demo_case, unique_ref
from tests.fixtures.storage import sample_pdf

pytestmark = [pytest.mark.redis]
V1 = "/api/v1"
AS_OF = "2025-06-02"


def test_an_upload_over_the_limit_is_413_with_a_clear_message(service: Service) -> None:
    ref = unique_ref("UPL")
    service.client.post(
        f"{V1}/cases", json=demo_case("kingston-sundry-individual", ref), headers=service.as_("officer")
    )
    limit = service.settings.max_upload_bytes
    too_big = service.client.post(
        f"{V1}/cases/{ref}/uploads",
        params={"filename": "big.pdf"},
        content=b"x" * (limit + 1),
        headers=service.as_("officer"),
    )
    assert too_big.status_code == 413 and too_big.json()["code"] == "upload_too_large"
    assert f"{limit:,} bytes" in too_big.json()["message"]
    assert service.client.get(f"{V1}/cases/{ref}/uploads", headers=service.as_("officer")).json() == []


def _spec(ref: str, items: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "title": "Hearing bundle",
        "case_ref": ref,
        "court": "County Court at Kingston",
        "parties": {"claimant": "Royal Borough of Kingston", "defendant": "Owen Pritchard"},
        "sections": [{"letter": "A", "title": "Statements of case", "items": items}],
    }


def test_a_bundle_from_versions_and_uploads_then_a_late_document(service: Service) -> None:
    officer = service.as_("officer")
    ref = unique_ref("BUN")
    service.client.post(f"{V1}/cases", json=demo_case("kingston-sundry-individual", ref), headers=officer)
    letter = service.client.post(
        f"{V1}/cases/{ref}/documents",
        json={"doc_type": "letter_before_claim", "as_of": AS_OF},
        headers=officer,
    ).json()
    evidence = sample_pdf("call note", pages=2)
    upload = service.client.post(
        f"{V1}/cases/{ref}/uploads",
        params={"filename": "call-note.pdf"},
        content=evidence,
        headers={**officer, "Content-Type": "application/pdf"},
    )
    assert upload.status_code == 201 and upload.json()["size"] == len(evidence)
    items = [
        {
            "source": {"version": {"document_id": letter["version"]["document_id"], "number": 1}},
            "date": "2025-03-01",
            "description": "Letter before claim",
        },
        {"source": {"upload": upload.json()["sha256"]}, "date": "2025-04-01", "description": "Call note"},
    ]
    made = service.client.post(f"{V1}/cases/{ref}/bundles", json=_spec(ref, items), headers=officer)
    assert made.status_code == 201, made.text
    [volume] = made.json()
    first = PdfReader(
        io.BytesIO(service.client.get(volume["version"]["download_url"], headers=officer).content)
    )
    letter_pages = len(
        PdfReader(
            io.BytesIO(service.client.get(letter["version"]["download_url"], headers=officer).content)
        ).pages
    )
    assert len(first.pages) > letter_pages + 2  # an index, the letter, the two-page note

    n1 = service.client.post(
        f"{V1}/cases/{ref}/documents", json={"doc_type": "n1", "as_of": AS_OF}, headers=officer
    ).json()
    late_items = [
        *items,
        {
            "source": {"version": {"document_id": n1["version"]["document_id"], "number": 1}},
            "date": "2025-05-01",
            "description": "Claim form",
        },
    ]
    later = service.client.post(
        f"{V1}/cases/{ref}/bundles", params={"late": "true"}, json=_spec(ref, late_items), headers=officer
    )
    assert later.status_code == 201, later.text
    assert later.json()[0]["version"]["number"] == 2
    second = PdfReader(
        io.BytesIO(service.client.get(later.json()[0]["version"]["download_url"], headers=officer).content)
    )
    assert len(second.pages) > len(first.pages)
    # the pages already in the bundle keep their place and text
    for n in range(1, len(first.pages)):
        assert second.pages[n].extract_text() == first.pages[n].extract_text()


def test_a_bundle_cannot_read_files_or_other_cases_documents(service: Service) -> None:
    officer = service.as_("officer")
    ref, other = unique_ref("BNX"), unique_ref("BNY")
    for r in (ref, other):
        service.client.post(f"{V1}/cases", json=demo_case("kingston-sundry-individual", r), headers=officer)
    theirs = service.client.post(
        f"{V1}/cases/{other}/documents",
        json={"doc_type": "letter_before_claim", "as_of": AS_OF},
        headers=officer,
    ).json()
    items = [
        {"source": {"file": "/etc/passwd"}, "date": "2025-01-01", "description": "x"},
        {
            "source": {"version": {"document_id": theirs["version"]["document_id"], "number": 1}},
            "date": "2025-01-02",
            "description": "y",
        },
    ]
    answer = service.client.post(f"{V1}/cases/{ref}/bundles", json=_spec(ref, items), headers=officer)
    assert answer.status_code == 422
    assert [p["path"] for p in answer.json()["problems"]] == [
        "sections[0].items[0].source",
        "sections[0].items[1].source",
    ]
    partner = service.client.post(
        f"{V1}/cases/{ref}/bundles", json=_spec(ref, items), headers=service.as_("legal_partner")
    )
    assert partner.status_code == 404


def test_a_bundle_queued_as_a_job_is_built_by_the_worker(service: Service) -> None:
    officer = service.as_("officer")
    ref = unique_ref("BNJ")
    service.client.post(f"{V1}/cases", json=demo_case("kingston-sundry-individual", ref), headers=officer)
    evidence = sample_pdf("rent account", pages=2)
    upload = service.client.post(
        f"{V1}/cases/{ref}/uploads",
        params={"filename": "rent-account.pdf"},
        content=evidence,
        headers={**officer, "Content-Type": "application/pdf"},
    ).json()
    items = [{"source": {"upload": upload["sha256"]}, "date": "2025-04-01", "description": "Rent account"}]
    queued = service.client.post(
        f"{V1}/cases/{ref}/bundles", json=_spec(ref, items), headers={**officer, "Prefer": "respond-async"}
    )
    assert queued.status_code == 202, queued.text
    done = service.wait_job(queued.json()["id"])
    assert done["status"] == "succeeded", done
    [volume] = done["result"]["items"]
    pdf = service.client.get(f"{V1}/documents/{volume['document_id']}/versions/1/download", headers=officer)
    assert pdf.status_code == 200 and len(PdfReader(io.BytesIO(pdf.content)).pages) >= 3


def test_an_upload_withdrawn_with_its_reason_is_kept_and_refused_for_a_new_bundle(service: Service) -> None:
    officer = service.as_("officer")
    ref = unique_ref("WDR")
    service.client.post(f"{V1}/cases", json=demo_case("kingston-sundry-individual", ref), headers=officer)
    upload = service.client.post(
        f"{V1}/cases/{ref}/uploads",
        params={"filename": "wrong-statement.pdf"},
        content=sample_pdf("another debtor's statement"),
        headers={**officer, "Content-Type": "application/pdf"},
    ).json()
    assert upload["withdrawn_at"] is None
    url = f"{V1}/cases/{ref}/uploads/{upload['id']}/withdraw"
    blank = service.client.post(url, json={"reason": " "}, headers=officer)
    assert blank.status_code == 422 and blank.json()["problems"][0]["path"] == "reason"
    assert service.client.post(url, json={"reason": "x"}, headers=service.as_("manager")).status_code == 403
    done = service.client.post(url, json={"reason": "Sent in error"}, headers=officer)
    assert done.status_code == 200, done.text
    assert (
        done.json()["withdrawn_by"] == "olivia.officer" and done.json()["withdrawn_reason"] == "Sent in error"
    )
    assert service.client.post(url, json={"reason": "again"}, headers=officer).status_code == 409
    # kept and listed as withdrawn; a new bundle naming it is refused
    [listed] = service.client.get(f"{V1}/cases/{ref}/uploads", headers=officer).json()
    assert listed["withdrawn_at"] and listed["sha256"] == upload["sha256"]
    items = [{"source": {"upload": upload["sha256"]}, "date": "2025-04-01", "description": "Statement"}]
    refused = service.client.post(f"{V1}/cases/{ref}/bundles", json=_spec(ref, items), headers=officer)
    assert refused.status_code == 422 and refused.json()["problems"][0]["code"] == "withdrawn"
