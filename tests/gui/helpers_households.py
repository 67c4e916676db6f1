"""Shared steps for the household-list GUI tests."""
from __future__ import annotations

from PySide6.QtCore import Qt

from app.domain import pinyin
from app.services import households
from app.services.households import HouseholdFilter
from tests.gui.helpers_window import WAIT_MS  # noqa: F401 (the household tests import it from here)


def open_list(window, qtbot, idle):
    """Show 借款户 and wait until the list and its filter choices are there."""
    page = window.page("households")
    if page.filters.village.count() > 1:          # shown before: the list is there already
        window.show_page("households")
        idle()
        return page
    with qtbot.waitSignals([page.list_loaded, page.choices_loaded], timeout=WAIT_MS):
        window.show_page("households")
    idle()
    return page


def type_search(page, qtbot, text: str) -> None:
    """Type as a user would, then wait for the debounced query to run."""
    page.search.setFocus()
    page.search.clear()
    with qtbot.waitSignal(page.list_loaded, timeout=WAIT_MS):
        qtbot.keyClicks(page.search, text)


def unique_initials_household(db, *, stage: str | None = "collection") -> tuple[str, str, str]:
    """(household id, head name, initials) of a household with money owed whose initials find few."""
    f = HouseholdFilter(stage=stage)
    for row in households.rows(db, households.ids(db, f, "outstanding", True)):
        code = pinyin.initials(row.head_name)
        if len(code) >= 2 and row.outstanding_fen > 10_000 and households.count(db, HouseholdFilter(text=code)) <= 5:
            return row.id, row.head_name, code
    raise AssertionError("the demo has no suitable household")


def open_household(page, qtbot, household_id: str) -> None:
    row = page.model.row_of(household_id)
    assert row >= 0
    page.table.setFocus()
    page.table.selectRow(row)
    with qtbot.waitSignal(page.view.loaded, timeout=WAIT_MS):
        qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert page.stack.currentIndex() == 1
