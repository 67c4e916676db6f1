"""The monthly assessment's figures (app.services.reporting.assessment): a small district worked out by hand
for October 2026, and on the demo each township's month against ``summary.compute`` at the two
month ends, the villages adding up to their township."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from app.domain.assessment import NO_STAFF, NO_VILLAGE
from app.domain.errors import InputError, NotFound
from app.services.reporting import assessment, summary

TODAY = date(2026, 12, 3)


@pytest.fixture
def small(new_db):
    """柳林镇 — 李家村: 张三 L1 100,000.00, 李四 L2 50,000.00, 周八 L6 5,000.00; 王家村: 王五 L3
    80,000.00, 孙七 L5 30,000.00 (on the task list from 10-15).  石门乡: 赵六 L4 20,000.00 (no village).

    Repaid: L1 20,000.00 on 9-20, 10,000.00 on 10-01, 5,000.00 on 10-31, 7,000.00 on 11-01; L2
    3,000.00 on 10-10, voided; L3 12,345.67 on 10-12; L4 2,000.00 on 9-30; L5 1,000.00 on 10-20;
    L6 in full on 10-15.  Visits: 张三 9-15 and 10-05 (promises 10-31: kept by the 10-31 payment);
    王五 10-08 (promises 10-10, pays 10-12: broken) and 10-28 (promises 11-05: not due in October);
    赵六 9-25 (promises, no date, next 10-03: kept by the 9-30 payment), 10-20 by phone, 11-02;
    孙七 10-16 and 10-18 (voided); 李四 and 周八 never (周八 owes nothing at the month's end).
    陈明 (包片领导) answers for 张三, 李四 and 王五, 莫华 (驻村干部) for 孙七 and 周八, 冯建设 (信贷员)
    for L3 alone; nobody for 赵六."""
    from app.db.models import Assignment, Household, Loan, Staff, Unit, Village
    from app.db.search_index import refresh_search
    from app.services.recovery.repayments import record_repayment
    from app.services.work.corrections import void_repayment, void_visit
    from app.services.work.visits import record_visit

    db = new_db
    with db.uow("测试员") as uow:
        s = uow.session
        a, b = Unit(name="柳林镇", kind="township"), Unit(name="石门乡", kind="township")
        s.add_all([a, b])
        s.flush()
        v1, v2 = Village(township_id=a.id, name="李家村"), Village(township_id=a.id, name="王家村")
        s.add_all([v1, v2])
        s.flush()
        hh = {name: Household(township_id=t.id, village_id=v.id if v else None, head_name=name)
              for name, t, v in (("张三", a, v1), ("李四", a, v1), ("周八", a, v1), ("王五", a, v2), ("孙七", a, v2),
                                 ("赵六", b, None))}
        s.add_all(hh.values())
        s.flush()
        loans = {}
        for no, name, fen, since in (("L1", "张三", 10_000_000, date(2026, 3, 1)), ("L2", "李四", 5_000_000, date(2026, 3, 1)),
                                     ("L3", "王五", 8_000_000, date(2026, 3, 1)), ("L4", "赵六", 2_000_000, date(2026, 3, 1)),
                                     ("L5", "孙七", 3_000_000, date(2026, 10, 15)), ("L6", "周八", 500_000, date(2026, 3, 1))):
            h = hh[name]
            loans[no] = Loan(loan_no=no, household_id=h.id, township_id=h.township_id, task_amount_fen=fen,
                             task_date=since, balance_fen=fen)
        s.add_all(loans.values())
        s.flush()
        leader, resident, officer = (Staff(unit_id=a.id, name="陈明", title="包片领导"),
                                     Staff(unit_id=a.id, name="莫华", title="驻村干部"), Staff(unit_id=a.id, name="冯建设"))
        s.add_all([leader, resident, officer])
        s.flush()
        for name in ("张三", "李四", "王五"):
            s.add(Assignment(household_id=hh[name].id, staff_id=leader.id, duty="leader"))
        for name in ("孙七", "周八"):
            s.add(Assignment(household_id=hh[name].id, staff_id=resident.id, duty="resident"))
        s.add(Assignment(household_id=hh["王五"].id, loan_id=loans["L3"].id, staff_id=officer.id, duty="loan_officer"))
        refresh_search(s)
        uow.commit()
    for no, fen, day in (("L1", 2_000_000, date(2026, 9, 20)), ("L1", 1_000_000, date(2026, 10, 1)),
                         ("L1", 500_000, date(2026, 10, 31)), ("L1", 700_000, date(2026, 11, 1)),
                         ("L3", 1_234_567, date(2026, 10, 12)), ("L4", 200_000, date(2026, 9, 30)),
                         ("L5", 100_000, date(2026, 10, 20)), ("L6", 500_000, date(2026, 10, 15))):
        record_repayment(db, amount_fen=fen, loan_no=no, paid_on=day)
    wrong = record_repayment(db, amount_fen=300_000, loan_no="L2", paid_on=date(2026, 10, 10))
    void_repayment(db, wrong.repayment_id, reason="记错了户")
    visit = lambda no, day, outcome="refused", **kw: record_visit(db, outcome=outcome, loan_no=no, visited_on=day, **kw)  # noqa: E731
    visit("L1", date(2026, 9, 15))
    visit("L1", date(2026, 10, 5), "promised", promised_date=date(2026, 10, 31), promised_fen=500_000)
    visit("L3", date(2026, 10, 8), "promised", promised_date=date(2026, 10, 10))
    visit("L3", date(2026, 10, 28), "promised", promised_date=date(2026, 11, 5))
    visit("L4", date(2026, 9, 25), "promised", next_date=date(2026, 10, 3))
    visit("L4", date(2026, 10, 20), method="phone")
    visit("L4", date(2026, 11, 2))
    visit("L5", date(2026, 10, 16), "other")
    void_visit(db, visit("L5", date(2026, 10, 18)).visit_id, reason="重复登记")
    return db


def _figures(x) -> tuple:
    return (x.rank, x.name, x.loans, x.households, x.task_fen, x.month_fen, x.recovered_fen, str(x.rate), x.visits,
            x.never_visited, x.kept, x.broken)


def test_october_worked_out_by_hand(small):
    a = assessment.prepare(small, 2026, 10, today=TODAY)
    assert (a.first, a.last, a.title, a.issuer) == (date(2026, 10, 1), date(2026, 10, 31), "示范区不良贷款清收工作10月考核情况",
                                                    "示范区不良贷款清收工作领导小组办公室")
    assert _figures(a.totals) == (0, "示范区", 6, 6, 28_500_000, 3_334_567, 5_534_567, "19.4", 5, 1, 2, 1)
    assert [_figures(t) for t in a.townships] == [
        (1, "柳林镇", 5, 5, 26_500_000, 3_334_567, 5_334_567, "20.1", 4, 1, 1, 1),
        (2, "石门乡", 1, 1, 2_000_000, 0, 200_000, "10.0", 1, 0, 1, 0)]
    assert [_figures(v) for v in a.villages_of("柳林镇")] == [
        (1, "李家村", 3, 3, 15_500_000, 2_000_000, 4_000_000, "25.8", 1, 1, 1, 0),
        (2, "王家村", 2, 2, 11_000_000, 1_334_567, 1_334_567, "12.1", 3, 0, 0, 1)]
    assert [_figures(v) for v in a.villages_of("石门乡")] == [(1, NO_VILLAGE, 1, 1, 2_000_000, 0, 200_000, "10.0", 1, 0, 1, 0)]
    people = a.people_of("柳林镇")
    assert [_figures(p) + (p.detail,) for p in people] == [
        (1, "陈明", 3, 3, 23_000_000, 2_734_567, 4_734_567, "20.6", 3, 1, 1, 1, "包片领导"),
        (2, "莫华", 2, 2, 3_500_000, 600_000, 600_000, "17.1", 1, 0, 0, 0, "驻村干部"),
        (3, "冯建设", 1, 1, 8_000_000, 1_234_567, 1_234_567, "15.4", 2, 0, 0, 1, "信贷员")]
    assert [_figures(p) for p in a.people_of("石门乡")] == [(0, NO_STAFF, 1, 1, 2_000_000, 0, 200_000, "10.0", 1, 0, 1, 0)]


def test_each_township_is_summary_at_the_month_end_less_the_month_before(small):
    a = assessment.prepare(small, 2026, 10, today=TODAY)
    end, start = summary.compute(small, date(2026, 10, 31)), summary.compute(small, date(2026, 9, 30))
    before = {t.name: t.recovered_fen for t in start.townships}
    for t in end.townships:
        mine = next(x for x in a.townships if x.name == t.name)
        assert (mine.task_fen, mine.recovered_fen, mine.month_fen) == (
            t.task_fen, t.recovered_fen, t.recovered_fen - before.get(t.name, 0))


def test_one_township_and_the_months_that_are_refused(small):
    a = assessment.prepare(small, 2026, 10, township="柳林镇", today=TODAY)
    assert a.title == "柳林镇不良贷款清收工作10月考核情况" and a.issuer.startswith("示范区")
    assert [t.name for t in a.townships] == ["柳林镇"] and a.totals.month_fen == 3_334_567
    assert [p.name for p in a.people] == ["陈明", "莫华", "冯建设"]
    assert assessment.prepare(small, today=TODAY).month == 11   # the last month that has ended
    nov = assessment.prepare(small, today=TODAY)
    assert nov.totals.month_fen == 700_000 and nov.totals.visits == 1 and nov.totals.kept == 0
    with pytest.raises(InputError, match="12月还没有结束"):
        assessment.prepare(small, 2026, 12, today=TODAY)
    with pytest.raises(InputError, match="还没有清收任务"):
        assessment.prepare(small, 2026, 2, today=TODAY)
    with pytest.raises(NotFound, match="是不是：柳林镇"):
        assessment.prepare(small, 2026, 10, township="柳林", today=TODAY)


def test_the_demo_months_agree_with_summary(demo_db):
    for year, month in ((2026, 9), (2026, 10), (2026, 11)):
        a = assessment.prepare(demo_db, year, month, today=TODAY)
        end = summary.compute(demo_db, a.last)
        start = {t.name: t for t in summary.compute(demo_db, a.first - timedelta(days=1)).townships}
        assert len(a.townships) == len(end.townships)
        for t in end.townships:
            mine = next(x for x in a.townships if x.name == t.name)
            assert mine.month_fen == t.recovered_fen - start[t.name].recovered_fen, t.name
            assert (mine.loans, mine.households, mine.task_fen, mine.recovered_fen) == (
                t.loans, t.households, t.task_fen, t.recovered_fen)
            villages = a.villages_of(t.name)
            for field in ("loans", "task_fen", "month_fen", "recovered_fen", "visits", "never_visited", "kept", "broken"):
                assert sum(getattr(v, field) for v in villages) == getattr(mine, field), (t.name, field)
            assert [v.rank for v in villages] == list(range(1, len(villages) + 1))
            keys = [(-v.rate, -v.month_fen) for v in villages]
            assert keys == sorted(keys)
        assert a.totals.month_fen == end.totals.recovered_fen - sum(x.recovered_fen for x in start.values())
        rates = [(-t.rate, -t.month_fen) for t in a.townships]
        assert rates == sorted(rates) and a.totals.visits > 0 and a.totals.promises > 0
