"""The document register: which versions exist, what made them, who issued them, and the audit
trail. It stores, fetches, issues and verifies; it knows nothing of documents or rendering.

SQLAlchemy models, Alembic migrations, one repository module per aggregate for the queries
(``docgen.register.repositories``), and the version operations (``docgen.register.versions``),
none of which commits: the caller's ``unit_of_work`` does."""

from docgen.register.db import (
    RegisterNotMigrated,
    migrate,
    open_register,
    read_transaction,
    unit_of_work,
)

__all__ = ["RegisterNotMigrated", "migrate", "open_register", "read_transaction", "unit_of_work"]
