"""The banner a case page shows after an action: what happened, from the register (never text
carried in the address), and for an issued letter or claim the offer to record the matching event."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from docgen.register.models import AuditEvent
from docgen.register.repositories import cases as cases_repo
from docgen.register.repositories import documents as documents_repo
from docgen.register.repositories import organisations

#: an issued paper -> the event that records it (form, its prefilled values, the words of the offer)
MATCHING_EVENT: dict[str, tuple[str, dict[str, str], str]] = {
    "letter_before_claim": (
        "letter_sent",
        {"letter": "letter_before_claim"},
        "Record that the letter was sent",
    ),
    "n1": ("claim_issued", {}, "Record the claim as issued"),
    "claim": ("claim_issued", {}, "Record the claim as issued"),
    "statutory_demand_individual": ("statutory_demand_served", {}, "Record the service of the demand"),
    "statutory_demand_company": ("statutory_demand_served", {}, "Record the service of the demand"),
    "n215": ("claim_served", {}, "Record the service of the claim form"),
}


def matching_event(doc_type: str) -> tuple[str, dict[str, str]] | None:
    """The event that records an issued paper of ``doc_type`` (its kind and prefilled fields)."""
    match = MATCHING_EVENT.get(doc_type)
    return (match[0], dict(match[1])) if match else None


def _long(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def for_case(
    session: Session, case_ref: str, query: Mapping[str, str], history: Sequence[AuditEvent]
) -> dict[str, Any] | None:
    """The banner for the case page the caller has already shown ``case_ref`` may be seen on."""
    url = f"/ui/cases/{case_ref}"
    if query.get("recorded") and history:
        last = history[-1]
        return {"title": "Recorded", "lines": [str(last.detail.get("summary", "The case was changed"))]}
    if query.get("issued"):
        document_id, _, number = query["issued"].rpartition("-")
        document = documents_repo.get(session, document_id)
        if document is None or document.case_ref != case_ref or not number.isdigit():
            return None
        version = next((v for v in document.versions if v.number == int(number)), None)
        if version is None or not version.is_issued:
            return None
        notice: dict[str, Any] = {
            "title": f"Version {version.number} of the {(document.title or document.doc_type).split(' - ')[0]} is issued",
            "lines": ["It is locked: it can no longer be changed or deleted."],
        }
        match = MATCHING_EVENT.get(document.doc_type)
        if match:
            kind, values, words = match
            today = date.today()
            params = "&".join(f"{k}={v}" for k, v in values.items())
            notice["offer"] = {"url": f"{url}/record/{kind}{'?' + params if params else ''}", "words": words}
            notice["lines"].append(
                f"Record what happened with it, so the next steps follow ({_long(today)})."
            )
        return notice
    if query.get("shared", "").isdigit():
        share = cases_repo.get_share(session, int(query["shared"]))
        if share is None or share.case_ref != case_ref:
            return None
        until = f" until {_long(share.expires_on)}" if share.expires_on else " until you stop sharing"
        org = organisations.by_name(session, share.organisation)
        copies = " and the redacted copies of its papers only" if share.redacted else ""
        lines = [f"{share.organisation} can see this case{copies}{until}."]
        mailed = query.get("mailed")
        if mailed == "1" and org is not None:
            lines.append(f"We e-mailed {org.contact_email} to tell them.")
        elif mailed == "0" and org is not None:
            lines.append(f"The e-mail to {org.contact_email} could not be sent: tell them yourself.")
        return {"title": f"Shared with {share.organisation}", "lines": lines}
    if query.get("revoked", "").isdigit():
        share = cases_repo.get_share(session, int(query["revoked"]))
        if share is None or share.case_ref != case_ref or share.revoked_at is None:
            return None
        return {
            "title": f"Stopped sharing with {share.organisation}",
            "lines": [f"{share.organisation} can no longer see this case or its documents."],
        }
    if query.get("withdrawn"):
        upload = cases_repo.upload_by_public_id(session, query["withdrawn"][:64])
        if upload is None or upload.case_ref != case_ref or not upload.withdrawn:
            return None
        return {
            "title": f"{upload.filename} was withdrawn",
            "lines": ["It stays on the case and in the bundles already made, and goes into no new bundle."],
        }
    return None
