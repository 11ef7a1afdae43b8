"""Cases: the record held by the service, every content it has had (snapshots), who it is shared
with, and the evidence uploaded for it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from docgen.register.models import CaseList, CaseRecord, CaseSnapshot, Share, Upload


def snapshot_for(session: Session, case_ref: str, canonical_json: str, sha256: str) -> CaseSnapshot:
    """The snapshot of this content, added when new. Two writers adding the same content at once
    both get the one row: the loser's insert is undone to a savepoint and the winner's row read."""
    query = select(CaseSnapshot).where(CaseSnapshot.case_ref == case_ref, CaseSnapshot.sha256 == sha256)
    found = session.scalar(query)
    if found is not None:
        return found
    try:
        with session.begin_nested():
            made = CaseSnapshot(case_ref=case_ref, sha256=sha256, canonical_json=canonical_json)
            session.add(made)
        return made
    except IntegrityError:
        found = session.scalar(query)
        if found is None:
            raise
        return found


def get_snapshot(session: Session, snapshot_id: int) -> CaseSnapshot | None:
    return session.get(CaseSnapshot, snapshot_id)


def get(session: Session, case_ref: str) -> CaseRecord | None:
    return session.get(CaseRecord, case_ref)


def add(session: Session, **fields: Any) -> CaseRecord:
    record = CaseRecord(**fields)
    session.add(record)
    session.flush()
    return record


def search(
    session: Session, query: str | None, organisation: str | None, limit: int, offset: int
) -> list[CaseRecord]:
    """Cases by reference or debtor; ``organisation`` narrows to the cases shared with it."""
    stmt = select(CaseRecord).order_by(CaseRecord.case_ref)
    if query:
        like = f"%{query}%"
        stmt = stmt.where(or_(CaseRecord.case_ref.ilike(like), CaseRecord.debtor_name.ilike(like)))
    if organisation is not None:
        stmt = stmt.where(CaseRecord.case_ref.in_(shared_refs(organisation)))
    return list(session.scalars(stmt.limit(limit).offset(offset)))


def shared_refs(organisation: str) -> Any:
    """A subquery of the references of the cases shared with ``organisation`` now."""
    return select(Share.case_ref).where(Share.organisation == organisation, _in_force())


# -- shares ------------------------------------------------------------------------------------


def _in_force(today: date | None = None) -> ColumnElement[bool]:
    """Not revoked, and not past its last day."""
    day = today or date.today()
    return Share.revoked_at.is_(None) & (Share.expires_on.is_(None) | (Share.expires_on >= day))


def active_share(session: Session, case_ref: str, organisation: str) -> Share | None:
    return session.scalar(
        select(Share).where(Share.case_ref == case_ref, Share.organisation == organisation, _in_force())
    )


def shares_for(session: Session, case_ref: str) -> list[Share]:
    return list(session.scalars(select(Share).where(Share.case_ref == case_ref).order_by(Share.id)))


def get_share(session: Session, share_id: int) -> Share | None:
    return session.get(Share, share_id)


def add_share(
    session: Session, case_ref: str, organisation: str, granted_by: str, expires_on: date | None = None
) -> Share:
    share = Share(case_ref=case_ref, organisation=organisation, granted_by=granted_by, expires_on=expires_on)
    session.add(share)
    session.flush()
    return share


# -- evidence uploads --------------------------------------------------------------------------


def find_upload(session: Session, case_ref: str, sha256: str) -> Upload | None:
    return session.scalar(select(Upload).where(Upload.case_ref == case_ref, Upload.sha256 == sha256))


def get_upload(session: Session, upload_id: int) -> Upload | None:
    return session.get(Upload, upload_id)


def upload_by_public_id(session: Session, public_id: str) -> Upload | None:
    return session.scalar(select(Upload).where(Upload.public_id == public_id))


def add_upload(session: Session, **fields: Any) -> Upload:
    upload = Upload(**fields)
    session.add(upload)
    session.flush()
    return upload


def uploads_for(session: Session, case_ref: str, *, withdrawn: bool = True) -> list[Upload]:
    """The case's uploads, oldest first; ``withdrawn=False`` leaves out the withdrawn ones."""
    query = select(Upload).where(Upload.case_ref == case_ref)
    if not withdrawn:
        query = query.where(Upload.withdrawn_at.is_(None))
    return list(session.scalars(query.order_by(Upload.id)))


def iter_uploads(session: Session) -> Iterator[Upload]:
    yield from session.scalars(select(Upload).order_by(Upload.id))


# -- saved lists of cases ----------------------------------------------------------------------


def case_lists(session: Session) -> list[CaseList]:
    return list(session.scalars(select(CaseList).order_by(CaseList.name)))


def case_list(session: Session, list_id: int) -> CaseList | None:
    return session.get(CaseList, list_id)


def case_list_named(session: Session, name: str) -> CaseList | None:
    return session.scalar(select(CaseList).where(CaseList.name == name))


def add_case_list(session: Session, name: str, case_refs: list[str], created_by: str) -> CaseList:
    found = CaseList(name=name, case_refs=case_refs, created_by=created_by)
    session.add(found)
    session.flush()
    return found
