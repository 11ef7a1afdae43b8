"""Who may see and do what.

A legal partner sees only the cases shared with their organisation. Any other case is reported as
not found, never as forbidden, so that a partner cannot learn which case references exist.
"""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy.orm import Session

from docgen.documents.batch import is_batch_ref
from docgen.domain.redaction import is_redacted_key
from docgen.errors import DocgenError, Forbidden, NotFound
from docgen.register.models import Document, Role
from docgen.register.repositories import audit, cases, documents
from docgen.services.auth import Principal

#: may change cases: create, replace, generate, issue, upload, bundle, share
WRITERS = frozenset({Role.officer, Role.admin})
#: write-off decisions are a manager's; an admin runs the system, not the money
APPROVERS = frozenset({Role.manager})

E = TypeVar("E", bound=DocgenError)


def denied(err: E, who: Principal, subject: str, reason: str) -> E:
    """``err`` marked as a refusal of access, so that the door that answers it (API, page) records
    an ``access_denied`` audit event. The caller sees only ``err``."""
    err.denied = {"actor": who.name, "subject": subject[:300], "reason": reason}
    return err


def audit_refusal(session: Session, actor: str, subject: str, detail: dict[str, object]) -> None:
    """Note a refused request in the audit trail (an ``access_denied`` event)."""
    audit.add(session, actor, "access_denied", subject[:300], detail)


def can_see_case(session: Session, who: Principal, case_ref: str) -> bool:
    """``case_ref`` may also be a batch paper's reference (``panel:<date>``): such papers are
    never reached through a share, whatever any case is called."""
    if who.sees_every_case:
        return True
    if is_batch_ref(case_ref):
        return False
    return cases.active_share(session, case_ref, who.organisation) is not None


def case_not_found(case_ref: str) -> NotFound:
    return NotFound(f"no case {case_ref[:60]!r}", code="case_not_found")


def require_visible_case(session: Session, who: Principal, case_ref: str) -> None:
    """Raises NotFound unless the case exists and ``who`` may see it."""
    if cases.get(session, case_ref) is None:
        raise case_not_found(case_ref)
    if not can_see_case(session, who, case_ref):
        raise denied(case_not_found(case_ref), who, f"case:{case_ref}", "case not shared")


def require_writer(who: Principal, what: str) -> None:
    if who.role not in WRITERS:
        raise denied(Forbidden(f"a {who.role.value} cannot {what}"), who, what, "role")


def require_role(who: Principal, roles: frozenset[Role], what: str) -> None:
    if who.role not in roles:
        raise denied(Forbidden(f"a {who.role.value} cannot {what}"), who, what, "role")


def visible_document(session: Session, who: Principal, document_id: str) -> Document:
    """A document by id, as NotFound when its case is hidden from ``who``: the same answer as for
    an id that does not exist."""
    document = documents.get(session, document_id)
    if document is None:
        raise document_not_found(document_id)
    if not can_see_case(session, who, document.case_ref):
        raise denied(document_not_found(document_id), who, f"document:{document_id}", "case not shared")
    if not may_see_variant(session, who, document):
        raise denied(document_not_found(document_id), who, f"document:{document_id}", "redacted share")
    return document


def sees_redacted_only(session: Session, who: Principal, case_ref: str) -> bool:
    """A partner whose share of the case is a redacted one sees only redacted papers."""
    if who.sees_every_case:
        return False
    share = cases.active_share(session, case_ref, who.organisation)
    return share is not None and share.redacted


def may_see_variant(session: Session, who: Principal, document: Document) -> bool:
    return not sees_redacted_only(session, who, document.case_ref) or is_redacted_key(document.variant)


def visible_documents(session: Session, who: Principal, case_ref: str) -> list[Document]:
    """The case's documents ``who`` may see (its case already checked visible)."""
    redacted_only = sees_redacted_only(session, who, case_ref)
    return [
        d for d in documents.for_case(session, case_ref) if not redacted_only or is_redacted_key(d.variant)
    ]


def document_not_found(document_id: str) -> NotFound:
    return NotFound(f"no document {document_id[:64]!r}", code="document_not_found")
