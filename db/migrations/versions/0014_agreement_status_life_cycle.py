"""an agreement's status is its life cycle only (draft, printed, signed, cancelled, superseded), a
township's field that travels with signed_on; how a signed one stands (broken, fulfilled) is
measured from the repayments wherever it is read, so what earlier versions stored of it is
signed again — the same on every laptop, so nothing of it needs to travel

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.get_bind().execute(sa.text("UPDATE agreements SET status = 'signed' WHERE status IN ('broken', 'fulfilled')"))


def downgrade() -> None:
    pass   # 'signed' is what an older version reads as "measure it" too
