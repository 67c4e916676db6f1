"""Filters, sorting and display rows of the household list, checked against the facts."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text

from app.db.search_index import states_as_of
from app.domain.errors import InputError
from app.domain.followup import followup_due, in_collection, promise_broken
from app.services import households as H
from app.services.households import HouseholdFilter, listing
from app.services.households import detail as household_page

TODAY = date.today()


def ids(db, **kw):
    return set(H.ids(db, HouseholdFilter(**kw)))


def sql_set(db, stmt, **params):
    with db.engine.connect() as conn:
        return {r[0] for r in conn.execute(text(stmt), params)}


def test_category_covers_household_and_loan_tags(demo_db):
    for code in ("deceased", "unreachable", "large_mortgage", "public_servant"):
        expected = sql_set(demo_db, "SELECT household_id FROM category_tags WHERE code = :c AND deleted = 0", c=code)
        assert ids(demo_db, category=code) == expected, code


def test_stage_is_any_loan_in_that_stage(demo_db):
    for stage in ("collection", "suit", "settled"):
        expected = sql_set(demo_db, "SELECT household_id FROM loans WHERE stage = :s AND deleted = 0", s=stage)
        assert expected and ids(demo_db, stage=stage) == expected


def test_capacity_village_township_and_responsible_person(demo_db):
    assert ids(demo_db, capacity="evasive") == sql_set(demo_db, "SELECT id FROM households WHERE capacity = 'evasive'")
    v, t = sql_set(demo_db, "SELECT village_id || '|' || township_id FROM households LIMIT 1").pop().split("|")
    assert ids(demo_db, village_id=v) == sql_set(demo_db, "SELECT id FROM households WHERE village_id = :v", v=v)
    assert ids(demo_db, township_id=t) == sql_set(demo_db, "SELECT id FROM households WHERE township_id = :t", t=t)
    staff = sql_set(demo_db, "SELECT staff_id FROM assignments WHERE duty = 'resident' LIMIT 1").pop()
    assert ids(demo_db, staff_id=staff) == sql_set(
        demo_db, "SELECT household_id FROM assignments WHERE staff_id = :s", s=staff)


def test_follow_up_due_and_promise_broken_agree_with_the_facts(demo_db):
    with demo_db.engine.connect() as conn:
        states = states_as_of(conn, TODAY)
    owed = {h for h, s in states.items() if in_collection(s["outstanding_fen"], [s["stage"]])}
    due = {h for h, s in states.items() if followup_due(s["next_date"], TODAY)} & owed
    broken = {h for h, s in states.items() if promise_broken(s["promise_date"], s["paid_after_promise_on"], TODAY)} & owed
    never = {h for h, s in states.items() if s["last_visit_on"] is None}
    assert due and broken and never
    assert ids(demo_db, followup_due=True) == due
    assert ids(demo_db, promise_broken=True) == broken
    assert ids(demo_db, never_visited=True) == never
    assert ids(demo_db, followup_due=True, promise_broken=True) == due & broken


def test_filters_combine_with_search(demo_db):
    both = ids(demo_db, text="z", capacity="able")
    assert both == ids(demo_db, text="z") & ids(demo_db, capacity="able")
    assert H.count(demo_db, HouseholdFilter(text="z", capacity="able")) == len(both)


@pytest.mark.parametrize("key, field", [("outstanding", "outstanding_fen"), ("task", "task_fen"),
                                        ("recovered", "recovered_fen"), ("loans", "loans")])
def test_sorting_by_figures(demo_db, key, field):
    rows = H.rows(demo_db, H.ids(demo_db, HouseholdFilter(), key, True))
    values = [getattr(r, field) for r in rows]
    assert values == sorted(values, reverse=True)
    assert len(rows) == 300


def test_sorting_by_every_column_keeps_every_household(demo_db):
    for key in H.SORT_KEYS:
        for desc in (False, True):
            got = H.ids(demo_db, HouseholdFilter(text="z"), key, desc)
            assert sorted(got) == sorted(ids(demo_db, text="z")), key
    rows = H.rows(demo_db, H.ids(demo_db, HouseholdFilter(), "next_date"))
    dates = [r.next_date for r in rows]
    assert None not in dates[: sum(d is not None for d in dates)]  # no date last
    rows = H.rows(demo_db, H.ids(demo_db, HouseholdFilter(), "village"))
    assert [r.village for r in rows] == sorted(r.village for r in rows)


def test_unknown_codes_are_refused(demo_db):
    with pytest.raises(InputError):
        H.count(demo_db, HouseholdFilter(category="dead"))
    with pytest.raises(InputError):
        H.ids(demo_db, HouseholdFilter(), "height")


def test_rows_show_what_the_list_needs_in_the_order_asked(demo_db):
    order = H.ids(demo_db, HouseholdFilter(), "outstanding", True)[:30]
    rows = H.rows(demo_db, ["no-such-id"] + order)
    assert [r.id for r in rows] == order
    for r in rows[:5]:
        d = household_page.detail(demo_db, r.id)
        assert (r.task_fen, r.recovered_fen, r.outstanding_fen) == (d.task_fen, d.recovered_fen, d.outstanding_fen)
        assert r.head_name in r.borrowers
        assert r.village == d.village and r.township == d.township
        assert r.loans == len(d.loans)
        assert r.followup_due == d.followup_due and r.promise_broken == d.promise_broken
        assert all(a.staff_name in r.responsible for a in d.assignments)
        assert set(r.categories) == set(d.category_codes)
    assert H.rows(demo_db, []) == []


def test_figures_in_the_list_add_up_to_the_summary(demo_db):
    from app.services.reporting.summary import compute
    rows = H.rows(demo_db, H.ids(demo_db, HouseholdFilter()))
    s = compute(demo_db, TODAY)
    assert sum(r.task_fen for r in rows) == s.totals.task_fen
    assert sum(r.recovered_fen for r in rows) == s.totals.recovered_fen
    assert sum(r.loans for r in rows) == s.totals.loans


@pytest.mark.parametrize("q", ["6224", "62", "6", "z", "zs", "620100", "张", "秀英", "x"])
def test_search_within_a_village_every_plan(demo_db, q, monkeypatch):
    village = sql_set(demo_db, "SELECT village_id FROM households GROUP BY village_id "
                               "ORDER BY COUNT(*) DESC LIMIT 1").pop()
    in_village = ids(demo_db, village_id=village)
    expected = ids(demo_db, text=q) & in_village
    # Try the plans for "few rows" and for "most rows" by moving the threshold.
    for broad in (1 / 50, 10.0, 0.0):
        monkeypatch.setattr(listing, "_BROAD", broad)   # the share of households that makes a search broad
        f = HouseholdFilter(text=q, village_id=village)
        everything = H.ids(demo_db, f)
        assert set(everything) == expected, (q, broad)
        pg = H.page(demo_db, f, limit=7)
        assert pg.total == len(expected) and pg.ids == everything[:7]
        # the households found by their own head of household or loans first, each part by name
        from app.domain.pinyin import full
        found = H.rows(demo_db, everything, text=q)
        own = [any(m.own for m in r.matched) for r in found]
        assert own == sorted(own, reverse=True), (q, broad)
        for part in (found[:own.count(True)], found[own.count(True):]):
            assert [full(r.head_name) for r in part] == sorted(full(r.head_name) for r in part)
