"""The register and the store together, on every backend: versions, reuse, issue, refusal,
verification. PDFs are real (pypdf) and read back."""

from __future__ import annotations

import io
from datetime import date, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from docgen.config import PROJECT_ROOT
from docgen.domain.case import Case, load_case
from docgen.errors import Conflict
from docgen.register import open_register, unit_of_work
from docgen.register.models import AuditEvent, CaseSnapshot, Version
from docgen.register.repositories import audit, cases, documents
from docgen.register.verify import verify_store
from docgen.register.versions import (
    ChecksumMismatch,
    Made,
    delete_draft,
    fetch,
    issue,
    store_upload,
    store_version,
)
from docgen.storage import document_key
from tests.fixtures.storage import Backend, sample_pdf

DEMO = PROJECT_ROOT / "docgen" / "demo"
AS_OF = date(2025, 6, 2)


@pytest.fixture
def case() -> Case:
    return load_case(DEMO / "kingston-sundry-individual.json")


@pytest.fixture
def factory(backend: Backend) -> sessionmaker[Session]:
    return open_register(backend.settings)


def _store(backend: Backend, factory: sessionmaker[Session], case: Case, label: str, input_hash: str):
    with unit_of_work(factory) as session:
        snapshot = cases.snapshot_for(session, case.case_ref, case.canonical_json(), case.content_hash())
        made = Made(
            case_ref=case.case_ref,
            doc_type="letter_of_claim",
            title="Letter of claim",
            pdf=sample_pdf(label),
            input_hash=input_hash,
            template_hash="t" * 64,
            engine="html",
            engine_versions={"weasyprint": "test"},
            options={"tone": "firm"},
            as_of=AS_OF,
            case_snapshot_id=snapshot.id,
            attachments={"docx": b"PK fake docx " + label.encode()},
        )
        return store_version(session, backend.store, made, actor="a.crowther")


def test_a_stored_version_is_registered_with_its_provenance(
    backend: Backend, factory: sessionmaker[Session], case: Case
) -> None:
    result = _store(backend, factory, case, "v1", "a" * 64)

    assert result.created
    assert result.as_dict() | {"document_id": "x"} == {
        "document_id": "x",
        "version": 1,
        "sha256": result.version.sha256,
        "status": "draft",
        "stored": True,
    }
    with unit_of_work(factory) as session:
        version, data = fetch(session, backend.store, result.version.document_id, 1, actor="g.partner")
        assert PdfReader(io.BytesIO(data)).metadata.title == "v1"
        assert version.storage_key == document_key(case.case_ref, "letter_of_claim", version.document_id)
        assert version.options == {"tone": "firm"} and version.as_of == AS_OF
        assert version.engine_versions == {"weasyprint": "test"}
        snapshot = session.get(CaseSnapshot, version.case_snapshot_id)
        assert snapshot is not None and snapshot.sha256 == case.content_hash()
        assert Case.model_validate_json(snapshot.canonical_json) == case
        docx = version.attachments["docx"]
        assert backend.store.get(docx["key"], docx["version_id"]) == b"PK fake docx v1"
        actions = [e.action for e in audit.events(session, subject=f"document:{version.document_id}/v1")]
        assert actions == ["generate", "download"]


def test_the_same_inputs_return_the_existing_version_and_store_nothing(
    backend: Backend, factory: sessionmaker[Session], case: Case
) -> None:
    first = _store(backend, factory, case, "v1", "a" * 64)
    again = _store(backend, factory, case, "v1-again", "a" * 64)

    assert not again.created
    assert again.version.id == first.version.id
    assert len(backend.store.list_versions(first.version.storage_key)) == 1
    with unit_of_work(factory) as session:
        reused = audit.events(session, action="generate")[-1]
        assert reused.detail["reused"] is True


def test_changed_inputs_make_version_two_and_keep_version_one(
    backend: Backend, factory: sessionmaker[Session], case: Case
) -> None:
    first = _store(backend, factory, case, "v1", "a" * 64)
    second = _store(backend, factory, case, "v2", "b" * 64)

    assert second.created and second.version.number == 2
    with unit_of_work(factory) as session:
        old, data = fetch(session, backend.store, first.version.document_id, 1, actor="x")
        assert old.status == "superseded"
        assert PdfReader(io.BytesIO(data)).metadata.title == "v1"
        latest, _ = fetch(session, backend.store, first.version.document_id, None, actor="x")
        assert (latest.number, latest.status) == (2, "draft")
    assert len(backend.store.list_versions(first.version.storage_key)) == 2


def test_an_issued_version_is_locked_and_refuses_every_change(
    backend: Backend, factory: sessionmaker[Session], case: Case
) -> None:
    stored = _store(backend, factory, case, "v1", "a" * 64).version
    with unit_of_work(factory) as session:
        issued = issue(session, backend.store, stored.document_id, 1, actor="a.crowther")
        assert issued.status == "issued" and issued.issued_by == "a.crowther"

    # the store refuses, on its own
    assert backend.store.head(stored.storage_key, stored.storage_version_id).locked
    with pytest.raises(Conflict):
        backend.store.delete(stored.storage_key, stored.storage_version_id)
    docx = stored.attachments["docx"]
    with pytest.raises(Conflict):
        backend.store.delete(docx["key"], docx["version_id"])
    # the register refuses, through the service and through the ORM
    with pytest.raises(Conflict), unit_of_work(factory) as session:
        delete_draft(session, backend.store, stored.document_id, 1, actor="x")
    with pytest.raises(Conflict, match="issued"), unit_of_work(factory) as session:
        row = documents.get_version(session, stored.document_id, 1)
        assert row is not None
        row.sha256 = "0" * 64
        session.flush()
    with pytest.raises(Conflict, match="issued"), unit_of_work(factory) as session:
        row = documents.get_version(session, stored.document_id, 1)
        session.delete(row)
        session.flush()

    # a changed input is a new draft; the issued version stays issued and unchanged
    later = _store(backend, factory, case, "v2", "b" * 64).version
    with unit_of_work(factory) as session:
        versions = documents.versions_for_case(session, case.case_ref)
        assert [(v.number, v.status) for v in versions] == [(1, "issued"), (2, "draft")]
        _, data = fetch(session, backend.store, stored.document_id, 1, actor="x")
        assert data == sample_pdf("v1")
        assert later.number == 2


def test_a_superseded_version_cannot_be_issued(
    backend: Backend, factory: sessionmaker[Session], case: Case
) -> None:
    first = _store(backend, factory, case, "v1", "a" * 64).version
    _store(backend, factory, case, "v2", "b" * 64)
    with pytest.raises(Conflict, match="superseded"), unit_of_work(factory) as session:
        issue(session, backend.store, first.document_id, 1, actor="x")


def test_a_draft_can_be_deleted_with_its_objects(
    backend: Backend, factory: sessionmaker[Session], case: Case
) -> None:
    draft = _store(backend, factory, case, "v1", "a" * 64).version
    with unit_of_work(factory) as session:
        delete_draft(session, backend.store, draft.document_id, 1, actor="x")
    assert backend.store.list_versions(draft.storage_key) == []
    with unit_of_work(factory) as session:
        assert documents.versions_for_case(session, case.case_ref) == []
        report = verify_store(session, backend.store)
    assert report.ok and report.orphans == []


def test_verify_detects_tampered_bytes(backend: Backend, factory: sessionmaker[Session], case: Case) -> None:
    stored = _store(backend, factory, case, "v1", "a" * 64).version
    _store(backend, factory, case, "v2", "b" * 64)
    with unit_of_work(factory) as session:
        assert verify_store(session, backend.store).ok

    backend.tamper(stored.storage_key, stored.storage_version_id, sample_pdf("forged"))

    with unit_of_work(factory) as session:
        report = verify_store(session, backend.store)
    assert not report.ok
    assert [f.subject for f in report.mismatches] == [f"document:{stored.document_id}/v1"]
    assert report.checked == 4  # two PDFs, two attachments
    with pytest.raises(ChecksumMismatch), unit_of_work(factory) as session:
        fetch(session, backend.store, stored.document_id, 1, actor="x")


def test_verify_reports_missing_objects_and_removes_unlocked_orphans(
    backend: Backend, factory: sessionmaker[Session], case: Case
) -> None:
    stored = _store(backend, factory, case, "v1", "a" * 64).version
    backend.store.delete(stored.storage_key, stored.storage_version_id)
    stray_key = document_key(case.case_ref, "n1", "strayid")
    stray = backend.store.put(stray_key, sample_pdf("stray"))
    held = backend.store.put(stray_key, sample_pdf("held"))
    backend.store.lock(stray_key, held.version_id)

    with unit_of_work(factory) as session:
        young = verify_store(session, backend.store, remove_orphans=True)
    assert [f.subject for f in young.missing] == [f"document:{stored.document_id}/v1"]
    assert {f.version_id for f in young.orphans} == {stray.version_id, held.version_id}
    assert young.removed == []  # too new: may belong to a generate still in progress

    with unit_of_work(factory) as session:
        report = verify_store(session, backend.store, remove_orphans=True, orphan_age=timedelta(0))
        events = session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "verify")
        )
    assert [f.version_id for f in report.removed] == [stray.version_id]
    assert [v.version_id for v in backend.store.list_versions(stray_key)] == [held.version_id]
    assert events == 2


def test_uploads_are_kept_once_per_case_by_content(
    backend: Backend, factory: sessionmaker[Session], case: Case, tmp_path: Path
) -> None:
    evidence = sample_pdf("invoice copy", pages=2)
    with unit_of_work(factory) as session:
        first = store_upload(
            session,
            backend.store,
            case_ref=case.case_ref,
            filename="Invoice SD-2024.PDF",
            data=evidence,
            content_type="application/pdf",
            actor="x",
        )
        again = store_upload(
            session,
            backend.store,
            case_ref=case.case_ref,
            filename="copy.pdf",
            data=evidence,
            content_type="application/pdf",
            actor="x",
        )
        assert first.id == again.id
        assert first.storage_key.endswith(f"/uploads/{first.sha256}.pdf")
        assert verify_store(session, backend.store).checked == 1
    assert backend.store.get(first.storage_key, first.storage_version_id) == evidence


def test_opening_the_register_again_keeps_what_it_holds(
    backend: Backend, factory: sessionmaker[Session], case: Case
) -> None:
    stored = _store(backend, factory, case, "v1", "a" * 64).version
    reopened = open_register(backend.settings)
    with unit_of_work(reopened) as session:
        assert session.scalar(select(func.count()).select_from(Version)) == 1
        assert documents.get_version(session, stored.document_id, 1) is not None


def test_concurrent_writers_of_one_document_never_share_a_number(
    backend: Backend, factory: sessionmaker[Session], case: Case
) -> None:
    from concurrent.futures import ThreadPoolExecutor

    def write(i: int) -> int | str:
        try:
            return _store(backend, factory, case, f"w{i}", f"{i:064d}").version.number
        except Conflict as err:
            return err.code

    with ThreadPoolExecutor(max_workers=4) as pool:
        outcomes = list(pool.map(write, range(8)))

    numbers = sorted(o for o in outcomes if isinstance(o, int))
    assert numbers == list(range(1, len(numbers) + 1))
    assert all(o == "concurrent_version" for o in outcomes if isinstance(o, str))
    with unit_of_work(factory) as session:
        listed = documents.versions_for_case(session, case.case_ref)
        assert [v.number for v in listed] == numbers
        assert [v.status for v in listed] == ["superseded"] * (len(numbers) - 1) + ["draft"]
        report = verify_store(session, backend.store)
    assert report.ok
    # A writer that lost the race for the version number leaves its PDF and attachment behind (one
    # that lost the race for the document row had written nothing yet).
    assert len(report.orphans) <= 2 * (len(outcomes) - len(numbers))
    assert len(report.orphans) % 2 == 0
