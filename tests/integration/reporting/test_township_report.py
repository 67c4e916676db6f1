"""The township report's figures (app.services.reporting.township_report): a small township worked out by
hand, and on the demo every figure against ``summary.compute`` (the township's line, the nine
kinds), the villages adding up to the township, the people as the worklist's 责任人进度 has them."""
from __future__ import annotations

from datetime import date

import pytest

from app.domain.errors import InputError, NotFound
from app.domain.township_report import NO_STAFF, NO_VILLAGE
from app.reports import township_report_text as tt
from app.services.reporting import summary, township_report
from app.services.work import worklist

AS_OF = date(2026, 11, 20)


@pytest.fixture
def small(new_db):
    """柳林镇: 李家村 (张三: L1 200,000.00 and L2 1,200,000.00; 李四: L3 50,000.00), 王家村 (王五: L4
    80,000.00), no village (赵六: L5 30,000.00); 石门乡: 钱七 L6 100,000.00.  Repaid by 11-20: L1
    50,000.00, L3 in full, L4 12,345.67 (and 1,000.00 more on 11-25); L6 40,000.00.  张三 is 低保户
    (both loans), L2 a large mortgage, 王五 unreachable; 李四 disabled only from 11-25.  陈明 (包片领导)
    answers for 张三, 李四 and 王五, 莫华 (驻村干部) for 张三 and 李四, 冯建设 (信贷员) for L4 alone;
    nobody for L5.  Visited by 11-20: 张三 and 王五 (李四 on 11-21; 赵六's visit voided)."""
    from app.db.models import Assignment, CategoryTag, Household, Loan, Staff, Unit, Village
    from app.db.search_index import refresh_search
    from app.services.recovery.repayments import record_repayment
    from app.services.work.corrections import void_visit
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
              for name, t, v in (("张三", a, v1), ("李四", a, v1), ("王五", a, v2), ("赵六", a, None), ("钱七", b, None))}
        s.add_all(hh.values())
        s.flush()
        loans = {}
        for no, name, fen in (("L1", "张三", 20_000_000), ("L2", "张三", 120_000_000), ("L3", "李四", 5_000_000),
                              ("L4", "王五", 8_000_000), ("L5", "赵六", 3_000_000), ("L6", "钱七", 10_000_000)):
            h = hh[name]
            loans[no] = Loan(loan_no=no, household_id=h.id, township_id=h.township_id, task_amount_fen=fen,
                             task_date=date(2026, 3, 1), balance_fen=fen)
        s.add_all(loans.values())
        s.flush()
        s.add_all([CategoryTag(household_id=hh["张三"].id, code="low_income", since=date(2026, 3, 1)),
                   CategoryTag(household_id=hh["张三"].id, loan_id=loans["L2"].id, code="large_mortgage"),
                   CategoryTag(household_id=hh["王五"].id, code="unreachable"),
                   CategoryTag(household_id=hh["李四"].id, code="disabled", since=date(2026, 11, 25))])
        leader = Staff(unit_id=a.id, name="陈明", title="包片领导")
        resident = Staff(unit_id=a.id, name="莫华", title="镇干部")
        officer = Staff(unit_id=a.id, name="冯建设")
        s.add_all([leader, resident, officer])
        s.flush()
        for name in ("张三", "李四", "王五"):
            s.add(Assignment(household_id=hh[name].id, staff_id=leader.id, duty="leader"))
        for name in ("张三", "李四"):
            s.add(Assignment(household_id=hh[name].id, staff_id=resident.id, duty="resident"))
        s.add(Assignment(household_id=hh["王五"].id, loan_id=loans["L4"].id, staff_id=officer.id, duty="loan_officer"))
        refresh_search(s)
        uow.commit()
    for no, fen, day in (("L1", 5_000_000, date(2026, 11, 1)), ("L3", 5_000_000, date(2026, 11, 5)),
                         ("L4", 1_234_567, date(2026, 11, 10)), ("L4", 100_000, date(2026, 11, 25)),
                         ("L6", 4_000_000, date(2026, 11, 5))):
        record_repayment(db, amount_fen=fen, loan_no=no, paid_on=day)
    record_visit(db, outcome="promised", loan_no="L1", visited_on=date(2026, 11, 6), promised_date=date(2026, 12, 1))
    record_visit(db, outcome="refused", loan_no="L4", visited_on=date(2026, 11, 8), method="phone")
    record_visit(db, outcome="refused", loan_no="L3", visited_on=date(2026, 11, 21))
    wrong = record_visit(db, outcome="other", loan_no="L5", visited_on=date(2026, 11, 9))
    void_visit(db, wrong.visit_id, reason="记错了户")
    return db


def _row(line):
    return (line.name, line.loans, line.households, line.task_fen, line.recovered_fen, line.settled, line.repaid,
            line.visited, str(line.rate))


def test_a_small_township_by_hand(small):
    r = township_report.prepare(small, "柳林镇", AS_OF)
    assert r.township == "柳林镇" and r.as_of == AS_OF
    assert _row(r.totals) == ("柳林镇", 5, 4, 156_000_000, 11_234_567, 1, 3, 2, "0.0720")
    assert r.totals.outstanding_fen == 144_765_433
    assert [_row(v) for v in r.villages] == [
        ("王家村", 1, 1, 8_000_000, 1_234_567, 0, 1, 1, "0.1543"),
        ("李家村", 3, 2, 145_000_000, 10_000_000, 1, 2, 1, "0.0690"),
        (NO_VILLAGE, 1, 1, 3_000_000, 0, 0, 0, 0, "0.0000"),
    ]
    assert [(_row(x), x.detail) for x in r.staff] == [
        (("冯建设", 1, 1, 8_000_000, 1_234_567, 0, 1, 1, "0.1543"), "信贷员"),
        (("陈明", 4, 3, 153_000_000, 11_234_567, 1, 3, 2, "0.0734"), "包片领导"),
        (("莫华", 3, 2, 145_000_000, 10_000_000, 1, 2, 1, "0.0690"), "镇干部、驻村干部"),
        ((NO_STAFF, 1, 1, 3_000_000, 0, 0, 0, 0, "0.0000"), ""),
    ]
    groups = {g.code: (g.loans, g.households, g.task_fen, g.recovered_fen) for g in r.groups}
    assert groups["special_household"] == (2, 1, 140_000_000, 5_000_000)   # 李四's tag is from 11-25
    assert groups["large_mortgage"] == (1, 1, 120_000_000, 0)
    assert groups["unreachable"] == (1, 1, 8_000_000, 1_234_567)
    assert sum(g[0] for g in groups.values()) == 4
    assert r.category("low_income").loans == 2 and r.category("disabled").loans == 0

    # the sentences, with 万元 rounded half up to two decimals
    assert tt.progress(r, today=date(2026, 12, 3)) == [
        "我镇目前有清收任务5笔、156.00万元。截至2026年11月20日，我镇已清收3笔（含部分还款）、11.23万元，"
        "剩余清收金额144.77万元，清收率7.20%。",
        "其中已结清1笔。我镇共有借款户4户，已走访2户。各村（社区）和各责任人的清收情况见附表1、附表2。"]
    assert tt.progress(r, today=AS_OF)[0].split("，")[1] == "我镇已清收3笔（含部分还款）、11.23万元"
    assert "。截止目前，" in tt.progress(r, today=AS_OF)[0]
    items = dict(tt.category_items(r))
    assert items["（三）“特殊户（低保户、残疾人、脱贫人口、借款人已移民）贷款”。"] == "现有低保户贷款2笔、140.00万元。"
    assert items["（六）“借款人无法联系贷款”。"] == "我镇仍有1笔、8.00万元借款人经多方联系失联。"
    assert items["（九）“大额抵押贷款”。"] == "大额贷款（100万元）以上的抵押贷款涉及1笔、120.00万元。"
    assert items["（一）“公职人员贷款”。"] == "我镇目前没有此类贷款。"
    assert tt.village_table(r)[-1] == ["", "合计", "5", "4", "156.00", "11.23", "7.20%", "1", "2"]

    # the other township is a report of its own; the district's summary agrees with both
    other = township_report.prepare(small, "石门乡", AS_OF)
    assert _row(other.totals) == ("石门乡", 1, 1, 10_000_000, 4_000_000, 0, 1, 0, "0.4000")
    assert tt.we(other) == "我乡" and tt.progress(other)[0].startswith("我乡目前有清收任务1笔、10.00万元。")
    s = {t.name: t for t in summary.compute(small, AS_OF).townships}
    for rep in (r, other):
        t = s[rep.township]
        assert (t.loans, t.households, t.task_fen, t.recovered_fen, t.settled, t.rate) == (
            rep.totals.loans, rep.totals.households, rep.totals.task_fen, rep.totals.recovered_fen,
            rep.totals.settled, rep.totals.rate)


def test_a_later_date_counts_what_came_after(small):
    r = township_report.prepare(small, "柳林镇", date(2026, 11, 25))
    assert r.totals.recovered_fen == 11_334_567 and r.totals.visited == 3
    assert r.group("special_household").loans == 3   # 李四 disabled from 11-25


def test_refusals(small):
    with pytest.raises(NotFound, match="没有名为“柳林”的乡镇（是不是：柳林镇？）"):
        township_report.prepare(small, "柳林", AS_OF)
    with pytest.raises(NotFound, match="本数据库的乡镇：柳林镇、石门乡"):
        township_report.prepare(small, "马营镇", AS_OF)
    with pytest.raises(InputError, match="在今天之后"):
        township_report.prepare(small, "柳林镇", date(2999, 1, 1))
    with pytest.raises(InputError, match="还没有清收任务"):
        township_report.prepare(small, "柳林镇", date(2026, 2, 28))
    assert township_report.prepare(small, " 柳林镇 ", AS_OF).township == "柳林镇"
    assert township_report.townships(small) == ["柳林镇", "石门乡"]


@pytest.mark.parametrize("day", [date(2026, 9, 1), date(2026, 11, 20)])
def test_every_figure_is_summarys_on_the_demo(demo_db, day):
    district = summary.compute(demo_db, day)
    groups_added = {g.code: [0, 0, 0] for g in district.groups}
    for t in district.townships:
        r = township_report.prepare(demo_db, t.name, day)
        x = r.totals
        assert (x.loans, x.households, x.task_fen, x.recovered_fen, x.settled, x.rate) == (
            t.loans, t.households, t.task_fen, t.recovered_fen, t.settled, t.rate), t.name
        scoped = summary.compute(demo_db, day, township_id=t.unit_id)
        assert [(g.code, g.loans, g.households, g.task_fen, g.recovered_fen) for g in r.groups] == [
            (g.code, g.loans, g.households, g.task_fen, g.recovered_fen) for g in scoped.groups]
        assert [(c.code, c.loans, c.task_fen, c.recovered_fen) for c in r.categories] == [
            (c.code, c.loans, c.task_fen, c.recovered_fen) for c in scoped.categories]
        for g in r.groups:
            added = groups_added[g.code]
            added[0] += g.loans
            added[1] += g.task_fen
            added[2] += g.recovered_fen
        # the villages add up to the township
        for f in ("loans", "households", "task_fen", "recovered_fen", "settled", "repaid", "visited"):
            assert sum(getattr(v, f) for v in r.villages) == getattr(x, f), (t.name, f)
        # the people are the worklist's 责任人进度 (the same reading of responsibility)
        _villages, people = worklist.progress(demo_db, day, township_id=t.unit_id)
        assert sorted((p.name, p.loans, p.households, p.task_fen, p.recovered_fen, p.settled) for p in people) == \
            sorted((p.name, p.loans, p.households, p.task_fen, p.recovered_fen, p.settled)
                   for p in r.staff if p.name != NO_STAFF)
        assert all(p.visited <= p.households for p in r.staff + r.villages)
    # each loan is in one township: the townships' nine kinds add up to the district's
    assert groups_added == {g.code: [g.loans, g.task_fen, g.recovered_fen] for g in district.groups}


def test_of_township_names_each_village_and_person_by_id(small):
    """What the dashboard's drill-down shows and opens: each line's id is the village's or the
    person's, whose households the 借款户 list then shows; a township without loans yet is all zeros."""
    from app.services import households
    from app.services.households import HouseholdFilter

    unit_id, _name = township_report.find_township(small, "柳林镇")
    r = township_report.of_township(small, unit_id, AS_OF)
    assert [_row(v) for v in r.villages] == [_row(v) for v in township_report.prepare(small, "柳林镇", AS_OF).villages]
    assert [v.id is None for v in r.villages] == [False, False, True]        # 未分村 has no id
    assert [p.id is None for p in r.staff] == [False, False, False, True]    # nor 未明确责任人
    for v in r.villages[:2]:
        shown = households.count(small, HouseholdFilter(township_id=unit_id, village_id=v.id))
        assert shown == v.households, v.name
    for p in r.staff[:3]:
        assert households.count(small, HouseholdFilter(township_id=unit_id, staff_id=p.id)) == p.households, p.name
    assert [(v.name, v.never_visited) for v in r.villages] == [("王家村", 0), ("李家村", 1), (NO_VILLAGE, 1)]

    before = township_report.of_township(small, unit_id, date(2026, 2, 28))
    assert (before.totals.loans, before.totals.task_fen, before.villages, before.staff) == (0, 0, [], [])
    with pytest.raises(NotFound):
        township_report.of_township(small, "no-such-id", AS_OF)
