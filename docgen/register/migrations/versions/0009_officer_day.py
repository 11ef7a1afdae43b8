"""The officer's working day: registered organisations and share expiry, withdrawn evidence,
users' e-mail and panel membership, saved case lists, the worklist's rows.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('case_lists',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('case_refs', sa.JSON(), nullable=False),
    sa.Column('created_by', sa.String(length=120), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name')
    )
    op.create_table('organisations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('contact_email', sa.String(length=254), nullable=False),
    sa.Column('created_by', sa.String(length=120), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name')
    )
    op.create_table('worklist',
    sa.Column('case_ref', sa.String(length=40), nullable=False),
    sa.Column('snapshot_id', sa.Integer(), nullable=False),
    sa.Column('computed_on', sa.Date(), nullable=False),
    sa.Column('debtor_name', sa.String(length=300), nullable=False),
    sa.Column('debt_type', sa.String(length=40), nullable=False),
    sa.Column('officer', sa.String(length=120), nullable=False),
    sa.Column('balance_pence', sa.Integer(), nullable=False),
    sa.Column('step', sa.String(length=64), nullable=True),
    sa.Column('step_title', sa.String(length=300), nullable=False),
    sa.Column('step_status', sa.String(length=16), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('deadline', sa.Date(), nullable=True),
    sa.Column('deadline_text', sa.Text(), nullable=False),
    sa.Column('reasons', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['case_ref'], ['cases.case_ref'], ),
    sa.PrimaryKeyConstraint('case_ref')
    )
    with op.batch_alter_table('worklist', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_worklist_debt_type'), ['debt_type'], unique=False)
        batch_op.create_index(batch_op.f('ix_worklist_due_on'), ['due_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_worklist_officer'), ['officer'], unique=False)
        batch_op.create_index(batch_op.f('ix_worklist_step'), ['step'], unique=False)

    with op.batch_alter_table('shares', schema=None) as batch_op:
        batch_op.add_column(sa.Column('expires_on', sa.Date(), nullable=True))

    with op.batch_alter_table('uploads', schema=None) as batch_op:
        batch_op.add_column(sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('withdrawn_by', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('withdrawn_reason', sa.Text(), nullable=False, server_default=''))

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email', sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column('panel_member', sa.Boolean(), nullable=False, server_default=sa.false()))



def downgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('panel_member')
        batch_op.drop_column('email')

    with op.batch_alter_table('uploads', schema=None) as batch_op:
        batch_op.drop_column('withdrawn_reason')
        batch_op.drop_column('withdrawn_by')
        batch_op.drop_column('withdrawn_at')

    with op.batch_alter_table('shares', schema=None) as batch_op:
        batch_op.drop_column('expires_on')

    with op.batch_alter_table('worklist', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_worklist_step'))
        batch_op.drop_index(batch_op.f('ix_worklist_officer'))
        batch_op.drop_index(batch_op.f('ix_worklist_due_on'))
        batch_op.drop_index(batch_op.f('ix_worklist_debt_type'))

    op.drop_table('worklist')
    op.drop_table('organisations')
    op.drop_table('case_lists')
