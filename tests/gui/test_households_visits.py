"""Recording visits fast by keyboard, from the household page and from the 走访 page."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt

from app.services.households import detail as household_page
from app.services.work import visit_list
from app.ui.dialogs.visit_dialog import VisitDialog, open_visit_dialog
from tests.gui.helpers_households import WAIT_MS, unique_initials_household


def test_outcome_by_number_and_promise_fields(window, qtbot, idle):
    hid, _name, _code = unique_initials_household(window.db)
    dialog = open_visit_dialog(window.page("households"), window.db, hid)
    assert dialog.visited_on.date().toPython() == date.today()
    assert dialog.next_date.date().toPython() == date.today() + timedelta(days=14)
    assert dialog.outcome.currentIndex() == -1 and not dialog.promise_row.isEnabled()
    qtbot.keyClicks(dialog.outcome, "4")
    assert dialog.outcome.currentData() == "refused" and not dialog.promise_row.isEnabled()
    qtbot.keyClicks(dialog.outcome, "3")
    assert dialog.outcome.currentData() == "partial" and dialog.promise_row.isEnabled()
    qtbot.keyClicks(dialog.method, "2")
    assert dialog.method.currentData() == "phone"
    # moving the promised date moves the follow-up with it (until the follow-up is set by hand)
    dialog.promised_on.setDate(dialog.promised_on.date().addDays(3))
    assert dialog.next_date.date() == dialog.promised_on.date().addDays(1)
    dialog.reject()


def test_nothing_is_saved_without_an_outcome(window, qtbot, idle):
    hid, _name, _code = unique_initials_household(window.db)
    before = len(household_page.detail(window.db, hid).visits)
    dialog = open_visit_dialog(window.page("households"), window.db, hid)
    qtbot.keyClick(dialog.note, Qt.Key.Key_Return)
    idle()
    assert dialog.isVisible() and "走访结果" in dialog.error.text()
    assert len(household_page.detail(window.db, hid).visits) == before
    dialog.reject()


def test_ctrl_enter_saves_and_starts_another(window, qtbot, idle):
    hid, _name, _code = unique_initials_household(window.db)
    before = len(household_page.detail(window.db, hid).visits)
    dialog = open_visit_dialog(window.page("households"), window.db, hid)
    dialog.visitors.setText("王五、村干部")
    qtbot.keyClicks(dialog.outcome, "5")
    dialog.note.setText("家中无人")
    with qtbot.waitSignal(dialog.saved, timeout=WAIT_MS):
        qtbot.keyClick(dialog.note, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    idle()
    assert dialog.isVisible() and dialog.done_note.isVisible()
    assert dialog.outcome.currentIndex() == -1 and dialog.note.text() == ""
    assert dialog.visitors.text() == "王五、村干部"                 # kept for the next one
    d = household_page.detail(window.db, hid)
    assert len(d.visits) == before + 1 and d.visits[0].outcome == "unreachable" and d.visits[0].visitors == "王五、村干部"
    dialog.reject()
    again = open_visit_dialog(window.page("households"), window.db, hid)   # who went is remembered
    assert again.visitors.text() == "王五、村干部"
    again.reject()


# The completer's popup on the offscreen test platform (no window system to raise it or grab keys).
@pytest.mark.qt_log_ignore("This plugin does not support raise", "This plugin does not support grabbing the keyboard",
                          "This plugin does not support propagateSizeHints")
def test_visits_page_lists_recent_visits_and_records_one_by_search(window, qtbot, idle):
    page = window.page("visits")
    with qtbot.waitSignal(page.loaded, timeout=WAIT_MS):
        window.show_page("visits")
    idle()
    first = page.date_from.date().toPython()
    expected = visit_list.recent(window.db, date_from=first, date_to=date.today(), limit=2000)
    assert page.model.rowCount() == len(expected.rows) and f"共 {expected.total:,} 条" in page.count_label.text()
    with qtbot.waitSignal(page.loaded, timeout=WAIT_MS):
        page.outcome.setCurrentIndex(page.outcome.findData("refused"))
    assert {page.model.record(r).outcome for r in range(page.model.rowCount())} <= {"refused"}

    hid, name, code = unique_initials_household(window.db)
    qtbot.keyClick(page.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dialog = page.findChild(VisitDialog)
    assert dialog is not None and dialog.picker is not None
    qtbot.keyClicks(dialog.picker, code)
    qtbot.waitUntil(lambda: dialog.picker.model.rowCount() > 0, timeout=WAIT_MS)
    offered = dialog.picker.model.stringList()
    choice = next(t for t in offered if t.startswith(name))
    dialog.picker.completer_.activated.emit(choice)
    assert dialog.household_id() == hid
    qtbot.keyClicks(dialog.outcome, "4")
    with qtbot.waitSignal(page.loaded, timeout=WAIT_MS):
        qtbot.keyClick(dialog.note, Qt.Key.Key_Return)
    idle()
    assert page.model.record(0).household_id == hid and page.model.record(0).outcome == "refused"


def test_double_click_on_a_visit_opens_the_household(window, qtbot, idle):
    page = window.page("visits")
    with qtbot.waitSignal(page.loaded, timeout=WAIT_MS):
        window.show_page("visits")
    idle()
    assert page.model.rowCount() > 0
    index = page.table.model().index(0, 1)
    hid = page.model.record(page.table.model().mapToSource(index).row()).household_id
    households_page = window.page("households")
    with qtbot.waitSignal(households_page.view.loaded, timeout=WAIT_MS):
        page.table.doubleClicked.emit(index)
    assert window.current_page() is households_page and households_page.view.household_id == hid
