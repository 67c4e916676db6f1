"""the bank's reported recovery becomes a projection: ledger_balances.as_of (each reading's
date), and every source='bank' repayment derived again from the readings (app.db.bank_recovery)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03
"""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    from app.db import bank_recovery

    op.add_column('ledger_balances', sa.Column('as_of', sa.Date(), nullable=True))
    conn = op.get_bind()
    # The rows earlier versions minted (some voided, some split when a township record explained
    # part of one) are replaced by the derivation's: the same money, each yuan once.
    conn.execute(sa.text("DELETE FROM repayments WHERE source = 'bank'"))
    bank_recovery.derive(conn, None, date.today())


def downgrade() -> None:
    with op.batch_alter_table('ledger_balances') as batch:
        batch.drop_column('as_of')
