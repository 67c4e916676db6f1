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
