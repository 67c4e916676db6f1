"""the audit log gets the local change sequence the other travelling rows have (audit_log.seq),
so a work package carries only the entries the district has not confirmed receiving instead of
the township's whole log every time; the entries already here get the last sequence (the next
package carries them once more, as every package did, and then no more once confirmed); and
device_sequences.last_upto, the change sequence the last package of a laptop reached, so a gap
is said to be filled only when the district has everything up to it

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-04
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.add_column(sa.Column('seq', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_audit_log_seq'), ['seq'], unique=False)
    with op.batch_alter_table('device_sequences', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_upto', sa.Integer(), nullable=True))
    conn = op.get_bind()
    last = conn.execute(sa.text("SELECT value FROM meta WHERE key = 'seq_last'")).scalar()
    if last:
        conn.execute(sa.text("UPDATE audit_log SET seq = :s"), {"s": int(last)})


def downgrade() -> None:
    with op.batch_alter_table('device_sequences', schema=None) as batch_op:
        batch_op.drop_column('last_upto')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_log_seq'))
        batch_op.drop_column('seq')
