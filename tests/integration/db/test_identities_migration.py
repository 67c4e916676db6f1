"""Migration 0009: a database made before deterministic ids gets its id namespace (from the
district's name, as a new one would) and device code, keeps every id it has, and gains the
one-village-per-name index where its data allows."""
from __future__ import annotations

import sqlite3
from datetime import date

from sqlalchemy import text

from app.bootstrap import open_database
from app.db import ids
from app.db.migrate import current_revision, head_revision, upgrade
from app.db.session import make_engine
from app.services import agreements as svc
from app.services.foundation.setup import township, village


def _make_0007_database(path, *, villages=(("V1", "李家村"),)) -> None:
    engine = make_engine(path)
    upgrade(engine, "0007")
    engine.dispose()
    with sqlite3.connect(path) as c:
        c.executescript("""
        INSERT INTO meta(key, value) VALUES ('db_id','x'),('role','district'),('unit_id','U0'),
            ('unit_name','老区'),('device','dev1'),('device_name','旧电脑');
        INSERT INTO units(id, name, kind, deleted) VALUES ('U0','老区','district',0),('T1','柳林镇','township',0);
        INSERT INTO households(id, township_id, head_name, capacity, needs_review, deleted)
            VALUES ('H1','T1','张三','unknown',0,0);
        INSERT INTO category_tags(id, household_id, code, deleted) VALUES ('C1','H1','deceased',1),('C2','H1','deceased',0);
        """)
        c.executemany("INSERT INTO villages(id, township_id, name, deleted) VALUES (?, 'T1', ?, 0)", villages)
    c.close()


def _indexes(db) -> set[str]:
    with db.engine.connect() as c:
        return {r[0] for r in c.execute(text("SELECT name FROM sqlite_master WHERE type = 'index'"))}


def test_an_older_database_gets_the_namespace_a_new_one_of_its_district_has(tmp_path):
    path = tmp_path / "old.db"
    _make_0007_database(path)
    db = open_database(path, backup_dir=tmp_path / "b")
    try:
        assert current_revision(db.engine) == head_revision()
        with db.engine.connect() as c:
            meta = dict(c.execute(text("SELECT key, value FROM meta")).all())
            assert meta["id_namespace"] == ids.district_namespace("老区")
            assert meta["device_code"] == ids.code_from_device("dev1")
            assert {r[0] for r in c.execute(text("SELECT id FROM units"))} == {"U0", "T1"}   # ids kept
            assert {r[0] for r in c.execute(text("SELECT id FROM category_tags"))} == {"C1", "C2"}
        assert "uq_villages_township_name" in _indexes(db)
        # from now on rows are made with ids of the namespace; the old ones are found by name
        with db.uow() as uow:
            assert township(uow, "柳林镇").id == "T1"
            assert village(uow, "T1", "李家村").id == "V1"
            made = township(uow, "马营镇").id
            uow.commit()
        assert made == ids.Ids(ids.district_namespace("老区")).township("马营镇")
    finally:
        db.dispose()


def test_two_villages_of_one_name_upgrade_without_the_index(tmp_path):
    path = tmp_path / "odd.db"
    _make_0007_database(path, villages=(("V1", "李家村"), ("V2", "李家村")))
    db = open_database(path, backup_dir=tmp_path / "b")
    try:
        assert current_revision(db.engine) == head_revision()
        assert "uq_villages_township_name" not in _indexes(db)
        with db.uow() as uow:
            assert village(uow, "T1", "李家村").id in {"V1", "V2"}
    finally:
        db.dispose()


def test_agreement_numbers_of_an_older_database_carry_its_device_code(tmp_path, demo_path):
    """The demo database, taken back to before 0009 (after 0008), numbers its next agreement with the code
    derived from its device."""
    with sqlite3.connect(demo_path) as c:
        c.execute("DELETE FROM meta WHERE key IN ('id_namespace', 'device_code')")
        c.execute("DROP INDEX uq_villages_township_name")
        head = c.execute("SELECT version_num FROM alembic_version").fetchone()[0]
        c.execute("UPDATE alembic_version SET version_num = '0008'")
        device = c.execute("SELECT value FROM meta WHERE key = 'device'").fetchone()[0]
    c.close()
    engine = make_engine(demo_path)     # only 0009 again: the later migrations' tables are there
    upgrade(engine, "0009")
    engine.dispose()
    with sqlite3.connect(demo_path) as c:
        c.execute("UPDATE alembic_version SET version_num = ?", (head,))
    c.close()
    db = open_database(demo_path, backup_dir=tmp_path / "b")
    try:
        from tests.integration.agreements.agreement_helpers import free_households

        loans = free_households(db, limit=1)[0]
        view = svc.create(db, svc.PlanRequest(loan_nos=loans, as_of=date(2026, 11, 30), installments=2,
                                              first_due=date(2027, 1, 15)))
        assert view.number.split("-")[2] == ids.code_from_device(device)
    finally:
        db.dispose()
