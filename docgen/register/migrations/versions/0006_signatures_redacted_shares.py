"""A version's signature (who signed, when, from which version), and shares that see redacted papers.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('versions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('signature', sa.JSON(), nullable=True))
    with op.batch_alter_table('shares', schema=None) as batch_op:
        batch_op.add_column(sa.Column('redacted', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('shares', schema=None) as batch_op:
        batch_op.drop_column('redacted')
    with op.batch_alter_table('versions', schema=None) as batch_op:
        batch_op.drop_column('signature')
