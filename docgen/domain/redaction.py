"""The case as a partner or the court may see it: personal data they do not need left out.

A redacted paper is rendered from this copy of the case, so what is withheld is never in the
paper at all (not covered over): not in its text, its text layer, its metadata or the case data
an archival paper carries. What is left out, and why:

- dates of birth of every debtor (identity data the claim does not turn on);
- health and vulnerability flags and notes (special category data, UK GDPR art. 9);
- bank details: payment methods and references, which can carry account and card numbers;
- other people's details: co-owners named on a property, and e-mail addresses and vulnerability
  of any debtor; the parties themselves stay named with their addresses, and a debtor's employer
  stays (an attachment of earnings order is served on it), as the court must know them;
- free-text notes on the case and its history, which officers use for exactly such details.

Eligibility is always decided on the full case before a redacted paper is rendered, so leaving
data out can never make a paper allowed that the full facts forbid.
"""

from __future__ import annotations

from typing import Any

from docgen.domain.case import Case

WITHHELD = "Withheld"


def _debtor(data: dict[str, Any]) -> dict[str, Any]:
    out = dict(data)
    out.pop("date_of_birth", None)
    out.pop("email", None)
    if "vulnerability" in out:
        out["vulnerability"] = {"flags": [], "notes": ""}
    return out


def redact_case(case: Case) -> Case:
    """A copy of ``case`` without the personal data listed in this module's notes."""
    data = case.model_dump(mode="json", by_alias=True, exclude_none=True)
    data["debtors"] = [_debtor(d) for d in data["debtors"]]
    data["payments"] = [
        {k: v for k, v in p.items() if k not in ("method", "reference")} for p in data.get("payments", [])
    ]
    data["properties"] = [
        {**p, "co_owners": [WITHHELD for _ in p.get("co_owners", [])]} for p in data.get("properties", [])
    ]
    data["recovery_history"] = [{**h, "note": ""} for h in data.get("recovery_history", [])]
    data["notes"] = ""
    return Case.model_validate(data)


#: the case fields a redacted paper leaves out, for the pages and the API to show
WITHHELD_FIELDS = (
    "debtors[].date_of_birth",
    "debtors[].email",
    "debtors[].vulnerability",
    "payments[].method",
    "payments[].reference",
    "properties[].co_owners",
    "recovery_history[].note",
    "notes",
)

#: the mark a redacted paper's document key carries, so that it is a document of its own
REDACTED = "redacted"


def redacted_key(key: str) -> str:
    return f"{key}:{REDACTED}" if key else REDACTED


def is_redacted_key(key: str) -> bool:
    return key == REDACTED or key.endswith(f":{REDACTED}")
