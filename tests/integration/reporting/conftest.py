"""A small district for the bulletin tests: two townships, three loans, known repayments.

柳林镇: L1 200,000.00 元 and L2 1,200,000.00 元 (a large loan); 石门乡: L3 100,000.00 元.
Before the first bulletin (as of 2026-11-10): L1 repaid 50,000.00 on 11-01, L3 40,000.00 on
11-05; 石门乡 is visited on 11-06 and promises to pay by 11-12 (it does not).
"""
from __future__ import annotations

from datetime import date

import pytest

FIRST = date(2026, 11, 10)
SECOND = date(2026, 11, 20)


@pytest.fixture
def small(new_db):
    from app.db.models import Household, Loan, Unit
    from app.services.recovery.repayments import record_repayment
    from app.services.work.visits import record_visit

    with new_db.uow("测试员") as uow:
        s = uow.session
        a, b = Unit(name="柳林镇", kind="township"), Unit(name="石门乡", kind="township")
        s.add_all([a, b])
        s.flush()
        h1, h3 = Household(township_id=a.id, head_name="张三"), Household(township_id=b.id, head_name="李四")
        s.add_all([h1, h3])
        s.flush()
        for no, h, t, fen in (("L1", h1, a, 20_000_000), ("L2", h1, a, 120_000_000), ("L3", h3, b, 10_000_000)):
            s.add(Loan(loan_no=no, household_id=h.id, township_id=t.id, task_amount_fen=fen,
                       task_date=date(2026, 1, 1), balance_fen=fen))
        uow.commit()
    record_repayment(new_db, amount_fen=5_000_000, loan_no="L1", paid_on=date(2026, 11, 1))
    record_repayment(new_db, amount_fen=4_000_000, loan_no="L3", paid_on=date(2026, 11, 5))
    record_visit(new_db, outcome="promised", loan_no="L3", visited_on=date(2026, 11, 6),
                 promised_date=date(2026, 11, 12), promised_fen=1_000_000)
    return new_db
