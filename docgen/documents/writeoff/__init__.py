"""Write-off papers: a report for one case, a schedule for a batch, and the committee report for
the part of a batch above the delegated limit. The arithmetic and the rules a reason must meet are
in docgen.domain.writeoff; the council's policy is chosen in ``policy``."""

from __future__ import annotations

from docgen.documents.registry import register
from docgen.documents.writeoff.batch import (
    CommitteeReportBatch,
    CommitteeWriteOffReport,
    WriteOffSchedule,
    WriteOffScheduleBatch,
    batch_council,
    committee_context,
    schedule_context,
)
from docgen.documents.writeoff.lists import load_batch, schedule_xlsx
from docgen.documents.writeoff.policy import POLICY, council_policy, policy_book, policy_of
from docgen.documents.writeoff.report import WriteOffReport
from docgen.domain.writeoff import BatchItem, Schedule, ScheduleRow, build_schedule

FAMILY = "writeoff"

register(WriteOffReport)
register(WriteOffSchedule)
register(CommitteeWriteOffReport)

__all__ = [
    "FAMILY",
    "POLICY",
    "BatchItem",
    "CommitteeReportBatch",
    "CommitteeWriteOffReport",
    "Schedule",
    "ScheduleRow",
    "WriteOffReport",
    "WriteOffSchedule",
    "WriteOffScheduleBatch",
    "batch_council",
    "build_schedule",
    "committee_context",
    "council_policy",
    "load_batch",
    "policy_book",
    "policy_of",
    "schedule_context",
    "schedule_xlsx",
]
