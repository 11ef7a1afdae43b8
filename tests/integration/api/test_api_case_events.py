"""Recording what happened on a case through the API, and the next steps that follow from it."""

from __future__ import annotations

import pytest

from tests.fixtures.api import Service, demo_case, unique_ref

pytestmark = [pytest.mark.redis]
V1 = "/api/v1"


def _new_case(service: Service) -> str:
    ref = unique_ref("EVT")
    body = demo_case("kingston-sundry-individual", ref)
    body["recovery_history"] = []
    body["payments"] = []
    made = service.client.post(f"{V1}/cases", json=body, headers=service.as_("officer"))
    assert made.status_code == 201, made.text
    return ref


def test_events_make_snapshots_with_an_audit_entry_and_move_the_next_steps(service: Service) -> None:
    ref = _new_case(service)
    officer = service.as_("officer")
    before = service.client.get(f"{V1}/cases/{ref}", headers=officer).json()
    steps = service.client.get(f"{V1}/cases/{ref}/next-steps?as_of=2026-01-05", headers=officer).json()
    assert steps["next_step"]["doc_type"] == "letter_before_claim"

    sent = service.client.post(
        f"{V1}/cases/{ref}/events",
        json={"kind": "letter_sent", "date": "2026-01-05", "letter": "letter_before_claim"},
        headers=officer,
    )
    assert sent.status_code == 201, sent.text
    assert sent.json()["summary"] == "Letter before claim sent on 5 January 2026"
    assert sent.json()["case"]["sha256"] != before["sha256"]

    # 5 January + 30 days is the debtor's last day to reply (4 February); the claim opens on 5 February
    steps = service.client.get(f"{V1}/cases/{ref}/next-steps?as_of=2026-01-20", headers=officer).json()
    waiting = {s["doc_type"]: s for s in steps["waiting"]}
    assert waiting["n1"]["opens_on"] == "2026-02-05"
    assert waiting["n1"]["periods"][0]["code"] == "pap_period_running"
    assert steps["done"][0]["doc_type"] == "letter_before_claim"

    paid = service.client.post(
        f"{V1}/cases/{ref}/events",
        json={"kind": "payment", "date": "2026-01-15", "amount": "100.00", "method": "card"},
        headers=officer,
    )
    assert paid.status_code == 201

    history = service.client.get(f"{V1}/cases/{ref}/history", headers=officer).json()
    assert [h["action"] for h in history] == ["case_create", "case_event", "case_event"]
    assert history[2]["actor"] == "olivia.officer" and history[2]["event"] == "payment"
    assert history[2]["changes"][0]["after"] == {"date": "2026-01-15", "amount": "100.00", "method": "card"}
    # every content is kept: the first snapshot is still what the case was created with
    assert history[0]["sha256"] == before["sha256"]


def test_bad_events_and_who_may_record_them(service: Service) -> None:
    ref = _new_case(service)
    bad = service.client.post(
        f"{V1}/cases/{ref}/events",
        json={"kind": "payment", "date": "2026-13-01", "amount": "1.234"},
        headers=service.as_("officer"),
    )
    assert bad.status_code == 422
    paths = {p["path"] for p in bad.json()["problems"]}
    assert {"date", "amount"} <= paths
    negative = service.client.post(
        f"{V1}/cases/{ref}/events",
        json={"kind": "payment", "date": "2026-01-01", "amount": "-5.00"},
        headers=service.as_("officer"),
    )
    assert negative.status_code == 422 and negative.json()["problems"][0]["path"].startswith("payments[")
    manager = service.client.post(
        f"{V1}/cases/{ref}/events",
        json={"kind": "death", "date": "2026-01-01"},
        headers=service.as_("manager"),
    )
    assert manager.status_code == 403
    partner = service.client.get(f"{V1}/cases/{ref}/next-steps", headers=service.as_("legal_partner"))
    assert partner.status_code == 404
