"""Helpers for the daily-work tests on the demo database."""
from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import text


def snapshot(db) -> str:
    """A fingerprint of every row of every table: equal fingerprints, nothing written."""
    h = hashlib.sha256()
    with db.engine.connect() as conn:
        tables = [r[0] for r in conn.execute(text(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "AND name NOT LIKE 'household_search_fts%' ORDER BY name"))]
        for t in tables:
            for row in conn.execute(text(f'SELECT * FROM "{t}" ORDER BY 1')):
                h.update(repr(tuple(row)).encode())
    return h.hexdigest()


@pytest.fixture
def one(demo_db):
    """A collection-stage loan with nothing repaid, its household and figures."""
    with demo_db.engine.connect() as conn:
        row = conn.execute(text(
            "SELECT l.loan_no, l.id, l.household_id, l.task_amount_fen, l.interest_fen, h.head_name "
            "FROM loans l JOIN households h ON h.id = l.household_id "
            "WHERE l.stage = 'collection' AND NOT EXISTS (SELECT 1 FROM repayments r WHERE r.loan_id = l.id) "
            "AND NOT EXISTS (SELECT 1 FROM agreement_loans a WHERE a.loan_id = l.id) "
            "AND (SELECT COUNT(*) FROM loans x WHERE x.household_id = l.household_id) = 1 "
            "ORDER BY l.loan_no LIMIT 1")).one()
    return {"loan_no": row[0], "loan_id": row[1], "household_id": row[2], "task_fen": row[3],
            "interest_fen": row[4], "name": row[5]}


def audit_count(db, action: str | None = None) -> int:
    with db.engine.connect() as conn:
        if action:
            return conn.execute(text("SELECT COUNT(*) FROM audit_log WHERE action = :a"), {"a": action}).scalar_one()
        return conn.execute(text("SELECT COUNT(*) FROM audit_log")).scalar_one()


@pytest.fixture
def fingerprint():
    """``fingerprint(db)``: equal before and after means nothing was written."""
    return snapshot


@pytest.fixture
def audits():
    """``audits(db, action=None)``: how many audit entries (of one action)."""
    return audit_count
