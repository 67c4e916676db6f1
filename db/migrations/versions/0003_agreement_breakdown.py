"""agreements: how each loan's interest and penalty were reached; the printed terms

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('agreement_loans', schema=None) as batch_op:
        batch_op.add_column(sa.Column('accrued_from', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('ledger_interest_fen', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('accrued_interest_fen', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('accrued_penalty_fen', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('rate_ppm', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('penalty_rate_ppm', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('interest_suspended', sa.Boolean(), server_default='0', nullable=False))
    with op.batch_alter_table('agreements', schema=None) as batch_op:
        batch_op.add_column(sa.Column('terms_text', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('agreements', schema=None) as batch_op:
        batch_op.drop_column('terms_text')
    with op.batch_alter_table('agreement_loans', schema=None) as batch_op:
        batch_op.drop_column('interest_suspended')
        batch_op.drop_column('penalty_rate_ppm')
        batch_op.drop_column('rate_ppm')
        batch_op.drop_column('accrued_penalty_fen')
        batch_op.drop_column('accrued_interest_fen')
        batch_op.drop_column('ledger_interest_fen')
        batch_op.drop_column('accrued_from')
