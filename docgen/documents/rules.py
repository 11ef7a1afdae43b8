"""Eligibility rules shared by the families: each returns Problems, blocking or warning.

Overrides are options, and options are stored with every version, so an override and its reason are
on the register for as long as the document is.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from docgen.documents.base import TRUE, DocumentRequest, OptionSpec
from docgen.domain.case import Case
from docgen.errors import Problem

OVERRIDE_LIMITATION = "override_limitation"
ACK_VULNERABILITY = "acknowledge_vulnerability"

COMMON_OPTIONS: tuple[OptionSpec, ...] = (
    OptionSpec(
        OVERRIDE_LIMITATION,
        "Reason for going ahead on a statute-barred debt",
        "text",
        help="Recorded with the document. Leave empty unless the limitation period has run out and "
        "there is a lawful reason to proceed.",
    ),
    OptionSpec(
        ACK_VULNERABILITY,
        "The debtor's vulnerability has been considered under the council's policy",
        "yes_no",
        help="Answer yes only once the vulnerability flags on the case have been reviewed.",
    ),
)


def is_true(options: Mapping[str, str], key: str) -> bool:
    return options.get(key, "").strip().lower() in TRUE


def breathing_space(case: Case, as_of: date) -> list[Problem]:
    out = []
    for i, d in enumerate(case.debtors):
        if d.breathing_space is not None and d.breathing_space.active_on(as_of):
            out.append(
                Problem(
                    f"debtors[{i}].breathing_space",
                    f"{d.display_name} is in a Breathing Space moratorium from {d.breathing_space.start.isoformat()}: "
                    "no demand, proceedings or enforcement while it lasts (Debt Respite Scheme Regulations 2020)",
                    code="breathing_space",
                )
            )
    return out


def deceased(case: Case, as_of: date) -> list[Problem]:
    return [
        Problem(
            f"debtors[{i}].deceased_on",
            f"{d.display_name} died on {d.deceased_on.isoformat()}: pursue the estate through its personal "
            "representatives, or consider write-off",
            code="deceased",
        )
        for i, d in enumerate(case.debtors)
        if d.deceased_on is not None and d.deceased_on <= as_of
    ]


def statute_barred(req: DocumentRequest) -> list[Problem]:
    lim = req.facts.limitation
    override = req.option(OVERRIDE_LIMITATION).strip()
    if lim.statute_barred:
        if override:
            return [
                Problem(
                    "limitation",
                    f"statute-barred debt pursued on override: {override}",
                    code="limitation_override",
                    blocking=False,
                )
            ]
        return [
            Problem(
                "limitation",
                f"the debt is statute-barred (the limitation period of {lim.years} years ran out on "
                f"{lim.expires_on.isoformat() if lim.expires_on else 'an earlier date'}); to go ahead, "
                "record the reason for proceeding, which is kept with the document",
                code="statute_barred",
                hint=f"--option {OVERRIDE_LIMITATION}=<reason>",
            )
        ]
    if lim.partly_barred:
        return [
            Problem(
                "limitation",
                f"part of the debt is statute-barred: {', '.join(lim.barred_refs)}",
                code="partly_statute_barred",
                blocking=False,
            )
        ]
    return []


def vulnerability(req: DocumentRequest) -> list[Problem]:
    out = []
    acknowledged = req.flag(ACK_VULNERABILITY)
    for i, d in enumerate(req.case.debtors):
        flags = list(d.vulnerability.flags)
        if not flags:
            continue
        out.append(
            Problem(
                f"debtors[{i}].vulnerability",
                f"{d.display_name} is flagged vulnerable ({', '.join(flags)})"
                + (
                    "; considered under the council's policy"
                    if acknowledged
                    else "; confirm that the vulnerability has been considered under the council's "
                    "policy before going ahead"
                ),
                code="vulnerability",
                blocking=not acknowledged,
                hint="" if acknowledged else f"--option {ACK_VULNERABILITY}=yes",
            )
        )
    return out


def nothing_owed(req: DocumentRequest) -> list[Problem]:
    if req.facts.balance.outstanding <= 0:
        return [Problem("balance", "nothing is owed on this case", code="nothing_owed")]
    return []


def standard(req: DocumentRequest) -> list[Problem]:
    """The blocks every claim, enforcement and insolvency document shares."""
    return [
        *breathing_space(req.case, req.as_of),
        *deceased(req.case, req.as_of),
        *statute_barred(req),
        *vulnerability(req),
    ]


def individuals_only(case: Case, what: str) -> list[Problem]:
    return [
        Problem(
            f"debtors[{i}].kind", f"{what} is for individuals; {d.display_name} is a company", code="company"
        )
        for i, d in enumerate(case.debtors)
        if d.is_company
    ]


def companies_only(case: Case, what: str) -> list[Problem]:
    return [
        Problem(
            f"debtors[{i}].kind",
            f"{what} is for companies; {d.display_name} is an individual",
            code="individual",
        )
        for i, d in enumerate(case.debtors)
        if not d.is_company
    ]
