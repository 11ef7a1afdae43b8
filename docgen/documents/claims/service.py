"""The certificate of service of the claim form (N215)."""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar

from docgen.documents.base import DocumentRequest, DocumentType, OptionSpec
from docgen.documents.claims import rules as claim_rules
from docgen.documents.claims.common import issuing_court, signatory
from docgen.documents.claims.judgment_request import claim_number
from docgen.documents.common import base_context
from docgen.documents.registry import register
from docgen.domain import calendar
from docgen.domain.case import COMPANY_ADDRESS_CHARACTERS, INDIVIDUAL_ADDRESS_CHARACTERS
from docgen.domain.thresholds import period
from docgen.errors import Problem

SERVICE_METHODS = {
    "first_class_post": "First class post (or other service which provides for delivery on the next business day)",
    "personal": "Personally handing it to or leaving it with the person served",
    "left_at_address": "Delivering to or leaving it at a permitted place",
    "email": "Other electronic means (e-mail)",
}

ADDRESS_WORDS = {
    "usual_residence": "usual residence",
    "last_known_residence": "last known residence",
    "place_of_business": "place of business",
    "principal_office": "principal office",
    "registered_office": "registered office",
}


def _d(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def service_step(req: DocumentRequest) -> tuple[date | None, str | None]:
    """The date of the step taken to serve, and how: from the options, else the case's record."""
    if req.option("served_on"):
        return date.fromisoformat(req.option("served_on")), req.option("method") or "first_class_post"
    served = req.case.last("claim_served")
    if served is None:
        return None, None
    return served.date, req.option("method") or served.method or "first_class_post"


def address_character(req: DocumentRequest) -> str | None:
    """What the address served at is to the defendant: the option, else the case, else (for a company
    served at its registered office) "registered_office"."""
    chosen = req.option("address_type").strip()
    if chosen:
        return chosen
    debtor = req.case.primary_debtor
    if debtor.service_address_character:
        return debtor.service_address_character
    return "registered_office" if debtor.is_company else None


@register
class CertificateOfServiceN215(DocumentType):
    id = "n215"
    title = "Certificate of service (N215)"
    family = "claims"
    templates: ClassVar[dict[str, str]] = {"html": "claims/n215.html"}
    options = (
        OptionSpec(
            "documents", "What was served", default="Claim form, particulars of claim and response pack"
        ),
        OptionSpec("served_on", "Date of service", "date", help="When the case does not record the service."),
        OptionSpec("method", "How it was served", "choice", choices=tuple(SERVICE_METHODS.items())),
        OptionSpec(
            "address_type",
            "What the address is to the defendant",
            "choice",
            choices=tuple(ADDRESS_WORDS.items()),
            help="When the case does not record it.",
        ),
        OptionSpec("claim_number", "Claim number", help="When the case does not record it."),
        claim_rules.EXTENSION_OPTION,
    )

    def eligibility(self, req: DocumentRequest) -> list[Problem]:
        case, as_of = req.case, req.as_of
        on, method = service_step(req)
        out: list[Problem] = []
        if on is None:
            return [
                Problem(
                    "recovery_history",
                    "No service of the claim form is recorded, and no date of service was given.",
                    code="not_served",
                    hint="--option served_on=<YYYY-MM-DD>",
                )
            ]
        if on > as_of:
            out.append(
                Problem(
                    "options.served_on",
                    f"The certificate is dated {_d(as_of)}, before the service it certifies ({_d(on)}).",
                    code="bad_option",
                )
            )
        if method is not None and method not in SERVICE_METHODS:
            out.append(
                Problem(
                    "options.method",
                    "The way the claim form was served is not one the certificate can state.",
                    code="bad_option",
                    hint=f"--option method={'|'.join(SERVICE_METHODS)}",
                )
            )
        out += claim_rules.service_problems(req, on)
        out += claim_rules.capacity(req, "service")
        debtor = case.primary_debtor
        character = address_character(req)
        allowed = COMPANY_ADDRESS_CHARACTERS if debtor.is_company else INDIVIDUAL_ADDRESS_CHARACTERS
        if character is None:
            out.append(
                Problem(
                    "debtors[0].service_address_character",
                    f"The certificate must say what the address served at is to {debtor.display_name}: their "
                    "usual residence, last known residence, or place of business. Record it on the case.",
                    code="address_character_unknown",
                    hint="--option address_type=usual_residence|last_known_residence|place_of_business",
                )
            )
        elif character not in allowed:
            out.append(
                Problem(
                    "options.address_type",
                    f"{debtor.display_name} cannot be served at a {ADDRESS_WORDS.get(character, character)}: "
                    f"{'a company' if debtor.is_company else 'an individual'} is served at "
                    f"{', '.join(ADDRESS_WORDS[c] for c in allowed)} (CPR 6.9).",
                    code="address_character_wrong",
                )
            )
        if on <= as_of:
            file_by = calendar.certificate_of_service_due(on)
            if as_of > file_by:
                out.append(
                    Problem(
                        "recovery_history",
                        f"A certificate of service was due to be filed by {_d(file_by)}, 21 days after service "
                        "(CPR 6.17(2)). File it now: judgment in default cannot be obtained without it.",
                        code="certificate_late",
                        blocking=False,
                    )
                )
        return out

    def context(self, req: DocumentRequest) -> dict[str, Any]:
        case, as_of = req.case, req.as_of
        ctx = base_context(req)
        on, method = service_step(req)
        assert on is not None and method is not None
        debtor = case.primary_debtor
        friend = getattr(debtor, "litigation_friend", None)
        deemed = calendar.deemed_service_of_claim_form(on)
        ack_days = period("acknowledgment_days", deemed)
        respond_by = calendar.acknowledgment_due(deemed)
        character = address_character(req) or ""
        sig = signatory(case)
        ctx.update(
            court=issuing_court(as_of),
            served_on=on,
            method=method,
            method_words=SERVICE_METHODS[method],
            method_codes=list(SERVICE_METHODS),
            method_labels=SERVICE_METHODS,
            deemed=deemed,
            ack_days=ack_days,
            respond_by=respond_by,
            time_passed=as_of > respond_by,
            documents=req.option("documents") or "Claim form, particulars of claim and response pack",
            person_served=(
                f"{friend.name}, litigation friend of {debtor.display_name}"
                if friend
                else debtor.display_name
            ),
            served_address=friend.address if friend else debtor.address_for_service,
            friend_served=friend is not None,
            address_type=ADDRESS_WORDS.get(character, character),
            address_codes=list(ADDRESS_WORDS),
            address_labels=ADDRESS_WORDS,
            address_code=character,
            claim_number=claim_number(req),
            file_by=calendar.certificate_of_service_due(on),
            signatory=sig,
            sot=sig.statement_of_truth("certificate", as_of),
        )
        return ctx
