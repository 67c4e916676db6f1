"""agreement_loans.rate_source: whether a loan's interest was computed at its contract rate, at
the district's default rate (the contract rate is unknown: printed as 按默认利率测算) or at a
rate set for the agreement

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('agreement_loans', schema=None) as batch_op:
        batch_op.add_column(sa.Column('rate_source', sa.String(length=8), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('agreement_loans', schema=None) as batch_op:
        batch_op.drop_column('rate_source')
