"""The 工作台's charts and drill-down on the demo database: one bar per township at its rate (the
summary's), the district's rate as the line, the progress points the bulletin draws; a township
opened (double-click, Enter, 查看, the context menu) shows its villages and people with the
figures of its 情况汇报 to the fen; a village or a person opens the 借款户 list filtered to their
households; ‹ 全区 goes back.  On a township laptop the chart ranks its villages."""
from __future__ import annotations

from decimal import Decimal

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QMenu

from app.bootstrap import open_database
from app.services import households
from app.services.households import HouseholdFilter
from app.services.reporting import bulletin, summary, township_report
from app.ui import formatting as fmt
from app.ui.main_window import MainWindow
from tests.gui.helpers_window import WAIT_MS, open_window


def _percent(rate: Decimal) -> float:
    return float((rate * 100).quantize(Decimal("0.01")))


def _figures(path, as_of):
    db = open_database(path)
    try:
        s = summary.compute(db, as_of)
        return s, bulletin.progress(db, as_of, s.totals.recovered_fen, s.totals.task_fen)
    finally:
        db.dispose()


def _bars(chart) -> list[float]:
    return [chart.bar_set.at(i) for i in range(chart.bar_set.count())]


def _open_row(view, qtbot, row: int) -> None:
    """A double-click on a row, as the user makes it (a click, then the double-click)."""
    pos = view.visualRect(view.model().index(row, 1)).center()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=pos)


def test_one_bar_per_township_at_its_rate_and_the_district_line(window, demo_path):
    page = window.page("dashboard")
    s, points = _figures(demo_path, page.selected_date())
    chart = page.rate_chart
    ranked = sorted(s.townships, key=lambda t: (-t.rate, -t.recovered_fen, t.name))
    # drawn bottom to top: the best township is the last bar, at the top
    assert _bars(chart) == [_percent(t.rate) for t in reversed(ranked)]
    assert chart.bar_set.count() == len(s.townships) > 1
    names = chart.chart().axes(Qt.Orientation.Vertical)[0]
    assert list(names.categories()) == [t.name for t in reversed(ranked)]
    line = next(x for x in chart.chart().series() if x.name().startswith("全区清收率"))
    assert {p.x() for p in line.points()} == {_percent(s.totals.rate)}
    assert line.name() == f"全区清收率 {fmt.rate(s.totals.rate)}"
    best = ranked[0]
    tip = chart.tooltip(0)
    assert best.name in tip and fmt.rate(best.rate) in tip and fmt.money(best.recovered_fen) in tip
    assert "第 1 名" in tip and fmt.money(best.task_fen) in tip

    progress = page.progress_chart
    assert [(p.x(), p.y()) for p in progress.line.points()] == [
        (i, round(q.recovered_fen / 1_000_000, 2)) for i, q in enumerate(points)]    # 万元, one date after another
    days = progress.chart().axes(Qt.Orientation.Horizontal)[0]
    assert list(days.categoriesLabels()) == [f"{q.as_of.month}月{q.as_of.day}日" for q in points]
    assert progress.points[-1].recovered_fen == s.totals.recovered_fen and len(points) == 3
    assert fmt.money(s.totals.recovered_fen) in progress.tooltip(len(points) - 1)


def test_a_township_opens_with_its_villages_and_people_to_the_fen(window, qtbot, demo_path, idle):
    page = window.page("dashboard")
    view = page.township_view
    row = 1
    t = page.townships.record(view.model().mapToSource(view.model().index(row, 0)).row())
    with qtbot.waitSignal(page.township.loaded, timeout=WAIT_MS):
        _open_row(view, qtbot, row)
    idle()
    shown = page.township
    assert page.stack.currentWidget() is shown and shown.isVisible()
    assert shown.header.title.text() == t.name and fmt.rate(t.rate) in shown.header.subtitle.text()

    db = open_database(demo_path)
    try:
        report = township_report.of_township(db, t.unit_id, page.selected_date())
    finally:
        db.dispose()
    proxy, model = shown.village_view.model(), shown.villages
    col = {c.title: i for i, c in enumerate(model.columns)}
    rows = [[proxy.index(r, c).data() for c in range(model.columnCount())] for r in range(proxy.rowCount())]
    assert [(r[col["村（社区）"]], r[col["任务金额（元）"]], r[col["已清收（元）"]], r[col["清收率"]],
             r[col["剩余（元）"]], r[col["户数"]], r[col["从未走访"]]) for r in rows] == [
        (v.name, fmt.money(v.task_fen), fmt.money(v.recovered_fen), fmt.rate(v.rate), fmt.money(v.outstanding_fen),
         fmt.count(v.households), fmt.count(v.never_visited)) for v in report.villages]
    # the villages add up to the township's line of the ranking, to the fen
    assert sum(v.recovered_fen for v in report.villages) == t.recovered_fen
    assert sum(v.task_fen for v in report.villages) == t.task_fen
    assert proxy.index(0, col["已清收（元）"]).data(Qt.ItemDataRole.TextAlignmentRole) & Qt.AlignmentFlag.AlignRight
    assert [shown.staff.record(r).line.name for r in range(shown.staff.rowCount())] == [p.name for p in report.staff]

    # sortable: by 已清收, largest first on the first click
    header = shown.village_view.horizontalHeader()
    x = header.sectionViewportPosition(col["已清收（元）"]) + header.sectionSize(col["已清收（元）"]) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2))
    amounts = [proxy.index(r, col["已清收（元）"]).data() for r in range(proxy.rowCount())]
    assert amounts == [fmt.money(v) for v in sorted((v.recovered_fen for v in report.villages), reverse=True)]

    qtbot.mouseClick(shown.back_button, Qt.MouseButton.LeftButton)
    assert page.stack.currentWidget() is page.main and page.township_view.isVisible()


def test_enter_the_button_and_the_context_menu_open_a_township(window, qtbot, idle, monkeypatch):
    page = window.page("dashboard")
    view = page.township_view
    view.setFocus()
    view.selectRow(0)
    first = page.townships.record(view.model().mapToSource(view.currentIndex()).row()).name
    with qtbot.waitSignal(page.township.loaded, timeout=WAIT_MS):
        qtbot.keyClick(view, Qt.Key.Key_Return)
    assert page.township.name == first
    page.show_district()

    view.selectRow(2)
    third = page.townships.record(view.model().mapToSource(view.currentIndex()).row()).name
    assert page.open_button.isEnabled()
    with qtbot.waitSignal(page.township.loaded, timeout=WAIT_MS):
        qtbot.mouseClick(page.open_button, Qt.MouseButton.LeftButton)
    assert page.township.name == third
    keys = {k: text for k, (text, _slot) in page.page_keys().items()}
    assert keys == {"Alt+Left": "返回全区(&B)"}
    page.page_keys()["Alt+Left"][1]()
    assert page.stack.currentWidget() is page.main and page.page_keys() == {}

    menus = []
    monkeypatch.setattr(QMenu, "popup", lambda self, _pos, _action=None: menus.append(self))
    pos = view.visualRect(view.model().index(3, 1)).center()
    view.customContextMenuRequested.emit(pos)
    assert [a.text() for a in menus[0].actions()] == ["查看各村和责任人"]
    fourth = page.townships.record(view.model().mapToSource(view.model().index(3, 0)).row()).name
    with qtbot.waitSignal(page.township.loaded, timeout=WAIT_MS):
        menus[0].actions()[0].trigger()
    assert page.township.name == fourth
    idle()


def _open_first_township(window, qtbot, idle):
    page = window.page("dashboard")
    with qtbot.waitSignal(page.township.loaded, timeout=WAIT_MS):
        _open_row(page.township_view, qtbot, 0)
    idle()
    return page.township


@pytest.mark.parametrize("which", ["village", "person"])
def test_a_village_or_a_person_opens_their_households(window, qtbot, idle, demo_path, which):
    shown = _open_first_township(window, qtbot, idle)
    view = shown.village_view if which == "village" else shown.staff_view
    line = (shown.villages if which == "village" else shown.staff).record(
        view.model().mapToSource(view.model().index(0, 0)).row()).line
    assert line.id is not None and line.households > 0
    households_page = window.page("households")
    with qtbot.waitSignal(households_page.list_loaded, timeout=WAIT_MS):
        _open_row(view, qtbot, 0)
    idle()
    assert window.current_page() is households_page
    qtbot.waitUntil(lambda: households_page.filters.township.value() == shown.unit_id, timeout=WAIT_MS)
    combo = households_page.filters.village if which == "village" else households_page.filters.staff
    assert combo.value() == line.id and combo.currentText().startswith(line.name)
    assert households_page.model.total == line.households
    assert households_page.count_label.text() == f"共 {fmt.count(line.households)} 户"
    f = HouseholdFilter(township_id=shown.unit_id, **({"village_id": line.id} if which == "village"
                                                      else {"staff_id": line.id}))
    assert households_page.current_filter().village_id == f.village_id
    assert households.count(window.db, f) == line.households

    # back on the 工作台 the township is still shown; ‹ 全区 returns to the ranking
    window.show_page("dashboard")
    page = window.page("dashboard")
    assert page.stack.currentWidget() is shown
    qtbot.mouseClick(shown.back_button, Qt.MouseButton.LeftButton)
    assert page.stack.currentWidget() is page.main


def test_the_charts_tab_and_the_splitters_are_remembered(window, qtbot):
    page = window.page("dashboard")
    page.tabs.setCurrentIndex(1)
    assert page.tabs.tabText(1) == "图表"
    page.chart_splitter.setSizes([700, 300])
    page.chart_splitter.splitterMoved.emit(700, 1)
    sizes = page.chart_splitter.sizes()
    again = MainWindow()
    qtbot.addWidget(again)
    other = again.page("dashboard")
    assert other.tabs.currentIndex() == 1
    assert other.chart_splitter.saveState() == page.chart_splitter.saveState() and sum(sizes) > 0


def test_a_township_laptop_ranks_its_villages(qtbot, township_path, shown_dialogs, idle):
    win = open_window(qtbot, idle, township_path, size=(1366, 700))
    page = win.page("dashboard")
    db = open_database(township_path)
    try:
        s = summary.compute(db, page.selected_date())
        villages = township_report.of_township(db, s.townships[0].unit_id, page.selected_date()).villages
    finally:
        db.dispose()
    assert len(s.townships) == 1 and len(villages) > 1
    chart = page.rate_chart
    assert chart.chart().title() == "柳林镇各村（社区）清收率"
    assert _bars(chart) == [_percent(v.rate) for v in reversed(villages)]
    names = chart.chart().axes(Qt.Orientation.Vertical)[0]
    assert list(names.categories()) == [v.name for v in reversed(villages)]
    assert any(x.name() == f"全镇清收率 {fmt.rate(s.totals.rate)}" for x in chart.chart().series())
    # the single township still opens from the ranking
    with qtbot.waitSignal(page.township.loaded, timeout=WAIT_MS):
        _open_row(page.township_view, qtbot, 0)
    assert [page.township.villages.record(r).line.name for r in range(page.township.villages.rowCount())] == \
        [v.name for v in villages]
    idle()


def test_no_database_leaves_the_charts_empty(qtbot, shown_dialogs, idle):
    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    page = win.page("dashboard")
    with qtbot.waitSignal(page.loaded, timeout=WAIT_MS):
        page.refresh()
    assert page.rate_chart.bar_set.count() == 0 and page.progress_chart.points == []
    page.open_township("x", "x")       # nothing to open without a database
    assert page.stack.currentWidget() is page.main


def test_another_database_goes_back_to_the_district(window, qtbot, idle, township_path, shown_dialogs):
    shown = _open_first_township(window, qtbot, idle)
    page = window.page("dashboard")
    assert page.stack.currentWidget() is shown
    with qtbot.waitSignal(page.loaded, timeout=WAIT_MS):
        window.open_path(township_path)
    idle()
    assert page.stack.currentWidget() is page.main and shown_dialogs == []
    assert [page.townships.record(r).name for r in range(page.townships.rowCount())] == ["柳林镇"]


def test_thirty_six_townships_each_have_their_name_by_their_bar(qtbot):
    """Many bars: each keeps its whole name (QtCharts would cut them all to "…"), and two of one
    name (a village's name in two townships) are two bars, not one."""
    from app.ui.widgets.charts import Bar, RateChart

    chart = RateChart()
    qtbot.addWidget(chart)
    bars = [Bar(f"第{i}镇" if i != 35 else "第0镇", Decimal(i) / 100, i * 100, 10_000) for i in range(36)]
    chart.show_rates("各乡镇（街道）清收率", bars, Decimal("0.1"), "全区清收率")
    names = chart.chart().axes(Qt.Orientation.Vertical)[0]
    assert chart.bar_set.count() == len(names.categories()) == 36
    assert [c.strip() for c in names.categories()][-2:] == ["第34镇", "第0镇"] and not names.truncateLabels()
    assert chart.minimumHeight() >= 36 * chart.fontMetrics().height()
