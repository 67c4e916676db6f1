"""A township's packages hold its rows and nothing of another township's."""
from __future__ import annotations

import sqlite3

from app.db.base import Base
from app.sync import scope


def test_every_table_is_decided_travelling_or_staying():
    tables = set(Base.metadata.tables)
    undecided = tables - set(scope.TOWNSHIP_ROWS) - scope.STAYS_HERE
    assert not undecided, f"decide whether these travel (app/sync/scope.py): {sorted(undecided)}"
    assert not set(scope.TOWNSHIP_ROWS) & scope.STAYS_HERE


def test_parents_come_before_their_rows():
    order = list(scope.TOWNSHIP_ROWS)
    for name in order:
        for fk in Base.metadata.tables[name].foreign_keys:
            parent = fk.column.table.name
            if parent != name and parent in scope.TOWNSHIP_ROWS:
                assert order.index(parent) < order.index(name), (name, parent)


def _rows(conn, table, township):
    sql = f"SELECT id FROM {table} WHERE {scope.condition(table)}" if table != "ledger_balances" else \
        f"SELECT import_id || loan_id FROM {table} WHERE {scope.condition(table)}"
    return {r[0] for r in conn.execute(sql, {"township": township})}


def test_each_township_gets_its_own_rows_and_together_they_get_all(demo_path):
    conn = sqlite3.connect(demo_path)
    townships = [r[0] for r in conn.execute("SELECT id FROM units WHERE kind = 'township'")]
    assert len(townships) >= 2
    for table in ("households", "persons", "loans", "visits", "repayments", "agreements", "installments",
                  "category_tags", "stage_events", "ledger_balances", "villages"):
        parts = [_rows(conn, table, t) for t in townships]
        everything = {r[0] for r in conn.execute(
            f"SELECT {'import_id || loan_id' if table == 'ledger_balances' else 'id'} FROM {table}")}
        assert set().union(*parts) == everything, table
        assert sum(len(p) for p in parts) == len(everything), f"{table}: a row in two townships"
    # a township's package names its own unit and the district, no other township
    for t in townships:
        units = _rows(conn, "units", t)
        assert t in units and not units & (set(townships) - {t})


def test_a_merges_lists_stay_what_their_subqueries_read(demo_db):
    """``merge._Lists``: the township id lists a merge makes once for a file are, whenever a
    statement reads them, what the subqueries of ``scope.condition`` would read then — after a
    household leaves the township, another comes in, an agreement is made for it."""
    from sqlalchemy import text

    from app.sync import merge

    def same(lists, township):
        for name in merge._MADE_LISTS:
            made = {r[0] for r in c.execute(text(f"SELECT id FROM temp.merge_scope_{name}"))}
            fresh = {r[0] for r in c.execute(text(scope.subqueries("main.")[name]), {"township": township})}
            assert made == fresh, name

    with demo_db.engine.connect() as c:
        merge._make_list_tables(c)
        c.commit()
        try:
            townships = [r[0] for r in c.execute(text("SELECT id FROM units WHERE kind = 'township' ORDER BY id"))]
            here, there = townships[:2]
            lists = merge._Lists(c, here)
            # every condition reading a list makes it first
            for table in scope.TOWNSHIP_ROWS:
                if table != "ledger_imports":
                    lists.condition(table)
            assert not lists.stale
            same(lists, here)
            leaving = c.execute(text("SELECT h.id FROM households h JOIN agreements a ON a.household_id = h.id "
                                     "WHERE h.township_id = :t LIMIT 1"), {"t": here}).scalar()
            coming = c.execute(text("SELECT id FROM households WHERE township_id = :t LIMIT 1"), {"t": there}).scalar()
            c.execute(text("UPDATE households SET township_id = :t WHERE id = :h"), {"t": there, "h": leaving})
            c.execute(text("UPDATE households SET township_id = :t WHERE id = :h"), {"t": here, "h": coming})
            lists.wrote("households", {leaving, coming})
            assert "agreements" in lists.stale            # its households changed
            lists.condition("installments")
            same(lists, here)
            c.execute(text("UPDATE households SET phone = '13900000000' WHERE id = :h"), {"h": coming})
            lists.wrote("households", {coming})            # no member changed: nothing made again
            assert not lists.stale
            agreement = c.execute(text("SELECT id FROM agreements WHERE household_id = :h LIMIT 1"),
                                  {"h": leaving}).scalar()
            c.execute(text("UPDATE agreements SET household_id = :h WHERE id = :a"), {"h": coming, "a": agreement})
            lists.wrote("agreements", {agreement})
            same(lists, here)
        finally:
            c.rollback()
            merge._drop_list_tables(c)
            c.commit()
