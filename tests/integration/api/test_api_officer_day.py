"""The officer's day through the API: events recorded on a case, its next steps, the worklist and its
batch, sharing with registered organisations."""

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


def test_the_worklist_filters_pages_and_makes_next_steps_as_one_job(service: Service) -> None:
    officer = service.as_("officer")
    ref = _new_case(service)
    listed = service.client.get(f"{V1}/worklist?per_page=200", headers=officer).json()
    row = next(r for r in listed["rows"] if r["case_ref"] == ref)
    # the demo case with its payments taken out: £2,177.50 of invoices
    assert row["balance"] == "2177.50" and row["step"] == "letter_before_claim"
    assert row["step_status"] == "possible" and row["due_on"] == listed["as_of"]
    few = service.client.get(f"{V1}/worklist?balance_min=2177.50&balance_max=2177.50", headers=officer).json()
    assert ref in [r["case_ref"] for r in few["rows"]]
    assert all(r["balance"] == "2177.50" for r in few["rows"])
    paged = service.client.get(f"{V1}/worklist?per_page=1&page=1&sort=case", headers=officer).json()
    assert len(paged["rows"]) == 1 and paged["pages"] == paged["total"]
    # each filter keeps only its rows; sorting by balance, largest first
    for name, value in (("debt_type", row["debt_type"]), ("officer", row["officer"]), ("step", row["step"])):
        kept = service.client.get(f"{V1}/worklist", params={name: value, "per_page": 200}, headers=officer)
        assert kept.status_code == 200, kept.text
        assert ref in [r["case_ref"] for r in kept.json()["rows"]]
        assert all(r[name] == value for r in kept.json()["rows"]), name
    # due today: in today's and this week's lists, not yet overdue
    for due, listed_there in (("today", True), ("week", True), ("overdue", False)):
        rows = service.client.get(f"{V1}/worklist?due={due}&per_page=200", headers=officer).json()["rows"]
        assert (ref in [r["case_ref"] for r in rows]) is listed_there, due
    other = service.client.get(f"{V1}/worklist?debt_type=no_such_type", headers=officer).json()
    assert other["total"] == 0 and other["rows"] == []
    ranked = service.client.get(f"{V1}/worklist?sort=balance&order=desc&per_page=200", headers=officer)
    amounts = [float(r["balance"]) for r in ranked.json()["rows"]]
    assert amounts == sorted(amounts, reverse=True)
    bad = service.client.get(f"{V1}/worklist?balance_min=lots", headers=officer)
    assert bad.status_code == 422 and bad.json()["problems"][0]["path"] == "balance_min"

    job = service.client.post(f"{V1}/worklist/next-steps", json={"case_refs": [ref]}, headers=officer)
    assert job.status_code == 202, job.text
    done = service.wait_job(job.json()["id"])
    assert done["status"] == "succeeded" and done["result"]["items"][0]["stored"] is True
    # the partner sees no worklist rows for cases not shared with them
    partner = service.client.get(f"{V1}/worklist", headers=service.as_("legal_partner")).json()
    assert ref not in [r["case_ref"] for r in partner["rows"]]


def test_sharing_needs_a_registered_organisation_and_ends_on_its_last_day(service: Service) -> None:
    from datetime import date, timedelta

    from docgen.register import open_register, unit_of_work
    from docgen.register.models import Share

    officer, partner = service.as_("officer"), service.as_("legal_partner")
    ref = _new_case(service)
    unknown = service.client.post(
        f"{V1}/cases/{ref}/shares", json={"organisation": "Nobody & Co"}, headers=officer
    )
    assert unknown.status_code == 422 and unknown.json()["problems"][0]["code"] == "unknown_organisation"
    past = (date.today() - timedelta(days=1)).isoformat()
    late = service.client.post(
        f"{V1}/cases/{ref}/shares",
        json={"organisation": "Harbour Legal LLP", "expires_on": past},
        headers=officer,
    )
    assert late.status_code == 422 and late.json()["problems"][0]["path"] == "expires_on"
    today = date.today().isoformat()
    made = service.client.post(
        f"{V1}/cases/{ref}/shares",
        json={"organisation": "Harbour Legal LLP", "expires_on": today},
        headers=officer,
    )
    assert made.status_code == 201 and made.json()["expires_on"] == today
    # no mail server in this suite: the share stands and the answer says why nobody was told
    assert made.json()["emailed_to"] is None and made.json()["email_problem"]
    assert service.client.get(f"{V1}/cases/{ref}", headers=partner).status_code == 200
    # the day after its last day the case is hidden again
    with unit_of_work(open_register(service.settings)) as session:
        share = session.get(Share, made.json()["id"])
        assert share is not None
        share.expires_on = date.today() - timedelta(days=1)
    assert service.client.get(f"{V1}/cases/{ref}", headers=partner).status_code == 404
    orgs = service.client.get(f"{V1}/organisations", headers=officer).json()
    assert "Harbour Legal LLP" in [o["name"] for o in orgs]
    assert (
        service.client.post(
            f"{V1}/organisations", json={"name": "X", "contact_email": "x@example.org"}, headers=officer
        ).status_code
        == 403
    )
