"""bulletins: the district's issued ten-day bulletins (十天一通报), issue number per year, as-of
date and the figures as printed, so the next issue says what changed since the last one

Revision ID: 0011
Revises: 0009
Create Date: 2026-12-02
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'bulletins',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('issue_no', sa.Integer(), nullable=False),
        sa.Column('as_of', sa.Date(), nullable=False),
        sa.Column('issued_at', sa.DateTime(), nullable=False),
        sa.Column('issued_by', sa.String(length=64), nullable=True),
        sa.Column('figures_json', sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_bulletins')),
        sa.UniqueConstraint('as_of', name=op.f('uq_bulletins_as_of')),
        sa.UniqueConstraint('year', 'issue_no', name='uq_bulletins_year_issue_no'),
    )


def downgrade() -> None:
    op.drop_table('bulletins')
