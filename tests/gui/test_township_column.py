"""A 乡镇 column wherever a district database lists households: the household list (sortable),
the worklist tabs, the Excel export; a township's own database does not repeat its name."""
from __future__ import annotations

from openpyxl import load_workbook
from PySide6.QtCore import Qt

from app.services import households
from app.services.households import HouseholdFilter
from app.services.households.export import export_xlsx
from app.ui.models.households import MATCH_COLUMN, TOWNSHIP_COLUMN
from app.ui.models.worklist import WorkItemModel
from tests.gui.helpers_households import WAIT_MS, open_list, type_search
from tests.gui.test_township_day import township_window  # noqa: F401 (township_path is in conftest)


def test_the_district_list_shows_and_sorts_by_township(window, qtbot, idle):
    page = open_list(window, qtbot, idle)
    assert not page.table.isColumnHidden(TOWNSHIP_COLUMN)
    assert page.model.headerData(TOWNSHIP_COLUMN, Qt.Orientation.Horizontal) == "乡镇"
    with qtbot.waitSignal(page.list_loaded, timeout=WAIT_MS):
        page.table.sortByColumn(TOWNSHIP_COLUMN, Qt.SortOrder.AscendingOrder)
    idle()
    assert page.model.sort_key == "township"
    shown = [page.model.index(r, TOWNSHIP_COLUMN).data() for r in range(min(200, page.model.rowCount()))]
    assert shown == sorted(shown) and len(set(shown)) > 1
    order = households.ids(window.db, HouseholdFilter(), "township")
    assert [page.model.household_id(r) for r in range(len(shown))] == order[:len(shown)]


def test_a_township_database_hides_the_column(township_window, qtbot, idle):
    page = open_list(township_window, qtbot, idle)
    assert page.table.isColumnHidden(TOWNSHIP_COLUMN)
    dashboard = township_window.page("dashboard")
    assert all(tab.view.isColumnHidden(WorkItemModel.TOWNSHIP_COLUMN) for tab in dashboard.worklist.lists.values())


def test_the_export_names_each_households_township(demo_db, tmp_path):
    out = export_xlsx(demo_db, HouseholdFilter(), tmp_path / "借款户.xlsx", "township")
    ws = load_workbook(out.path, read_only=True).active
    rows = list(ws.iter_rows(values_only=True))
    header = rows[1]
    assert header[0] == "乡镇"
    townships = [r[0] for r in rows[2:]]
    assert len(townships) == out.rows and all(townships) and townships == sorted(townships)


def test_a_four_character_township_name_fits_at_1366(qtbot, idle, demo_path):
    """At 1366×768 the 乡镇 column is wide enough for 东关街道 (it was shown as "东关…")."""
    from tests.gui.helpers_window import open_window

    win = open_window(qtbot, idle, demo_path, size=(1366, 768))
    page = open_list(win, qtbot, idle)
    type_search(page, qtbot, "wang")         # the 匹配 column comes in and takes its room
    assert not page.table.isColumnHidden(MATCH_COLUMN)
    idle()
    fm = page.table.fontMetrics()
    needed = fm.horizontalAdvance("东关街道")
    assert page.table.columnWidth(TOWNSHIP_COLUMN) >= needed + 8
