"""The main window on a demo database: figures, pages, shortcuts, settings remembered."""
from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QLabel

from app import config
from app.bootstrap import open_database
from app.domain.categories import BULLETIN_GROUPS
from app.services.reporting.summary import compute
from app.ui import formatting as fmt
from app.ui import settings as ui_settings
from app.ui.main_window import MainWindow

WAIT_MS = 30_000


def _card(win, key: str) -> str:
    return win.page("dashboard").findChild(QLabel, f"value_{key}").text()


def _expected(demo_path: Path, as_of: date):
    db = open_database(demo_path)
    try:
        return compute(db, as_of)
    finally:
        db.dispose()


def test_dashboard_shows_the_totals_summary_computes(window, demo_path):
    dashboard = window.page("dashboard")
    summary = _expected(demo_path, dashboard.selected_date())
    t = summary.totals
    assert t.loans > 0 and t.recovered_fen > 0
    assert _card(window, "task") == fmt.money(t.task_fen)
    assert _card(window, "recovered") == fmt.money(t.recovered_fen)
    assert _card(window, "outstanding") == fmt.money(t.outstanding_fen)
    assert _card(window, "rate") == fmt.rate(t.rate)
    assert _card(window, "count") == f"{t.loans:,} / {t.households:,}"
    assert _card(window, "settled") == f"{t.settled:,}"
    assert dashboard.townships.rowCount() == len(summary.townships)
    assert dashboard.categories.rowCount() == 9
    shown = dashboard.category_view.model()
    names = [shown.index(r, 0).data() for r in range(shown.rowCount())]
    assert names == [name for _code, name in BULLETIN_GROUPS]  # the bulletin's order


def test_title_names_the_unit_and_the_file(window, demo_path):
    title = window.windowTitle()
    assert "示范区" in title and demo_path.name in title


def test_money_is_right_aligned_with_thousands_separators(window):
    view = window.page("dashboard").township_view
    proxy = view.model()
    model = window.page("dashboard").townships
    col = model.column_index("任务金额（元）")
    index = proxy.index(0, col)
    text = index.data()
    assert "," in text and text.count(".") == 1 and len(text.split(".")[1]) == 2
    assert index.data(Qt.ItemDataRole.TextAlignmentRole) & Qt.AlignmentFlag.AlignRight


def test_as_of_date_shows_past_figures(window, qtbot):
    dashboard = window.page("dashboard")
    with qtbot.waitSignal(dashboard.loaded, timeout=WAIT_MS):
        dashboard.as_of.setDate(QDate(2026, 2, 1))  # before the campaign's task list
    assert _card(window, "count") == "0 / 0"
    assert _card(window, "task") == "0.00"


def test_ctrl_number_switches_pages(window, qtbot):
    window.activateWindow()
    for number, key in ((2, "households"), (7, "settings"), (3, "visits"), (1, "dashboard")):
        qtbot.keyClick(window, getattr(Qt.Key, f"Key_{number}"), Qt.KeyboardModifier.ControlModifier)
        assert window.current_page().key == key
        assert window.stack.currentWidget() is window.page(key)
        assert window.nav.currentRow() == number - 1


def test_no_page_is_a_placeholder_any_more(window):
    for key in ("sync", "reports"):    # 数据同步 and 报表 are real pages (tests/gui/test_sync_page.py, …bulletin_page.py)
        window.show_page(key)
        labels = [lbl.text() for lbl in window.current_page().findChildren(QLabel)]
        assert "即将推出" not in labels


def test_f5_refreshes_the_dashboard(window, qtbot):
    window.activateWindow()
    with qtbot.waitSignal(window.page("dashboard").loaded, timeout=WAIT_MS):
        qtbot.keyClick(window, Qt.Key.Key_F5)


def test_opening_remembers_the_file_and_makes_an_automatic_backup(window, demo_path, idle):
    idle()
    assert ui_settings.recent_files()[0] == demo_path.resolve()
    backups = list(config.backup_dir().glob("demo-自动-*.db"))
    assert len(backups) == 1


def test_window_geometry_is_remembered(qtbot, window):
    # The offscreen test screen is only 800x600 (narrower than the window's least width),
    # so the height is what can be checked here: a first start would be 720 high.
    window.resize(window.width(), 540)
    window.close()
    again = MainWindow()
    qtbot.addWidget(again)
    assert again.height() == 540


def test_a_window_closed_before_its_other_pages_are_built_leaves_nothing_running(qtbot, demo_path, idle):
    win = MainWindow()        # not handed to qtbot: the test deletes it itself
    win.show()
    with qtbot.waitSignal(win.page("dashboard").loaded, timeout=WAIT_MS):
        win.open_path(demo_path)
    idle()
    win.stack.build_rest()        # queued, as after the first figures
    win.close()
    win.deleteLater()
    qtbot.wait(300)               # the queued builds find the window gone: no error in the event loop
    idle()
