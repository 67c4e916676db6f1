"""household list index: household_index, household_staff, household_search_keys, household_search_fts

Derived, local tables for the household list and search-as-you-type (see
app/db/models/search.py).  They start empty; ``app.db.search_index.ensure_index`` fills in
any household that has no row yet the first time the list is opened.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('household_index',
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.String(length=36), nullable=False),
    sa.Column('township_id', sa.String(length=36), nullable=False),
    sa.Column('village_id', sa.String(length=36), nullable=True),
    sa.Column('group_name', sa.String(length=32), nullable=True),
    sa.Column('head_name', sa.String(length=64), nullable=False),
    sa.Column('sort_name', sa.String(length=200), nullable=False),
    sa.Column('capacity', sa.String(length=16), nullable=False),
    sa.Column('categories', sa.Text(), nullable=False),
    sa.Column('stages', sa.String(length=120), nullable=False),
    sa.Column('stage', sa.String(length=16), nullable=True),
    sa.Column('stage_rank', sa.Integer(), nullable=False),
    sa.Column('loans', sa.Integer(), nullable=False),
    sa.Column('loans_settled', sa.Integer(), nullable=False),
    sa.Column('task_fen', sa.BigInteger(), nullable=False),
    sa.Column('recovered_fen', sa.BigInteger(), nullable=False),
    sa.Column('outstanding_fen', sa.BigInteger(), nullable=False),
    sa.Column('last_visit_on', sa.Date(), nullable=True),
    sa.Column('last_outcome', sa.String(length=16), nullable=True),
    sa.Column('next_date', sa.Date(), nullable=True),
    sa.Column('promise_visit_on', sa.Date(), nullable=True),
    sa.Column('promise_date', sa.Date(), nullable=True),
    sa.Column('promise_fen', sa.BigInteger(), nullable=True),
    sa.Column('paid_after_promise_on', sa.Date(), nullable=True),
    sa.Column('last_paid_on', sa.Date(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('seq', name=op.f('pk_household_index')),
    sa.UniqueConstraint('household_id', name=op.f('uq_household_index_household_id'))
    )
    with op.batch_alter_table('household_index', schema=None) as batch_op:
        for col in ('township_id', 'village_id', 'sort_name', 'capacity', 'outstanding_fen',
                    'last_visit_on', 'next_date', 'promise_date'):
            batch_op.create_index(batch_op.f(f'ix_household_index_{col}'), [col], unique=False)

    op.create_table('household_staff',
    sa.Column('staff_id', sa.String(length=36), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('duties', sa.String(length=80), nullable=False),
    sa.Column('loans', sa.Integer(), nullable=False),
    sa.Column('loans_settled', sa.Integer(), nullable=False),
    sa.Column('task_fen', sa.BigInteger(), nullable=False),
    sa.Column('recovered_fen', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('staff_id', 'seq', name=op.f('pk_household_staff')),
    sqlite_with_rowid=False
    )
    with op.batch_alter_table('household_staff', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_household_staff_seq'), ['seq'], unique=False)

    op.create_table('household_search_keys',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('key', 'seq', name=op.f('pk_household_search_keys')),
    sqlite_with_rowid=False
    )
    # Trigram index over household_index.text; kept up to date by refresh_search (no triggers,
    # so a full rebuild can use the much faster 'rebuild' command).
    op.execute("CREATE VIRTUAL TABLE household_search_fts USING fts5("
               "text, content='household_index', content_rowid='seq', tokenize='trigram')")


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS household_search_fts")
    op.drop_table('household_search_keys')
    with op.batch_alter_table('household_staff', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_household_staff_seq'))
    op.drop_table('household_staff')
    with op.batch_alter_table('household_index', schema=None) as batch_op:
        for col in ('promise_date', 'next_date', 'last_visit_on', 'outstanding_fen', 'capacity',
                    'sort_name', 'village_id', 'township_id'):
            batch_op.drop_index(batch_op.f(f'ix_household_index_{col}'))
    op.drop_table('household_index')
