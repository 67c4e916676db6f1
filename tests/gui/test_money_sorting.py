"""The first click on a money column sorts it largest first, in every table of the window that shows
money and can be sorted."""
from __future__ import annotations

import re
from decimal import Decimal

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QTableView

from tests.gui.helpers_households import WAIT_MS, open_list

MONEY = re.compile(r"^-?\d{1,3}(,\d{3})*\.\d\d$")


def money_columns(view: QTableView) -> list[int]:
    """Columns whose cells all read as amounts (the ones a user sees as money)."""
    model = view.model()
    rows = min(model.rowCount(), 20)
    found = []
    for column in range(model.columnCount()):
        texts = [model.index(r, column).data() for r in range(rows)]
        if rows >= 2 and all(isinstance(t, str) and MONEY.match(t) for t in texts):
            found.append(column)
    return found


def column_values(view: QTableView, column: int) -> list[Decimal]:
    model = view.model()
    return [Decimal(model.index(r, column).data().replace(",", "")) for r in range(min(model.rowCount(), 50))]


def click_header(qtbot, view: QTableView, column: int) -> None:
    header = view.horizontalHeader()
    view.scrollTo(view.model().index(0, column))
    x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2))


def first_click_sorts_largest_first(qtbot, view: QTableView, wait=None) -> list[int]:
    """Click each money column once (another one each time) and check the order shown; the columns."""
    columns = money_columns(view)
    for column in columns:
        if view.horizontalHeader().sortIndicatorSection() == column:
            continue          # already the sort column: a click turns it round
        if wait is not None:
            with wait():
                click_header(qtbot, view, column)
        else:
            click_header(qtbot, view, column)
        assert view.horizontalHeader().sortIndicatorOrder() == Qt.SortOrder.DescendingOrder, (view.objectName(), column)
        values = column_values(view, column)
        assert values == sorted(values, reverse=True), (view.objectName(), column)
    return columns


def test_money_columns_sort_largest_first(window, qtbot, idle):
    dashboard = window.page("dashboard")
    checked = {}
    for view in (dashboard.township_view, dashboard.category_view):
        checked[view.objectName()] = first_click_sorts_largest_first(qtbot, view)
    lists = [tab for tab in dashboard.worklist.lists.values() if tab.model.rowCount() >= 2]
    assert lists
    for tab in lists:
        dashboard.tabs.setCurrentWidget(tab.parentWidget() if dashboard.tabs.indexOf(tab) < 0 else tab)
        # the whole list is asked for again in the order clicked (sorted in the query)
        assert len(first_click_sorts_largest_first(
            qtbot, tab.view, wait=lambda: qtbot.waitSignal(dashboard.worklist.sorted, timeout=WAIT_MS))) == 1   # 剩余（元）

    page = open_list(window, qtbot, idle)
    checked["householdTable"] = first_click_sorts_largest_first(
        qtbot, page.table, wait=lambda: qtbot.waitSignal(page.list_loaded, timeout=WAIT_MS))
    assert "从大到小" in page.header.subtitle.text()

    agreements = window.page("agreements")
    with qtbot.waitSignal(agreements.loaded, timeout=WAIT_MS):
        window.show_page("agreements")
    idle()
    checked["agreements"] = first_click_sorts_largest_first(qtbot, agreements.table)
    assert all(len(found) >= 2 for found in checked.values()), checked
