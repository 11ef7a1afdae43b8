"""E-mails the service sends of its own accord: a write-off report waiting for a decision goes to
every manager who may decide it (their delegation covers the sum) and has an e-mail address.

Best effort: a mail server that refuses or cannot be reached is logged and recorded in the audit
trail; it never undoes or fails the paper that prompted the e-mail."""

from __future__ import annotations

import logging
from decimal import Decimal

from docgen.delivery.mail import send_mail
from docgen.documents.writeoff import WriteOffReport
from docgen.domain.money import fmt_gbp
from docgen.errors import DocgenError
from docgen.register.db import read_transaction, unit_of_work
from docgen.register.models import Role
from docgen.register.repositories import audit, documents, users
from docgen.services.approvals import queue_item
from docgen.services.auth import Principal
from docgen.services.backend import Backend

log = logging.getLogger(__name__)


def write_off_waiting(backend: Backend, version_id: int) -> list[str]:
    """Tell the managers who may decide this write-off report that it waits; the addresses told."""
    with read_transaction(backend.sessions) as session:
        version = documents.version_by_id(session, version_id)
        if version is None or version.document.doc_type != WriteOffReport.id:
            return []
        case_ref, number, document_id = version.document.case_ref, version.number, version.document_id
        to: list[tuple[str, str]] = []
        amount: Decimal | None = None
        for user in users.managers(session):
            if not user.email:
                continue
            limit = Decimal(user.approval_limit) if user.approval_limit is not None else None
            who = Principal(user.name, Role.manager, user.organisation, limit)
            item = queue_item(session, who, version, backend.settings)
            if item.within and not item.decided:
                to.append((user.name, user.email))
                amount = item.amount
    if not to or amount is None:
        return []
    link = f"{backend.settings.api_base_url.rstrip('/')}/ui/approvals#row-{document_id}-{number}"
    sent, failed = [], []
    for name, address in to:
        body = (
            f"Dear {name},\n\nA write-off of {fmt_gbp(amount)} on case {case_ref} is within your delegated "
            f"limit and waits for your decision.\n\nRead the report and decide: {link}\n"
        )
        try:
            send_mail(backend.settings, [address], f"Write-off waiting: {case_ref}, {fmt_gbp(amount)}", body)
            sent.append(address)
        except DocgenError as err:
            log.warning("write-off notice to %s not sent: %s", address, err.message)
            failed.append(address)
    with unit_of_work(backend.sessions) as session:
        subject = f"document:{document_id}/v{number}"
        if sent:
            audit.add(session, "docgen", "approval_requested", subject, {"to": sent, "amount": str(amount)})
        if failed:
            audit.add(session, "docgen", "approval_request_failed", subject, {"to": failed})
    return sent


def after_generated(backend: Backend, doc_type: str, version_id: int, stored: bool) -> None:
    """What follows a paper stored through the corridor; never raises."""
    if not stored or doc_type != WriteOffReport.id:
        return
    try:
        write_off_waiting(backend, version_id)
    except Exception:
        log.exception("notices after version %s failed", version_id)
