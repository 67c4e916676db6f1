"""Visits, repayments and stage moves: their effect on every figure, and refusals."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import text

from app.domain.errors import InputError, NotFound
from app.services import households as H
from app.services.households import HouseholdFilter
from app.services.households import detail as household_page
from app.services.recovery.repayments import record_repayment
from app.services.reporting import summary
from app.services.work import worklist
from app.services.work.stages import allowed_moves, move_stage
from app.services.work.visits import record_visit

TODAY = date.today()
DAY = date(2026, 11, 20)   # the demo's "today"; all demo facts are on or before it


def loan_row(db, loan_id):
    with db.engine.connect() as conn:
        return conn.execute(text("SELECT balance_fen, stage, stage_date FROM loans WHERE id = :i"), {"i": loan_id}).one()


# -- repayments ---------------------------------------------------------------------------------
def test_a_repayment_shows_at_once_in_every_figure(demo_db, one, audits):
    s0 = summary.compute(demo_db, TODAY)
    earlier = summary.compute(demo_db, DAY - timedelta(days=1)).to_json()
    r = record_repayment(demo_db, loan_no=one["loan_no"], amount_fen=123_456, paid_on=DAY, note="现金", actor="王会计")
    assert (r.principal_fen, r.interest_fen) == (123_456, 0)
    assert r.outstanding_fen == one["task_fen"] - 123_456 and not r.settled
    s1 = summary.compute(demo_db, TODAY)
    assert s1.totals.recovered_fen == s0.totals.recovered_fen + 123_456
    assert s1.totals.outstanding_fen == s0.totals.outstanding_fen - 123_456
    assert summary.compute(demo_db, DAY - timedelta(days=1)).to_json() == earlier   # the day before: unchanged
    assert loan_row(demo_db, one["loan_id"])[0] == one["task_fen"] - 123_456
    row = H.rows(demo_db, [one["household_id"]])[0]
    assert row.recovered_fen == 123_456 and row.outstanding_fen == one["task_fen"] - 123_456
    d = household_page.detail(demo_db, one["household_id"])
    assert d.timeline[0].kind == "repayment" and d.timeline[0].amount_fen == 123_456
    assert audits(demo_db, "repay") == 1
    with demo_db.engine.connect() as conn:
        who = conn.execute(text("SELECT actor, summary FROM audit_log WHERE action = 'repay'")).one()
    assert who[0] == "王会计" and one["loan_no"] in who[1]


def test_principal_first_then_interest_and_settled_at_zero(demo_db, one):
    s0 = summary.compute(demo_db, TODAY)
    total = one["task_fen"] + min(one["interest_fen"], 5_000)
    r = record_repayment(demo_db, loan_no=one["loan_no"], amount_fen=total, paid_on=DAY, actor="王会计")
    assert r.principal_fen == one["task_fen"] and r.interest_fen == total - one["task_fen"]
    assert r.outstanding_fen == 0 and r.settled
    balance, stage, stage_date = loan_row(demo_db, one["loan_id"])
    assert (balance, stage) == (0, "settled") and str(stage_date) == DAY.isoformat()
    d = household_page.detail(demo_db, one["household_id"])
    assert d.stage_history[0].to_stage == "settled" and d.stage_history[0].from_stage == "collection"
    s1 = summary.compute(demo_db, TODAY)
    assert s1.totals.settled == s0.totals.settled + 1
    assert s1.totals.recovered_fen == s0.totals.recovered_fen + one["task_fen"]   # interest is not "recovered"
    assert one["household_id"] in H.ids(demo_db, HouseholdFilter(stage="settled"))
    with pytest.raises(InputError):   # nothing is owed any more
        record_repayment(demo_db, loan_no=one["loan_no"], amount_fen=one["interest_fen"] + 1, paid_on=DAY)


@pytest.mark.parametrize("kwargs, error", [
    ({"loan_no": "NO-SUCH-LOAN", "amount_fen": 100}, NotFound),
    ({"amount_fen": 0}, InputError),
    ({"amount_fen": -100}, InputError),
    ({"amount_fen": 10**12}, InputError),                         # more than principal + interest
    ({"amount_fen": 100, "paid_on": TODAY + timedelta(days=1)}, InputError),
    ({"amount_fen": 100, "paid_on": date(2020, 1, 1)}, InputError),  # before the task list
])
def test_a_refused_repayment_writes_nothing(demo_db, one, fingerprint, kwargs, error):
    args = {"loan_no": one["loan_no"], "paid_on": DAY, **kwargs}
    before = fingerprint(demo_db)
    with pytest.raises(error):
        record_repayment(demo_db, **args)
    assert fingerprint(demo_db) == before


def test_more_than_principal_and_interest_is_refused_exactly(demo_db, one):
    with pytest.raises(InputError, match="超过"):
        record_repayment(demo_db, loan_no=one["loan_no"], amount_fen=one["task_fen"] + one["interest_fen"] + 1,
                         paid_on=DAY)
    r = record_repayment(demo_db, loan_no=one["loan_no"], amount_fen=one["task_fen"] + one["interest_fen"], paid_on=DAY)
    assert r.outstanding_fen == 0 and r.interest_outstanding_fen == 0


# -- visits --------------------------------------------------------------------------------------
def test_a_visit_with_a_promise_that_is_then_broken_and_kept(demo_db, one, audits):
    visit_day = DAY - timedelta(days=40)
    r = record_visit(demo_db, loan_no=one["loan_no"], visited_on=visit_day, outcome="promised", method="电话",
                     visitors="李干部、村主任", promised_fen=50_000, promised_date=visit_day + timedelta(days=10),
                     next_date=visit_day + timedelta(days=10), note="表示秋收后还款", actor="李干部")
    assert r.loan_no == one["loan_no"] and r.household_id == one["household_id"]
    assert audits(demo_db, "visit") == 1
    row = H.rows(demo_db, [one["household_id"]])[0]
    assert row.last_visit_on == visit_day and row.last_outcome == "promised"
    assert row.promise_broken and row.followup_due
    assert one["household_id"] in H.ids(demo_db, HouseholdFilter(promise_broken=True))
    assert one["household_id"] in {r.id for r in worklist.compute(demo_db, limit=1000).broken_promises.items}
    d = household_page.detail(demo_db, one["household_id"])
    assert d.visits[0].method == "phone" and d.visits[0].promised_fen == 50_000
    # A repayment after the promise keeps it.
    record_repayment(demo_db, loan_no=one["loan_no"], amount_fen=50_000, paid_on=visit_day + timedelta(days=15))
    assert not H.rows(demo_db, [one["household_id"]])[0].promise_broken
    assert one["household_id"] not in H.ids(demo_db, HouseholdFilter(promise_broken=True))


def test_a_visit_leaves_the_never_visited_list_and_schedules_the_next(demo_db):
    hid = H.ids(demo_db, HouseholdFilter(never_visited=True))[0]
    record_visit(demo_db, household_id=hid, outcome="partial", next_date=TODAY, actor="李干部")
    assert hid not in H.ids(demo_db, HouseholdFilter(never_visited=True))
    w = worklist.compute(demo_db, limit=1000)
    assert hid in {r.id for r in w.due_today.items}
    assert hid not in {r.id for r in w.never_visited.items}
    assert household_page.detail(demo_db, hid).visits[0].visited_on == TODAY   # today by default


@pytest.mark.parametrize("kwargs, error", [
    ({"loan_no": "NO-SUCH-LOAN"}, NotFound),
    ({"outcome": "happy"}, InputError),
    ({"method": "飞鸽"}, InputError),
    ({"visited_on": TODAY + timedelta(days=1)}, InputError),
    ({"next_date": DAY - timedelta(days=1)}, InputError),
    ({"promised_date": DAY - timedelta(days=1)}, InputError),
    ({"promised_fen": 0}, InputError),
])
def test_a_refused_visit_writes_nothing(demo_db, one, fingerprint, kwargs, error):
    args = {"loan_no": one["loan_no"], "visited_on": DAY, "outcome": "promised", **kwargs}
    before = fingerprint(demo_db)
    with pytest.raises(error):
        record_visit(demo_db, **args)
    assert fingerprint(demo_db) == before


def test_outcomes_by_code_or_chinese_name(demo_db, one):
    for outcome in ("paid", "部分还款", "拒绝", "unreachable", "无能力", "other"):
        record_visit(demo_db, loan_no=one["loan_no"], visited_on=DAY, outcome=outcome)
    outcomes = [v.outcome for v in household_page.detail(demo_db, one["household_id"]).visits[:6]]
    assert sorted(outcomes) == sorted(["paid", "partial", "refused", "unreachable", "unable", "other"])


# -- stages --------------------------------------------------------------------------------------
def test_moving_a_loan_through_the_legal_stages(demo_db, one, audits):
    assert allowed_moves("collection") == ["suit", "settled", "written_off"]
    r = move_stage(demo_db, loan_no=one["loan_no"], to_stage="诉讼", on_date=DAY, note="已向法院起诉", actor="李干部")
    assert (r.from_stage, r.to_stage) == ("collection", "suit")
    move_stage(demo_db, loan_no=one["loan_no"], to_stage="filed", on_date=DAY)
    move_stage(demo_db, loan_no=one["loan_no"], to_stage="执行", on_date=DAY)
    d = household_page.detail(demo_db, one["household_id"])
    assert [e.to_stage for e in d.stage_history][:3] == ["enforcement", "filed", "suit"]
    assert d.loans[0].stage == "enforcement" and d.loans[0].stage_name == "执行"
    assert one["household_id"] in H.ids(demo_db, HouseholdFilter(stage="enforcement"))
    assert audits(demo_db, "stage") == 3


@pytest.mark.parametrize("to, on, match", [
    ("filed", DAY, "不能从"),              # 催收 cannot jump to 立案
    ("collection", DAY, "已处于"),
    ("settled", DAY, "尚欠本金"),          # not while principal is owed
    ("suit", TODAY + timedelta(days=1), "不能晚于"),
    ("suit", date(2026, 1, 1), "早于"),    # before the current stage began
    ("trial", DAY, "未知"),
])
def test_a_refused_stage_move_writes_nothing(demo_db, one, fingerprint, to, on, match):
    before = fingerprint(demo_db)
    with pytest.raises(InputError, match=match):
        move_stage(demo_db, loan_no=one["loan_no"], to_stage=to, on_date=on)
    assert fingerprint(demo_db) == before


def test_write_off_keeps_the_loan_in_the_figures(demo_db, one):
    s0 = summary.compute(demo_db, TODAY)
    move_stage(demo_db, loan_no=one["loan_no"], to_stage="核销", on_date=DAY)
    s1 = summary.compute(demo_db, TODAY)
    assert (s1.totals.task_fen, s1.totals.recovered_fen) == (s0.totals.task_fen, s0.totals.recovered_fen)
    r = record_repayment(demo_db, loan_no=one["loan_no"], amount_fen=10_000, paid_on=DAY)
    assert r.principal_fen == 10_000


def test_a_repayment_under_an_agreement_goes_through_the_agreement(demo_db):
    with demo_db.engine.connect() as conn:
        loan_no, ag_id, hid = conn.execute(text(
            "SELECT l.loan_no, a.id, l.household_id FROM loans l JOIN agreement_loans al ON al.loan_id = l.id "
            "JOIN agreements a ON a.id = al.agreement_id WHERE a.status = 'signed' "
            "AND NOT EXISTS (SELECT 1 FROM repayments r WHERE r.loan_id = l.id) ORDER BY l.loan_no LIMIT 1")).one()
    s0 = summary.compute(demo_db, TODAY)
    r = record_repayment(demo_db, loan_no=loan_no, amount_fen=20_000, paid_on=DAY, actor="王会计")
    assert r.agreement_id == ag_id
    with demo_db.engine.connect() as conn:
        reps = conn.execute(text("SELECT agreement_id, principal_fen FROM repayments WHERE paid_on = :d "
                                 "AND agreement_id = :a"), {"d": DAY.isoformat(), "a": ag_id}).all()
    assert reps and sum(p for _a, p in reps) == r.principal_fen
    s1 = summary.compute(demo_db, TODAY)
    assert s1.totals.recovered_fen == s0.totals.recovered_fen + r.principal_fen
    assert H.rows(demo_db, [hid])[0].recovered_fen == household_page.detail(demo_db, hid).recovered_fen
    try:
        import app.services.recovery.agreement_payments  # noqa: F401  (the agreements engineer's module)
    except ImportError:
        assert (r.principal_fen, r.interest_fen) == (20_000, 0)   # until it lands: principal first
    else:
        with demo_db.engine.connect() as conn:
            paid = conn.execute(text("SELECT SUM(paid_fen) FROM installments WHERE agreement_id = :a"),
                                {"a": ag_id}).scalar_one()
        assert paid == 20_000                                     # the installments were filled
