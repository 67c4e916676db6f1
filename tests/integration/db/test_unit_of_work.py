"""Every user action is one transaction, stamped and audited."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from app.db.models import AuditEntry, Household, Unit
from app.domain.errors import InputError


def _count(db, model):
    with db.engine.connect() as c:
        return c.execute(select(func.count()).select_from(model)).scalar_one()


def test_a_refused_action_leaves_nothing_behind(new_db):
    before = (_count(new_db, Unit), _count(new_db, AuditEntry))
    with pytest.raises(InputError):
        with new_db.uow("张三") as uow:
            uow.session.add(Unit(name="柳林镇", kind="township"))
            uow.session.flush()
            raise InputError("中途拒绝")
    assert (_count(new_db, Unit), _count(new_db, AuditEntry)) == before


def test_leaving_without_commit_rolls_back(new_db):
    with new_db.uow() as uow:
        uow.session.add(Unit(name="马营镇", kind="township"))
    assert _count(new_db, Unit) == 1


def test_changes_are_stamped_and_audited_with_the_user(new_db):
    with new_db.uow("李四") as uow:
        t = Unit(name="石门乡", kind="township")
        uow.session.add(t)
        uow.session.flush()
        h = Household(township_id=t.id, head_name="王五")
        uow.session.add(h)
        uow.commit()
    with new_db.uow("赵六") as uow:
        h2 = uow.session.get(Household, h.id)
        h2.capacity = "able"
        uow.commit()
    with new_db.uow() as uow:
        h3 = uow.session.get(Household, h.id)
        assert h3.origin_unit == new_db.identity().unit_id
        assert h3.origin_device == new_db.identity().device
        assert h3.updated_by == "赵六"
        assert h3.hlc > h.hlc
        entries = uow.session.scalars(
            select(AuditEntry).where(AuditEntry.entity_id == h.id).order_by(AuditEntry.hlc)).all()
        seen = [(e.action, e.actor) for e in entries]
        last_change = json.loads(entries[-1].changes)
    assert seen == [("insert", "李四"), ("update", "赵六")]
    assert last_change == {"capacity": ["unknown", "able"]}


def _repayment(db):
    from datetime import date

    from app.db.models import Loan, Repayment

    with db.uow("李四") as uow:
        t = Unit(name="石门乡", kind="township")
        uow.session.add(t)
        uow.session.flush()
        h = Household(township_id=t.id, head_name="王五")
        uow.session.add(h)
        uow.session.flush()
        loan = Loan(loan_no="620100100001", household_id=h.id, township_id=t.id, task_amount_fen=100_000,
                    task_date=date(2026, 1, 1), balance_fen=100_000)
        uow.session.add(loan)
        uow.session.flush()
        r = Repayment(loan_id=loan.id, paid_on=date(2026, 5, 1), amount_fen=5_000, principal_fen=5_000)
        uow.session.add(r)
        uow.commit()
    return r.id


def test_a_fact_once_saved_cannot_be_edited_only_voided(new_db):
    from app.db.models import Repayment
    from app.domain.errors import DatabaseError

    rid = _repayment(new_db)
    with pytest.raises(DatabaseError, match="一经保存不能修改.*amount_fen"):
        with new_db.uow("李四") as uow:
            uow.session.get(Repayment, rid).amount_fen = 6_000
            uow.commit()
    with new_db.uow("李四") as uow:
        r = uow.session.get(Repayment, rid)
        r.deleted, r.void_reason = True, "金额录错"
        uow.commit()
    with new_db.uow() as uow:
        r = uow.session.get(Repayment, rid)
        assert (r.amount_fen, r.deleted, r.void_reason) == (5_000, True, "金额录错")
