"""Money paid under an agreement: split by the agreement's order, filled into installments,
written as repayments of each loan; the agreement fulfilled when all is paid."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import Installment, Loan, Repayment
from app.domain.errors import InputError, IntegrityError
from app.services import agreements as svc
from app.services.agreements.forms import receipt_form
from app.services.recovery.agreement_payments import agreement_in_force, allocate_to_agreement, pay
from tests.integration.agreements.agreement_helpers import count, free_households


@pytest.fixture(autouse=True)
def _days_to_come_have_come(monkeypatch):
    """These tests sign and pay on the schedule's dates, months ahead: let those days have come."""
    from app.services.foundation import work_common

    monkeypatch.setattr(work_common, "current_day", lambda: date(2028, 12, 31))


AS_OF = date(2026, 11, 22)
SIGNED = date(2026, 11, 25)


@pytest.fixture
def household(demo_db) -> list[str]:
    return free_households(demo_db, min_loans=2, limit=1)[0]


def signed(db, loans, **kw) -> svc.AgreementView:
    kw.setdefault("installments", 4)
    if kw.get("waive_all_penalty") or kw.get("waive_all_interest") or kw.get("waive_interest_fen") \
            or kw.get("waive_penalty_fen"):
        kw.setdefault("approval_ref", "减免审批〔2026〕1号")       # a reduction is signed once approved
    view = svc.create(db, svc.PlanRequest(loan_nos=loans, as_of=AS_OF, first_due=date(2027, 1, 15), **kw))
    return svc.sign(db, view.id, SIGNED)


def repayments(db, agreement_id) -> list[Repayment]:
    with Session(db.engine) as s:
        return list(s.scalars(select(Repayment).where(Repayment.agreement_id == agreement_id)))


def balances(db, loan_nos) -> dict[str, int]:
    with Session(db.engine) as s:
        return {ln.loan_no: ln.balance_fen for ln in s.scalars(select(Loan).where(Loan.loan_no.in_(loan_nos)))}


def test_principal_first_pays_every_loans_principal_before_any_interest(demo_db, household):
    view = signed(demo_db, household)
    before = balances(demo_db, household)
    first_principal = view.loans[0].principal_fen
    amount = first_principal + 1000                  # all of loan 1's principal, 10 yuan of loan 2's
    result = pay(demo_db, view.id, amount, date(2027, 1, 10), actor="李四")
    parts = {p.loan_no: p for p in result.allocation.parts}
    assert parts[view.loans[0].loan_no].principal_fen == first_principal
    assert parts[view.loans[1].loan_no].principal_fen == 1000
    assert all(p.interest_fen == 0 and p.penalty_fen == 0 for p in parts.values())
    after = balances(demo_db, household)
    assert before[view.loans[0].loan_no] - after[view.loans[0].loan_no] == first_principal
    reps = repayments(demo_db, view.id)
    assert sum(r.amount_fen for r in reps) == amount
    assert {r.receipt_no for r in reps} == {result.receipt_no} and {r.updated_by for r in reps} == {"李四"}


def test_penalty_first_pays_penalty_then_interest_then_principal(demo_db, household):
    view = signed(demo_db, household, allocation_order="penalty,interest,principal")
    penalty = sum(ln.penalty_fen for ln in view.loans)
    interest = sum(ln.interest_fen for ln in view.loans)
    result = pay(demo_db, view.id, penalty + 500, date(2027, 1, 10))
    a = result.allocation
    assert sum(p.penalty_fen for p in a.parts) == penalty
    assert sum(p.interest_fen for p in a.parts) == 500
    assert sum(p.principal_fen for p in a.parts) == 0
    assert interest > 500


def test_waived_parts_are_never_asked_for(demo_db, household):
    view = signed(demo_db, household, waive_all_penalty=True, allocation_order="penalty,interest,principal")
    result = pay(demo_db, view.id, 10_000, date(2027, 1, 10))
    assert sum(p.penalty_fen for p in result.allocation.parts) == 0
    assert sum(p.interest_fen for p in result.allocation.parts) == 10_000


def test_payments_fill_installments_in_order_and_the_last_fulfils(demo_db, household):
    view = signed(demo_db, household)
    first, second = view.installments[0].amount_fen, view.installments[1].amount_fen
    r = pay(demo_db, view.id, first + 100, date(2027, 1, 10))
    assert [(i.no, i.paid_now_fen, i.left_fen) for i in r.allocation.installments] == [
        (1, first, 0), (2, 100, second - 100)]
    with Session(demo_db.engine) as s:
        paid = [i.paid_fen for i in sorted(s.scalars(select(Installment).where(
            Installment.agreement_id == view.id, Installment.deleted.is_(False))), key=lambda i: i.no)]
    assert paid == [first, 100, 0, 0]
    rest = view.total_fen - first - 100
    r = pay(demo_db, view.id, rest, date(2027, 2, 10))
    assert (r.allocation.remaining_fen, r.allocation.status) == (0, "fulfilled")
    final = svc.get(demo_db, view.id, date(2027, 2, 10))
    assert final.state == "fulfilled" and final.paid_fen == view.total_fen
    assert all(i.paid_fen == i.amount_fen for i in final.installments)
    # every part of every loan was paid exactly, the reductions aside
    reps = repayments(demo_db, view.id)
    assert sum(r.principal_fen for r in reps) == view.principal_fen
    assert sum(r.interest_fen for r in reps) == view.interest_fen - view.waived_interest_fen
    assert sum(r.penalty_fen for r in reps) == view.penalty_fen - view.waived_penalty_fen
    with Session(demo_db.engine) as s:
        assert agreement_in_force(s, final.loans[0].loan_id) is None


@pytest.mark.parametrize("case", ["too_much", "zero", "before_signing", "unsigned", "cancelled"])
def test_a_refused_payment_writes_nothing(demo_db, household, case):
    if case == "unsigned":
        view = svc.create(demo_db, svc.PlanRequest(loan_nos=household, as_of=AS_OF, installments=2,
                                                   first_due=date(2027, 1, 15)))
    else:
        view = signed(demo_db, household)
    if case == "cancelled":
        svc.cancel(demo_db, view.id)
    amount, on = {"too_much": (view.total_fen + 1, date(2027, 1, 1)), "zero": (0, date(2027, 1, 1)),
                  "before_signing": (100, date(2026, 11, 1))}.get(case, (100, date(2027, 1, 1)))
    before = (count(demo_db, "repayments"), balances(demo_db, household))
    with pytest.raises(IntegrityError if case in ("unsigned", "cancelled") else InputError):
        pay(demo_db, view.id, amount, on)
    assert (count(demo_db, "repayments"), balances(demo_db, household)) == before


def test_allocation_alone_writes_no_repayment_and_leaves_the_commit_to_the_caller(demo_db, household):
    view = signed(demo_db, household)
    with demo_db.uow("测试") as uow:
        alloc = allocate_to_agreement(uow, view.id, 12_345, date(2027, 1, 5))
        assert sum(p.amount_fen for p in alloc.parts) == 12_345
        assert agreement_in_force(uow.session, view.loans[0].loan_id) == view.id
    assert count(demo_db, f"repayments WHERE agreement_id = '{view.id}'") == 0
    assert svc.get(demo_db, view.id).installments[0].paid_fen == 0      # rolled back


def test_the_receipt_shows_the_payment_its_parts_and_installments(demo_db, household):
    view = signed(demo_db, household)
    pay(demo_db, view.id, 20_000, date(2027, 1, 5), actor="王会计")
    second = pay(demo_db, view.id, 30_000, date(2027, 1, 12), actor="王会计", note="现金")
    form = receipt_form(demo_db, second.receipt_no)
    assert form.amount_fen == 30_000 and form.paid_on == date(2027, 1, 12)
    assert form.household == view.household and form.operator == "王会计" and form.note == "现金"
    assert form.installments[0][:3] == (1, view.installments[0].due, 30_000)
    assert form.remaining_fen == view.total_fen - 50_000
    assert form.agreement_number.startswith(view.number)
