"""What the installation's settings say about the councils it serves, as every family reads it:
each council's write-off policies (chosen by id from its own set, never by path) and the courts
the council's list maps postcodes to."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from docgen.documents.base import DocumentRequest
from docgen.domain import writeoff_policy
from docgen.domain.courts import CourtDirectory
from docgen.domain.writeoff_policy import Policy, PolicyBook

if TYPE_CHECKING:
    from docgen.config import Settings


def policy_book(settings: Settings) -> PolicyBook:
    """The policies this installation holds: the councils' own folders, then the shipped examples."""
    return PolicyBook(
        folders=(*settings.policy_dirs, writeoff_policy.POLICIES_DIR),
        councils={council: tuple(ids) for council, ids in settings.write_off_policies.items()},
    )


def council_policy(settings: Settings, council: str, policy_id: str, as_of: date) -> Policy:
    return policy_book(settings).choose(council, policy_id.strip(), as_of)


def policy_of(req: DocumentRequest) -> Policy:
    """The write-off policy a paper for this request is made under."""
    return council_policy(req.config, req.case.creditor.name, req.option("policy"), req.as_of)


def court_directory(req: DocumentRequest) -> CourtDirectory:
    settings = req.config
    return CourtDirectory(settings.hearing_centres, settings.insolvency_courts)
