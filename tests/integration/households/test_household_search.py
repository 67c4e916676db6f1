"""Search as you type on the household list (demo database, 300 households)."""
from __future__ import annotations

import pytest
from sqlalchemy import text

from app.db.search_index import ensure_index, refresh_search
from app.domain.pinyin import initials_variants
from app.services import households as H
from app.services.households import HouseholdFilter


def found(db, q, **kw):
    return set(H.ids(db, HouseholdFilter(text=q, **kw)))


@pytest.fixture
def hh(demo_db):
    with demo_db.engine.connect() as conn:
        r = conn.execute(text(
            "SELECT h.id, h.head_name, h.head_id_number, h.phone, l.loan_no FROM households h "
            "JOIN loans l ON l.household_id = h.id ORDER BY h.head_id_number LIMIT 1")).one()
    return dict(zip(("id", "name", "idno", "phone", "loan_no"), r))


def people(db) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    with db.engine.connect() as conn:
        for hid, name in conn.execute(text(
                "SELECT id, head_name FROM households WHERE deleted = 0 UNION "
                "SELECT household_id, name FROM persons WHERE deleted = 0")):
            out.setdefault(hid, set()).add(name)
    return out


def test_by_name_initials_id_fragment_loan_number_and_phone(demo_db, hh):
    assert hh["id"] in found(demo_db, hh["name"])
    assert hh["id"] in found(demo_db, initials_variants(hh["name"])[0])
    assert hh["id"] in found(demo_db, hh["idno"][6:14])         # the birth date part
    assert hh["id"] in found(demo_db, hh["idno"][-4:].upper())   # the end, with an upper-case X
    assert hh["id"] in found(demo_db, hh["loan_no"])
    assert hh["id"] in found(demo_db, hh["loan_no"][-5:])
    assert hh["id"] in found(demo_db, hh["phone"])
    assert hh["id"] in found(demo_db, hh["phone"][-4:])
    assert hh["id"] in found(demo_db, " ".join(hh["phone"]))     # spaces typed in between


def test_results_are_exactly_the_households_whose_names_match(demo_db):
    names = people(demo_db)
    for q in ("张", "王", "国", "建国", "秀英", "王建国"):
        expected = {h for h, ns in names.items() if any(q in n for n in ns)}
        assert found(demo_db, q) == expected, q
        assert H.count(demo_db, HouseholdFilter(text=q)) == len(expected)


def test_initials_match_from_the_start_of_any_name_in_the_household(demo_db):
    names = people(demo_db)
    for q in ("z", "zs", "wj", "l", "lx", "zgq"):
        expected = {h for h, ns in names.items() if any(v.startswith(q) for n in ns for v in initials_variants(n))}
        assert found(demo_db, q) == expected, q
        assert found(demo_db, q.upper()) == expected


def test_digit_queries_agree_with_a_plain_scan(demo_db):
    with demo_db.engine.connect() as conn:
        texts = dict(conn.execute(text("SELECT household_id, text FROM household_index")).all())
    for q in ("6", "62", "622", "6224", "1391", "620100", "1001", "x"):
        needle = q if not q.isalpha() else "^" + q
        expected = {h for h, t in texts.items() if needle in t}
        assert found(demo_db, q) == expected, q


def test_nothing_found(demo_db):
    assert found(demo_db, "不存在的人名") == set()
    assert H.page(demo_db, HouseholdFilter(text="qqqqqq")).total == 0


@pytest.mark.parametrize("q", ["", "z", "6224", "620100", "张", "秀", "62", "wj"])
@pytest.mark.parametrize("descending", [False, True])
def test_a_page_is_the_start_of_the_full_ordered_list(demo_db, q, descending):
    f = HouseholdFilter(text=q)
    everything = H.ids(demo_db, f, "name", descending)
    pg = H.page(demo_db, f, "name", descending, limit=25)
    assert pg.total == len(everything)
    assert pg.ids == everything[:25]
    assert H.ids(demo_db, f, "name", descending, limit=10, offset=5) == everything[5:15]


def test_names_are_ordered_by_their_pinyin(demo_db):
    ordered = H.rows(demo_db, H.ids(demo_db, HouseholdFilter()))
    from app.domain.pinyin import full
    keys = [full(r.head_name) for r in ordered]
    assert keys == sorted(keys)


def test_search_follows_edits_and_deletions(demo_db, hh):
    H.update(demo_db, hh["id"], H.HouseholdChanges(
        phone="135 0000 9999", new_persons=[H.NewPerson(name="欧阳修", role="heir")]), actor="测试")
    assert hh["id"] in found(demo_db, "13500009999")
    assert hh["id"] in found(demo_db, "oyx")
    assert hh["id"] in found(demo_db, "欧阳")
    with demo_db.uow("测试") as uow:
        from app.db.models import Household
        uow.session.get(Household, hh["id"]).deleted = True
        refresh_search(uow.session, [hh["id"]])
        uow.commit()
    assert hh["id"] not in found(demo_db, "oyx")
    assert hh["id"] not in set(H.ids(demo_db, HouseholdFilter()))


def test_a_lost_index_is_rebuilt_the_same(demo_db):
    def dump():
        with demo_db.engine.connect() as conn:
            return sorted(tuple(r)[1:] for r in conn.execute(text("SELECT * FROM household_index")))
    before = dump()
    results = {q: found(demo_db, q) for q in ("z", "张", "6224", "zs")}
    with demo_db.engine.begin() as conn:
        conn.execute(text("DELETE FROM household_search_keys"))
        conn.execute(text("DELETE FROM household_index"))
        conn.execute(text("INSERT INTO household_search_fts (household_search_fts) VALUES ('delete-all')"))
    assert H.count(demo_db, HouseholdFilter()) == 0
    assert H.prepare(demo_db) == 300
    assert dump() == before
    assert {q: found(demo_db, q) for q in results} == results
    # Refreshing some households row by row gives the same rows as rebuilding everything.
    with demo_db.engine.begin() as conn:
        ids = [r[0] for r in conn.execute(text("SELECT id FROM households LIMIT 40"))]
        refresh_search(conn, ids)
        assert ensure_index(conn, full_check=True) == 0
        conn.execute(text("INSERT INTO household_search_fts (household_search_fts) VALUES ('integrity-check')"))
    assert dump() == before
    assert {q: found(demo_db, q) for q in results} == results


def test_refreshing_old_and_new_households_together_keeps_every_row(demo_db):
    """A writer that touches existing households and adds one in the same refresh (a later
    ledger) must not hand the new one the number of a row being rewritten."""
    from sqlalchemy import func, select

    from app.db.models import Household, Unit
    from app.db.models.search import HouseholdIndex
    from app.db.search_index import refresh_search

    with demo_db.uow("测试") as uow:
        s = uow.session
        existing = s.scalars(select(HouseholdIndex.household_id).order_by(HouseholdIndex.seq.desc()).limit(3)).all()
        township = s.scalars(select(Unit.id).where(Unit.kind == "township")).first()
        h = Household(township_id=township, head_name="新户")
        s.add(h)
        s.flush()
        refresh_search(s, [*existing, h.id])
        uow.commit()
    with demo_db.engine.connect() as c:
        live = c.execute(select(func.count()).select_from(Household).where(Household.deleted.is_(False))).scalar_one()
        indexed = c.execute(select(func.count()).select_from(HouseholdIndex)).scalar_one()
    assert indexed == live
