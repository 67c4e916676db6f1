"""借款户 list: the lazy model, search by pinyin initials, filters, sorting, export."""
from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QFileDialog

from app.services import households
from app.services.households import HouseholdFilter
from app.ui.models.households import COLUMN, ID_ROLE, HouseholdTableModel
from tests.gui.helpers_households import WAIT_MS, open_list, type_search, unique_initials_household


def test_lazy_model_passes_modeltester(qtmodeltester, demo_db):
    model = HouseholdTableModel()
    model.PAGE = 40                      # several pages over the 300 demo households
    model.set_database(demo_db)
    assert model.rowCount() == 40 and model.total == 300 and model.canFetchMore()
    qtmodeltester.check(model)
    model.set_query(HouseholdFilter(text="zzzzqqq"))
    assert model.rowCount() == 0
    qtmodeltester.check(model)
    qtmodeltester.check(HouseholdTableModel())


def test_model_keeps_ids_and_loads_rows_when_shown(demo_db):
    model = HouseholdTableModel()
    model.set_database(demo_db)
    assert model.loaded_rows() == model.PAGE < model.total
    assert not model._rows                       # nothing loaded until a row is asked for
    first = model.index(0, COLUMN["户主"]).data()
    expected = households.rows(demo_db, households.ids(demo_db, HouseholdFilter(), limit=1))[0]
    assert first == expected.head_name
    assert len(model._rows) == model.ROW_BATCH   # one batch of rows, not all of them
    assert model.index(0, COLUMN["剩余"]).data(Qt.ItemDataRole.TextAlignmentRole) & Qt.AlignmentFlag.AlignRight


def test_list_fetches_more_when_scrolled_to_the_end(window, qtbot, idle):
    page = open_list(window, qtbot, idle)
    model = page.model
    assert model.total == 300 and model.rowCount() == model.PAGE
    page.table.scrollToBottom()
    qtbot.waitUntil(lambda: model.rowCount() == 300, timeout=WAIT_MS)
    ids = [model.index(r, 0).data(ID_ROLE) for r in range(model.rowCount())]
    assert ids == households.ids(window.db, HouseholdFilter())
    assert page.count_label.text() == "共 300 户"


def test_typing_pinyin_initials_finds_the_household(window, qtbot, idle):
    hid, name, code = unique_initials_household(window.db)
    page = open_list(window, qtbot, idle)
    type_search(page, qtbot, code)
    expected = households.count(window.db, HouseholdFilter(text=code))
    assert page.model.total == expected and page.count_label.text() == f"共 {expected} 户"
    names = [page.model.index(r, COLUMN["户主"]).data() for r in range(page.model.rowCount())]
    assert name in names
    # part of an ID number works too
    row = households.rows(window.db, [hid])[0]
    type_search(page, qtbot, row.id_number[-8:])
    assert hid in [page.model.household_id(r) for r in range(page.model.rowCount())]


def test_filters_change_the_count_as_the_service_says(window, qtbot, idle):
    page = open_list(window, qtbot, idle)
    db, bar = window.db, page.filters
    assert bar.village.count() > 1 and bar.staff.count() > 1      # choices came from the database

    def check(**expected) -> None:
        want = households.count(db, HouseholdFilter(**expected))
        assert page.model.total == want, expected
        assert page.count_label.text() == f"共 {want:,} 户"

    bar.category.set_value("low_income")
    check(category="low_income")
    bar.stage.set_value("collection")
    check(category="low_income", stage="collection")
    bar.clear_button.click()
    check()
    bar.capacity.set_value("able")
    check(capacity="able")
    bar.capacity.set_value(None)
    bar.village.setCurrentIndex(1)
    check(village_id=bar.village.value())
    bar.village.setCurrentIndex(0)
    bar.staff.setCurrentIndex(1)
    check(staff_id=bar.staff.value())
    bar.staff.setCurrentIndex(0)
    for box, key in ((bar.due, "followup_due"), (bar.broken, "promise_broken"), (bar.never, "never_visited")):
        box.setChecked(True)
        check(**{key: True})
        assert 0 < page.model.total < 300
        box.setChecked(False)
    check()


def test_clicking_a_header_sorts_in_the_database(window, qtbot, idle):
    page = open_list(window, qtbot, idle)
    header = page.table.horizontalHeader()

    def click(column: int) -> None:
        x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
        with qtbot.waitSignal(page.list_loaded, timeout=WAIT_MS):
            qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2))

    page.table.horizontalScrollBar().setValue(0)
    click(COLUMN["剩余"])
    first = [page.model.household_id(r) for r in range(20)]
    assert page.model.sort_key == "outstanding"
    assert first == households.ids(window.db, HouseholdFilter(), "outstanding", page.model.descending, limit=20)
    click(COLUMN["剩余"])                  # again: the other way round
    assert [page.model.household_id(r) for r in range(20)] == households.ids(
        window.db, HouseholdFilter(), "outstanding", page.model.descending, limit=20)
    # a column that cannot be sorted leaves the order (and the arrow) as it was
    page.model.sort(COLUMN["责任人"], Qt.SortOrder.AscendingOrder)
    assert page.model.sort_key == "outstanding"


def test_export_writes_the_filtered_list(window, qtbot, idle, tmp_path, monkeypatch, shown_dialogs):
    from openpyxl import load_workbook

    page = open_list(window, qtbot, idle)
    page.filters.broken.setChecked(True)
    expected = households.count(window.db, HouseholdFilter(promise_broken=True))
    out = tmp_path / "承诺未兑现.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(out), "")))
    page.export_button.click()
    idle()
    assert out.exists()
    sheet = load_workbook(out, read_only=True).active
    rows = [r for r in sheet.iter_rows(values_only=True) if any(v is not None for v in r)]
    texts = " ".join(str(v) for r in rows for v in r if v is not None)
    assert f"共 {expected} 户" in texts and "承诺未兑现" in texts
    assert shown_dialogs and f"已导出 {expected} 户" in shown_dialogs[-1].text()


def test_enter_in_the_search_opens_the_only_match(window, qtbot, idle):
    hid, name, _code = unique_initials_household(window.db)
    page = open_list(window, qtbot, idle)
    row = households.rows(window.db, [hid])[0]
    type_search(page, qtbot, row.id_number)           # a whole ID number: one household
    assert page.model.total == 1
    with qtbot.waitSignal(page.view.loaded, timeout=WAIT_MS):
        qtbot.keyClick(page.search, Qt.Key.Key_Return)
    assert page.view.header.name.text() == name
    qtbot.keyClick(page.view, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert page.stack.currentIndex() == 0 and page.current_household() == hid


def test_ctrl_f_focuses_the_search_box(window, qtbot, idle):
    page = open_list(window, qtbot, idle)
    page.table.setFocus()
    window.find_action.trigger()
    assert page.search.hasFocus() or window.focusWidget() is page.search


def test_double_click_opens_the_household_page(window, qtbot, idle):
    page = open_list(window, qtbot, idle)
    assert page._view is None                        # made only when first needed
    index = page.model.index(3, COLUMN["村组"])
    page.table.doubleClicked.emit(index)
    qtbot.waitUntil(lambda: page._view is not None and page._view.detail is not None, timeout=WAIT_MS)
    assert page.stack.currentWidget() is page.view
    assert page.view.household_id == page.model.household_id(3)
    assert page.view.header.name.text() == page.model.index(3, COLUMN["户主"]).data()


def test_a_search_shows_what_it_matched_next_to_the_head(qtbot, demo_path, shown_dialogs, idle):
    """At 1366×768: typing a guarantor's name lists the households it heads first, then the one
    where that person is the guarantor, with 匹配 saying so; the column goes when the search does."""
    from sqlalchemy import text

    from tests.gui.helpers_window import open_window

    window = open_window(qtbot, idle, demo_path, size=(1366, 768))
    with window.db.engine.connect() as conn:
        name, hid = conn.execute(text(
            "SELECT p.name, p.household_id FROM persons p JOIN households h ON h.id = p.household_id "
            "WHERE p.role = 'guarantor' AND p.name <> h.head_name AND length(p.name) = 3 "
            "ORDER BY p.name LIMIT 1")).one()
    page = open_list(window, qtbot, idle)
    match = COLUMN["匹配"]
    assert page.table.isColumnHidden(match)
    with qtbot.waitSignal(page.list_loaded, timeout=WAIT_MS):
        page.search.setText(name)       # as an input method commits Chinese (keyClicks cannot)
    model = page.model
    assert not page.table.isColumnHidden(match)
    head = page.table.horizontalHeader()
    assert head.visualIndex(match) == head.visualIndex(COLUMN["户主"]) + 1
    assert head.sectionViewportPosition(match) + head.sectionSize(match) <= page.table.viewport().width()
    cells = [model.index(r, match).data() for r in range(model.rowCount())]
    heads = [model.index(r, COLUMN["户主"]).data() for r in range(model.rowCount())]
    row = model.row_of(hid)
    assert cells[row] == f"担保人 {name}"
    assert model.index(row, match).data(Qt.ItemDataRole.ToolTipRole) == f"担保人 {name}"
    owns = [h == name for h in heads]
    assert owns == sorted(owns, reverse=True)          # the households it heads come first
    with qtbot.waitSignal(page.list_loaded, timeout=WAIT_MS):
        qtbot.keyClick(page.search, Qt.Key.Key_Escape)     # Esc clears the search
    assert model.total == 300 and page.table.isColumnHidden(match)
