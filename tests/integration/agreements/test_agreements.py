"""Repayment agreements on a real database: what is owed, the plan, reductions, the lifecycle,
versions, and the worklist queries."""
from __future__ import annotations

import sqlite3
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import Agreement, AgreementLoan, Installment, Loan
from app.domain.errors import InputError, IntegrityError, NotFound
from app.services import agreements as svc
from app.services.agreements.owed import quote
from tests.integration.agreements.agreement_helpers import count, execute, free_households


@pytest.fixture(autouse=True)
def _days_to_come_have_come(monkeypatch):
    """These tests sign and pay on the schedule's dates, months ahead: let those days have come."""
    from app.services.foundation import work_common

    monkeypatch.setattr(work_common, "current_day", lambda: date(2028, 12, 31))


AS_OF = date(2026, 11, 22)
FIRST = date(2027, 1, 15)


def plan(loans, **kw) -> svc.PlanRequest:
    kw.setdefault("installments", 6)
    kw.setdefault("first_due", FIRST)
    return svc.PlanRequest(loan_nos=loans, as_of=AS_OF, **kw)


@pytest.fixture
def household(demo_db) -> list[str]:
    return free_households(demo_db, min_loans=2, limit=1)[0]


def loan(db, loan_no: str) -> Loan:
    with Session(db.engine) as s:
        return s.scalars(select(Loan).where(Loan.loan_no == loan_no)).one()


# --------------------------------------------------------------------------- what is owed

def test_owed_is_the_balance_the_ledger_interest_and_what_accrued_since(demo_db, household):
    q = quote(demo_db, household, AS_OF)
    assert [ln.loan_no for ln in q.loans] == household
    for ln in q.loans:
        row = loan(demo_db, ln.loan_no)
        assert ln.principal_fen == row.balance_fen
        assert ln.ledger_interest_fen == row.interest_fen
        assert ln.accrued_from == row.ledger_date
        assert ln.rate_ppm == row.rate_ppm and ln.penalty_rate_ppm == row.rate_ppm * 3 // 2
        # the demo's loans are long overdue: every day since the ledger earns penalty interest
        days = (AS_OF - row.ledger_date).days
        num = row.balance_fen * ln.penalty_rate_ppm * days
        assert ln.accrued_penalty_fen == (2 * num + 360_000_000) // 720_000_000
        assert ln.owed_fen == ln.principal_fen + ln.interest_fen + ln.penalty_fen
    assert q.owed_fen == sum(ln.owed_fen for ln in q.loans)


def test_unknown_rate_uses_the_district_default_and_rates_can_be_set(demo_db, household):
    execute(demo_db, "UPDATE loans SET rate_ppm = NULL WHERE loan_no = :n", n=household[0])
    ln = quote(demo_db, household[:1], AS_OF).loans[0]
    assert (ln.rate_ppm, ln.penalty_rate_ppm, ln.rate_source) == (86_400, 129_600, "default")
    ln = quote(demo_db, household[:1], AS_OF, rate_ppm=50_000, penalty_rate_ppm=60_000).loans[0]
    assert (ln.rate_ppm, ln.penalty_rate_ppm, ln.rate_source) == (50_000, 60_000, "set")


def test_a_loan_with_interest_suspended_accrues_nothing(demo_db, household):
    execute(demo_db, "UPDATE loans SET interest_suspended = 1 WHERE loan_no = :n", n=household[0])
    ln = quote(demo_db, household[:1], AS_OF).loans[0]
    assert ln.suspended and (ln.accrued_interest_fen, ln.accrued_penalty_fen) == (0, 0)
    assert ln.interest_fen == loan(demo_db, household[0]).interest_fen


def test_interest_repaid_since_the_ledger_is_deducted(demo_db, household):
    row = loan(demo_db, household[0])
    before = quote(demo_db, household[:1], AS_OF).loans[0]
    execute(demo_db, """INSERT INTO repayments (id, loan_id, paid_on, amount_fen, principal_fen, interest_fen,
                        penalty_fen, source, deleted) VALUES ('r1', :loan, '2026-06-01', 30000, 0, 20000, 10000,
                        'township', 0)""", loan=row.id)
    after = quote(demo_db, household[:1], AS_OF).loans[0]
    assert after.interest_fen == before.interest_fen - 20000
    assert after.penalty_fen == before.penalty_fen - 10000
    assert after.principal_fen == before.principal_fen


# --------------------------------------------------------------------------- making one

def test_an_agreement_sums_to_what_is_owed_less_what_is_waived(demo_db, household):
    q = quote(demo_db, household, AS_OF)
    view = svc.create(demo_db, plan(household, waive_interest_fen=50_000, waive_all_penalty=True,
                                    approval_ref="减免审批〔2026〕7号"), actor="张三")
    assert view.status == "draft" and view.version == 1
    assert view.owed_fen == q.owed_fen
    assert (view.waived_interest_fen, view.waived_penalty_fen) == (50_000, q.penalty_fen)
    assert view.total_fen == q.owed_fen - 50_000 - q.penalty_fen
    assert sum(i.amount_fen for i in view.installments) == view.total_fen
    assert [i.due for i in view.installments][:2] == [FIRST, date(2027, 2, 15)]
    assert sum(ln.waived_interest_fen for ln in view.loans) == 50_000
    assert view.condition and "2期" in view.condition          # the district's default wording
    assert view.number.split("-")[1:] == ["2026", view.number.split("-")[2], "0001"] and len(view.number.split("-")[2]) == 3
    with Session(demo_db.engine) as s:
        rows = s.scalars(select(AgreementLoan).where(AgreementLoan.agreement_id == view.id)).all()
        assert sorted(r.loan_id for r in rows) == sorted(loan(demo_db, n).id for n in household)
        assert all(r.ledger_interest_fen is not None and r.rate_ppm for r in rows)
        assert "先本金、再利息、后罚息" in s.get(Agreement, view.id).terms_text


def test_the_next_agreement_of_a_township_takes_the_next_number(demo_db):
    a, b = free_households(demo_db, limit=40)[:2]
    first = svc.create(demo_db, plan(a))
    second = svc.create(demo_db, plan(b))
    if first.township == second.township:
        assert int(second.number[-4:]) == int(first.number[-4:]) + 1


@pytest.mark.parametrize("kind", ["other_household", "unknown", "too_much_interest", "too_much_penalty",
                                  "negative", "bad_amounts", "due_before_as_of"])
def test_a_refused_agreement_writes_nothing(demo_db, household, kind):
    other = free_households(demo_db, limit=2)[1]
    q = quote(demo_db, household, AS_OF)
    request = {
        "other_household": plan(household + other[:1]),
        "unknown": plan(household + ["000000000"]),
        "too_much_interest": plan(household, waive_interest_fen=q.interest_fen + 1),
        "too_much_penalty": plan(household, waive_penalty_fen=q.penalty_fen + 1),
        "negative": plan(household, waive_interest_fen=-1),
        "bad_amounts": plan(household, installments=2, amounts_fen=[100, 100]),
        "due_before_as_of": plan(household, first_due=AS_OF - timedelta(days=1)),
    }[kind]
    before = [count(demo_db, t) for t in ("agreements", "agreement_loans", "installments", "audit_log")]
    with pytest.raises(NotFound if kind == "unknown" else InputError) as err:
        svc.create(demo_db, request)
    assert [count(demo_db, t) for t in ("agreements", "agreement_loans", "installments", "audit_log")] == before
    if kind == "other_household":
        assert "同一户" in str(err.value)
    if kind.startswith("too_much"):
        assert "超过" in str(err.value)


def test_a_loan_already_in_an_agreement_is_refused_until_that_one_is_cancelled(demo_db, household):
    first = svc.create(demo_db, plan(household))
    with pytest.raises(InputError) as err:
        svc.create(demo_db, plan(household[:1]))
    assert first.number in str(err.value)
    svc.cancel(demo_db, first.id, reason="重新协商")
    assert svc.create(demo_db, plan(household[:1])).status == "draft"


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_plan_for_real_loans_adds_up_to_the_total(demo_db, household, data):
    q = quote(demo_db, household, AS_OF)
    n = data.draw(st.integers(1, 36), label="n")
    request = plan(household, installments=n, frequency=data.draw(st.sampled_from(["monthly", "quarterly"])),
                   waive_interest_fen=data.draw(st.integers(0, q.interest_fen)),
                   waive_penalty_fen=data.draw(st.integers(0, q.penalty_fen)),
                   round_to=data.draw(st.sampled_from([1, 100, 10_000])))
    pv = svc.preview(demo_db, request)
    assert pv.total_fen == q.owed_fen - pv.waived_fen
    assert sum(i.amount_fen for i in pv.installments) == pv.total_fen
    assert [sum(w) for w in zip(*pv.loan_waivers)] == [pv.waived_interest_fen, pv.waived_penalty_fen]


def test_custom_dates_and_typed_amounts_with_the_rest_on_one(demo_db, household):
    q = quote(demo_db, household, AS_OF)
    after_harvest = [date(2027, 8, 20), date(2027, 10, 31)]
    view = svc.create(demo_db, plan(household, installments=None, first_due=None, dates=after_harvest,
                                    amounts_fen=[100_000, None]))
    assert view.frequency == "custom"
    assert [(i.due, i.amount_fen) for i in view.installments] == [(after_harvest[0], 100_000),
                                                                   (after_harvest[1], q.owed_fen - 100_000)]


# --------------------------------------------------------------------------- lifecycle and versions

def test_draft_printed_signed_and_a_change_makes_a_new_version_keeping_the_old(demo_db, household):
    view = svc.create(demo_db, plan(household))
    same = svc.revise(demo_db, view.id, plan(household, installments=3))
    assert same.id == view.id and len(same.installments) == 3 and same.version == 1   # a draft: in place
    assert count(demo_db, "installments WHERE agreement_id = '%s' AND deleted = 0" % view.id) == 3
    assert svc.mark_printed(demo_db, view.id).status == "printed"
    signed = svc.sign(demo_db, view.id, date(2026, 11, 25))
    assert (signed.status, signed.signed_on) == ("signed", date(2026, 11, 25))

    v2 = svc.revise(demo_db, view.id, plan(household, installments=12, waive_all_penalty=True))
    assert (v2.version, v2.previous_id, v2.number, v2.status) == (2, view.id, view.number, "draft")
    old = svc.get(demo_db, view.id)
    assert old.status == "superseded" and len(old.installments) == 3 and old.signed_on == date(2026, 11, 25)
    with pytest.raises(IntegrityError):
        svc.revise(demo_db, view.id, plan(household))
    with pytest.raises(IntegrityError):
        svc.sign(demo_db, view.id, AS_OF)
    history = svc.history(demo_db, v2.id)
    assert [(r.version, r.status) for r in history] == [(1, "superseded"), (2, "draft")]
    assert view.id not in {r.id for r in svc.list_agreements(demo_db)}
    assert view.id in {r.id for r in svc.list_agreements(demo_db, include_history=True)}


def test_a_cancelled_agreement_cannot_be_signed_or_changed(demo_db, household):
    view = svc.cancel(demo_db, svc.create(demo_db, plan(household)).id, reason="借款人反悔")
    assert view.status == "cancelled" and "借款人反悔" in view.note
    for action in (lambda: svc.sign(demo_db, view.id, AS_OF), lambda: svc.cancel(demo_db, view.id),
                   lambda: svc.revise(demo_db, view.id, plan(household))):
        with pytest.raises(IntegrityError):
            action()


def test_an_agreement_is_found_by_its_number_too(demo_db, household):
    view = svc.create(demo_db, plan(household))
    assert svc.get(demo_db, view.number).id == view.id
    with pytest.raises(NotFound):
        svc.get(demo_db, "没有这份协议")


# --------------------------------------------------------------------------- the worklist

def test_the_demo_agreements_left_unpaid_are_broken_on_the_worklist(demo_db):
    """The demo's borrowers paid some installments in full and stopped at some point: an
    agreement is broken when its first unpaid installment is more than 30 days overdue."""
    broken = svc.broken_agreements(demo_db, AS_OF)
    with Session(demo_db.engine) as s:
        signed = s.scalars(select(Agreement).where(Agreement.status == "signed")).all()
        unpaid = {a.id: [i.due_date for i in s.scalars(select(Installment).where(
                      Installment.agreement_id == a.id, Installment.paid_fen < Installment.amount_fen))]
                  for a in signed}
    expected = {a for a, dues in unpaid.items() if dues and min(dues) + timedelta(days=30) < AS_OF}
    assert expected and len(expected) < len(signed)   # some keep to their plan, some do not
    assert {b.agreement_id for b in broken} == expected
    assert all(b.missed >= 1 and b.days_overdue > 30 and b.household for b in broken)
    assert [b.days_overdue for b in broken] == sorted((b.days_overdue for b in broken), reverse=True)


def test_due_then_overdue_then_broken_then_mended(demo_db, household):
    from app.services.recovery.agreement_payments import pay

    view = svc.create(demo_db, plan(household, installments=3))
    svc.sign(demo_db, view.id, date(2026, 11, 25))
    first = view.installments[0]
    ids = lambda items: {d.agreement_id for d in items}  # noqa: E731
    assert view.id in ids(svc.agreements_due(demo_db, FIRST - timedelta(days=5), within_days=7))
    assert view.id not in ids(svc.agreements_due(demo_db, FIRST - timedelta(days=30), within_days=7))
    late = FIRST + timedelta(days=10)                       # overdue, within the grace period
    assert view.id in ids(svc.agreements_due(demo_db, late)) and view.id not in ids(svc.broken_agreements(demo_db, late))
    gone = FIRST + timedelta(days=31)
    [b] = [d for d in svc.broken_agreements(demo_db, gone) if d.agreement_id == view.id]
    assert (b.installment_no, b.left_fen, b.days_overdue, b.missed) == (1, first.amount_fen, 31, 1)
    assert svc.get(demo_db, view.id, gone).state == "broken"               # measured, never stored
    assert sqlite3.connect(demo_db.path).execute("SELECT status FROM agreements WHERE id = ?",
                                                  (view.id,)).fetchone() == ("signed",)
    paid_on = gone + timedelta(days=3)
    pay(demo_db, view.id, first.amount_fen, paid_on)
    assert view.id not in ids(svc.broken_agreements(demo_db, paid_on))
    assert svc.get(demo_db, view.id, paid_on).state == "signed"           # mended
    # the past stays as it was: on that date, before the payment, it was broken
    assert view.id in ids(svc.broken_agreements(demo_db, gone))
