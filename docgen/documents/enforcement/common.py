"""What the enforcement papers share: the judgment to enforce and where it stands, and the warning
when a court fee printed comes from a table that is not confirmed."""

from __future__ import annotations

from datetime import date
from typing import Any

from docgen.documents.base import Options, OptionSpec
from docgen.domain.case import Case, Judgment
from docgen.domain.judgment import JudgmentPosition, choose_judgment

FAMILY = "enforcement"
CLAIM_NUMBER = OptionSpec(
    "claim_number",
    "Claim number of the judgment to enforce",
    help="Only when the case has more than one judgment.",
)


def on(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def chosen_judgment(case: Case, as_of: date, options: Options) -> Judgment | None:
    """The judgment named by the ``claim_number`` option, else the latest one still owing on ``as_of``."""
    return choose_judgment(case, as_of, options.get("claim_number", ""))


def judgment_problems(case: Case, as_of: date, options: Options, what: str) -> list[Any]:
    from docgen.errors import Problem

    wanted = options.get("claim_number", "").strip()
    if chosen_judgment(case, as_of, options) is not None:
        return []
    if wanted:
        return [
            Problem(
                "options.claim_number",
                f"the case records no judgment with claim number {wanted}",
                code="unknown_judgment",
            )
        ]
    return [
        Problem(
            "judgments",
            f"{what} enforces a judgment, and the case records none given by {on(as_of)}",
            code="no_judgment",
        )
    ]


def judgment_context(pos: JudgmentPosition) -> dict[str, Any]:
    j = pos.judgment
    return {
        "court": j.court,
        "claim_number": j.claim_number,
        "date": j.date,
        "amount": j.amount,
        "costs": j.costs,
        "interest": j.interest,
        "total": pos.total,
        "paid": pos.paid,
        "outstanding": pos.outstanding,
        "balance": pos.balance,
        "judgment_interest": pos.interest.total,
        "instalments": j.instalments,
        "by_instalments": pos.by_instalments,
        "instalments_fallen_due": pos.instalments_fallen_due,
        "due_to_date": pos.due_to_date,
        "arrears": pos.arrears,
        "instalments_unpaid": pos.instalments_unpaid,
        "forthwith_unpaid": pos.forthwith_unpaid,
    }
