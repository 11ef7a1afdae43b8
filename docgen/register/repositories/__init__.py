"""Every query the register makes, one module per aggregate: documents and their versions (with
their approvals), cases (snapshots, shares and evidence uploads), jobs, users, the audit trail and
replacement templates. Functions add and flush; none of them commits (the caller's unit of work
does)."""

from docgen.register.repositories import (
    audit,
    cases,
    documents,
    jobs,
    organisations,
    templates,
    users,
    worklist,
)

__all__ = ["audit", "cases", "documents", "jobs", "organisations", "templates", "users", "worklist"]
