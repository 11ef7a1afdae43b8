"""A recommended write-off stored in the register, then decided through the approvals service by
managers with and without the delegation to cover it (the CLI's `docgen approve` path)."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from pypdf import PdfReader

from docgen.config import Settings
from docgen.errors import Conflict, Forbidden
from docgen.register import open_register, unit_of_work
from docgen.register.models import Role, User
from docgen.register.repositories import audit
from docgen.register.versions import find_version
from docgen.services import approvals
from docgen.services.auth import Principal, principal_of
from docgen.services.backend import Backend
from docgen.services.generation import generate_case
from docgen.storage import make_store
from tests.unit.documents.test_writeoff import make_case

pytestmark = [pytest.mark.libreoffice]

AS_OF = date(2025, 6, 30)


def test_only_a_manager_whose_limit_covers_the_amount_can_decide(settings: Settings) -> None:
    store = make_store(settings)
    factory = open_register(settings)
    # £6,210.00: above a £5,000 personal delegation, within £10,000 (district policy's s151 limit)
    case = make_case(
        "APP-01",
        [("2024-01-10", "2650.00", "530.00"), ("2024-04-04", "2650.00", "530.00")],
        adjustments=[{"date": "2024-04-20", "amount": "-150.00", "reason": "credit"}],
    )
    result = generate_case(
        Backend(settings, factory, store),
        case,
        "write_off_report",
        AS_OF,
        Principal("officer1", Role.officer),
        {"reason": "uneconomic", "evidence": "untraceable", "policy": "district_example"},
    )
    document_id, number = result.version.document_id, result.version.number
    assert "docx" in result.version.attachments  # the editable DOCX is stored beside the PDF
    report = " ".join(
        " ".join(
            p.extract_text()
            for p in PdfReader(
                io.BytesIO(store.get(result.version.storage_key, result.version.storage_version_id))
            ).pages
        ).split()
    )
    assert "is for the Chief Finance Officer (s151 officer) (limit £10,000.00)" in report
    with unit_of_work(factory) as session:
        users = {
            u.name: u
            for u in (
                User(name="tl", role="manager", approval_limit="5000.00"),
                User(name="cfo", role="manager", approval_limit="10000.00"),
                User(name="clerk", role="officer", approval_limit=None),
            )
        }
        session.add_all(users.values())

    for name in ("tl", "clerk"):
        with unit_of_work(factory) as session, pytest.raises(Forbidden):
            approvals.decide(session, principal_of(users[name]), document_id, number, "approved", "")

    with unit_of_work(factory) as session:
        approvals.decide(
            session, principal_of(users["cfo"]), document_id, number, "approved", "evidence seen"
        )

    with unit_of_work(factory) as session:
        rows = approvals.list_for(session, document_id, number)
        assert [(a.status, a.actor, a.note) for a in rows] == [("approved", "cfo", "evidence seen")]
        assert rows[0].at is not None
        events = audit.events(session, action="approval")
        assert events and events[-1].actor == "cfo" and events[-1].detail["amount"] == "6210.00"
        # the authority the decision records is the one the report names
        assert events[-1].detail["authority"] == "Chief Finance Officer (s151 officer)"
        assert events[-1].detail["policy"] == "district_example" and events[-1].detail["limit"] == "10000.00"
        version = find_version(session, document_id, number)
        seen = approvals.review(session, principal_of(users["tl"]), version, settings)
        assert not seen.verdict.allowed
        assert "needs the delegation to the Chief Finance Officer (s151 officer)" in seen.verdict.reason
        assert "above the user's personal limit of £5,000.00" in seen.verdict.reason


def test_an_approval_reads_the_amount_the_report_printed(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a write-off report stored with the balance it printed (£540.00)
    backend = Backend(settings, open_register(settings), make_store(settings))
    case = make_case("APP-02", [("2024-01-10", "450.00", "90.00")])
    made = generate_case(
        backend,
        case,
        "write_off_report",
        AS_OF,
        Principal("officer1", Role.officer),
        {"reason": "uneconomic", "evidence": "untraceable"},
    )
    assert made.version.figures["balance"] == "540.00"
    assert made.pdf is not None and "£540.00" in PdfReader(io.BytesIO(made.pdf)).pages[0].extract_text()
    # WHEN the code that works balances out would now say something else
    from docgen.services import approvals as approvals_module

    def changed(*_args: object) -> object:
        raise AssertionError("the approval worked the balance out again")

    monkeypatch.setattr(approvals_module, "case_facts", changed)
    # THEN the approval is decided, and audited, on the printed amount
    with unit_of_work(backend.sessions) as session:
        manager = Principal("tl", Role.manager, approval_limit=Decimal("1000.00"))
        approvals.decide(session, manager, made.version.document_id, made.version.number, "approved", "")
        [event] = audit.events(session, subject=f"document:{made.version.document_id}/v1", action="approval")
        assert event.detail["amount"] == "540.00"


def test_the_decision_is_recorded_on_the_stored_report(settings: Settings) -> None:
    """After the decision the register holds a new version of the report: its pages as they were,
    then a page naming the decision, the approver, the authority and its limit, and the date."""
    backend = Backend(settings, open_register(settings), make_store(settings))
    # £540.00 (£450 + £90 VAT): the Income Team Leader's delegation under the district policy (to £5,000)
    case = make_case("APP-03", [("2024-01-10", "450.00", "90.00")])
    made = generate_case(
        backend,
        case,
        "write_off_report",
        AS_OF,
        Principal("officer1", Role.officer),
        {"reason": "uneconomic", "evidence": "two searches, nothing found"},
    )
    assert made.version.figures["authority"] == "Income Team Leader"
    before = PdfReader(io.BytesIO(made.pdf or b""))
    manager = Principal("mina", Role.manager, approval_limit=Decimal("2000.00"))
    decided = approvals.record_decision(
        backend, manager, made.version.document_id, made.version.number, "approved", "tracing exhausted"
    )
    assert decided.approval.status == "approved" and decided.version.number == made.version.number + 1
    assert (
        decided.version.figures["decision"] == "approved" and decided.version.figures["decided_by"] == "mina"
    )
    # made by the one input-hash recipe, naming the stored report it was decided on by its sha256
    assert decided.version.inputs["report"] == {
        "document_id": made.version.document_id,
        "version": made.version.number,
        "sha256": made.version.sha256,
    }
    assert decided.version.input_hash != made.version.input_hash
    pdf = backend.store.get(decided.version.storage_key, decided.version.storage_version_id)
    after = PdfReader(io.BytesIO(pdf))
    assert len(after.pages) == len(before.pages) + 1
    assert [p.extract_text() for p in after.pages[:-1]] == [p.extract_text() for p in before.pages]
    last = " ".join((after.pages[-1].extract_text() or "").split())
    today = date.today()
    for expected in (
        "Write-off decision",
        "Approved: the debt is written off",
        "£540.00",
        "Decided by mina",
        "The delegation to the Income Team Leader (up to £5,000.00) in the Example District Council",
        "Decider's own limit £2,000.00",
        f"Date of the decision {today.day} {today:%B %Y}",
        "tracing exhausted",
    ):
        assert expected in last, expected
    text = " ".join(p.extract_text() or "" for p in after.pages)
    assert "delete one" not in text and "approved / rejected" not in text
    # the version that records the decision is not decided again, nor is the one it was made on
    with pytest.raises(Conflict):
        approvals.record_decision(
            backend, manager, decided.version.document_id, decided.version.number, "rejected", ""
        )
    with pytest.raises(Conflict):
        approvals.record_decision(
            backend, manager, made.version.document_id, made.version.number, "rejected", ""
        )
    with unit_of_work(backend.sessions) as session:
        latest = find_version(session, made.version.document_id)
        assert [a.actor for a in approvals.decisions_for(session, latest)] == ["mina"]
