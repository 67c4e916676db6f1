"""What the window says when there is nothing yet, 帮助 (使用说明 F1, 快捷键), and what follows an export."""
from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QDesktopServices, QKeySequence
from PySide6.QtWidgets import QFileDialog, QLabel

from app.bootstrap import open_database
from app.services.foundation.setup import initialise
from app.ui.dialogs.file_saved import FileSavedDialog
from app.ui.dialogs.help import GuideDialog, ShortcutsDialog
from tests.gui.helpers_households import WAIT_MS, open_list, type_search
from tests.gui.helpers_window import open_window


@pytest.fixture
def empty_window(qtbot, tmp_path, shown_dialogs, idle):
    """The window on a new township database: no loans yet."""
    path = tmp_path / "柳林镇.db"
    db = open_database(path)
    try:
        initialise(db, role="township", unit_name="柳林镇")
    finally:
        db.dispose()
    return open_window(qtbot, idle, path)


def test_a_new_database_says_what_to_do_first(empty_window, qtbot, idle, monkeypatch):
    wizards = []
    monkeypatch.setattr(type(empty_window), "import_ledger", lambda self: wizards.append(self))
    dashboard = empty_window.page("dashboard")
    assert dashboard.first_run.isVisible()
    assert "导入银行台账" in dashboard.first_run.findChild(QLabel, "firstRunText").text()

    page = empty_window.page("households")
    with qtbot.waitSignal(page.list_loaded, timeout=WAIT_MS):
        empty_window.show_page("households")
    idle()
    assert page.empty.isVisible() and page.empty.title.text() == "还没有借款户，请先导入银行台账"
    assert page.empty.button.isVisible() and page.empty.button.text() == "导入银行台账…"
    qtbot.mouseClick(page.empty.button, Qt.MouseButton.LeftButton)
    assert wizards == [empty_window]

    visits = empty_window.page("visits")
    with qtbot.waitSignal(visits.loaded, timeout=WAIT_MS):
        empty_window.show_page("visits")
    idle()
    assert visits.empty.isVisible() and visits.empty.button.text() == "记录走访…"


def test_the_demo_has_no_first_run_hint_and_a_search_without_matches_offers_to_clear(window, qtbot, idle):
    assert not window.page("dashboard").first_run.isVisible()
    page = open_list(window, qtbot, idle)
    assert not page.empty.isVisible()
    type_search(page, qtbot, "qxqxq")          # initials nobody has
    assert page.empty.isVisible() and page.empty.button.text() == "清除筛选"
    with qtbot.waitSignal(page.list_loaded, timeout=WAIT_MS):
        qtbot.mouseClick(page.empty.button, Qt.MouseButton.LeftButton)
    assert page.search.text() == "" and page.model.total > 0 and not page.empty.isVisible()


# The guide is brought to the front: the offscreen platform cannot raise a window.
@pytest.mark.qt_log_ignore("This plugin does not support raise", "This plugin does not support propagateSizeHints")
def test_f1_opens_the_guide_and_the_shortcut_list_names_every_key(window, qtbot, shown_dialogs):
    guide_action = window.findChild(type(window.new_action), "showGuide")
    assert QKeySequence("F1") in guide_action.shortcuts()
    window.activateWindow()
    qtbot.waitUntil(lambda: window.isActiveWindow())
    qtbot.keyClick(window.nav, Qt.Key.Key_F1)
    guide = window.findChild(GuideDialog)
    assert guide is not None and guide.isVisible()
    text = guide.browser.toPlainText()
    assert "导入银行台账" in text and "记录走访" in text and "F1" in text
    guide.close()

    window.findChild(type(window.new_action), "showShortcuts").trigger()
    dialog = shown_dialogs[-1]
    assert isinstance(dialog, ShortcutsDialog)
    rows = {(k.where, k.key, k.what) for k in dialog.model._rows}
    keys = {(k.where, k.key) for k in dialog.model._rows}
    assert ("借款户列表", "Ctrl+N") in keys and ("一户一策", "Ctrl+S") in keys and ("走访", "Ctrl+N") in keys
    assert ("视图菜单", "Ctrl+2", "借款户") in rows and ("文件菜单", "Ctrl+I", "导入银行台账") in rows
    assert any(k == ("文件菜单", "Ctrl+N") for k in keys) and ("帮助菜单", "F1") in keys
    assert all(k.key for k in dialog.model._rows)


def test_after_an_export_the_file_or_its_folder_opens(window, qtbot, idle, tmp_path, monkeypatch, shown_dialogs):
    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(lambda url: opened.append(url.toLocalFile()) or True))
    out = tmp_path / "借款户.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(out), "")))
    page = open_list(window, qtbot, idle)
    page.export_button.click()
    idle()
    dialog = shown_dialogs[-1]
    assert isinstance(dialog, FileSavedDialog) and dialog.path == out and out.exists()
    assert dialog.open_button.isDefault() and dialog.folder_button.text() == "打开所在文件夹"
    dialog.open_button.click()
    dialog.folder_button.click()
    assert [Path(p) for p in opened] == [out, out.parent]
