"""Cases, document types, facts, eligibility, synchronous generation and streamed download."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from docgen.demo import DEMO_AS_OF
from docgen.register import open_register, unit_of_work
from docgen.register.repositories import audit
from tests.fixtures.api import Service, demo_case, unique_ref

pytestmark = [pytest.mark.redis]
V1 = "/api/v1"


def test_health_and_readiness(service: Service) -> None:
    assert service.client.get("/healthz").json() == {"status": "ok"}
    ready = service.client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["checks"] == {"database": "ok", "storage": "ok"}


def test_openapi_describes_the_v1_routes(service: Service) -> None:
    paths = service.client.get("/openapi.json").json()["paths"]
    for path in (
        "/api/v1/cases",
        "/api/v1/jobs",
        "/api/v1/documents/{document_id}/versions/{number}/download",
        "/api/v1/cases/{case_ref}/shares",
        "/api/v1/panel-packs",
        "/api/v1/cases/{case_ref}/bundles",
    ):
        assert path in paths, sorted(paths)
    assert service.client.get("/docs").status_code == 200


def test_no_key_or_a_wrong_key_is_401(service: Service) -> None:
    assert service.client.get(f"{V1}/cases").status_code == 401
    wrong = service.client.get(f"{V1}/cases", headers={"Authorization": "Bearer dg_nope"})
    assert wrong.status_code == 401 and wrong.json()["code"] == "unauthenticated"
    by_header = service.client.get(f"{V1}/me", headers={"X-API-Key": service.keys["manager"]})
    assert by_header.json()["role"] == "manager"


def test_create_get_replace_list_a_case(service: Service) -> None:
    ref = unique_ref("CRUD")
    body = demo_case("kingston-sundry-individual", ref)
    made = service.client.post(f"{V1}/cases", json=body, headers=service.as_("officer"))
    assert made.status_code == 201, made.text
    assert made.json()["case_ref"] == ref and made.headers["location"] == f"{V1}/cases/{ref}"
    again = service.client.post(f"{V1}/cases", json=body, headers=service.as_("officer"))
    assert again.status_code == 409 and again.json()["code"] == "case_exists"

    got = service.client.get(f"{V1}/cases/{ref}", headers=service.as_("officer")).json()
    assert got["debtor_name"] == "Mr Owen James Pritchard"
    body["notes"] = "changed"
    replaced = service.client.put(f"{V1}/cases/{ref}", json=body, headers=service.as_("officer")).json()
    assert replaced["case"]["notes"] == "changed" and replaced["sha256"] != got["sha256"]

    found = service.client.get(f"{V1}/cases", params={"q": ref[-6:]}, headers=service.as_("manager")).json()
    assert [c["case_ref"] for c in found] == [ref]


def test_a_bad_case_lists_every_problem_with_its_path(service: Service) -> None:
    body = demo_case("kingston-sundry-individual", unique_ref("BAD"))
    body["invoices"][0]["amount"] = "lots"
    del body["officer"]
    answer = service.client.post(f"{V1}/cases", json=body, headers=service.as_("officer"))
    assert answer.status_code == 422
    paths = {p["path"] for p in answer.json()["problems"]}
    assert "officer" in paths and any(p.startswith("invoices[0].amount") for p in paths), paths


def test_document_types_facts_and_eligibility(service: Service) -> None:
    ref = unique_ref("ELIG")
    service.client.post(
        f"{V1}/cases", json=demo_case("kingston-sundry-individual", ref), headers=service.as_("officer")
    )
    types = service.client.get(f"{V1}/document-types", headers=service.as_("officer")).json()
    assert "letter_before_claim" in {t["id"] for t in types}
    facts = service.client.get(
        f"{V1}/cases/{ref}/facts", params={"as_of": DEMO_AS_OF.isoformat()}, headers=service.as_("officer")
    )
    assert facts.status_code == 200 and facts.json()
    answer = service.client.get(
        f"{V1}/cases/{ref}/eligibility",
        params={"as_of": DEMO_AS_OF.isoformat()},
        headers=service.as_("officer"),
    ).json()
    by_type = {e["doc_type"]: e for e in answer}
    assert by_type["letter_before_claim"]["eligible"] is True
    n225 = by_type["n225"]
    assert n225["eligible"] is False and n225["problems"][0]["path"] == "recovery_history"


def test_generate_download_with_etag_and_issue(service: Service) -> None:
    ref = unique_ref("GEN")
    service.client.post(
        f"{V1}/cases", json=demo_case("kingston-sundry-individual", ref), headers=service.as_("officer")
    )
    ask = {"doc_type": "letter_before_claim", "as_of": DEMO_AS_OF.isoformat()}
    made = service.client.post(f"{V1}/cases/{ref}/documents", json=ask, headers=service.as_("officer"))
    assert made.status_code == 201, made.text
    version = made.json()["version"]
    assert made.json()["stored"] is True and version["number"] == 1
    same = service.client.post(f"{V1}/cases/{ref}/documents", json=ask, headers=service.as_("officer"))
    assert same.status_code == 200 and same.json()["stored"] is False
    assert same.json()["version"]["number"] == 1

    got = service.client.get(version["download_url"], headers=service.as_("officer"))
    assert got.status_code == 200 and got.headers["content-type"] == "application/pdf"
    assert got.headers["etag"] == f'"{version["sha256"]}"'
    assert (
        got.headers["content-disposition"].startswith('attachment; filename="')
        and "v1.pdf" in got.headers["content-disposition"]
    )
    assert int(got.headers["content-length"]) == version["size"] == len(got.content)
    text = PdfReader(io.BytesIO(got.content)).pages[0].extract_text()
    assert "Pritchard" in text
    cached = service.client.get(
        version["download_url"], headers={**service.as_("officer"), "If-None-Match": got.headers["etag"]}
    )
    assert cached.status_code == 304 and cached.content == b""

    issued = service.client.post(
        f"{V1}/documents/{version['document_id']}/versions/1/issue", headers=service.as_("officer")
    )
    assert issued.status_code == 200 and issued.json()["status"] == "issued"
    assert issued.json()["issued_by"] == "olivia.officer"
    # the event that records the letter is offered, to be posted with its date
    assert issued.json()["record_event"] == {
        "kind": "letter_sent",
        "fields": {"letter": "letter_before_claim"},
        "url": f"/api/v1/cases/{ref}/events",
    }

    with unit_of_work(open_register(service.settings)) as session:
        subject = f"document:{version['document_id']}/v1"
        events = audit.events(session, subject=subject)
    actions = [e.action for e in events]
    assert actions.count("download") == 1 and "issue" in actions
    # the repeat was answered from the register: recorded as a reuse, nothing rendered or stored
    assert sorted(e.detail["reused"] for e in events if e.action == "generate") == [False, True]


def test_ineligible_generation_is_409_with_reasons(service: Service) -> None:
    ref = unique_ref("INEL")
    service.client.post(
        f"{V1}/cases", json=demo_case("kingston-sundry-individual", ref), headers=service.as_("officer")
    )
    answer = service.client.post(
        f"{V1}/cases/{ref}/documents",
        json={"doc_type": "n225", "as_of": "2025-06-02"},
        headers=service.as_("officer"),
    )
    assert answer.status_code == 409 and answer.json()["code"] == "ineligible"
    assert answer.json()["problems"][0]["path"] == "recovery_history"
