"""A page's keys follow the page shown, wherever the cursor is (Ctrl+N records a visit on 借款户 and
走访 even while the cursor is still in the navigation; it is 新建区县数据库 elsewhere)."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog

from app.ui.dialogs.visit_dialog import VisitDialog
from tests.gui.helpers_households import WAIT_MS, open_list


def ctrl(qtbot, widget, key) -> None:
    qtbot.keyClick(widget, key, Qt.KeyboardModifier.ControlModifier)


def visit_dialogs(window) -> list[VisitDialog]:
    return [d for d in window.findChildren(VisitDialog) if d.isVisible()]


def activate(qtbot, window) -> None:
    """Shortcuts reach the active window; the offscreen platform does not give it back by itself
    when a dialog closes (or a window of an earlier test was the last one active)."""
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)


def close(qtbot, window, dialog) -> None:
    dialog.reject()
    activate(qtbot, window)


def file_menu_texts(window) -> list[str]:
    return [a.text() for a in window.file_menu.actions() if a.isVisible() and a.text()]


def test_ctrl_n_follows_the_page_shown(window, qtbot, idle, monkeypatch):
    asked = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (asked.append(a), ("", ""))[1])

    page = open_list(window, qtbot, idle)
    activate(qtbot, window)
    page.table.selectRow(0)
    hid = page.current_household()
    window.nav.setFocus()                          # the cursor is still in the navigation
    ctrl(qtbot, window.nav, Qt.Key.Key_N)
    dialogs = visit_dialogs(window)
    assert not asked and len(dialogs) == 1 and dialogs[0].fixed_household == hid
    close(qtbot, window, dialogs[0])
    assert file_menu_texts(window)[0].startswith("为选中的一户记录走访")

    # on the household page: Ctrl+N, Ctrl+S and Alt+Left, wherever the cursor is
    with qtbot.waitSignal(page.view.loaded, timeout=WAIT_MS):
        page.open_household(hid)
    idle()
    assert [t.split("(")[0] for t in file_menu_texts(window)[:3]] == ["记录走访", "保存这一户的修改", "返回列表"]
    window.nav.setFocus()
    ctrl(qtbot, window.nav, Qt.Key.Key_N)
    dialogs = visit_dialogs(window)
    assert not asked and len(dialogs) == 1
    close(qtbot, window, dialogs[0])
    qtbot.keyClick(window.nav, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert page.stack.currentIndex() == 0

    visits = window.page("visits")
    with qtbot.waitSignal(visits.loaded, timeout=WAIT_MS):
        window.show_page("visits")
    idle()
    window.nav.setFocus()
    ctrl(qtbot, window.nav, Qt.Key.Key_N)
    dialogs = visit_dialogs(window)
    assert not asked and len(dialogs) == 1 and dialogs[0].fixed_household is None   # it asks which household
    close(qtbot, window, dialogs[0])

    # where no page claims it, Ctrl+N is 文件 › 新建区县数据库
    window.show_page("dashboard")
    window.nav.setFocus()
    ctrl(qtbot, window.nav, Qt.Key.Key_N)
    assert len(asked) == 1 and not visit_dialogs(window)
    assert not file_menu_texts(window)[0].startswith("记录走访")
