"""The role x route authorisation matrix.

A legal partner sees only the cases shared with their organisation; every other case is "not
found" on every route, downloads by document id included, so a partner cannot tell a hidden case
from one that does not exist. Managers read everything and change nothing but approvals."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from tests.fixtures.api import PARTNER_ORG, Service, demo_case, unique_ref
from tests.fixtures.pdfs import make_pdf

pytestmark = [pytest.mark.redis]
V1 = "/api/v1"
AS_OF = "2025-06-02"
OK = {200, 201, 202}


@dataclass(frozen=True)
class World:
    shared: str
    hidden: str
    documents: dict[str, str]  # case_ref -> document id of its letter before claim


@pytest.fixture(scope="module")
def world(service: Service) -> World:
    officer = service.as_("officer")
    shared, hidden = unique_ref("SHR"), unique_ref("HID")
    documents = {}
    for ref in (shared, hidden):
        assert (
            service.client.post(
                f"{V1}/cases", json=demo_case("kingston-sundry-individual", ref), headers=officer
            ).status_code
            == 201
        )
        made = service.client.post(
            f"{V1}/cases/{ref}/documents",
            json={"doc_type": "letter_before_claim", "as_of": AS_OF},
            headers=officer,
        )
        documents[ref] = made.json()["version"]["document_id"]
    assert (
        service.client.post(
            f"{V1}/cases/{shared}/shares", json={"organisation": PARTNER_ORG}, headers=officer
        ).status_code
        == 201
    )
    return World(shared, hidden, documents)


@dataclass(frozen=True)
class Route:
    name: str
    method: str
    path: str  # {ref} and {doc} are filled in
    writes: bool
    body: Any = None
    content: bytes | None = None


ROUTES = [
    Route("get case", "GET", "/cases/{ref}", False),
    Route("facts", "GET", "/cases/{ref}/facts?as_of=" + AS_OF, False),
    Route(
        "eligibility", "GET", "/cases/{ref}/eligibility?doc_type=letter_before_claim&as_of=" + AS_OF, False
    ),
    Route("list documents", "GET", "/cases/{ref}/documents", False),
    Route("list uploads", "GET", "/cases/{ref}/uploads", False),
    Route("document", "GET", "/documents/{doc}", False),
    Route("version", "GET", "/documents/{doc}/versions/1", False),
    Route("download version", "GET", "/documents/{doc}/versions/1/download", False),
    Route("download latest", "GET", "/documents/{doc}/download", False),
    Route("approvals", "GET", "/documents/{doc}/versions/1/approvals", False),
    Route("replace case", "PUT", "/cases/{ref}", True, body="case"),
    Route(
        "generate",
        "POST",
        "/cases/{ref}/documents",
        True,
        body={"doc_type": "letter_before_claim", "as_of": AS_OF},
    ),
    Route("upload", "POST", "/cases/{ref}/uploads?filename=evidence.pdf", True, content=make_pdf(1)),
    Route("share", "POST", "/cases/{ref}/shares", True, body={"organisation": "Matrix Chambers"}),
    Route("list shares", "GET", "/cases/{ref}/shares", True),
    Route("issue", "POST", "/documents/{doc}/versions/1/issue", True),
]

#: role -> what it gets on (a case it may read, a route that writes)
ROLES = ["officer", "admin", "manager", "legal_partner", "other_partner"]


def _expected(role: str, route: Route, visible: bool) -> set[int]:
    if not visible:
        return {404}
    if not route.writes or role in {"officer", "admin"}:
        return OK
    return {403}


def _call(service: Service, role: str, route: Route, ref: str, doc: str) -> int:
    path = V1 + route.path.format(ref=ref, doc=doc)
    body = demo_case("kingston-sundry-individual", ref) if route.body == "case" else route.body
    answer = service.client.request(
        route.method, path, json=body, content=route.content, headers=service.as_(role)
    )
    return answer.status_code


@pytest.mark.parametrize("route", ROUTES, ids=[r.name for r in ROUTES])
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("which", ["shared", "hidden"])
def test_role_by_route(service: Service, world: World, role: str, route: Route, which: str) -> None:
    ref = world.shared if which == "shared" else world.hidden
    # the second partner's organisation has nothing shared with it
    visible = role not in {"legal_partner", "other_partner"} or (
        role == "legal_partner" and which == "shared"
    )
    status = _call(service, role, route, ref, world.documents[ref])
    assert status in _expected(role, route, visible), (
        f"{role} {route.method} {route.path} on {which}: {status}"
    )


def test_a_hidden_case_looks_exactly_like_a_missing_one(service: Service, world: World) -> None:
    partner = service.as_("legal_partner")
    hidden = service.client.get(f"{V1}/documents/{world.documents[world.hidden]}/download", headers=partner)
    missing = service.client.get(f"{V1}/documents/00000000000000000000/download", headers=partner)
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json()["code"] == missing.json()["code"] == "document_not_found"
    assert world.hidden not in hidden.text


def test_a_partner_lists_only_shared_cases_and_loses_them_on_revoke(service: Service) -> None:
    officer, partner = service.as_("officer"), service.as_("legal_partner")
    ref = unique_ref("REV")
    service.client.post(f"{V1}/cases", json=demo_case("kingston-sundry-individual", ref), headers=officer)
    assert ref not in {c["case_ref"] for c in service.client.get(f"{V1}/cases", headers=partner).json()}
    share = service.client.post(
        f"{V1}/cases/{ref}/shares", json={"organisation": PARTNER_ORG}, headers=officer
    )
    assert share.status_code == 201
    listed = service.client.get(f"{V1}/cases", params={"limit": 500}, headers=partner).json()
    assert ref in {c["case_ref"] for c in listed}
    assert all(
        service.client.get(f"{V1}/cases/{c['case_ref']}", headers=partner).status_code == 200 for c in listed
    )
    revoked = service.client.delete(f"{V1}/cases/{ref}/shares/{share.json()['id']}", headers=officer)
    assert revoked.status_code == 200 and revoked.json()["revoked_at"]
    assert service.client.get(f"{V1}/cases/{ref}", headers=partner).status_code == 404


def test_jobs_are_for_writers_and_hidden_from_partners(service: Service, world: World) -> None:
    body = {"items": [{"case_ref": world.shared, "doc_type": "letter_before_claim"}], "as_of": AS_OF}
    assert (
        service.client.post(f"{V1}/jobs", json=body, headers=service.as_("legal_partner")).status_code == 403
    )
    assert service.client.post(f"{V1}/jobs", json=body, headers=service.as_("manager")).status_code == 403
    made = service.client.post(f"{V1}/jobs", json=body, headers=service.as_("officer"))
    assert made.status_code == 202
    job = f"{V1}/jobs/{made.json()['id']}"
    assert service.client.get(job, headers=service.as_("manager")).status_code == 200
    assert service.client.get(job, headers=service.as_("legal_partner")).status_code == 404
    service.wait_job(made.json()["id"])


def test_only_an_admin_manages_users(service: Service) -> None:
    body = {"name": unique_ref("u"), "role": "legal_partner", "organisation": "New LLP"}
    for role in ("officer", "manager", "legal_partner"):
        assert service.client.post(f"{V1}/users", json=body, headers=service.as_(role)).status_code == 403
    made = service.client.post(f"{V1}/users", json=body, headers=service.as_("admin"))
    assert made.status_code == 201
    key = made.json()["api_key"]
    me = service.client.get(f"{V1}/me", headers={"Authorization": f"Bearer {key}"}).json()
    assert me == {
        "name": body["name"],
        "role": "legal_partner",
        "organisation": "New LLP",
        "approval_limit": None,
    }
