"""Field clocks and the local change sequence: every travelling table gets ``seq`` (indexed;
the export watermark) and ``field_hlc`` (JSON stamps per field or field group); the audit log's
``hlc`` is indexed (the clock resumes from its latest stamp).  Existing rows get seq 1 and
``{"*": hlc}``.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

# The travelling (SyncMixin) tables as of this revision.
TABLES = ('agreement_loans', 'agreements', 'assignments', 'category_tags', 'conflicts', 'households',
          'import_followups', 'installments', 'ledger_imports', 'loans', 'persons', 'repayments',
          'stage_events', 'staff', 'units', 'users', 'villages', 'visits')


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('seq', sa.Integer(), nullable=True))
            batch_op.add_column(sa.Column('field_hlc', sa.Text(), nullable=True))
            batch_op.create_index(batch_op.f(f'ix_{table}_seq'), ['seq'], unique=False)
        op.execute(f"UPDATE {table} SET seq = 1, "
                   f"field_hlc = CASE WHEN hlc IS NULL THEN NULL ELSE json_object('*', hlc) END")
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_log_hlc'), ['hlc'], unique=False)
    op.execute("INSERT OR IGNORE INTO meta (key, value) VALUES ('seq_last', '1')")


def downgrade() -> None:
    op.execute("DELETE FROM meta WHERE key = 'seq_last'")
    op.drop_index(op.f('ix_audit_log_hlc'), table_name='audit_log')
    # Plain DROP COLUMN (SQLite 3.35+), not a batch copy: tables other rows point to
    # (agreements, loans …) cannot be dropped and made again while foreign keys are enforced.
    for table in TABLES:
        op.drop_index(op.f(f'ix_{table}_seq'), table_name=table)
        op.execute(f'ALTER TABLE "{table}" DROP COLUMN field_hlc')
        op.execute(f'ALTER TABLE "{table}" DROP COLUMN seq')
