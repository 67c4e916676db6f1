"""Every Qt model passes pytest-qt's model tester; the township table sorts numbers as numbers."""
from __future__ import annotations

from PySide6.QtCore import QPoint, Qt

from app.services.reporting import township_report
from app.services.reporting.summary import compute
from app.ui.models.summary import (
    CategoryTableModel,
    StaffLineModel,
    TownshipTableModel,
    VillageLineModel,
    ranked_lines,
    sorted_view,
)
from app.ui.models.table import SORT_ROLE


def test_township_model_passes_modeltester(qtmodeltester, demo_db):
    model = TownshipTableModel()
    model.set_rows(compute(demo_db).townships)
    assert model.rowCount() >= 2
    qtmodeltester.check(model)
    qtmodeltester.check(sorted_view(model))


def test_category_model_passes_modeltester(qtmodeltester, demo_db):
    model = CategoryTableModel()
    model.set_rows(compute(demo_db).groups)
    qtmodeltester.check(model)


def test_a_township_s_village_and_people_models_pass_modeltester(qtmodeltester, demo_db):
    report = township_report.of_township(demo_db, compute(demo_db).townships[0].unit_id)
    for model, lines in ((VillageLineModel(), report.villages), (StaffLineModel(), report.staff)):
        model.set_rows(ranked_lines(lines))
        assert model.rowCount() >= 2
        qtmodeltester.check(model)
        qtmodeltester.check(sorted_view(model))


def test_empty_model_passes_modeltester(qtmodeltester):
    qtmodeltester.check(TownshipTableModel())


def _rates(view) -> list[float]:
    proxy = view.model()
    return [proxy.index(r, TownshipTableModel.RATE_COLUMN).data(SORT_ROLE) for r in range(proxy.rowCount())]


def test_township_table_sorts_by_rate(window, qtbot):
    view = window.page("dashboard").township_view
    rates = _rates(view)
    assert rates == sorted(rates, reverse=True)  # ranked by rate at first
    header = view.horizontalHeader()
    x = header.sectionViewportPosition(TownshipTableModel.RATE_COLUMN) + header.sectionSize(TownshipTableModel.RATE_COLUMN) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2))
    flipped = _rates(view)
    assert sorted(flipped) == sorted(rates) and len(set(rates)) > 1
    assert flipped == sorted(rates)  # one click on the sorted column: lowest first
    proxy = view.model()
    assert proxy.index(0, TownshipTableModel.RATE_COLUMN).data().endswith("%")


def test_money_sorts_as_numbers_not_text(window):
    view = window.page("dashboard").township_view
    model = window.page("dashboard").townships
    col = model.column_index("已清收（元）")
    view.sortByColumn(col, Qt.SortOrder.AscendingOrder)
    values = [view.model().index(r, col).data(SORT_ROLE) for r in range(view.model().rowCount())]
    assert values == sorted(values)
