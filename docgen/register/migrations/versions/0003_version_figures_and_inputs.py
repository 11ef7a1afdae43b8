"""A version keeps the figures it prints and what it was made from beyond one case; papers that are
not one case's (debt-panel packs) move to their own namespace, which no case reference can take.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('versions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('figures', sa.JSON(), nullable=False, server_default='{}'))
        batch_op.add_column(sa.Column('inputs', sa.JSON(), nullable=False, server_default='{}'))
    # Panel packs were kept under "PANEL/<meeting>", a reference a case could take and share.
    op.execute(
        "UPDATE documents SET case_ref = 'panel:' || substr(case_ref, 7) "
        "WHERE doc_type = 'panel_pack' AND case_ref LIKE 'PANEL/%'"
    )


def downgrade() -> None:
    op.execute(
        "UPDATE documents SET case_ref = 'PANEL/' || substr(case_ref, 7) "
        "WHERE doc_type = 'panel_pack' AND case_ref LIKE 'panel:%'"
    )
    with op.batch_alter_table('versions', schema=None) as batch_op:
        batch_op.drop_column('inputs')
        batch_op.drop_column('figures')
