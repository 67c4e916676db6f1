"""First run: no database yet → the welcome dialog; it can make the district's database."""
from __future__ import annotations

import sys

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from app import config
from app.bootstrap import open_database
from app.ui import dbfiles
from app.ui.dialogs.welcome import WelcomeDialog

WAIT_MS = 30_000


def test_welcome_dialog_creates_a_district_database(qtbot, tmp_path, monkeypatch, shown_dialogs, idle):
    target = tmp_path / "district.db"
    dialog = WelcomeDialog(target)
    qtbot.addWidget(dialog)
    monkeypatch.setattr(dialog, "ask_unit_name", lambda: "测试区")
    dialog.show()
    qtbot.mouseClick(dialog.new_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.chosen_path is not None, timeout=WAIT_MS)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.chosen_path == target
    db = open_database(target, create=False)
    try:
        ident = db.identity()
        assert (ident.unit_name, ident.role) == ("测试区", "district")
    finally:
        db.dispose()
    assert shown_dialogs == []


def test_new_database_refuses_to_overwrite_one_in_use(qtbot, demo_path, monkeypatch, shown_dialogs, idle):
    before = demo_path.read_bytes()
    dialog = WelcomeDialog(demo_path)
    qtbot.addWidget(dialog)
    monkeypatch.setattr(dialog, "ask_unit_name", lambda: "测试区")
    qtbot.mouseClick(dialog.new_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(shown_dialogs) > 0, timeout=WAIT_MS)
    assert "不会覆盖" in shown_dialogs[0].text()
    assert dialog.chosen_path is None and dialog.new_button.isEnabled()
    assert demo_path.read_bytes() == before


def test_open_existing_checks_the_file(qtbot, tmp_path, monkeypatch, shown_dialogs, idle):
    not_a_db = tmp_path / "笔记.db"
    not_a_db.write_text("这不是数据库", encoding="utf-8")
    dialog = WelcomeDialog(tmp_path / "x.db")
    qtbot.addWidget(dialog)
    monkeypatch.setattr(dialog, "ask_open_path", lambda: not_a_db)
    qtbot.mouseClick(dialog.open_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(shown_dialogs) > 0, timeout=WAIT_MS)
    assert "不是清收工作台的数据库文件" in shown_dialogs[0].text()
    assert dialog.chosen_path is None


def test_fresh_data_folder_needs_the_welcome_dialog():
    assert dbfiles.is_initialised_file(config.default_db_path()) is False


def test_gui_without_database_shows_welcome_and_quits_if_cancelled(qtbot, monkeypatch):
    from app.ui import app as ui_app

    seen = []

    def fake_exec(self):
        seen.append(self.new_db_path)
        return QDialog.DialogCode.Rejected

    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(WelcomeDialog, "exec", fake_exec)
    assert ui_app.run_gui(None) == 0
    assert seen == [config.default_db_path()]
    assert not config.default_db_path().exists()  # nothing was created
