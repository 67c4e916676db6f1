"""对账 worked out by hand on plain data (app.domain.reconcile): the intervals from the task amount
through each reading, the kinds, the repayments after the last reading, the townships adding up."""
from __future__ import annotations

from datetime import date

from app.domain.reconcile import (
    AMOUNTS_DIFFER,
    BALANCE_ROSE,
    IN_BANK_NOT_RECORDED,
    KINDS,
    RECORDED_NOT_IN_BANK,
    Interval,
    LoanFacts,
    Paid,
    Reading,
    intervals,
    latest_per_day,
    reconcile,
)

TASK_DAY = date(2026, 6, 30)
JUN, JUL, AUG = TASK_DAY, date(2026, 7, 31), date(2026, 8, 31)


def _loan(no="L1", *, readings=((JUN, 1_000_000), (JUL, 700_000)), paid=(), task=1_000_000, township="柳林镇",
          village="李家村", household="张三", task_date=TASK_DAY) -> LoanFacts:
    return LoanFacts(no, township, village, household, task, task_date, tuple(Reading(d, b) for d, b in readings),
                     tuple(Paid(d, f) for d, f in paid))


def test_each_interval_from_the_task_amount_through_the_readings():
    checked, later = intervals(_loan(readings=((JUL, 700_000), (JUN, 1_000_000), (AUG, 650_000)),
                                     paid=((date(2026, 7, 10), 300_000), (JUN, 1_000), (date(2026, 9, 2), 50_000))))
    assert checked == [Interval(None, JUN, 1_000, 0), Interval(JUN, JUL, 300_000, 300_000),
                       Interval(JUL, AUG, 0, 50_000)]
    assert later == [Paid(date(2026, 9, 2), 50_000)]


def test_the_kinds():
    assert Interval(JUN, JUL, 300_000, 300_000).kind is None
    assert Interval(JUN, JUL, 0, 0).kind is None
    assert Interval(JUN, JUL, 200_000, 0).kind == RECORDED_NOT_IN_BANK
    assert Interval(JUN, JUL, 0, 400_000).kind == IN_BANK_NOT_RECORDED
    assert Interval(JUN, JUL, 300_000, 500_000).kind == AMOUNTS_DIFFER
    assert Interval(JUN, JUL, 600_000, 500_000).kind == AMOUNTS_DIFFER
    assert Interval(JUN, JUL, 0, -100_000).kind == BALANCE_ROSE
    assert Interval(JUN, JUL, 100_000, -100_000).kind == BALANCE_ROSE


def test_a_reading_before_the_task_date_is_history_and_a_loan_without_readings_is_not_checked():
    checked, _later = intervals(_loan(readings=((date(2026, 5, 31), 1_200_000), (JUN, 1_000_000))))
    assert checked == [Interval(None, JUN, 0, 0)]
    checked, later = intervals(_loan(readings=(), paid=((JUL, 5_000),)))
    assert checked == [] and later == [Paid(JUL, 5_000)]
    r = reconcile([_loan(readings=(), paid=((JUL, 5_000),))], "示范区")
    assert (r.loans_checked, r.total.loans_without_ledger, r.pending, r.differences) == (0, 1, [], [])


def test_two_readings_of_one_date_the_later_imports():
    rows = [(JUL, ("2026-08-02 10:00:00", "b"), 650_000), (JUN, ("2026-07-01 09:00:00", "a"), 1_000_000),
            (JUL, ("2026-08-01 10:00:00", "c"), 700_000)]
    assert latest_per_day(rows) == (Reading(JUN, 1_000_000), Reading(JUL, 650_000))


def test_a_difference_says_what_to_check_and_whether_the_loan_agrees_in_the_end():
    # paid on the ledger's date, booked by the bank in the next period: two rows, the loan agrees at the end
    late = _loan("L2", paid=((JUN, 300_000),))
    apart = _loan("L3", readings=((JUN, 1_000_000), (JUL, 600_000)))
    r = reconcile([late, apart], "示范区")
    first, second, third = r.differences
    assert (first.loan_no, first.start, first.end, first.kind, first.recorded_fen, first.drop_fen) == (
        "L2", None, JUN, RECORDED_NOT_IN_BANK, 300_000, 0)
    assert (second.start, second.end, second.kind, second.difference_fen) == (JUN, JUL, IN_BANK_NOT_RECORDED, -300_000)
    assert first.loan_difference_fen == second.loan_difference_fen == 0
    assert "累计已对上" in first.check and "2026-07-31" in first.check and first.check.startswith("乡镇登记了还款")
    assert third.kind == IN_BANK_NOT_RECORDED and third.loan_difference_fen == -400_000
    assert "累计已对上" not in third.check and "向银行核实" in third.check
    j = first.to_json()
    assert j == {"loan": "L2", "kind": "recorded_not_in_bank", "township_recorded": "3000.00",
                 "bank_reported": "0.00", "difference": "3000.00", "from": None, "to": "2026-06-30",
                 "township": "柳林镇", "village": "李家村", "household": "张三", "loan_difference": "0.00"}
    assert second.to_json()["bank_reported"] == "3000.00" and second.to_json()["from"] == "2026-06-30"


def test_a_rise_is_reported_as_a_negative_drop():
    r = reconcile([_loan(readings=((JUN, 1_000_000), (JUL, 1_100_000)), paid=((date(2026, 7, 3), 20_000),))], "区")
    (d,) = r.differences
    assert d.kind == BALANCE_ROSE and d.to_json()["bank_reported"] == "-1000.00" and d.difference_fen == 120_000
    assert d.kind_name == "台账余额上升" and "请银行说明" in d.check


def test_townships_add_up_in_pinyin_order_and_loans_that_agree_only_count():
    loans = [_loan("A1", township="石门乡", paid=((date(2026, 7, 1), 300_000),)),                     # agrees
             _loan("A2", township="石门乡", paid=((date(2026, 7, 1), 100_000), (AUG, 7_000))),         # differs, pending
             _loan("B1", township="柳林镇", readings=((JUN, 1_000_000), (JUL, 1_000_000)), paid=((JUL, 50_000),)),
             _loan("B2", township="柳林镇", readings=())]
    r = reconcile(loans, "示范区")
    assert [t.name for t in r.townships] == ["柳林镇", "石门乡"]
    liulin, shimen = r.townships
    assert (liulin.loans_checked, liulin.loans_differing, liulin.loans_without_ledger) == (1, 1, 1)
    assert (liulin.recorded_fen, liulin.drop_fen, liulin.counts[RECORDED_NOT_IN_BANK]) == (50_000, 0, 1)
    assert (shimen.loans_checked, shimen.loans_differing, shimen.recorded_fen, shimen.drop_fen) == (2, 1, 400_000,
                                                                                                     600_000)
    assert shimen.counts[AMOUNTS_DIFFER] == 1 and shimen.amounts[AMOUNTS_DIFFER] == -200_000
    assert (shimen.pending_loans, shimen.pending_fen) == (1, 7_000)
    assert [d.loan_no for d in r.differences] == ["B1", "A2"]
    (p,) = r.pending
    assert (p.loan_no, p.last_ledger, p.repayments, p.principal_fen, p.first, p.last) == ("A2", JUL, 1, 7_000, AUG, AUG)
    t = r.total
    assert (t.loans_checked, t.loans_differing, t.loans_without_ledger, t.differences) == (3, 2, 1, 2)
    assert (t.recorded_fen, t.drop_fen, t.pending_fen) == (450_000, 600_000, 7_000)
    assert all(t.counts[k] == liulin.counts[k] + shimen.counts[k] for k in KINDS)
    j = r.to_json()
    assert j["loans_checked"] == 3 and j["kinds"] == {"recorded_not_in_bank": 1, "in_bank_not_recorded": 0,
                                                      "amounts_differ": 1, "balance_rose": 0}
    assert j["pending"] == [{"loan": "A2", "township": "石门乡", "last_ledger": "2026-07-31", "repayments": 1,
                             "township_recorded": "70.00", "first": "2026-08-31", "last": "2026-08-31"}]
    assert r.sentence() == ("核对贷款 3 笔，有差异的 2 笔、共 2 处（乡镇有记录、台账未减少 1 处，金额不符 1 处）；"
                            "1 笔贷款有最近一期台账之后登记的还款 70.00 元，待下期台账核对；1 笔贷款没有银行台账余额，未核对。")


def test_nothing_to_check():
    r = reconcile([], "柳林镇")
    assert r.sentence() == "核对贷款 0 笔，没有差异。" and r.to_json()["differences"] == [] and r.title == "柳林镇不良贷款对账表"
