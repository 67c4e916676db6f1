"""indexes the district's merge seeks by: household_search_keys.seq (refreshing a household's
search entry deletes its keys by seq, which scanned every key: ~464,000 at 40,000 households)
and repayments.agreement_id (refreshing an agreement's instalments sums its repayments, which
scanned every repayment)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03
"""
from __future__ import annotations

from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('household_search_keys', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_household_search_keys_seq'), ['seq'], unique=False)
    with op.batch_alter_table('repayments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_repayments_agreement_id'), ['agreement_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('repayments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_repayments_agreement_id'))
    with op.batch_alter_table('household_search_keys', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_household_search_keys_seq'))
