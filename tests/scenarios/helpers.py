"""Reading a database file the way the tests check it."""
from __future__ import annotations

import hashlib
from pathlib import Path


def snapshot(path: Path) -> str:
    """A fingerprint of every row of every table of the database file at ``path``."""
    import sqlite3

    h = hashlib.sha256()
    conn = sqlite3.connect(str(path))
    try:
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "AND name NOT LIKE 'household_search_fts%' ORDER BY name")]
        for t in tables:
            for row in conn.execute(f'SELECT * FROM "{t}" ORDER BY 1'):
                h.update(repr(tuple(row)).encode())
    finally:
        conn.close()
    return h.hexdigest()


def query(path: Path, sql: str, **params) -> list[tuple]:
    import sqlite3

    conn = sqlite3.connect(str(path))
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def make_id(body17: str) -> str:
    from app.domain.idcard import check_digit

    return body17 + check_digit(body17)
