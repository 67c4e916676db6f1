"""A payload holds one township's rows, read as one snapshot; a payload file is checked."""
from __future__ import annotations

import sqlite3

import pytest

from app.sync import payload
from app.sync.errors import PackageError


def _township(conn, index=0):
    return conn.execute("SELECT id, name FROM units WHERE kind = 'township' ORDER BY name").fetchall()[index]


def test_a_payload_holds_the_townships_rows_and_no_other(demo_path, tmp_path):
    src = sqlite3.connect(demo_path)
    tid, _name = _township(src)
    counts = payload.write(demo_path, tid, tmp_path / "p.sqlite")
    out = sqlite3.connect(tmp_path / "p.sqlite")
    assert counts.rows["households"] == src.execute(
        "SELECT count(*) FROM households WHERE township_id = ?", (tid,)).fetchone()[0] > 0
    assert out.execute("SELECT count(DISTINCT township_id) FROM loans").fetchone() == (1,)
    other = {r[0] for r in src.execute("SELECT head_id_number FROM households WHERE township_id != ?", (tid,))}
    mine = {r[0] for r in out.execute("SELECT head_id_number FROM households")}
    assert not (mine & other) - {None}
    for table, n in counts.rows.items():
        assert out.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == n
    visits = out.execute("SELECT count(*) FROM visits").fetchone()[0]
    assert visits == src.execute("SELECT count(*) FROM visits v JOIN households h ON h.id = v.household_id "
                                 "WHERE h.township_id = ?", (tid,)).fetchone()[0] > 0


def test_a_payload_reads_back_as_a_checked_file(demo_path, tmp_path):
    tid, _ = _township(sqlite3.connect(demo_path))
    payload.write(demo_path, tid, tmp_path / "p.sqlite")
    path = payload.to_file((tmp_path / "p.sqlite").read_bytes(), tmp_path)
    assert sqlite3.connect(path).execute("SELECT count(*) FROM loans").fetchone()[0] > 0


@pytest.mark.parametrize("plain", [b"", b"not sqlite", b"SQLite format 3\x00" + b"\xff" * 5000])
def test_a_payload_that_is_not_a_database_is_refused(plain, tmp_path):
    with pytest.raises(PackageError):
        payload.to_file(plain, tmp_path)
    assert not list(tmp_path.glob("qingshou-payload-*"))
