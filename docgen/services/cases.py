"""Cases held by the service: create, replace, read, list. Each content is kept as a snapshot, so
a version made from an earlier content still points at exactly what it was made from."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from docgen.documents.base import OptionSpec
from docgen.domain.case import Case, parse_case
from docgen.errors import Conflict, InvalidInput, Problem
from docgen.register.models import CaseRecord
from docgen.register.repositories import audit
from docgen.register.repositories import cases as repo
from docgen.services.access import case_not_found, require_visible_case, require_writer
from docgen.services.auth import Principal


def create_case(session: Session, who: Principal, data: Any) -> tuple[CaseRecord, Case]:
    require_writer(who, "create cases")
    case = parse_case(data, "case")
    if repo.get(session, case.case_ref) is not None:
        raise Conflict(f"case {case.case_ref!r} already exists; replace it with PUT", code="case_exists")
    snapshot = repo.snapshot_for(session, case.case_ref, case.canonical_json(), case.content_hash())
    record = repo.add(
        session,
        case_ref=case.case_ref,
        snapshot_id=snapshot.id,
        debtor_name=case.primary_debtor.display_name,
        debt_type=str(case.debt_type),
        created_by=who.name,
    )
    audit.add(session, who.name, "case_create", f"case:{case.case_ref}", {"sha256": snapshot.sha256})
    return record, case


def hold(session: Session, who: Principal, case: Case) -> CaseRecord:
    """Keep a case read from a file (a command, a bulk run) as the service's current content of
    that case, creating it when new, so the API and the pages see what was generated from."""
    data = case.model_dump(mode="json", by_alias=True)
    if repo.get(session, case.case_ref) is None:
        return create_case(session, who, data)[0]
    return replace_case(session, who, case.case_ref, data)[0]


def replace_case(session: Session, who: Principal, case_ref: str, data: Any) -> tuple[CaseRecord, Case]:
    require_visible_case(session, who, case_ref)
    require_writer(who, "change cases")
    record = repo.get(session, case_ref)
    assert record is not None  # checked just above
    case = parse_case(data, "case")
    if case.case_ref != case_ref:
        raise InvalidInput(
            "the case_ref in the body differs from the one in the address",
            [Problem("case_ref", f"expected {case_ref!r}, got {case.case_ref!r}")],
        )
    keep(session, who, record, case, "case_replace", {})
    return record, case


def keep(
    session: Session, who: Principal, record: CaseRecord, case: Case, action: str, detail: dict[str, Any]
) -> bool:
    """Make ``case`` the record's current content: a snapshot of it (kept once per distinct content,
    so every earlier content stays for the versions made from it) and an audit entry saying who
    changed what. False when the content is what the record already holds."""
    snapshot = repo.snapshot_for(session, case.case_ref, case.canonical_json(), case.content_hash())
    if snapshot.id == record.snapshot_id:
        return False
    record.snapshot = snapshot
    record.debtor_name = case.primary_debtor.display_name
    record.debt_type = str(case.debt_type)
    session.flush()
    audit.add(session, who.name, action, f"case:{record.case_ref}", {**detail, "sha256": snapshot.sha256})
    return True


def load(session: Session, who: Principal, case_ref: str) -> tuple[CaseRecord, Case]:
    """The current case, as the service holds it (NotFound when ``who`` may not see it)."""
    require_visible_case(session, who, case_ref)
    record = repo.get(session, case_ref)
    if record is None:
        raise case_not_found(case_ref)
    return record, case_of(record)


def case_of(record: CaseRecord) -> Case:
    return parse_case(json.loads(record.snapshot.canonical_json), f"case {record.case_ref}")


def list_cases(
    session: Session, who: Principal, query: str | None = None, limit: int = 50, offset: int = 0
) -> list[CaseRecord]:
    organisation = None if who.sees_every_case else who.organisation
    return repo.search(session, query, organisation, min(max(limit, 1), 500), max(offset, 0))


@dataclass(frozen=True)
class Eligibility:
    """Whether a paper can be made for a case on a day, and why not (or what to watch)."""

    doc_type: str
    title: str
    family: str
    eligible: bool
    problems: list[Problem]
    warnings: list[Problem]
    options: tuple[OptionSpec, ...]


def eligibility(case: Case, day: date, doc_types: Sequence[str] | None = None) -> list[Eligibility]:
    """Each paper's eligibility for ``case`` on ``day``, with no options given (the page offers them)."""
    from docgen.documents import registry
    from docgen.render.pipeline import check

    types = [registry.get(t) for t in doc_types] if doc_types else registry.all_types()
    out = []
    for dt in types:
        blocking, warnings = check(dt, case, day, {})
        out.append(Eligibility(dt.id, dt.title, dt.family, not blocking, blocking, warnings, dt.options))
    return out
