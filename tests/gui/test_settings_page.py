"""设置: the paths, and 立即备份."""
from __future__ import annotations

from PySide6.QtWidgets import QLineEdit, QMessageBox

from app import config
from app.bootstrap import open_database

WAIT_MS = 30_000


def test_settings_page_shows_the_paths(window, demo_path):
    window.show_page("settings")
    page = window.current_page()
    assert page.findChild(QLineEdit, "dbPath").text() == str(demo_path)
    assert page.findChild(QLineEdit, "dataDir").text() == str(config.data_dir())
    assert page.findChild(QLineEdit, "backupDir").text() == str(config.backup_dir())


def test_backup_now_makes_a_usable_copy(window, qtbot, shown_dialogs):
    window.show_page("settings")
    page = window.current_page()
    before = set(config.backup_dir().glob("*-手动-*.db"))
    page.backup_button.click()
    qtbot.waitUntil(lambda: len(shown_dialogs) > 0, timeout=WAIT_MS)
    box = shown_dialogs[0]
    assert box.icon() == QMessageBox.Icon.Information
    made = set(config.backup_dir().glob("*-手动-*.db")) - before
    assert len(made) == 1
    copy = open_database(made.pop(), create=False)
    try:
        assert copy.identity().unit_name == "示范区"
    finally:
        copy.dispose()
