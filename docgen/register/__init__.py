"""The document register: which versions exist, what made them, who issued them, and the audit
trail. SQLAlchemy models, Alembic migrations, one repository module for the queries, and services
that never commit (the caller's ``unit_of_work`` does)."""

from docgen.register.db import open_register, unit_of_work

__all__ = ["open_register", "unit_of_work"]
