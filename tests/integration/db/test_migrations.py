"""Databases made by older versions of the program open without loss."""
from __future__ import annotations

import sqlite3

import pytest
from alembic.script import ScriptDirectory

from app.bootstrap import open_database
from app.db.migrate import alembic_config, current_revision, head_revision, upgrade
from app.db.session import make_engine
from app.domain.errors import DatabaseError
from app.services.reporting.summary import compute


def _first_revision() -> str:
    script = ScriptDirectory.from_config(alembic_config())
    return list(script.walk_revisions())[-1].revision


def _make_old_database(path) -> None:
    """A database at the first migration with a little data written with plain SQL."""
    engine = make_engine(path)
    upgrade(engine, _first_revision())
    engine.dispose()
    with sqlite3.connect(path) as c:
        c.executescript("""
        INSERT INTO meta(key, value) VALUES ('db_id','x'),('role','district'),('unit_id','U0'),
            ('unit_name','老区'),('device','dev1'),('device_name','旧电脑');
        INSERT INTO units(id, name, kind, deleted) VALUES ('U0','老区','district',0),('T1','柳林镇','township',0);
        INSERT INTO households(id, township_id, head_name, capacity, needs_review, deleted)
            VALUES ('H1','T1','张三','unknown',0,0);
        INSERT INTO loans(id, loan_no, household_id, township_id, task_amount_fen, task_date, balance_fen,
            interest_fen, stage, interest_suspended, missing_from_ledger, deleted)
            VALUES ('L1','620100100001','H1','T1',1000000,'2026-01-01',600000,0,'collection',0,0,0);
        INSERT INTO repayments(id, loan_id, paid_on, amount_fen, principal_fen, interest_fen, penalty_fen,
            source, deleted) VALUES ('R1','L1','2026-05-01',400000,400000,0,0,'township',0);
        """)
    c.close()


def test_first_migration_database_upgrades_without_loss(tmp_path):
    path = tmp_path / "old.db"
    _make_old_database(path)
    backups = tmp_path / "backups"
    db = open_database(path, backup_dir=backups)
    try:
        assert current_revision(db.engine) == head_revision()
        s = compute(db, None)
        assert s.totals.loans == 1
        assert s.totals.task_fen == 1_000_000 and s.totals.recovered_fen == 400_000
        assert [t.name for t in s.townships] == ["柳林镇"]
        assert db.identity().unit_name == "老区"
    finally:
        db.dispose()
    if head_revision() != _first_revision():
        copies = list(backups.glob("old-升级前-*.db"))
        assert len(copies) == 1
        with sqlite3.connect(copies[0]) as c:
            assert c.execute("select version_num from alembic_version").fetchone()[0] == _first_revision()
            assert c.execute("select count(*) from loans").fetchone()[0] == 1
        c.close()


def test_current_database_is_not_backed_up_again(tmp_path, new_db):
    backups = tmp_path / "b"
    open_database(new_db.path, backup_dir=backups).dispose()
    assert not backups.exists() or not list(backups.iterdir())


def test_database_from_a_newer_program_is_refused_untouched(tmp_path):
    path = tmp_path / "future.db"
    _make_old_database(path)
    with sqlite3.connect(path) as c:
        c.execute("update alembic_version set version_num = 'zzzz_future'")
    c.close()
    before = path.read_bytes()
    with pytest.raises(DatabaseError, match="比本程序新"):
        open_database(path)
    assert path.read_bytes() == before


def test_models_match_the_migrations(tmp_path):
    """Autogenerate finds nothing to do: every model change has its migration."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from app.db.base import Base, include_name

    db = open_database(tmp_path / "fresh.db")
    try:
        with db.engine.connect() as conn:
            diff = compare_metadata(
                MigrationContext.configure(conn, opts={"include_name": include_name}), Base.metadata)
    finally:
        db.dispose()
    assert diff == []


# -- the quick check on open (app.db.migrate.known_head) ---------------------------------------
def test_head_read_from_the_files_is_alembics_head():
    from app import config
    from app.db.migrate import heads_in_files, known_head

    assert heads_in_files(config.migrations_dir() / "versions") == [head_revision()]
    assert known_head() == head_revision()


def test_heads_in_files_reads_a_chain_and_gives_up_on_what_it_cannot_read(tmp_path):
    from app.db.migrate import heads_in_files

    (tmp_path / "__init__.py").write_text("")
    (tmp_path / "a.py").write_text('"""x\n\nRevision ID: a\n"""\nrevision = \'a\'\ndown_revision = None\n')
    (tmp_path / "b.py").write_text('revision: str = "b"\ndown_revision: str | None = "a"\n')
    assert heads_in_files(tmp_path) == ["b"]
    (tmp_path / "c.py").write_text("revision = 'c'\ndown_revision = 'a'\n")      # a branch: two heads
    assert heads_in_files(tmp_path) == ["b", "c"]
    (tmp_path / "d.py").write_text("revision = 'd'\ndown_revision = ('b', 'c')\n")  # a merge: ask Alembic
    assert heads_in_files(tmp_path) is None


def test_an_older_database_is_still_upgraded_and_backed_up_on_open(tmp_path):
    """The quick check lets through only a database already at the head."""
    path = tmp_path / "old.db"
    _make_old_database(path)
    engine = make_engine(path)
    upgrade(engine, "0012")   # one step behind
    engine.dispose()
    backups = tmp_path / "backups"
    db = open_database(path, backup_dir=backups)
    try:
        assert current_revision(db.engine) == head_revision()
    finally:
        db.dispose()
    assert len(list(backups.glob("old-升级前-0012-*.db"))) == 1


def test_opening_a_current_database_does_not_load_alembic(tmp_path):
    """Alembic (its import, its script directory) is for upgrades only: a fresh process opening a
    database at the head never imports it."""
    import subprocess
    import sys

    path = tmp_path / "current.db"
    open_database(path).dispose()
    code = ("import sys; from app.bootstrap import open_database; open_database(sys.argv[1]).dispose(); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'alembic'))")
    out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
