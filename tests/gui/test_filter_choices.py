"""The household list's filter choices (乡镇, 村社, 责任人) follow the data: after the first import
into a new database, after F5, after an edit that makes someone responsible."""
from __future__ import annotations

from pathlib import Path

import pytest

from app.bootstrap import open_database
from app.services.ledger_import import import_ledger
from app.services.work import choices
from app.ui import dbfiles
from tests.gui.helpers_households import WAIT_MS
from tests.gui.helpers_window import open_window

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "ledger-sample" / "ledger.xlsx"


@pytest.fixture
def empty_window(qtbot, idle, tmp_path, shown_dialogs):
    """The window on a new, empty district database, its household list shown (no choices yet)."""
    path = dbfiles.create_district(tmp_path / "区县.db", "示范区")
    win = open_window(qtbot, idle, path)
    page = win.page("households")
    with qtbot.waitSignals([page.list_loaded, page.choices_loaded], timeout=WAIT_MS):
        win.show_page("households")
    idle()
    assert page.filters.village.count() == 1 and page.filters.staff.count() == 1   # only 全部…
    assert not page.filters.township.isVisibleTo(page)
    return win


def _names(combo) -> list[str]:
    return [combo.itemText(i) for i in range(1, combo.count())]


def _expect_choices(page, db) -> None:
    assert page.filters.township.isVisibleTo(page)
    assert _names(page.filters.township) == [t.name for t in choices.townships(db)]
    assert len(_names(page.filters.township)) > 1
    assert page.filters.village.count() - 1 == len(choices.villages(db)) > 0
    assert _names(page.filters.staff) == [s.name for s in choices.staff(db)] != []


def test_the_first_import_fills_the_filters(empty_window, qtbot, idle, monkeypatch):
    win = empty_window
    page = win.page("households")
    monkeypatch.setattr("app.ui.ledger.open_ledger_wizard", lambda parent, db: import_ledger(db, SAMPLE))
    with qtbot.waitSignals([page.list_loaded, page.choices_loaded], timeout=WAIT_MS):
        win.import_ledger()
    idle()
    assert page.model.total > 0
    _expect_choices(page, win.db)


def test_f5_reads_the_choices_again(empty_window, qtbot, idle):
    win = empty_window
    page = win.page("households")
    other = open_database(Path(win.db.path))   # another program writes to the same file
    try:
        import_ledger(other, SAMPLE)
    finally:
        other.dispose()
    with qtbot.waitSignal(page.choices_loaded, timeout=WAIT_MS):
        win.refresh_action.trigger()
    idle()
    _expect_choices(page, win.db)


def test_making_someone_responsible_adds_them_to_the_filter(window, qtbot, idle):
    from app.db.models import Staff
    from tests.gui.helpers_households import open_household, open_list

    with window.db.uow("测试") as uow:
        uow.session.add(Staff(name="新来的", title="驻村干部"))   # known, responsible for no one yet
        uow.commit()
    page = open_list(window, qtbot, idle)
    assert "新来的" not in _names(page.filters.staff)
    open_household(page, qtbot, page.model.household_id(0))
    idle()
    editor = page.view.assignments
    editor.staff.setCurrentIndex(editor.staff.findText("新来的（驻村干部）"))
    editor.add_button.click()
    with qtbot.waitSignals([page.view.saved, page.choices_loaded], timeout=WAIT_MS):
        page.view.header.save_button.click()
    idle()
    page.view.header.back_button.click()
    assert "新来的" in _names(page.filters.staff)
