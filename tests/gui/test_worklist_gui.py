"""The worklist on the 工作台 page: the lists and progress tables as the service computes them,
double-click to open a household, and the lists change after a visit."""
from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QDate, Qt

from app.services import households
from app.services.households import HouseholdFilter
from app.services.work import worklist
from app.ui.pages.household_links import show_household
from tests.gui.helpers_households import WAIT_MS


def _wait_worklist(dashboard, qtbot, idle) -> None:
    qtbot.waitUntil(lambda: dashboard.worklist.result is not None, timeout=WAIT_MS)
    idle()


def test_worklist_tabs_show_what_the_service_computes(window, qtbot, idle):
    dashboard = window.page("dashboard")
    _wait_worklist(dashboard, qtbot, idle)
    expected = worklist.compute(window.db, date.today(), limit=100)
    panel = dashboard.worklist
    for key, tab in panel.lists.items():
        found = getattr(expected, key)
        assert [tab.model.record(r).id for r in range(tab.model.rowCount())] == [r.id for r in found.items]
        title = dashboard.tabs.tabText(dashboard.tabs.indexOf(tab))
        assert title == f"{tab.title}（{found.total:,}）"
    assert panel.villages.rowCount() == len(expected.by_village) > 0
    assert panel.staff.rowCount() == len(expected.by_staff) > 0
    assert panel.villages.record(0).p.name == expected.by_village[0].name
    # the progress figures add up to the dashboard's totals
    assert sum(x.p.task_fen for x in panel.villages._rows) == dashboard.summary.totals.task_fen


def test_double_click_opens_the_household(window, qtbot, idle):
    dashboard = window.page("dashboard")
    _wait_worklist(dashboard, qtbot, idle)
    tab = dashboard.worklist.lists["overdue"]
    dashboard.tabs.setCurrentWidget(tab)
    assert tab.model.rowCount() > 0
    index = tab.view.model().index(0, 0)
    hid = tab.model.record(tab.view.model().mapToSource(index).row()).id
    page = window.page("households")
    with qtbot.waitSignal(page.view.loaded, timeout=WAIT_MS):
        tab.view.doubleClicked.emit(index)
    assert window.current_page() is page and page.view.household_id == hid


def test_show_all_opens_the_filtered_list(window, qtbot, idle):
    dashboard = window.page("dashboard")
    _wait_worklist(dashboard, qtbot, idle)
    page = window.page("households")
    with qtbot.waitSignal(page.list_loaded, timeout=WAIT_MS):
        dashboard.worklist.lists["broken_promises"].all_button.click()
    idle()
    assert window.current_page() is page and page.filters.broken.isChecked()
    assert page.model.total == households.count(window.db, HouseholdFilter(promise_broken=True))


def test_a_visit_takes_the_household_off_the_overdue_list(window, qtbot, idle):
    dashboard = window.page("dashboard")
    _wait_worklist(dashboard, qtbot, idle)
    tab = dashboard.worklist.lists["overdue"]
    before = dashboard.worklist.result.overdue.total
    hid = tab.model.record(0).id
    # record the visit through the household page, as a user would
    page = window.page("households")
    with qtbot.waitSignal(page.view.loaded, timeout=WAIT_MS):
        show_household(dashboard, hid)
    idle()
    dialog = page.view.record_visit()
    qtbot.keyClicks(dialog.outcome, "4")
    with qtbot.waitSignal(page.view.loaded, timeout=WAIT_MS):
        qtbot.keyClick(dialog.note, Qt.Key.Key_Return)
    idle()
    dashboard.worklist.result = None
    window.show_page("dashboard")
    _wait_worklist(dashboard, qtbot, idle)
    assert dashboard.worklist.result.overdue.total == before - 1
    assert hid not in [tab.model.record(r).id for r in range(tab.model.rowCount())]


def test_worklist_for_a_past_date(window, qtbot, idle):
    dashboard = window.page("dashboard")
    _wait_worklist(dashboard, qtbot, idle)
    past = date.today() - timedelta(days=30)
    dashboard.worklist.result = None
    dashboard.as_of.setDate(QDate(past.year, past.month, past.day))
    _wait_worklist(dashboard, qtbot, idle)
    assert dashboard.worklist.result.as_of == past
    expected = worklist.compute(window.db, past, limit=100)
    assert dashboard.worklist.result.overdue.total == expected.overdue.total


def test_broken_agreements_are_on_the_worklist(window, qtbot, idle, qtmodeltester):
    from app.services import agreements

    dashboard = window.page("dashboard")
    _wait_worklist(dashboard, qtbot, idle)
    expected = agreements.broken_agreements(window.db, date.today())
    assert expected, "the demo has signed agreements nobody has paid"
    tab = dashboard.worklist.agreements
    qtmodeltester.check(tab.model)
    assert [tab.model.record(r).agreement_id for r in range(tab.model.rowCount())] == \
        [d.agreement_id for d in expected]
    assert dashboard.tabs.tabText(dashboard.tabs.indexOf(tab)) == f"协议违约（{len(expected):,}）"
    dashboard.tabs.setCurrentWidget(tab)
    index = tab.view.model().index(0, 0)
    hid = tab.model.record(tab.view.model().mapToSource(index).row()).household_id
    page = window.page("households")
    with qtbot.waitSignal(page.view.loaded, timeout=WAIT_MS):
        tab.view.doubleClicked.emit(index)
    assert window.current_page() is page and page.view.household_id == hid
    window.show_page("dashboard")
    tab.all_button.click()
    assert window.current_page() is window.page("agreements")


def _click_header(qtbot, view, column: int) -> None:
    from PySide6.QtCore import QPoint

    head = view.horizontalHeader()
    x = head.sectionViewportPosition(column) + head.sectionSize(column) // 2
    qtbot.mouseClick(head.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, head.height() // 2))


def test_a_header_click_sorts_the_whole_list_not_the_rows_shown(window, qtbot, idle, monkeypatch):
    from app.ui.models.worklist import WorkItemModel
    from app.ui.widgets import worklist_panel

    monkeypatch.setattr(worklist_panel, "LIMIT", 5)
    dashboard = window.page("dashboard")
    dashboard.worklist.result = None
    dashboard.refresh()
    _wait_worklist(dashboard, qtbot, idle)
    tab = dashboard.worklist.lists["overdue"]
    dashboard.tabs.setCurrentWidget(tab)
    assert tab.model.rowCount() == 5 and dashboard.worklist.result.overdue.total > 5
    column = WorkItemModel.SORT_KEYS.index("outstanding")
    for _click in range(2):
        with qtbot.waitSignal(dashboard.worklist.sorted, timeout=WAIT_MS):
            _click_header(qtbot, tab.view, column)
        idle()
        head = tab.view.horizontalHeader()
        descending = head.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
        assert head.sortIndicatorSection() == column
        want = worklist.work_list(window.db, "overdue", date.today(), sort="outstanding", descending=descending,
                                  limit=10_000)
        shown = [tab.model.record(r) for r in range(tab.model.rowCount())]
        # the first five of the whole list in that order, not the first five of its own order re-sorted
        assert [r.id for r in shown] == [r.id for r in want.items[:5]]
        assert "按剩余" in tab.note.text() and "前 5 户" in tab.note.text()
    # an unsortable column (电话) keeps the order and its arrow
    _click_header(qtbot, tab.view, WorkItemModel.columns.index(
        next(c for c in WorkItemModel.columns if c.title == "电话")))
    idle()
    assert tab.view.horizontalHeader().sortIndicatorSection() == column
    # a refresh keeps the chosen order
    dashboard.worklist.result = None
    dashboard.refresh()
    _wait_worklist(dashboard, qtbot, idle)
    assert [tab.model.record(r).id for r in range(tab.model.rowCount())] == [r.id for r in want.items[:5]]


def test_a_district_database_shows_the_township_column(window, qtbot, idle):
    from app.ui.models.worklist import WorkItemModel

    dashboard = window.page("dashboard")
    _wait_worklist(dashboard, qtbot, idle)
    assert window.db.identity().role == "district"
    for tab in dashboard.worklist.lists.values():
        assert not tab.view.isColumnHidden(WorkItemModel.TOWNSHIP_COLUMN)
        if tab.model.rowCount():
            index = tab.model.index(0, WorkItemModel.TOWNSHIP_COLUMN)
            assert index.data() == tab.model.record(0).township != ""
