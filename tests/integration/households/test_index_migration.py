"""Migration 0004: a database from before the household index gets one when the list opens."""
from __future__ import annotations

import sqlite3

from sqlalchemy import text

from app.bootstrap import open_database
from app.db.migrate import current_revision, head_revision, upgrade
from app.services import households as H
from app.services.households import HouseholdFilter
from tests.migration_undo import after_0008, before_0008


def test_an_older_database_is_upgraded_and_indexed(demo_path, tmp_path):
    with sqlite3.connect(demo_path) as conn:   # make it look like a database made before 0004
        conn.executescript("DROP TABLE household_search_fts; DROP TABLE household_search_keys; "
                           "DROP TABLE household_staff; DROP TABLE household_index; "
                           # and before 0005 (corrections)
                           "DROP INDEX ix_repayments_corrects_id; ALTER TABLE repayments DROP COLUMN corrects_id; "
                           "DROP INDEX ix_visits_corrects_id; ALTER TABLE visits DROP COLUMN corrects_id; "
                           "DROP TABLE IF EXISTS import_followups; "   # made by a later migration
                           "ALTER TABLE agreement_loans DROP COLUMN rate_source; "   # (0007)
                           + before_0008(skip=("import_followups",)) +
                           after_0008() +                                         # (0009 and later)
                           "UPDATE alembic_version SET version_num = '0003';")
    conn.close()
    db = open_database(demo_path, backup_dir=tmp_path / "backups")
    try:
        assert current_revision(db.engine) == head_revision()
        assert list((tmp_path / "backups").iterdir())      # a backup was taken before upgrading
        assert H.count(db, HouseholdFilter()) == 0          # the new tables start empty …
        assert H.prepare(db) == 300                          # … and are filled when the list opens
        assert H.count(db, HouseholdFilter()) == 300
        assert H.prepare(db) == 0
        assert H.page(db, HouseholdFilter(text="6201001")).total == 300
    finally:
        db.dispose()


def test_downgrade_and_upgrade_again(demo_db):
    from alembic import command

    from app.db.migrate import alembic_config

    cfg = alembic_config()
    with demo_db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0003")
    with demo_db.engine.connect() as conn:
        names = {r[0] for r in conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'table'"))}
    assert not {n for n in names if n.startswith("household_") and n != "households"}
    upgrade(demo_db.engine)
    assert H.prepare(demo_db) == 300
