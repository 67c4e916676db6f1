"""The window at 1366x768 with the program's own font: the household list, a household's loans, an
agreement's loans, the dashboard's charts and a township opened from it need no horizontal scroll
bar; columns can be shown and hidden (remembered); another household starts at the top-left."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView

from app.ui.app import load_font, load_translations
from app.ui.main_window import MainWindow
from app.ui.models.households import MATCH_COLUMN
from tests.gui.helpers_households import WAIT_MS, open_list
from tests.gui.helpers_look import horizontal_scrollers
from tests.gui.helpers_window import open_window

SCREEN = (1366, 700)   # what a maximised window leaves on a 1366x768 laptop with a taskbar


@pytest.fixture
def real_look(qapp):
    """The bundled font and Qt's Chinese texts, as ``setup_application`` gives the program."""
    from PySide6.QtCore import QLocale

    font = qapp.font()
    load_font(qapp)
    translator = load_translations(qapp)
    yield
    if translator is not None:
        qapp.removeTranslator(translator)
    QLocale.setDefault(QLocale.system())
    qapp.setFont(font)


@pytest.fixture
def laptop(qtbot, demo_path, shown_dialogs, idle, real_look):
    return open_window(qtbot, idle, demo_path, size=SCREEN)


def shows_whole(view: QAbstractItemView, title: str) -> bool:
    """The column with this title is shown and ends inside the table's visible width."""
    header = view.horizontalHeader()
    model = view.model()
    column = next(c for c in range(model.columnCount()) if model.headerData(c, header.orientation()) == title)
    end = header.sectionViewportPosition(column) + header.sectionSize(column)
    return not header.isSectionHidden(column) and 0 <= header.sectionViewportPosition(column) and end <= view.viewport().width()


def open_first(page, qtbot, idle, row: int = 0):
    with qtbot.waitSignal(page.view.loaded, timeout=WAIT_MS):
        page.open_household(page.model.household_id(row))
    idle()
    return page.view


def test_no_horizontal_scroll_bar_at_1366x768(laptop, qtbot, idle):
    page = open_list(laptop, qtbot, idle)
    assert horizontal_scrollers(page) == []
    for title in ("户主", "剩余", "最近走访", "下次跟进", "责任人"):
        assert shows_whole(page.table, title), title

    view = open_first(page, qtbot, idle)
    assert horizontal_scrollers(view) == []
    for title in ("借据号", "剩余本金", "欠息", "阶段"):
        assert shows_whole(view.loan_tab.loan_view, title), title

    agreements = laptop.page("agreements")
    with qtbot.waitSignal(agreements.detail_loaded, timeout=WAIT_MS):
        laptop.show_page("agreements")
    idle()
    agreements.detail.tabs.setCurrentIndex(1)        # 贷款与欠款
    assert horizontal_scrollers(agreements) == []
    assert shows_whole(agreements.detail.loans_view, "应还（元）")


def test_columns_can_be_shown_and_are_remembered(laptop, qtbot, idle):
    view = open_first(open_list(laptop, qtbot, idle), qtbot, idle)
    table = view.loan_tab.loan_view
    menu = table.chooser.menu()
    entries = {a.text(): a for a in menu.actions() if a.isCheckable()}
    assert not entries["五级分类"].isChecked() and entries["阶段"].isChecked()
    assert "五级分类" in table.model().index(0, 0).data(Qt.ItemDataRole.ToolTipRole)   # hidden, but in the tooltip
    entries["五级分类"].trigger()
    assert not table.isColumnHidden(table.model().sourceModel().column_index("五级分类"))
    menu.deleteLater()

    again = MainWindow()                     # a new start: the choice is remembered
    qtbot.addWidget(again)
    loans = again.page("households").view.loan_tab.loan_view
    assert not loans.isColumnHidden(loans.model().sourceModel().column_index("五级分类"))
    assert loans.isColumnHidden(loans.model().sourceModel().column_index("担保方式"))
    loans.chooser.reset()
    assert loans.isColumnHidden(loans.model().sourceModel().column_index("五级分类"))


def test_another_household_starts_at_the_top_left(laptop, qtbot, idle):
    page = open_list(laptop, qtbot, idle)
    view = open_first(page, qtbot, idle)
    laptop.resize(1000, 600)                 # a smaller window: the tables scroll
    loans = view.loan_tab.loan_view
    for title in ("五级分类", "担保方式", "发放日期"):
        loans.chooser.set_shown(title, True)
    qtbot.waitUntil(lambda: loans.horizontalScrollBar().maximum() > 0, timeout=WAIT_MS)
    loans.horizontalScrollBar().setValue(loans.horizontalScrollBar().maximum())
    view.tabs.setCurrentIndex(2)             # 类别与研判, a scrolled page
    area = view.tabs.currentWidget()
    qtbot.waitUntil(lambda: area.verticalScrollBar().maximum() > 0, timeout=WAIT_MS)
    area.verticalScrollBar().setValue(area.verticalScrollBar().maximum())

    assert page.show_list()
    view = open_first(page, qtbot, idle, row=1)
    assert view.tabs.currentIndex() == 0
    assert loans.horizontalScrollBar().value() == 0 and area.verticalScrollBar().value() == 0


def test_visits_columns_show_whole_texts_and_the_notes_take_the_rest(laptop, qtbot, idle):
    visits = laptop.page("visits")
    with qtbot.waitSignal(visits.loaded, timeout=WAIT_MS):
        laptop.show_page("visits")
    idle()
    table, header = visits.table, visits.table.horizontalHeader()
    assert horizontal_scrollers(visits) == [] and visits.model.rowCount() > 0
    last = header.count() - 1                                   # 备注 stretches
    for column in range(last):
        assert header.sectionSize(column) >= table.sizeHintForColumn(column), visits.model.columns[column].title
    assert header.sectionSize(last) >= max(header.sectionSize(c) for c in range(last))


def test_sharing_the_width():
    from app.ui.widgets.columns import share

    widths = [(100, 80, 40), (50, 40, 40), (60, 50, 50)]
    assert share(widths, 300) == [130, 80, 90]                  # the spare shared out
    assert share(widths, 300, spread=False) == [100, 50, 60]    # a stretching column takes it
    assert sum(share(widths, 180)) == 180 and share(widths, 180)[1] >= 40   # the air goes first
    assert share(widths, 150) == [60, 40, 50]                   # then text gives way
    assert share(widths, 100) == [40, 40, 50]                   # never below the minimum


def test_the_match_column_is_the_search_s_not_the_column_menu_s(laptop, qtbot, idle):
    page = open_list(laptop, qtbot, idle)
    table = page.table
    entries = {a.text() for a in table.chooser.menu().actions() if a.isCheckable()}
    assert "匹配" not in entries and "户主" in entries
    table.chooser.reset()                      # 恢复默认 does not bring it back without a search
    assert table.isColumnHidden(MATCH_COLUMN)
    assert "匹配" not in table.chooser.hidden()


def test_the_dashboard_s_charts_and_a_township_fit(laptop, qtbot, idle):
    page = laptop.page("dashboard")
    assert horizontal_scrollers(page) == []
    for title in ("乡镇", "清收率", "已结清"):
        assert shows_whole(page.township_view, title), title
    page.tabs.setCurrentIndex(1)
    assert page.tabs.tabText(1) == "图表" and page.tabs.currentWidget().objectName() == "dashboardCharts"
    assert horizontal_scrollers(page) == []
    right = page.mapFromGlobal(page.progress_chart.mapToGlobal(page.progress_chart.rect().bottomRight()))
    assert page.rect().contains(right) and page.progress_chart.width() > 300
    rates = page.rate_chart
    assert rates.isVisible() and rates.width() > 400 and rates.height() >= rates.minimumHeight()

    with qtbot.waitSignal(page.township.loaded, timeout=WAIT_MS):
        page.open_township_index(page.township_view.model().index(0, 0))
    idle()
    township = page.township
    assert horizontal_scrollers(page) == []
    for title in ("村（社区）", "任务金额（元）", "已清收（元）", "清收率", "从未走访"):
        assert shows_whole(township.village_view, title), title
    for title in ("责任人", "职务与责任", "已清收（元）", "从未走访"):
        assert shows_whole(township.staff_view, title), title
    subtitle = township.header.subtitle
    assert subtitle.heightForWidth(subtitle.width()) <= subtitle.height()      # the whole line is shown
    assert township.village_view.viewport().height() > 3 * township.village_view.verticalHeader().defaultSectionSize()
