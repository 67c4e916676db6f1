"""文件 menu: backup, restore, recent files, new database."""
from __future__ import annotations

import sqlite3
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QInputDialog, QLabel, QMessageBox

from app import config
from app.bootstrap import open_database

WAIT_MS = 30_000


def _unit_name(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT value FROM meta WHERE key = 'unit_name'").fetchone()[0]
    finally:
        conn.close()


def test_backup_from_the_menu(window, qtbot, tmp_path, monkeypatch, shown_dialogs):
    out = tmp_path / "拷贝.db"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    window.backup_action.trigger()
    qtbot.waitUntil(lambda: len(shown_dialogs) > 0, timeout=WAIT_MS)
    assert shown_dialogs[0].icon() == QMessageBox.Icon.Information
    assert _unit_name(out) == "示范区"


def test_restore_from_the_menu_replaces_the_database(window, qtbot, demo_path, tmp_path, monkeypatch,
                                                      shown_dialogs, idle):
    saved = tmp_path / "saved.db"
    db = open_database(demo_path)
    try:
        from app.services.foundation.backup import backup

        backup(db, saved)
    finally:
        db.dispose()
    conn = sqlite3.connect(demo_path)
    conn.execute("UPDATE meta SET value = '改名区' WHERE key = 'unit_name'")
    conn.commit()
    conn.close()
    assert _unit_name(demo_path) == "改名区"

    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(saved), ""))
    monkeypatch.setattr(window, "confirm", lambda title, text: True)
    window.restore_action.trigger()
    qtbot.waitUntil(lambda: len(shown_dialogs) > 0, timeout=WAIT_MS)
    idle()
    assert shown_dialogs[0].icon() == QMessageBox.Icon.Information
    assert _unit_name(demo_path) == "示范区"
    assert window.db is not None and window.windowTitle().startswith("示范区")
    assert list(config.backup_dir().glob("demo-恢复前-*.db"))  # the replaced one was kept


def test_restore_refuses_a_file_that_is_not_a_backup(window, qtbot, demo_path, tmp_path, monkeypatch,
                                                    shown_dialogs, idle):
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(junk), ""))
    monkeypatch.setattr(window, "confirm", lambda title, text: True)
    window.restore_action.trigger()
    qtbot.waitUntil(lambda: len(shown_dialogs) > 0, timeout=WAIT_MS)
    idle()
    assert shown_dialogs[0].icon() == QMessageBox.Icon.Warning
    assert "不是清收工作台的备份文件" in shown_dialogs[0].text()
    assert window.db is not None and Path(window.db.path) == demo_path  # still open


def test_recent_menu_lists_the_open_database(window, demo_path):
    window._fill_recent_menu()
    texts = [a.text() for a in window.recent_menu.actions()]
    assert any(demo_path.name in t for t in texts)


def test_new_database_from_the_menu_opens_it(window, qtbot, tmp_path, monkeypatch, idle):
    target = tmp_path / "新区.db"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("新区清收办", True))
    with qtbot.waitSignal(window.database_changed, timeout=WAIT_MS):
        window.new_action.trigger()
    idle()
    assert Path(window.db.path) == target
    assert window.windowTitle().startswith("新区清收办")
    assert window.page("dashboard").findChild(QLabel, "value_count").text() == "0 / 0"
