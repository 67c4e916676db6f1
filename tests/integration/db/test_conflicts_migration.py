"""Migration 0016: the conflict list of a database made before it travelled keeps every row, says
where each was found (this computer), how and by whom a settled one was settled, and gives the
field conflicts a new change sequence so the laptop's next work package carries them."""
from __future__ import annotations

import json
import sqlite3

from sqlalchemy import text

from app.bootstrap import open_database
from app.db.migrate import current_revision, head_revision, upgrade
from app.db.session import make_engine


def _make_0015_database(path) -> None:
    engine = make_engine(path)
    upgrade(engine, "0015")
    engine.dispose()
    with sqlite3.connect(path) as c:
        c.executescript("""
        INSERT OR REPLACE INTO meta(key, value) VALUES ('db_id','x'),('role','township'),('unit_id','T1'),
            ('unit_name','柳林镇'),('device','dev-1'),('device_name','一号机'),('seq_last','41');
        INSERT INTO units(id, name, kind, deleted) VALUES ('T1','柳林镇','township',0);
        INSERT INTO households(id, township_id, head_name, capacity, needs_review, deleted)
            VALUES ('H1','T1','张三','unknown',0,0);
        INSERT INTO conflicts(id, entity, entity_id, field, kept_value, kept_hlc, lost_value, lost_hlc, resolved,
            deleted, hlc, seq, updated_by, updated_at) VALUES
            ('C1','households','H1','phone','13900000001','0000001767000000000-00000-dev-2','13900000002',
             '0000001766000000000-00000-dev-1',0,0,'0000001767000000000-00000-dev-2',NULL,'merge',NULL),
            ('C2','households','H1','address','新址','0000001767000000001-00000-dev-2','旧址',
             '0000001766000000001-00000-dev-1',1,0,'0000001768000000000-00000-dev-1',40,'李四','2026-12-01 10:00:00'),
            ('R1','loans','L1','rule:overpaid','a',NULL,'b',NULL,0,0,NULL,NULL,'merge',NULL);
        INSERT INTO audit_log(id, at, hlc, actor, action, entity, entity_id, summary) VALUES
            ('A1','2026-12-01 10:00:00','0000001768000000000-00000-dev-1','李四','resolve','conflicts','C2',
             '处理冲突：households.address 取被覆盖的值');
        """)
    c.close()


def test_an_older_list_is_kept_and_travels_with_the_next_package(tmp_path):
    path = tmp_path / "old.db"
    _make_0015_database(path)
    db = open_database(path, backup_dir=tmp_path / "b")
    try:
        assert current_revision(db.engine) == head_revision()
        with db.engine.connect() as c:
            got = {r.id: r for r in c.execute(text(
                "SELECT id, found_on, state_hlc, resolution, resolved_by, resolved_at, seq FROM conflicts"))}
            seq_last = c.execute(text("SELECT value FROM meta WHERE key = 'seq_last'")).scalar()
    finally:
        db.dispose()
    assert set(got) == {"C1", "C2", "R1"}
    assert json.loads(got["C1"].found_on) == ["dev-1"]
    assert (got["C1"].state_hlc, got["C1"].resolution) == (None, None)
    assert (got["C2"].resolution, got["C2"].resolved_by, got["C2"].state_hlc) == (
        "lost", "李四", "0000001768000000000-00000-dev-1")
    assert str(got["C2"].resolved_at).startswith("2026-12-01 10:00:00")
    assert seq_last == "42" and got["C1"].seq == got["C2"].seq == 42     # above what was confirmed: it travels
    assert got["R1"].seq is None                                           # a rule breach stays here
