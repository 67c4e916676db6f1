"""The operator in the window: asked once when a database without one is opened, shown in the
status bar, changed in 设置, and the name every change of the window is written under."""
from __future__ import annotations

from PySide6.QtCore import Qt

from app.bootstrap import open_database
from app.services.foundation import operators
from app.ui import actor as ui_actor
from tests.conftest import OPERATOR
from tests.gui.helpers_window import WAIT_MS, open_window


def test_a_database_without_an_operator_asks_for_one_and_keeps_it(qtbot, idle, new_db, shown_dialogs):
    path = new_db.path
    new_db.dispose()
    win = open_window(qtbot, idle, path)
    qtbot.waitUntil(lambda: win.operator_dialog is not None and win.operator_dialog.isVisible(), timeout=WAIT_MS)
    dialog = win.operator_dialog
    assert win.operator_label.text() == "操作员：未设置" and not dialog.ok.isEnabled()
    dialog.name.setText("工作台")          # (typed: keyClicks types ASCII only)
    assert not dialog.ok.isEnabled() and "不是人的姓名" in dialog.note.text()
    dialog.name.setText("张三")
    with qtbot.waitSignal(win.operator_changed, timeout=WAIT_MS):
        qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    assert ui_actor.actor() == "张三" and win.operator_label.text() == "操作员：张三"
    db = open_database(path)
    try:
        assert operators.current(db).name == "张三"
    finally:
        db.dispose()
    assert not shown_dialogs


def test_a_database_with_its_operator_asks_nothing(window, qtbot, idle):
    idle()
    assert window.operator_dialog is None and ui_actor.actor() == OPERATOR
    assert window.operator_label.text() == f"操作员：{OPERATOR}"


def test_the_operator_is_changed_in_settings(window, qtbot, idle, demo_path):
    page = window.page("settings")
    window.show_page("settings")
    assert page.operator.text() == OPERATOR
    qtbot.mouseClick(page.operator_button, Qt.MouseButton.LeftButton)
    dialog = window.operator_dialog
    assert dialog.isVisible() and dialog.name.text() == OPERATOR
    dialog.name.setText("李会计")
    with qtbot.waitSignal(window.operator_changed, timeout=WAIT_MS):
        qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    idle()
    assert page.operator.text() == "李会计" and ui_actor.actor() == "李会计"
    db = open_database(demo_path)
    try:
        assert operators.current(db).name == "李会计"
    finally:
        db.dispose()
