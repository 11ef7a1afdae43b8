"""Reconciling the register with the store, and proving the stored bytes are unchanged.

Three kinds of finding: a *mismatch* (the bytes no longer hash to what the register recorded:
tampering or corruption), a *missing* object (a row points at nothing), and an *orphan* (an object
no row points at, left by a process that died between writing the object and committing the row).
Orphans are expected after a crash and can be removed; mismatches and missing objects cannot be
repaired here and make the check fail.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from docgen.config import Settings
from docgen.errors import Conflict, NotFound
from docgen.register.db import open_register, unit_of_work
from docgen.register.repositories import audit, cases, documents, templates
from docgen.storage import ObjectStore, hash_stream, make_store

#: an object younger than this may belong to a generate that has not committed yet
DEFAULT_ORPHAN_AGE = timedelta(minutes=15)


@dataclass(frozen=True)
class Finding:
    key: str
    version_id: str
    subject: str
    detail: str


@dataclass
class VerifyReport:
    checked: int = 0
    mismatches: list[Finding] = field(default_factory=list)
    missing: list[Finding] = field(default_factory=list)
    orphans: list[Finding] = field(default_factory=list)
    removed: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.mismatches and not self.missing

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "checked": self.checked,
            "mismatches": [asdict(f) for f in self.mismatches],
            "missing": [asdict(f) for f in self.missing],
            "orphans": [asdict(f) for f in self.orphans],
            "removed": [asdict(f) for f in self.removed],
        }


def _expected_objects(session: Session) -> dict[tuple[str, str], tuple[str, str]]:
    """(key, version id) -> (expected sha256, what the register calls it)."""
    expected: dict[tuple[str, str], tuple[str, str]] = {}
    for version in documents.iter_versions(session):
        subject = f"document:{version.document_id}/v{version.number}"
        expected[(version.storage_key, version.storage_version_id)] = (version.sha256, subject)
        for ext, record in sorted(version.attachments.items()):
            expected[(record["key"], record["version_id"])] = (record["sha256"], f"{subject}.{ext}")
    for upload in cases.iter_uploads(session):
        expected[(upload.storage_key, upload.storage_version_id)] = (upload.sha256, f"upload:{upload.id}")
    for row in templates.iter_all(session):
        expected[(row.storage_key, row.storage_version_id)] = (
            row.sha256,
            f"template:{row.name}/v{row.number}",
        )
    return expected


def verify_store(
    session: Session,
    store: ObjectStore,
    *,
    remove_orphans: bool = False,
    orphan_age: timedelta = DEFAULT_ORPHAN_AGE,
    actor: str = "verify",
) -> VerifyReport:
    report = VerifyReport()
    expected = _expected_objects(session)
    for (key, version_id), (sha256, subject) in sorted(expected.items(), key=lambda item: item[1][1]):
        report.checked += 1
        try:
            actual, _size = hash_stream(store.open_stream(key, version_id))
        except NotFound:
            report.missing.append(
                Finding(key, version_id, subject, "the register points at no stored object")
            )
            continue
        if actual != sha256:
            report.mismatches.append(
                Finding(key, version_id, subject, f"sha256 is {actual}, the register recorded {sha256}")
            )

    now = datetime.now(UTC)
    for obj in (o for prefix in ("cases/", "batches/") for o in store.iter_objects(prefix)):
        if (obj.key, obj.version_id) in expected:
            continue
        finding = Finding(obj.key, obj.version_id, "", "stored object not in the register")
        report.orphans.append(finding)
        old_enough = obj.last_modified is None or now - obj.last_modified >= orphan_age
        if remove_orphans and old_enough:
            try:
                store.delete(obj.key, obj.version_id)
            except Conflict:
                continue  # locked by a legal hold: kept, and still reported
            report.removed.append(finding)

    audit.add(
        session,
        actor,
        "verify",
        "store",
        {
            "checked": report.checked,
            "mismatches": len(report.mismatches),
            "missing": len(report.missing),
            "orphans": len(report.orphans),
            "removed": len(report.removed),
        },
    )
    return report


def verify(
    settings: Settings,
    *,
    remove_orphans: bool = False,
    orphan_age: timedelta = DEFAULT_ORPHAN_AGE,
    actor: str = "verify",
) -> VerifyReport:
    """Check every stored version of the register named by the settings."""
    factory = open_register(settings)
    store = make_store(settings)
    with unit_of_work(factory) as session:
        return verify_store(session, store, remove_orphans=remove_orphans, orphan_age=orphan_age, actor=actor)
