"""Eligibility rules shared by the families: each returns Problems, blocking or warning.

Overrides are options, and options are stored with every version, so an override and its reason are
on the register for as long as the document is.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from decimal import Decimal

from docgen.documents.base import TRUE, DocumentRequest, OptionSpec
from docgen.domain.case import Case, Judgment
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
    """A moratorium in force blocks every step; when its end is recorded, the step opens the day
    after it (the end date is the moratorium's last day)."""
    out = []
    for i, d in enumerate(case.debtors):
        space = d.breathing_space
        if space is not None and space.active_on(as_of):
            until = f" until {space.end.isoformat()}" if space.end is not None else ""
            out.append(
                Problem(
                    f"debtors[{i}].breathing_space",
                    f"{d.display_name} is in a Breathing Space moratorium from {space.start.isoformat()}{until}: "
                    "no demand, proceedings or enforcement while it lasts (Debt Respite Scheme Regulations 2020)",
                    code="breathing_space",
                    opens_on=space.end + timedelta(days=1) if space.end is not None else None,
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


#: what each insolvency procedure does to a creditor's remedies, and where the law says so
INSOLVENCY_EFFECT = {
    "bankruptcy_order": (
        "was made bankrupt",
        "no proceedings or enforcement for the debt without the court's permission; prove the debt "
        "with the official receiver or trustee (Insolvency Act 1986 s.285)",
    ),
    "individual_voluntary_arrangement": (
        "entered an individual voluntary arrangement",
        "the arrangement binds the council for the debts it covers; claim under it with the "
        "supervisor (Insolvency Act 1986 s.260)",
    ),
    "debt_relief_order": (
        "was given a debt relief order",
        "no remedy or proceedings for a debt the order covers while the moratorium lasts "
        "(Insolvency Act 1986 s.251G)",
    ),
    "winding_up_order": (
        "was ordered to be wound up",
        "no action or proceeding against the company without the court's permission; prove in the "
        "liquidation (Insolvency Act 1986 s.130(2))",
    ),
    "administration": (
        "entered administration",
        "no legal process or enforcement without the administrator's consent or the court's "
        "permission (Insolvency Act 1986 Sch B1 para 43)",
    ),
    "company_voluntary_arrangement": (
        "entered a company voluntary arrangement",
        "the arrangement binds the council for the debts it covers; claim under it with the "
        "supervisor (Insolvency Act 1986 s.5)",
    ),
    "creditors_voluntary_liquidation": (
        "went into creditors' voluntary liquidation",
        "prove the debt with the liquidator; proceedings need the court's permission once a winding-up "
        "order is sought (Insolvency Act 1986 ss.112 and 130)",
    ),
}


def insolvency(case: Case, as_of: date) -> list[Problem]:
    """An insolvency procedure in force on ``as_of`` stops claims, demands and enforcement; it ends
    (and the step opens) the day after a recorded end."""
    out = []
    for n, proc in enumerate(case.insolvency):
        if proc.date > as_of or (proc.ended_on is not None and proc.ended_on < as_of):
            continue
        what, effect = INSOLVENCY_EFFECT[proc.kind]
        name = case.debtors[proc.debtor].display_name
        out.append(
            Problem(
                f"insolvency[{n}]",
                f"{name} {what} on {proc.date.isoformat()}: {effect}",
                code="insolvency",
                opens_on=proc.ended_on + timedelta(days=1) if proc.ended_on is not None else None,
            )
        )
    return out


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
                option=OVERRIDE_LIMITATION,
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


def _long(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def limitation_running(req: DocumentRequest) -> list[Problem]:
    """While some of the debt is not yet statute-barred, the last day a claim for it can be issued:
    the day before the earliest unbarred line's limitation period runs out (Limitation Act 1980
    s.5; a claim is "brought" when the court issues it)."""
    lim = req.facts.limitation
    running = sorted((ln for ln in lim.lines if not ln.barred), key=lambda ln: ln.expires_on)
    if not running:
        return []
    first = running[0]
    last_day = first.expires_on - timedelta(days=1)
    return [
        Problem(
            "limitation",
            f"the limitation period for {first.ref} runs out on {_long(first.expires_on)}: "
            f"a claim for it must be issued by {_long(last_day)}",
            code="limitation_running",
            blocking=False,
            closes_on=last_day,
        )
    ]


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
                option="" if acknowledged else ACK_VULNERABILITY,
            )
        )
    return out


def nothing_owed(req: DocumentRequest) -> list[Problem]:
    if req.facts.balance.outstanding <= 0:
        return [Problem("balance", "nothing is owed on this case", code="nothing_owed")]
    return []


def standard(
    req: DocumentRequest, *, on_judgment: Judgment | None = None, in_proceedings: bool = False
) -> list[Problem]:
    """The blocks every claim, enforcement and insolvency document shares. A paper that enforces a
    judgment (``on_judgment``) is not barred by the age of the debts the judgment was given on: they
    merged in it; a demand or petition on it is checked against the judgment's own age instead
    (``judgment_limitation``). A step in proceedings already issued (``in_proceedings``) is not
    either: time stopped running when the claim was issued."""
    skip = on_judgment is not None or in_proceedings
    return [
        *breathing_space(req.case, req.as_of),
        *deceased(req.case, req.as_of),
        *insolvency(req.case, req.as_of),
        *([] if skip else statute_barred(req)),
        *vulnerability(req),
    ]


def judgment_limitation(req: DocumentRequest, judgment: Judgment, what: str) -> list[Problem]:
    """Limitation Act 1980 s.24(1): no action upon a judgment after six years from the date it became
    enforceable; a bankruptcy or winding-up petition founded on a judgment is such an action (Re a
    Debtor (No 50A-SD-1995) [1997] Ch 310). Enforcing the judgment by execution is not (Lowsley v
    Forbes [1999] 1 AC 329), so this is for demands and petitions only."""
    from docgen.domain.calendar import add_years
    from docgen.domain.tables import lookup

    years = int(lookup("limitation_periods", req.as_of)["years"]["judgment"])
    if req.as_of < add_years(judgment.date, years):
        return []
    override = req.option(OVERRIDE_LIMITATION).strip()
    words = (
        f"the judgment of {judgment.date.day} {judgment.date:%B %Y} (claim {judgment.claim_number}) is "
        f"{years} years old or more: {what} founded on it is an action upon a judgment, which section 24 of "
        "the Limitation Act 1980 bars after six years"
    )
    if override:
        return [
            Problem(
                "limitation",
                f"{words}; going ahead on the recorded reason: {override}",
                code="limitation_override",
                blocking=False,
            )
        ]
    return [
        Problem(
            "limitation",
            f"{words}. To go ahead, record the reason for proceeding, which is kept with the document",
            code="statute_barred",
            hint=f"--option {OVERRIDE_LIMITATION}=<reason>",
        )
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


def unconfirmed_figure(table: str, as_of: date, what: str, amount: Decimal) -> list[Problem]:
    """The officer's warning when a figure a paper prints comes from a table row that is not
    confirmed (``docgen.domain.fees.unconfirmed_figure``); the paper never carries the note."""
    from docgen.domain.fees import unconfirmed_figure as warning
    from docgen.domain.tables import lookup

    found = warning(f"fees.{table}", lookup(table, as_of), what, amount, as_of)
    return [found] if found is not None else []
