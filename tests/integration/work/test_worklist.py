"""The worklist (工作台): lists for a day and progress by village and responsible person."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import text

from app.services.households import HouseholdFilter
from app.services.reporting import summary
from app.services.work import worklist

TODAY = date.today()


def ids(lst):
    return [r.id for r in lst.items]


def test_lists_from_the_index_and_from_the_facts_agree(demo_db):
    fast = worklist.compute(demo_db, TODAY, limit=1000)
    scope = HouseholdFilter(as_of=TODAY)
    from_facts = worklist._lists_from_facts(demo_db, scope, 1000)
    for got, want in zip((fast.due_today, fast.overdue, fast.broken_promises, fast.never_visited), from_facts):
        assert got.total == want.total
        assert ids(got) == ids(want)
    assert fast.overdue.total > 0 and fast.broken_promises.total > 0 and fast.never_visited.total > 0


def test_lists_are_ordered_for_work(demo_db):
    w = worklist.compute(demo_db, TODAY, limit=1000)
    overdue = [r.next_date for r in w.overdue.items]
    assert overdue == sorted(overdue) and all(d < TODAY for d in overdue)
    assert all(r.promise_broken for r in w.broken_promises.items)
    never = [r.outstanding_fen for r in w.never_visited.items]
    assert never == sorted(never, reverse=True) and all(r.last_visit_on is None for r in w.never_visited.items)
    assert all(r.outstanding_fen > 0 for r in w.overdue.items)


def test_limit_keeps_the_totals(demo_db):
    w = worklist.compute(demo_db, TODAY, limit=3)
    assert len(w.overdue.items) == 3 and w.overdue.total > 3


def test_a_past_date_uses_only_what_was_known_then(demo_db):
    day = date(2026, 6, 1)
    w = worklist.compute(demo_db, day, limit=1000)
    assert all(r.last_visit_on is None or r.last_visit_on <= day for r in w.overdue.items)
    assert all(r.next_date < day for r in w.overdue.items)
    with demo_db.engine.connect() as conn:
        visited_by_then = {r[0] for r in conn.execute(text(
            "SELECT household_id FROM visits WHERE visited_on <= :d"), {"d": day.isoformat()})}
    assert not visited_by_then & set(ids(w.never_visited))
    assert w.never_visited.total > worklist.compute(demo_db, TODAY).never_visited.total


def test_progress_by_village_adds_up_to_the_summary(demo_db):
    for day in (TODAY, date(2026, 7, 1)):
        w = worklist.compute(demo_db, day)
        s = summary.compute(demo_db, day)
        assert sum(p.loans for p in w.by_village) == s.totals.loans
        assert sum(p.task_fen for p in w.by_village) == s.totals.task_fen
        assert sum(p.recovered_fen for p in w.by_village) == s.totals.recovered_fen
        assert sum(p.settled for p in w.by_village) == s.totals.settled
        rates = [p.rate for p in w.by_village]
        assert rates == sorted(rates, reverse=True)


def test_progress_by_responsible_person(demo_db):
    w = worklist.compute(demo_db, TODAY)
    s = summary.compute(demo_db, TODAY)
    assert w.by_staff and all(p.name and p.detail for p in w.by_staff)
    leaders = [p for p in w.by_staff if "包片领导" in p.detail]
    # Every loan has exactly one township leader in the demo: their figures add up to the whole.
    assert sum(p.loans for p in leaders) == s.totals.loans
    assert sum(p.recovered_fen for p in leaders) == s.totals.recovered_fen


def test_a_township_and_one_persons_worklist(demo_db):
    with demo_db.engine.connect() as conn:
        township = conn.execute(text("SELECT id FROM units WHERE kind = 'township' LIMIT 1")).scalar_one()
        staff = conn.execute(text("SELECT staff_id FROM assignments WHERE duty = 'resident' LIMIT 1")).scalar_one()
        mine = {r[0] for r in conn.execute(text("SELECT household_id FROM assignments WHERE staff_id = :s"), {"s": staff})}
    w = worklist.compute(demo_db, TODAY, township_id=township, limit=1000)
    names = {t.name for t in summary.compute(demo_db, TODAY).townships if t.unit_id == township}
    assert all(p.detail in names for p in w.by_village)
    mine_w = worklist.compute(demo_db, TODAY, staff_id=staff, limit=1000)
    for lst in (mine_w.overdue, mine_w.never_visited, mine_w.broken_promises):
        assert set(ids(lst)) <= mine
    assert staff in {p.id for p in mine_w.by_staff}


def test_json_shape(demo_db):
    j = worklist.compute(demo_db, TODAY, limit=2).to_json()
    assert set(j) >= {"as_of", "due_today", "overdue", "broken_promises", "never_visited", "by_village", "by_staff"}
    item = j["overdue"]["households"][0]
    assert item["days_overdue"] > 0 and isinstance(item["outstanding"], str)
    assert isinstance(j["by_village"][0]["recovery_rate"], float)
    assert worklist.compute(demo_db, TODAY + timedelta(days=1)).as_of == TODAY + timedelta(days=1)


def test_progress_from_the_index_and_from_the_facts_agree(demo_db):
    from app.services.households import listing
    with listing.reading(demo_db) as conn:
        for scope in (HouseholdFilter(), HouseholdFilter(township_id=conn.execute(
                text("SELECT id FROM units WHERE kind = 'township' LIMIT 1")).scalar_one())):
            fast = worklist._progress_from_index(conn, scope)
            slow = worklist._progress_from_facts(conn, scope, TODAY)
            for a, b in zip(fast, slow):
                assert sorted(a, key=lambda p: p.id or "") == sorted(b, key=lambda p: p.id or "")


def test_progress_follows_a_repayment_at_once(demo_db):
    from app.services.recovery.repayments import record_repayment
    with demo_db.engine.connect() as conn:
        loan_no, village, staff = conn.execute(text(
            "SELECT l.loan_no, h.village_id, a.staff_id FROM loans l JOIN households h ON h.id = l.household_id "
            "JOIN assignments a ON a.loan_id = l.id WHERE l.stage = 'collection' AND NOT EXISTS "
            "(SELECT 1 FROM agreement_loans x WHERE x.loan_id = l.id) LIMIT 1")).one()
    before_v, before_s = worklist.progress(demo_db)
    record_repayment(demo_db, loan_no=loan_no, amount_fen=10_000, paid_on=date(2026, 11, 20))
    after_v, after_s = worklist.progress(demo_db)
    rec = lambda lst, key: next(p.recovered_fen for p in lst if p.id == key)  # noqa: E731
    assert rec(after_v, village) == rec(before_v, village) + 10_000
    assert rec(after_s, staff) == rec(before_s, staff) + 10_000


def test_broken_agreements_are_on_the_worklist_of_their_township(demo_db):
    from datetime import date

    from app.services import agreements
    from app.services.work import worklist

    today = date.today()
    broken = agreements.broken_agreements(demo_db, today)
    assert broken
    w = worklist.compute(demo_db, today, limit=5)
    assert [d.agreement_id for d in w.broken_agreements] == [d.agreement_id for d in broken]
    assert w.to_json()["broken_agreements"][0]["number"] == broken[0].number
    with demo_db.engine.connect() as c:
        from sqlalchemy import text
        township_of = dict(c.execute(text("SELECT id, township_id FROM households")).all())
    one = township_of[broken[0].household_id]
    scoped = worklist.compute(demo_db, today, township_id=one, limit=5)
    assert scoped.broken_agreements and all(
        township_of[d.household_id] == one for d in scoped.broken_agreements)
    assert len(scoped.broken_agreements) == sum(township_of[d.household_id] == one for d in broken)
