"""Write-off approvals within a manager's limit, and debt-panel packs, through the API
(real LibreOffice renders the DOCX-based papers)."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from docgen.register import open_register, unit_of_work
from docgen.register.repositories import audit
from tests.fixtures.api import PARTNER_ORG, Service, demo_case, unique_ref

pytestmark = [pytest.mark.redis, pytest.mark.libreoffice]
V1 = "/api/v1"
AS_OF = "2025-06-02"
WRITE_OFF = {
    "doc_type": "write_off_report",
    "as_of": AS_OF,
    "options": {"reason": "uneconomic", "evidence": "tracing found no assets"},
}


@pytest.fixture(autouse=True)
def _need_office() -> None:
    from tests.fixtures.libreoffice import _need_libreoffice

    _need_libreoffice()


def test_a_manager_approves_within_their_limit_and_not_above_it(service: Service) -> None:
    officer = service.as_("officer")
    # £2,027.50 outstanding on the Kingston case: within the fixture manager's £5,000
    ref = unique_ref("WO")
    service.client.post(f"{V1}/cases", json=demo_case("kingston-sundry-individual", ref), headers=officer)
    made = service.client.post(f"{V1}/cases/{ref}/documents", json=WRITE_OFF, headers=officer)
    assert made.status_code == 201, made.text
    doc = made.json()["version"]["document_id"]
    decide = f"{V1}/documents/{doc}/versions/1/approval"

    assert service.client.post(decide, json={"decision": "approved"}, headers=officer).status_code == 403
    low = service.client.post(
        f"{V1}/users",
        headers=service.as_("admin"),
        json={"name": unique_ref("low"), "role": "manager", "approval_limit": "1000.00"},
    )
    refused = service.client.post(
        decide, json={"decision": "approved"}, headers={"Authorization": f"Bearer {low.json()['api_key']}"}
    )
    assert refused.status_code == 403 and refused.json()["code"] == "over_limit"
    assert "£2,027.50" in refused.json()["message"]

    waiting = service.client.get(f"{V1}/approvals", headers=service.as_("manager")).json()["to_decide"]
    [item] = [i for i in waiting if i["document_id"] == doc]
    assert item["case_ref"] == ref and item["amount"] == "2027.50" and item["decisions"] == []
    approved = service.client.post(
        decide, json={"decision": "approved", "note": "evidence seen"}, headers=service.as_("manager")
    )
    assert approved.status_code == 201, approved.text
    assert approved.json()["actor"] == "mina.manager" and approved.json()["status"] == "approved"
    twice = service.client.post(decide, json={"decision": "rejected"}, headers=service.as_("manager"))
    assert twice.status_code == 409 and twice.json()["code"] == "already_decided"
    listed = service.client.get(f"{V1}/documents/{doc}/versions/1/approvals", headers=officer).json()
    assert [(a["status"], a["note"]) for a in listed] == [("approved", "evidence seen")]
    with unit_of_work(open_register(service.settings)) as session:
        [event] = audit.events(session, subject=f"document:{doc}/v1", action="approval")
    assert event.actor == "mina.manager" and event.detail["amount"] == "2027.50"
    # the queue: theirs to decide before, on the decided list after; the low-limit manager sees neither
    queue = service.client.get(f"{V1}/approvals", headers=service.as_("manager")).json()
    assert doc not in [i["document_id"] for i in queue["to_decide"]]
    [mine] = [i for i in queue["decided"] if i["document_id"] == doc]
    assert (
        mine["case_ref"] == ref
        and mine["amount"] == "2027.50"
        and mine["decisions"][0]["status"] == "approved"
    )
    low_queue = service.client.get(
        f"{V1}/approvals", headers={"Authorization": f"Bearer {low.json()['api_key']}"}
    ).json()
    assert doc not in [i["document_id"] for i in low_queue["to_decide"]]
    assert service.client.get(f"{V1}/approvals", headers=officer).status_code == 403


def test_a_panel_pack_is_stored_once_and_downloadable(service: Service) -> None:
    officer = service.as_("officer")
    refs = [unique_ref("PAN"), unique_ref("PAN")]
    for ref, name in zip(
        refs, ["kingston-sundry-individual", "southwark-company-commercial-rent"], strict=True
    ):
        service.client.post(f"{V1}/cases", json=demo_case(name, ref), headers=officer)
    body = {"case_refs": refs, "meeting": "2031-06-10", "as_of": AS_OF}
    made = service.client.post(f"{V1}/panel-packs", json=body, headers=officer)
    assert made.status_code == 201, made.text
    again = service.client.post(f"{V1}/panel-packs", json=body, headers=officer)
    assert again.status_code == 200 and again.json()["version"]["number"] == 1

    version = made.json()["version"]
    pdf = service.client.get(version["download_url"], headers=service.as_("manager"))
    assert pdf.status_code == 200
    reader = PdfReader(io.BytesIO(pdf.content))
    titles = [str(item.title) for item in reader.outline if not isinstance(item, list)]
    assert titles[0] == "Cover, agenda and index" and any(refs[1] in t for t in titles)
    hidden = service.client.get(version["download_url"], headers=service.as_("legal_partner"))
    assert hidden.status_code == 404
    missing = service.client.post(
        f"{V1}/panel-packs", json={**body, "case_refs": ["NO/SUCH"]}, headers=officer
    )
    assert missing.status_code == 422 and missing.json()["problems"][0]["path"] == "case_refs[0]"


def test_a_case_named_like_a_meeting_does_not_reach_the_meeting_s_panel_pack(service: Service) -> None:
    # GIVEN an officer's case whose reference is "PANEL/<meeting date>", shared with a legal partner
    officer, partner = service.as_("officer"), service.as_("legal_partner")
    meeting = "2032-03-04"
    lookalike = f"PANEL/{meeting}"
    made = service.client.post(
        f"{V1}/cases", json=demo_case("kingston-sundry-individual", lookalike), headers=officer
    )
    assert made.status_code == 201, made.text
    shared = service.client.post(
        f"{V1}/cases/{lookalike}/shares", json={"organisation": PARTNER_ORG}, headers=officer
    )
    assert shared.status_code == 201, shared.text
    # AND a pack for that meeting of cases the partner may not see
    unshared = unique_ref("PAN")
    service.client.post(
        f"{V1}/cases", json=demo_case("southwark-company-commercial-rent", unshared), headers=officer
    )
    pack = service.client.post(
        f"{V1}/panel-packs",
        json={"case_refs": [unshared], "meeting": meeting, "as_of": AS_OF},
        headers=officer,
    )
    assert pack.status_code == 201, pack.text
    version = pack.json()["version"]
    # WHEN the partner looks through the shared case
    listed = service.client.get(f"{V1}/cases/{lookalike}/documents", headers=partner)
    # THEN the pack is not among its documents, and cannot be fetched by its id
    assert listed.status_code == 200 and version["document_id"] not in {d["id"] for d in listed.json()}
    assert service.client.get(version["download_url"], headers=partner).status_code == 404
    assert service.client.get(f"{V1}/documents/{version['document_id']}", headers=partner).status_code == 404
    # while the officer's and the manager's access is unchanged
    assert service.client.get(version["download_url"], headers=service.as_("manager")).status_code == 200


@pytest.mark.libreoffice
def test_a_write_off_schedule_is_made_for_a_list_of_cases_and_kept_once(service: Service) -> None:
    officer = service.as_("officer")
    refs = [unique_ref("WOB"), unique_ref("WOB")]
    for ref in refs:
        service.client.post(f"{V1}/cases", json=demo_case("kingston-sundry-individual", ref), headers=officer)
    body = {"items": [{"case_ref": r, "reason": "uneconomic"} for r in refs], "as_of": AS_OF}
    made = service.client.post(f"{V1}/write-off-batches", json=body, headers=officer)
    assert made.status_code == 201, made.text
    again = service.client.post(
        f"{V1}/write-off-batches", json={**body, "items": list(reversed(body["items"]))}, headers=officer
    )
    first, same = made.json()["version"], again.json()["version"]
    assert again.status_code == 200 and (same["document_id"], same["number"]) == (first["document_id"], 1)
    pdf = service.client.get(made.json()["version"]["download_url"], headers=service.as_("manager"))
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert all(r in text for r in refs) and "2 accounts totalling £4,055.00" in " ".join(text.split())
    hidden = service.client.get(made.json()["version"]["download_url"], headers=service.as_("legal_partner"))
    assert hidden.status_code == 404
