"""import follow-up: import_followups (what a ledger import left for a person to check)

Made empty, then filled from the ledger imports this database already holds, so that what
earlier imports said is found too: the warnings and the missing loans each import kept in
its summary (the warnings up to the 200 it kept), and the loans whose lower balance it
counted as recovered by the bank (from the repayments it wrote).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""
from __future__ import annotations

import json
import time
import uuid
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('import_followups',
    sa.Column('import_id', sa.String(length=36), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('loan_no', sa.String(length=64), nullable=True),
    sa.Column('loan_id', sa.String(length=36), nullable=True),
    sa.Column('household_id', sa.String(length=36), nullable=True),
    sa.Column('as_of', sa.Date(), nullable=True),
    sa.Column('sheet', sa.String(length=64), nullable=True),
    sa.Column('row', sa.Integer(), nullable=True),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('imported', sa.Boolean(), nullable=False),
    sa.Column('checked_at', sa.DateTime(), nullable=True),
    sa.Column('checked_by', sa.String(length=64), nullable=True),
    sa.Column('check_note', sa.Text(), nullable=True),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('origin_unit', sa.String(length=36), nullable=True),
    sa.Column('origin_device', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=True),
    sa.Column('updated_by', sa.String(length=64), nullable=True),
    sa.Column('hlc', sa.String(length=96), nullable=True),
    sa.Column('deleted', sa.Boolean(), server_default='0', nullable=False),
    sa.ForeignKeyConstraint(['household_id'], ['households.id'], name=op.f('fk_import_followups_household_id_households')),
    sa.ForeignKeyConstraint(['import_id'], ['ledger_imports.id'], name=op.f('fk_import_followups_import_id_ledger_imports')),
    sa.ForeignKeyConstraint(['loan_id'], ['loans.id'], name=op.f('fk_import_followups_loan_id_loans')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_import_followups'))
    )
    with op.batch_alter_table('import_followups', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_import_followups_hlc'), ['hlc'], unique=False)
        batch_op.create_index(batch_op.f('ix_import_followups_household_id'), ['household_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_import_followups_import_id'), ['import_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_import_followups_loan_no'), ['loan_no'], unique=False)
    _fill_from_earlier_imports(op.get_bind())


def downgrade() -> None:
    with op.batch_alter_table('import_followups', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_import_followups_loan_no'))
        batch_op.drop_index(batch_op.f('ix_import_followups_import_id'))
        batch_op.drop_index(batch_op.f('ix_import_followups_household_id'))
        batch_op.drop_index(batch_op.f('ix_import_followups_hlc'))

    op.drop_table('import_followups')


def _yuan(fen: int) -> str:
    return f"{Decimal(int(fen)) / 100:,.2f}"


def _yuan_text(text) -> str:
    try:
        return f"{Decimal(str(text)):,.2f}"
    except ArithmeticError:
        return str(text or "")


def _fill_from_earlier_imports(conn) -> None:
    meta = dict(conn.execute(sa.text("SELECT key, value FROM meta")).all())
    if not meta.get("device"):
        return   # a database never set up has no imports
    wall, counter = int(time.time() * 1000), 0
    if meta.get("hlc_last"):
        last_wall, last_counter, _device = meta["hlc_last"].split("-", 2)
        if int(last_wall) >= wall:
            wall, counter = int(last_wall), int(last_counter) + 1
    now = datetime.now().replace(microsecond=0).isoformat(sep=" ")
    stamp = {"origin_unit": meta.get("unit_id"), "origin_device": meta["device"], "created_at": now,
             "updated_at": now, "updated_by": "升级", "hlc": f"{wall:013d}-{counter:05d}-{meta['device']}"}
    loans = {no: (lid, hid if not gone else None) for no, lid, hid, gone in conn.execute(sa.text(
        "SELECT l.loan_no, l.id, l.household_id, COALESCE(h.deleted, 1) FROM loans l "
        "LEFT JOIN households h ON h.id = l.household_id"))}
    seen: set[tuple] = set()
    rows = []

    def add(import_id, kind, message, loan_no, as_of, sheet=None, row=None, imported=True) -> None:
        key = (loan_no, kind, message)
        if key in seen:
            return
        seen.add(key)
        loan_id, household_id = loans.get(loan_no or "", (None, None))
        rows.append({"id": str(uuid.uuid4()), "import_id": import_id, "kind": str(kind)[:40], "loan_no": loan_no,
                     "loan_id": loan_id, "household_id": household_id, "as_of": as_of, "sheet": sheet,
                     "row": row, "message": message, "imported": bool(imported), **stamp})

    imports = conn.execute(sa.text("SELECT id, as_of, summary_json FROM ledger_imports WHERE deleted = 0 "
                                   "ORDER BY imported_at, id")).all()
    for import_id, as_of, summary in imports:
        try:
            said = json.loads(summary) if summary else {}
        except ValueError:
            said = {}
        for w in said.get("warnings") or []:
            if w.get("code") and w.get("message"):
                add(import_id, w["code"], w["message"], w.get("loan_no"), as_of, w.get("sheet"), w.get("row"),
                    w.get("imported", True))
        for m in said.get("loans_missing") or []:
            if m.get("loan_no"):
                add(import_id, "missing_from_ledger",
                    f"银行台账中没有借据号 {m['loan_no']} 的贷款（{m.get('name', '')}，本系统余额 {_yuan_text(m.get('balance'))} 元），"
                    "请向银行核实是否已还清、核销或转到别处", m["loan_no"], as_of)
        for no, principal, balance, sheet, row in conn.execute(sa.text(
                "SELECT l.loan_no, r.principal_fen, b.balance_fen, b.sheet, b.row FROM repayments r "
                "JOIN loans l ON l.id = r.loan_id "
                "LEFT JOIN ledger_balances b ON b.import_id = r.ledger_import_id AND b.loan_id = r.loan_id "
                "WHERE r.ledger_import_id = :i AND r.deleted = 0 AND r.source = 'bank' ORDER BY l.loan_no"),
                {"i": import_id}):
            if balance is not None and balance <= 0:
                add(import_id, "bank_settled", f"银行台账显示借据号 {no} 已结清（余额 0.00 元），记为银行报告收回 "
                                               f"{_yuan(principal)} 元；请核实是否确已还清、由谁经手", no, as_of, sheet, row)
            else:
                left = f"余额 {_yuan(balance)} 元，" if balance is not None else ""
                add(import_id, "bank_repaid", f"银行台账中借据号 {no} 的{left}比本系统少 {_yuan(principal)} 元，"
                                              "记为银行报告收回的还款；请核实", no, as_of, sheet, row)
    if rows:
        table = sa.table("import_followups", *(sa.column(c) for c in rows[0]))
        conn.execute(sa.insert(table), rows)
        conn.execute(sa.text("UPDATE meta SET value = :v WHERE key = 'hlc_last'"), {"v": stamp["hlc"]})
