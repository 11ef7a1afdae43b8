"""The write-off policy option. Which policy a paper is made under (the council's own, chosen by id
from its configured set) is worked out in docgen.documents.councils."""

from __future__ import annotations

from docgen.documents.base import OptionSpec
from docgen.documents.councils import council_policy, policy_book, policy_of

POLICY = OptionSpec(
    "policy",
    "Write-off policy",
    help="The id of one of the council's write-off policies. By default the council's policy in force "
    "on the date of the paper.",
    max_length=64,
)

__all__ = ["POLICY", "council_policy", "policy_book", "policy_of"]
