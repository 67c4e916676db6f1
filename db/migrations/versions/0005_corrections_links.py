"""corrections: a corrected visit or repayment names the one it replaces (corrects_id)

Facts are never edited: a wrong one is voided (``deleted`` with ``void_reason``) and the
corrected one recorded as a new row whose ``corrects_id`` is the voided row's id
(``app.services.work.corrections``).  No foreign key: rows from other laptops may arrive in any
order when packages are merged.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ('repayments', 'visits'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('corrects_id', sa.String(length=36), nullable=True))
            batch_op.create_index(batch_op.f(f'ix_{table}_corrects_id'), ['corrects_id'], unique=False)


def downgrade() -> None:
    for table in ('visits', 'repayments'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f'ix_{table}_corrects_id'))
            batch_op.drop_column('corrects_id')
