"""A later ledger's bulk writes stamp each field they change and audit it field by field,
with old and new values."""
from __future__ import annotations

import json
from datetime import date

from sqlalchemy import select

from app.db.models import AuditEntry, Loan
from app.services.ledger_import import import_ledger
from tests.integration.ledger_import.ledger_files import HEADER, loan_row

TODAY = date(2026, 12, 20)


def _ledger(write_xlsx, as_of, rows, name):
    return write_xlsx({"柳林镇": [["清收任务清单（柳林镇）"], [f"单位：元  数据截至：{as_of}"], HEADER, *rows]}, name=name)


def test_a_later_ledger_stamps_and_audits_each_field_it_changes(new_db, write_xlsx):
    import_ledger(new_db, _ledger(write_xlsx, "2026年10月31日", [loan_row(1, balance=10000), loan_row(2, balance=8000)],
                                  "oct.xlsx"), today=TODAY, actor="李会计")
    with new_db.uow() as uow:
        loan = uow.session.scalars(select(Loan).where(Loan.loan_no == "620100100001")).one()
        lid, born, seq0 = loan.id, json.loads(loan.field_hlc)["*"], loan.seq
    import_ledger(new_db, _ledger(write_xlsx, "2026年11月30日", [loan_row(1, balance=6000), loan_row(2, balance=8000)],
                                  "nov.xlsx"), today=TODAY, actor="李会计")
    with new_db.uow() as uow:
        loan = uow.session.get(Loan, lid)
        clocks, hlc, seq = json.loads(loan.field_hlc), loan.hlc, loan.seq
        mine = uow.session.execute(select(AuditEntry.actor, AuditEntry.action, AuditEntry.changes).where(
            AuditEntry.entity == "loans", AuditEntry.entity_id == lid)).all()
    assert clocks["*"] == born and clocks["ledger_date"] == hlc > born
    assert "balance_fen" not in clocks            # a cache: recomputed, never merged
    assert seq > seq0
    assert len(mine) == 1 and mine[0].actor == "李会计" and mine[0].action == "update"
    changes = json.loads(mine[0].changes)
    assert changes["balance_fen"] == [10000_00, 6000_00]
    assert changes["ledger_date"] == ["2026-10-31", "2026-11-30"]
