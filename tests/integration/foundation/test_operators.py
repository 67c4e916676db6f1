"""The operator (操作员 / 经办人): named once on this laptop's database, attributed in the audit
log, printed on receipts and agreements; the program's placeholders are never printed as names."""
from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import LOCAL_TABLES, AuditEntry, Meta, User
from app.domain.errors import InputError
from app.services import agreements as svc
from app.services.agreements.forms import write_pdf
from app.services.foundation import operators
from app.services.recovery.agreement_payments import pay
from tests.integration.agreements.agreement_helpers import execute, free_households
from tests.integration.agreements.test_agreement_pdfs import AS_OF, pdf_text

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext not installed")


@pytest.fixture(autouse=True)
def _days_to_come_have_come(monkeypatch):
    from app.services.foundation import work_common

    monkeypatch.setattr(work_common, "current_day", lambda: date(2028, 12, 31))


def test_the_operator_is_stored_once_and_taken_up_again(new_db):
    assert operators.current(new_db) is None
    first = operators.set_current(new_db, "  张  三 ")
    assert first.name == "张 三" and operators.current(new_db) == first
    second = operators.set_current(new_db, "李四")
    assert operators.current(new_db).name == "李四"
    assert operators.set_current(new_db, "张 三").id == first.id         # the same user, not a second one
    with Session(new_db.engine) as s:
        users = s.scalars(select(User)).all()
        assert sorted(u.display_name for u in users) == sorted(["李四", "张 三"]) and second.id in {u.id for u in users}
        assert s.get(Meta, operators.META_KEY).value == first.id          # where: this database's meta
        said = [e.summary for e in s.scalars(select(AuditEntry).where(AuditEntry.action == "operator")
                                             .order_by(AuditEntry.hlc))]
    assert said == ["本机操作员设为“张 三”", "本机操作员由“张 三”改为“李四”", "本机操作员由“李四”改为“张 三”"]
    assert {"users", "meta"} <= LOCAL_TABLES                             # never in a package


@pytest.mark.parametrize("name, words", [("", "请填写"), ("工作台", "不是人的姓名"), ("命令行", "不是人的姓名"),
                                         ("张" * 33, "太长")])
def test_a_name_that_is_no_name_is_refused_and_nothing_is_written(new_db, name, words):
    with pytest.raises(InputError, match=words):
        operators.set_current(new_db, name)
    assert operators.current(new_db) is None


@needs_poppler
def test_the_receipt_and_the_agreement_name_the_operator(demo_db, tmp_path):
    operators.set_current(demo_db, "王会计")
    loans = free_households(demo_db)[0]
    view = svc.create(demo_db, svc.PlanRequest(loan_nos=loans, as_of=AS_OF, installments=2,
                                               first_due=date(2027, 1, 15)), actor="王会计")
    svc.sign(demo_db, view.id, date(2026, 11, 25), actor="王会计")
    paid = pay(demo_db, view.id, 50_000, date(2026, 12, 1), "王会计")
    receipt = pdf_text(Path(write_pdf(demo_db, view.id, tmp_path / "r.pdf", "receipt", actor="李四").path))
    assert "经办人：王会计" in receipt and "工作台" not in receipt          # who took the money
    agreement = pdf_text(Path(write_pdf(demo_db, view.id, tmp_path / "a.pdf", actor="王会计").path))
    assert "经办人：王会计" in agreement
    with Session(demo_db.engine) as s:
        actors = set(s.scalars(select(AuditEntry.actor).where(AuditEntry.entity_id == view.id)))
    assert actors == {"王会计"} and paid.receipt_no in receipt


@needs_poppler
def test_a_receipt_recorded_before_anyone_was_named_leaves_the_line_blank(demo_db, tmp_path):
    loans = free_households(demo_db)[0]
    view = svc.create(demo_db, svc.PlanRequest(loan_nos=loans, as_of=AS_OF, installments=1, frequency="lump",
                                               first_due=date(2027, 1, 15)))
    svc.sign(demo_db, view.id, date(2026, 11, 25))
    pay(demo_db, view.id, 10_000, date(2026, 12, 1), "工作台")          # what the window wrote before
    execute(demo_db, "UPDATE repayments SET updated_by = '工作台' WHERE agreement_id = :a", a=view.id)
    text = pdf_text(Path(write_pdf(demo_db, view.id, tmp_path / "r.pdf", "receipt").path))
    assert f"经办人：{view.township}" in text and "工作台" not in text   # nothing after it: written by hand
