"""Finding a household under every reading people type, head-of-household matches first, why a
row matched, and one search for the list and the agreement dialog's household picker."""
from __future__ import annotations

import pytest
from sqlalchemy import select, text

from app.db.models import Household, Person, Unit
from app.db.search_index import built_with, refresh_search
from app.db.search_text import INDEX_VERSION, matching
from app.domain.pinyin import initials_variants
from app.services import households as H
from app.services.agreements.picker import search_households
from app.services.households import HouseholdFilter, listing

# Heads of household added to the demo, with the other people in them (name, role, phone).
ADDED = {
    "颉明": [],
    "安德": [("颉明", "guarantor", None), ("乜小红", "spouse", None)],   # 安德 sorts before 颉明
    "单于海": [],
    "尉迟恭": [],
    "长孙无忌": [],
    "重阳": [],
    "尉明": [],
    "艾青": [("单于海", "co_borrower", "139 0931 7788")],
}
# What people type for them (surname reading, everyday reading, both splits of 单于).
TYPED = {
    "颉明": ["xm", "jm", "颉明"], "乜小红": ["nxh", "mxh"], "单于海": ["syh", "dyh", "cyh"],
    "尉迟恭": ["ycg", "wcg"], "长孙无忌": ["zswj", "cswj"], "重阳": ["cy", "zy"], "尉明": ["wm"],
}


@pytest.fixture
def db(demo_db):
    """The demo database with the households of ``ADDED``; their ids by head's name."""
    ids = {}
    with demo_db.uow("测试") as uow:
        s = uow.session
        township = s.scalars(select(Unit.id).where(Unit.kind == "township")).first()
        for head, others in ADDED.items():
            h = Household(township_id=township, head_name=head)
            s.add(h)
            s.flush()
            s.add(Person(household_id=h.id, name=head, role="borrower"))
            for name, role, phone in others:
                s.add(Person(household_id=h.id, name=name, role=role, phone=phone))
            ids[head] = h.id
        s.flush()
        refresh_search(s, list(ids.values()))
        uow.commit()
    demo_db.added = ids
    return demo_db


def found(db, q: str) -> list[str]:
    return H.ids(db, HouseholdFilter(text=q))


def picked(db, q: str, limit: int = 30) -> list[str]:
    return [h.id for h in search_households(db, q, limit=limit)]


@pytest.mark.parametrize("name", sorted(TYPED))
def test_every_reading_finds_the_person_in_the_list_and_in_the_picker(db, name):
    homes = {db.added[h] for h, others in ADDED.items() if h == name or any(n == name for n, *_ in others)}
    for q in TYPED[name]:
        assert homes <= set(found(db, q)), q
        assert homes <= set(picked(db, q, limit=10_000)), q


def _sort_names(db) -> dict[str, tuple[str, int]]:
    with db.engine.connect() as conn:
        return {hid: (name, seq) for hid, name, seq in
                conn.execute(text("SELECT household_id, sort_name, seq FROM household_index"))}


@pytest.mark.parametrize("q", ["颉明", "xm", "x", "z", "王", "l", "6224", "620100", "6", "wj", "单于海", "1390931"])
def test_households_found_by_their_own_head_come_first_then_by_name(db, q):
    ordered = found(db, q)
    assert ordered
    own = [any(m.own for m in r.matched) for r in H.rows(db, ordered, text=q)]
    assert own == sorted(own, reverse=True), "every own match before every other match"
    keys = _sort_names(db)
    split = own.count(True)
    for group in (ordered[:split], ordered[split:]):
        assert [keys[h] for h in group] == sorted(keys[h] for h in group)
    # pages agree with the whole list, also across the border between the two groups
    for offset in {0, max(0, split - 3), split, split + 1}:
        assert H.ids(db, HouseholdFilter(text=q), limit=5, offset=offset) == ordered[offset:offset + 5], offset
    assert H.page(db, HouseholdFilter(text=q), limit=7).ids == ordered[:7]


def test_a_guarantor_match_comes_after_the_head_and_says_why(db):
    a, b = db.added["颉明"], db.added["安德"]
    assert found(db, "颉明") == [a, b]            # 安德 sorts first by name, but 颉明 is a head
    rows = {r.id: r for r in H.rows(db, [a, b], text="颉明")}
    assert [(m.role, m.field) for m in rows[a].matched] == [("head", "name")]
    assert rows[a].matched[0].label == "户主"
    assert [m.label for m in rows[b].matched] == ["担保人 颉明"]
    spouse = H.rows(db, [b], text="nxh")[0].matched
    assert [m.label for m in spouse] == ["配偶 乜小红"]


def test_why_a_phone_an_id_number_or_a_loan_number_matched(db):
    co = H.rows(db, found(db, "13909317788"), text="13909317788")
    assert [r.head_name for r in co] == ["艾青"]
    assert co[0].matched[0].label == "共同借款人 单于海 电话"
    assert co[0].matched[0].detail == "共同借款人 单于海 电话：139 0931 7788"
    with db.engine.connect() as conn:
        hid, idno, loan_no = conn.execute(text(
            "SELECT h.id, h.head_id_number, l.loan_no FROM households h JOIN loans l ON l.household_id = h.id "
            "WHERE h.head_id_number IS NOT NULL ORDER BY h.id LIMIT 1")).one()
    by_id = H.rows(db, [hid], text=idno)[0].matched
    assert ("head", "id_number") in {(m.role, m.field) for m in by_id}
    by_loan = H.rows(db, [hid], text=loan_no)[0].matched
    assert by_loan[0].label == f"借据号 {loan_no}" and by_loan[0].own
    assert H.rows(db, [hid])[0].matched == ()      # no search, no reasons


def test_the_picker_runs_the_lists_search(db):
    """Every query that finds a household in the list finds it in the agreement dialog's
    picker, in the same order (the picker used to read the stored initials only)."""
    with db.engine.connect() as conn:
        names = sorted({r[0] for r in conn.execute(text(
            "SELECT name FROM persons WHERE deleted = 0 UNION SELECT head_name FROM households"))})
    queries = sorted({v for n in names for v in initials_variants(n)} | set(names[::7]) | {"z", "王", "6224"})
    for q in queries:
        listed = H.page(db, HouseholdFilter(text=q), limit=30).ids
        assert picked(db, q) == listed, q
    hit = next(h for h in search_households(db, "颉明") if h.id == db.added["安德"])
    assert hit.why == "担保人 颉明"
    assert search_households(db, "颉明")[0].why == ""      # the head's own name: nothing to explain


def test_an_index_built_the_old_way_is_rebuilt_when_the_list_opens(db):
    """A database whose index was built before this layout (no version, no ``||``, no second
    readings) gets it rebuilt by ``prepare`` and then finds 单于海 by syh."""
    with db.engine.begin() as conn:
        conn.execute(text("DELETE FROM meta WHERE key = 'search_index_version'"))
        conn.execute(text("UPDATE household_index SET text = replace(replace(text, '||', '|'), '|^syh', '')"))
        conn.execute(text("DELETE FROM household_search_keys WHERE key LIKE '^s%'"))
        conn.execute(text("INSERT INTO household_search_fts (household_search_fts) VALUES ('rebuild')"))
    assert built_with(db.engine.connect()) is None
    assert db.added["单于海"] not in found(db, "syh")
    live = H.count(db, HouseholdFilter())
    assert H.prepare(db) == live
    with db.engine.connect() as conn:
        assert built_with(conn) == INDEX_VERSION
        assert conn.execute(text("SELECT COUNT(*) FROM household_index WHERE instr(text, '||') = 0")).scalar_one() == 0
    assert db.added["单于海"] in found(db, "syh") and db.added["单于海"] in found(db, "s")
    assert H.prepare(db) == 0                        # built with this version: nothing to do


def test_matching_agrees_with_the_index(db):
    """``matching`` (the reasons) finds a row exactly when the index does."""
    from app.db.search_index import found_by

    with db.engine.connect() as conn:
        every = found_by(conn, list(_sort_names(db)))
    for q in ("颉明", "xm", "z", "王", "6224", "1390931", "s", "建国"):
        assert {h for h, srcs in every.items() if matching(srcs, q)} == set(found(db, q)), q


@pytest.mark.parametrize("q", ["z", "颉明", "xm", "lj", "zs", "王", "建国", "6224", "6", "620100", "s"])
def test_every_plan_lists_the_same_order(db, q, monkeypatch):
    """Walking the name index (own matches, then the others) and sorting the matches give the
    same list and the same pages, whichever the thresholds choose."""
    from app.services.households import search as household_search

    expected = found(db, q)
    for broad, walk in ((0.0, 0.0), (0.0, 10.0), (10.0, 10.0)):
        monkeypatch.setattr(listing, "_BROAD", broad)   # the share of households that makes a search broad
        monkeypatch.setattr(household_search, "_WALK_OWN", walk)
        assert found(db, q) == expected, (broad, walk)
        for offset in (0, 3, 17, len(expected) - 2):
            assert H.ids(db, HouseholdFilter(text=q), limit=4, offset=max(0, offset)) == \
                expected[max(0, offset):max(0, offset) + 4], (broad, walk, offset)
