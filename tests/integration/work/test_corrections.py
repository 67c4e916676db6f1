"""冲正 / 作废: a wrong repayment or visit is voided with a reason, and the corrected one recorded
in its place, in one unit of work; a voided repayment counts nowhere, and what depended on it
(the bank's reports, 结清, an agreement's installments) is derived again."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from app.db.models import Repayment, StageEvent, Visit
from app.domain.errors import InputError, NotFound
from app.services import agreements
from app.services import households as H
from app.services.households import HouseholdFilter
from app.services.households import detail as household_page
from app.services.ledger_import import import_ledger
from app.services.recovery.agreement_payments import pay
from app.services.recovery.repayments import record_repayment
from app.services.reporting import summary
from app.services.work import worklist
from app.services.work.corrections import void_repayment, void_visit
from app.services.work.visits import record_visit
from tests.integration.agreements.agreement_helpers import free_households
from tests.workbooks import write_workbook

TODAY = date.today()
DAY = date(2026, 11, 20)      # the demo's "today"


def _row(db, model, row_id) -> dict:
    with Session(db.engine) as s:
        obj = s.get(model, row_id)
        return {c.key: getattr(obj, c.key) for c in obj.__mapper__.column_attrs}


def _village_recovered(db, household_id) -> int:
    d = household_page.detail(db, household_id)
    w = worklist.compute(db, TODAY, township_id=d.township_id)
    return next(p.recovered_fen for p in w.by_village if p.name == d.village)


def _audit(db, action: str) -> list[tuple]:
    with db.engine.connect() as conn:
        return conn.execute(text("SELECT actor, entity_id, summary, changes FROM audit_log WHERE action = :a"),
                            {"a": action}).all()


@pytest.fixture
def big(demo_db):
    """A collection-stage loan of 30,000 yuan or more with nothing repaid, alone in its household."""
    with demo_db.engine.connect() as conn:
        row = conn.execute(text(
            "SELECT l.loan_no, l.id, l.household_id, l.task_amount_fen FROM loans l "
            "WHERE l.stage = 'collection' AND l.task_amount_fen >= 3000000 "
            "AND NOT EXISTS (SELECT 1 FROM repayments r WHERE r.loan_id = l.id) "
            "AND NOT EXISTS (SELECT 1 FROM agreement_loans a WHERE a.loan_id = l.id) "
            "AND (SELECT COUNT(*) FROM loans x WHERE x.household_id = l.household_id) = 1 "
            "ORDER BY l.loan_no LIMIT 1")).one()
    return {"loan_no": row[0], "loan_id": row[1], "household_id": row[2], "task_fen": row[3]}


# -- a repayment typed wrong --------------------------------------------------------------------
def test_20000_typed_for_2000_is_corrected_everywhere(demo_db, big):
    one = big
    s0 = summary.compute(demo_db, TODAY)
    village0 = _village_recovered(demo_db, one["household_id"])
    wrong = record_repayment(demo_db, loan_no=one["loan_no"], amount_fen=2_000_000, paid_on=DAY, note="现金",
                             actor="王会计")
    before = _row(demo_db, Repayment, wrong.repayment_id)
    fixed = void_repayment(demo_db, wrong.repayment_id, reason="金额录错，应为 2,000 元", amount_fen=200_000,
                           actor="李主任")
    assert fixed.voided_ids == (wrong.repayment_id,) and fixed.corrected.amount_fen == 200_000
    assert fixed.corrected.paid_on == DAY and fixed.outstanding_fen == one["task_fen"] - 200_000

    # the voided row: only deleted and void_reason changed (and the stamps every change gets)
    after = _row(demo_db, Repayment, wrong.repayment_id)
    changed = {k for k in before if before[k] != after[k]} - {"hlc", "updated_at", "updated_by", "seq", "field_hlc"}
    assert changed == {"deleted", "void_reason"} and after["void_reason"] == "金额录错，应为 2,000 元"
    new = _row(demo_db, Repayment, fixed.corrected_id)
    assert new["corrects_id"] == wrong.repayment_id and new["note"] == "现金" and not new["deleted"]

    # every figure counts the 2,000 only
    s1 = summary.compute(demo_db, TODAY)
    assert s1.totals.recovered_fen == s0.totals.recovered_fen + 200_000
    row = H.rows(demo_db, [one["household_id"]])[0]
    assert (row.recovered_fen, row.outstanding_fen) == (200_000, one["task_fen"] - 200_000)
    d = household_page.detail(demo_db, one["household_id"])
    assert d.recovered_fen == 200_000 and [r.amount_fen for r in d.repayments] == [200_000]
    assert d.loans[0].outstanding_fen == one["task_fen"] - 200_000
    assert _village_recovered(demo_db, one["household_id"]) == village0 + 200_000

    # the timeline shows both: the wrong one struck through (已冲正, with why), the correction
    reps = [t for t in d.timeline if t.kind == "repayment"]
    assert [(t.amount_fen, t.voided) for t in reps] == [(200_000, False), (2_000_000, True)]
    assert reps[1].title.endswith("（已冲正）") and "金额录错" in reps[1].detail and not reps[1].voidable
    assert reps[0].title.endswith("（更正）") and reps[0].corrects_id == wrong.repayment_id and reps[0].voidable

    # audited: who, why, the link old → new
    actor, entity_id, said, changes = _audit(demo_db, "void")[0]
    assert actor == "李主任" and entity_id == wrong.repayment_id
    assert "金额录错" in said and "2,000.00" in said and fixed.corrected_id in changes


def test_a_void_alone_takes_the_money_out_of_every_figure(demo_db, one):
    s0 = summary.compute(demo_db, TODAY).to_json()
    rows0 = H.rows(demo_db, [one["household_id"]])[0]
    r = record_repayment(demo_db, loan_no=one["loan_no"], amount_fen=50_000, paid_on=DAY)
    done = void_repayment(demo_db, r.repayment_id, reason="重复登记")
    assert done.corrected is None and done.outstanding_fen == one["task_fen"]
    assert summary.compute(demo_db, TODAY).to_json() == s0
    row = H.rows(demo_db, [one["household_id"]])[0]
    assert (row.recovered_fen, row.outstanding_fen) == (rows0.recovered_fen, rows0.outstanding_fen)
    with demo_db.engine.connect() as conn:
        assert conn.execute(text("SELECT balance_fen FROM loans WHERE id = :i"),
                            {"i": one["loan_id"]}).scalar_one() == one["task_fen"]


def test_voiding_the_repayment_that_settled_a_loan_reopens_it(demo_db, one):
    settled0 = summary.compute(demo_db, TODAY).totals.settled
    r = record_repayment(demo_db, loan_no=one["loan_no"], amount_fen=one["task_fen"], paid_on=DAY)
    assert r.settled
    done = void_repayment(demo_db, r.repayment_id, reason="借款人并未还清，误录", amount_fen=one["task_fen"] // 2)
    assert done.reopened == (one["loan_no"],)
    d = household_page.detail(demo_db, one["household_id"])
    assert d.loans[0].stage == "collection" and d.loans[0].outstanding_fen == one["task_fen"] - one["task_fen"] // 2
    assert summary.compute(demo_db, TODAY).totals.settled == settled0
    assert all(e.to_stage != "settled" for e in d.stage_history)
    struck = [t for t in d.timeline if t.kind == "stage" and t.voided]
    assert len(struck) == 1 and "结清" in struck[0].title and struck[0].title.endswith("（已作废）")
    assert one["household_id"] not in H.ids(demo_db, HouseholdFilter(stage="settled"))


@pytest.mark.parametrize("how, error", [
    ("unknown", NotFound), ("no reason", InputError), ("twice", InputError), ("too much", InputError),
    ("future", InputError),
])
def test_a_refused_correction_writes_nothing(demo_db, one, fingerprint, how, error):
    r = record_repayment(demo_db, loan_no=one["loan_no"], amount_fen=10_000, paid_on=DAY)
    rep_id, kwargs = r.repayment_id, {"reason": "录错"}
    if how == "unknown":
        rep_id = "no-such-repayment"
    elif how == "no reason":
        kwargs["reason"] = "  "
    elif how == "twice":
        void_repayment(demo_db, rep_id, reason="录错")
    elif how == "too much":
        kwargs["amount_fen"] = 10**12
    else:
        kwargs["paid_on"] = TODAY + timedelta(days=1)
    before = fingerprint(demo_db)
    with pytest.raises(error):
        void_repayment(demo_db, rep_id, **kwargs)
    assert fingerprint(demo_db) == before


# -- what depended on the money ------------------------------------------------------------------
def _ledger(tmp_path, name: str, as_of: str, balance_yuan: int):
    rows = [[f"柳林镇不良贷款台账  数据截至：{as_of}"], ["借款人", "身份证号", "借据号", "村", "贷款余额"],
            ["张三", "110101199003070019", "L1", "李家村", balance_yuan]]
    return write_workbook(tmp_path / name, {"柳林镇": rows})


def _loan(db) -> tuple[str, str]:
    with db.engine.connect() as conn:
        return tuple(conn.execute(text("SELECT id, household_id FROM loans WHERE loan_no = 'L1'")).one())


def _bank(db) -> int:
    with db.engine.connect() as conn:
        return conn.execute(text("SELECT COALESCE(SUM(principal_fen), 0) FROM repayments "
                                 "WHERE source = 'bank' AND deleted = 0")).scalar_one()


def test_voiding_money_the_bank_also_reported_leaves_the_banks_figure(new_db, tmp_path):
    """The bank's October ledger showed 2,000 less; the township then entered that 2,000 (matched:
    the bank's record of it was voided).  Voiding the township's entry: the bank's 2,000 counts again."""
    import_ledger(new_db, _ledger(tmp_path, "9.xlsx", "2026年9月30日", 10000))
    import_ledger(new_db, _ledger(tmp_path, "10.xlsx", "2026年10月31日", 8000))
    loan_id, hid = _loan(new_db)
    r = record_repayment(new_db, loan_no="L1", amount_fen=200_000, paid_on=date(2026, 10, 20))
    assert _bank(new_db) == 0 and summary.compute(new_db).totals.recovered_fen == 200_000
    done = void_repayment(new_db, r.repayment_id, reason="记错了借款户")
    assert done.bank_restored_fen == 200_000 and done.outstanding_fen == 800_000
    assert _bank(new_db) == 200_000 and summary.compute(new_db).totals.recovered_fen == 200_000
    assert H.rows(new_db, [hid])[0].outstanding_fen == 800_000


def test_20000_for_2000_before_the_banks_ledger_comes_right_when_corrected(new_db, tmp_path):
    """20,000 typed for 2,000, then the bank's ledger shows the 2,000 (balance higher than ours);
    the correction leaves 2,000 recovered, the township's, and the balance the bank's."""
    import_ledger(new_db, _ledger(tmp_path, "9.xlsx", "2026年9月30日", 100000))
    wrong = record_repayment(new_db, loan_no="L1", amount_fen=2_000_000, paid_on=date(2026, 10, 20))
    import_ledger(new_db, _ledger(tmp_path, "10.xlsx", "2026年10月31日", 98000))
    assert _bank(new_db) == 0 and summary.compute(new_db).totals.recovered_fen == 2_000_000
    done = void_repayment(new_db, wrong.repayment_id, reason="多录了一个零", amount_fen=200_000)
    assert done.outstanding_fen == 9_800_000
    assert summary.compute(new_db).totals.recovered_fen == 200_000 and _bank(new_db) == 0
    with new_db.engine.connect() as conn:
        assert conn.execute(text("SELECT balance_fen FROM loans WHERE loan_no = 'L1'")).scalar_one() == 9_800_000


def test_an_older_ledger_read_late_does_not_count_the_banks_money_twice(new_db, tmp_path):
    import_ledger(new_db, _ledger(tmp_path, "9.xlsx", "2026年9月30日", 10000))
    r = record_repayment(new_db, loan_no="L1", amount_fen=50_000, paid_on=date(2026, 10, 1))
    import_ledger(new_db, _ledger(tmp_path, "11.xlsx", "2026年11月30日", 8000))     # 1,500 more: the bank's
    import_ledger(new_db, _ledger(tmp_path, "10.xlsx", "2026年10月31日", 9000))     # read late: history
    assert summary.compute(new_db).totals.recovered_fen == 200_000
    on_oct_31 = summary.compute(new_db, date(2026, 10, 31)).totals.recovered_fen
    assert on_oct_31 == 100_000      # October's ledger shows 1,000 back by then: 500 recorded, 500 the bank's
    done = void_repayment(new_db, r.repayment_id, reason="不是这户的钱")
    assert done.bank_restored_fen == 50_000 and done.outstanding_fen == 800_000
    assert summary.compute(new_db).totals.recovered_fen == 200_000 and _bank(new_db) == 200_000
    assert summary.compute(new_db, date(2026, 10, 31)).totals.recovered_fen == on_oct_31


@pytest.fixture
def _agreement_days(monkeypatch):
    from app.services.foundation import work_common

    monkeypatch.setattr(work_common, "current_day", lambda: date(2028, 12, 31))


def test_a_payment_under_an_agreement_is_voided_whole_and_the_agreement_measured_again(
        demo_db, _agreement_days):
    loans = free_households(demo_db, min_loans=2, limit=1)[0]
    view = agreements.create(demo_db, agreements.PlanRequest(loan_nos=loans, as_of=date(2026, 11, 22),
                                                             first_due=date(2027, 1, 15), installments=2))
    view = agreements.sign(demo_db, view.id, date(2026, 11, 25))
    later = date(2028, 12, 31)
    recovered0 = summary.compute(demo_db, later).totals.recovered_fen
    paid = pay(demo_db, view.id, view.total_fen, date(2027, 1, 10))     # all of it, over both loans
    assert agreements.get(demo_db, view.id).state == "fulfilled" and len(paid.repayment_ids) == len(loans)
    done = void_repayment(demo_db, paid.repayment_ids[-1], reason="收款单填错",
                          amount_fen=view.installments[0].amount_fen)
    assert set(done.voided_ids) == set(paid.repayment_ids)            # every loan's part, one receipt
    again = agreements.get(demo_db, view.id)
    assert again.status == "signed" and again.state == "broken" and again.paid_fen == view.installments[0].amount_fen
    assert [i.paid_fen for i in again.installments] == [view.installments[0].amount_fen, 0]
    with Session(demo_db.engine) as s:
        new = list(s.scalars(select(Repayment).where(Repayment.agreement_id == view.id,
                                                     Repayment.deleted.is_(False))))
    assert {r.corrects_id for r in new} == {paid.repayment_ids[-1]}
    assert new[0].receipt_no != paid.receipt_no                       # the old receipt is void
    recovered = summary.compute(demo_db, later).totals.recovered_fen
    assert recovered == recovered0 + sum(r.principal_fen for r in new)
    mine = [ln for ln in household_page.detail(demo_db, again.household_id, later).loans if ln.loan_no in loans]
    assert any(ln.outstanding_fen for ln in mine)
    assert all((ln.stage == "settled") == (ln.outstanding_fen == 0) for ln in mine)


def test_a_bank_report_cannot_be_voided_here(new_db, tmp_path, fingerprint):
    import_ledger(new_db, _ledger(tmp_path, "9.xlsx", "2026年9月30日", 10000))
    import_ledger(new_db, _ledger(tmp_path, "10.xlsx", "2026年10月31日", 8000))
    with new_db.engine.connect() as conn:
        bank_id = conn.execute(text("SELECT id FROM repayments WHERE source = 'bank'")).scalar_one()
    before = fingerprint(new_db)
    with pytest.raises(InputError, match="银行台账"):
        void_repayment(new_db, bank_id, reason="不对")
    assert fingerprint(new_db) == before


# -- visits ---------------------------------------------------------------------------------------
def test_a_wrong_visit_is_voided_and_its_promise_no_longer_counts(demo_db, one):
    hid = one["household_id"]
    broken0 = hid in H.ids(demo_db, HouseholdFilter(promise_broken=True))
    promise0 = household_page.detail(demo_db, hid).promise_date
    v = record_visit(demo_db, loan_no=one["loan_no"], outcome="promised", visited_on=DAY - timedelta(days=30),
                     promised_fen=100_000, promised_date=DAY - timedelta(days=20), note="说月底还")
    assert hid in H.ids(demo_db, HouseholdFilter(promise_broken=True))
    before = _row(demo_db, Visit, v.visit_id)
    done = void_visit(demo_db, v.visit_id, reason="记错了户", actor="李主任")
    assert done.corrected is None
    after = _row(demo_db, Visit, v.visit_id)
    assert {k for k in before if before[k] != after[k]} - {"hlc", "updated_at", "updated_by", "seq", "field_hlc"} == {
        "deleted", "void_reason"}
    assert (hid in H.ids(demo_db, HouseholdFilter(promise_broken=True))) == broken0
    d = household_page.detail(demo_db, hid)
    assert v.visit_id not in [x.id for x in d.visits] and d.promise_date == promise0
    struck = next(t for t in d.timeline if t.ref_id == v.visit_id)
    assert struck.voided and struck.title.endswith("（已作废）") and "记错了户" in struck.detail
    assert _audit(demo_db, "void")[0][:2] == ("李主任", v.visit_id)


def test_a_visit_is_corrected_keeping_what_was_right(demo_db, one):
    v = record_visit(demo_db, loan_no=one["loan_no"], outcome="refused", visited_on=DAY - timedelta(days=3),
                     visitors="王五", next_date=DAY + timedelta(days=30), note="不在家")
    done = void_visit(demo_db, v.visit_id, reason="结果选错", correction={"outcome": "unreachable"})
    new = _row(demo_db, Visit, done.corrected_id)
    assert (new["outcome"], new["visitors"], new["visited_on"], new["note"], new["corrects_id"]) == (
        "unreachable", "王五", DAY - timedelta(days=3), "不在家", v.visit_id)
    assert new["loan_id"] == one["loan_id"]
    d = household_page.detail(demo_db, one["household_id"])
    assert d.last_outcome == "unreachable" and d.visits[0].corrects_id == v.visit_id


def test_a_refused_visit_correction_writes_nothing(demo_db, one, fingerprint):
    v = record_visit(demo_db, loan_no=one["loan_no"], outcome="refused", visited_on=DAY)
    before = fingerprint(demo_db)
    with pytest.raises(InputError, match="下次跟进日期"):
        void_visit(demo_db, v.visit_id, reason="日期错", correction={"next_date": DAY - timedelta(days=5)})
    with pytest.raises(InputError):
        void_visit(demo_db, v.visit_id, reason="")
    with pytest.raises(NotFound):
        void_visit(demo_db, "no-such-visit", reason="错")
    assert fingerprint(demo_db) == before


def test_voided_stage_events_and_visits_do_not_change_the_live_lists(demo_db, one):
    """The household page's own lists (visits, repayments, stage history) hold only live facts."""
    r = record_repayment(demo_db, loan_no=one["loan_no"], amount_fen=one["task_fen"], paid_on=DAY)
    void_repayment(demo_db, r.repayment_id, reason="误录")
    with Session(demo_db.engine) as s:
        events = list(s.scalars(select(StageEvent).where(StageEvent.loan_id == one["loan_id"])))
    assert [e.deleted for e in events] == [True]
    d = household_page.detail(demo_db, one["household_id"])
    assert d.repayments == [] and d.stage_history == []
