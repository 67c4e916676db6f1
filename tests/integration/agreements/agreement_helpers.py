"""Finding households in the demo database for the agreement tests."""
from __future__ import annotations

from sqlalchemy import text


def free_households(db, min_loans: int = 1, limit: int = 5, max_loans: int | None = None) -> list[list[str]]:
    """Loan numbers of households with at least ``min_loans`` (at most ``max_loans``) open loans
    in no agreement, interest not suspended (a list per household, in the order of their ids)."""
    sql = text("""
        SELECT l.household_id, group_concat(l.loan_no) FROM loans l
        WHERE l.balance_fen > 0 AND l.interest_suspended = 0 AND l.deleted = 0
          AND l.household_id NOT IN (SELECT a.household_id FROM agreements a)
        GROUP BY l.household_id HAVING count(*) >= :n AND count(*) <= :most
        ORDER BY l.household_id LIMIT :limit""")
    with db.engine.connect() as conn:
        return [sorted(row[1].split(",")) for row in conn.execute(sql, {"n": min_loans, "limit": limit,
                                                                         "most": max_loans or 1_000_000})]


def count(db, table: str) -> int:
    with db.engine.connect() as conn:
        return conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()


def execute(db, sql: str, **params) -> None:
    with db.engine.begin() as conn:
        conn.execute(text(sql), params)
