"""sync trust: sync_peers (whose packages this database trusts), sync_enrolments (district), and
device_sequences.confirmed_change (what of a laptop's changes the district has all received)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('sync_peers',
    sa.Column('unit_id', sa.String(length=36), nullable=False),
    sa.Column('device', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=True),
    sa.Column('verify_key', sa.String(length=64), nullable=False),
    sa.Column('recipient', sa.String(length=128), nullable=False),
    sa.Column('enrolled_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('unit_id', 'device', name=op.f('pk_sync_peers'))
    )
    op.create_table('sync_enrolments',
    sa.Column('unit_id', sa.String(length=36), nullable=False),
    sa.Column('secret', sa.String(length=64), nullable=False),
    sa.Column('made_at', sa.DateTime(), nullable=False),
    sa.Column('task_sequence', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('unit_id', name=op.f('pk_sync_enrolments'))
    )


    with op.batch_alter_table('device_sequences', schema=None) as batch_op:
        batch_op.add_column(sa.Column('confirmed_change', sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('device_sequences', schema=None) as batch_op:
        batch_op.drop_column('confirmed_change')
    op.drop_table('sync_enrolments')
    op.drop_table('sync_peers')
