"""the conflict list travels: conflicts.found_on (the computers that listed it), state_hlc (the
clock of its state), resolution, resolved_by, resolved_at; the field conflicts already listed get
a new change sequence, so a laptop's next work package carries them to the district

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('conflicts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('found_on', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('state_hlc', sa.String(length=96), nullable=True))
        batch_op.add_column(sa.Column('resolution', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('resolved_by', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('resolved_at', sa.DateTime(), nullable=True))
    conn = op.get_bind()
    device = conn.execute(sa.text("SELECT value FROM meta WHERE key = 'device'")).scalar()
    if device:        # listed here: by this computer's merges
        conn.execute(sa.text("UPDATE conflicts SET found_on = json_array(:d)"), {"d": device})
    # One settled before: when and by whom is the settling unit of work's (it stamped the row);
    # how, its audit entry says.
    conn.execute(sa.text(
        "UPDATE conflicts SET state_hlc = hlc, resolved_by = updated_by, resolved_at = updated_at, "
        "resolution = CASE WHEN field LIKE 'rule:%' THEN 'kept' WHEN EXISTS (SELECT 1 FROM audit_log a "
        "WHERE a.entity = 'conflicts' AND a.entity_id = conflicts.id AND a.action = 'resolve' "
        "AND a.summary LIKE '%被覆盖的值%') THEN 'lost' ELSE 'kept' END WHERE resolved = 1"))
    if conn.execute(sa.text("SELECT count(*) FROM conflicts WHERE field NOT LIKE 'rule:%'")).scalar():
        last = conn.execute(sa.text("SELECT value FROM meta WHERE key = 'seq_last'")).scalar()
        seq = int(last or 0) + 1
        conn.execute(sa.text("UPDATE conflicts SET seq = :s WHERE field NOT LIKE 'rule:%'"), {"s": seq})
        conn.execute(sa.text("INSERT OR REPLACE INTO meta (key, value) VALUES ('seq_last', :v)"), {"v": str(seq)})


def downgrade() -> None:
    with op.batch_alter_table('conflicts', schema=None) as batch_op:
        batch_op.drop_column('resolved_at')
        batch_op.drop_column('resolved_by')
        batch_op.drop_column('resolution')
        batch_op.drop_column('state_hlc')
        batch_op.drop_column('found_on')
