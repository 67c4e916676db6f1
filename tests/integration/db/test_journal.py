"""A large import by the only user of a database writes through the rollback journal and
leaves the database in WAL mode again; with anyone else connected nothing changes."""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text

from app.cli import main
from app.db.journal import rollback_journal

SAMPLE_LEDGER = str(Path(__file__).resolve().parents[2] / "data" / "ledger-sample" / "ledger.xlsx")


def _mode(db) -> str:
    with db.engine.connect() as conn:
        return conn.exec_driver_sql("PRAGMA journal_mode").scalar()


def _loans(db) -> int:
    with db.engine.connect() as conn:
        return conn.execute(text("SELECT COUNT(*) FROM loans")).scalar_one()


def _journal_modes_seen(monkeypatch) -> list[str]:
    """The journal mode each ledger import writes in, as it starts writing."""
    import app.services.ledger_import.importer as ledger_import

    modes: list[str] = []
    real = ledger_import.LedgerWriter.run

    def run(writer):
        modes.append(writer.s.connection().exec_driver_sql("PRAGMA journal_mode").scalar())
        return real(writer)

    monkeypatch.setattr(ledger_import.LedgerWriter, "run", run)
    return modes


def test_alone_the_write_goes_through_the_rollback_journal_and_wal_comes_back(new_db):
    assert _mode(new_db) == "wal"
    with rollback_journal(new_db.engine) as switched:
        assert switched
        assert _mode(new_db) == "delete"
        with new_db.uow() as uow:
            uow.session.execute(text("INSERT INTO meta (key, value) VALUES ('probe', '1')"))
            uow.commit()
    assert _mode(new_db) == "wal"
    with new_db.engine.connect() as conn:
        assert conn.execute(text("SELECT value FROM meta WHERE key = 'probe'")).scalar_one() == "1"


def test_with_another_connection_open_nothing_changes(new_db):
    other = sqlite3.connect(new_db.path)   # e.g. the window open on the same file
    try:
        other.execute("SELECT COUNT(*) FROM loans").fetchone()
        with rollback_journal(new_db.engine) as switched:
            assert not switched
            assert _mode(new_db) == "wal"
    finally:
        other.close()
    assert _mode(new_db) == "wal"


def test_after_a_failed_write_nothing_is_kept_and_wal_comes_back(new_db):
    with pytest.raises(RuntimeError):
        with rollback_journal(new_db.engine) as switched, new_db.uow() as uow:
            assert switched
            uow.session.execute(text("INSERT INTO meta (key, value) VALUES ('probe', '1')"))
            raise RuntimeError("a refused import")
    assert _mode(new_db) == "wal"
    with new_db.engine.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM meta WHERE key = 'probe'")).scalar_one() == 0


def test_the_command_line_import_uses_it_and_leaves_a_wal_database(tmp_path, monkeypatch, capsys):
    import app.services.ledger_import.importer as ledger_import
    from app.bootstrap import open_database

    monkeypatch.setattr(ledger_import, "ROLLBACK_JOURNAL_MIN", 1)   # the sample has 223 loans
    modes = _journal_modes_seen(monkeypatch)
    path = tmp_path / "district.db"
    assert main(["init", "--db", str(path), "--role", "district", "--unit", "示范区"]) == 0
    capsys.readouterr()
    assert main(["import-ledger", SAMPLE_LEDGER, "--db", str(path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["loans_imported"] == 223
    assert modes == ["delete"]
    db = open_database(path)
    try:
        assert (_mode(db), _loans(db)) == ("wal", 223)
    finally:
        db.dispose()


def test_the_window_s_import_keeps_wal(new_db, monkeypatch):
    """The window reads while an import runs: it never asks for the rollback journal."""
    import app.services.ledger_import.importer as ledger_import

    monkeypatch.setattr(ledger_import, "ROLLBACK_JOURNAL_MIN", 1)
    modes = _journal_modes_seen(monkeypatch)
    ledger_import.import_ledger(new_db, SAMPLE_LEDGER)
    assert modes == ["wal"] and _loans(new_db) == 223
