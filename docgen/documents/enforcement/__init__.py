"""Enforcement after a judgment or liability orders: charging order on land (N379, with the council
tax variant under reg 50), attachment of earnings (N337), warrant of control (N323) and the general
application notice (N244) for permission to enforce or substituted service.

The law's conditions are eligibility rules with stable codes; where a judgment stands comes from
docgen.domain.judgment, and the figures compared against from the dated tables.
"""

from __future__ import annotations

from docgen.documents.enforcement.common import FAMILY, chosen_judgment, judgment_context, judgment_problems
from docgen.documents.enforcement.n244 import N244
from docgen.documents.enforcement.n323 import N323
from docgen.documents.enforcement.n337 import N337
from docgen.documents.enforcement.n379 import N379, persons_to_be_served

__all__ = [
    "FAMILY",
    "N244",
    "N323",
    "N337",
    "N379",
    "chosen_judgment",
    "judgment_context",
    "judgment_problems",
    "persons_to_be_served",
]
