"""Eligibility rules shared by the families: each returns Problems, blocking or warning.

Overrides are options, and options are stored with every version, so an override and its reason are
on the register for as long as the document is.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from docgen.domain.case import Case
from docgen.domain.facts import case_facts
from docgen.domain.limitation import limitation
from docgen.errors import Problem

OVERRIDE_LIMITATION = "override_limitation"
ACK_VULNERABILITY = "acknowledge_vulnerability"

COMMON_OPTIONS = {
    OVERRIDE_LIMITATION: "reason for proceeding on a statute-barred debt (recorded with the version)",
    ACK_VULNERABILITY: "true once the debtor's vulnerability has been considered under the council's policy",
}

TRUE = {"true", "yes", "1", "y"}


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


def statute_barred(case: Case, as_of: date, options: Mapping[str, str]) -> list[Problem]:
    lim = limitation(case, as_of)
    override = options.get(OVERRIDE_LIMITATION, "").strip()
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
                f"{lim.expires_on.isoformat() if lim.expires_on else 'an earlier date'}); give "
                f"--option {OVERRIDE_LIMITATION}=<reason> to proceed, and the reason is recorded",
                code="statute_barred",
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


def vulnerability(case: Case, options: Mapping[str, str]) -> list[Problem]:
    out = []
    for i, d in enumerate(case.debtors):
        flags = list(d.vulnerability.flags)
        if not flags:
            continue
        acknowledged = is_true(options, ACK_VULNERABILITY)
        out.append(
            Problem(
                f"debtors[{i}].vulnerability",
                f"{d.display_name} is flagged vulnerable ({', '.join(flags)})"
                + (
                    "; acknowledged"
                    if acknowledged
                    else f"; acknowledge with --option {ACK_VULNERABILITY}=true"
                ),
                code="vulnerability",
                blocking=not acknowledged,
            )
        )
    return out


def nothing_owed(case: Case, as_of: date) -> list[Problem]:
    if case_facts(case, as_of).balance.outstanding <= 0:
        return [Problem("balance", "nothing is owed on this case", code="nothing_owed")]
    return []


def standard(case: Case, as_of: date, options: Mapping[str, str]) -> list[Problem]:
    """The blocks every claim, enforcement and insolvency document shares."""
    return [
        *breathing_space(case, as_of),
        *deceased(case, as_of),
        *statute_barred(case, as_of, options),
        *vulnerability(case, options),
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
