"""Import follow-up in the window: after the wizard closes, the household list's 台账核实 filter
finds what the ledgers left to check, and the household page says what the bank's ledger said
and when, with a button to mark it checked (audited) and to take that back."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import text

from app.bootstrap import open_database
from app.services import households
from app.services.foundation.setup import initialise
from app.services.households import HouseholdFilter
from app.services.ledger_import import followup as import_followup
from app.services.ledger_import import import_ledger
from app.ui.actor import actor
from app.ui.models.households import FLAGS_COLUMN
from tests.gui.helpers_households import WAIT_MS, open_household, open_list
from tests.gui.helpers_window import open_window

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "ledger-sample"


@pytest.fixture(scope="session")
def _imported_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("followup") / "区县.db"
    db = open_database(path)
    try:
        initialise(db, role="district", unit_name="示范区")
        import_ledger(db, SAMPLE / "ledger.xlsx")
    finally:
        db.dispose()
    return path


@pytest.fixture
def imported_window(qtbot, idle, tmp_path, shown_dialogs, _imported_template, monkeypatch):
    """The window on a database with the sample ledger; the month-later ledger imported through
    the 文件 menu's import (its wizard replaced by the service it runs)."""
    path = tmp_path / "区县.db"
    shutil.copyfile(_imported_template, path)
    win = open_window(qtbot, idle, path)
    monkeypatch.setattr("app.ui.ledger.open_ledger_wizard", lambda parent, db: import_ledger(db, SAMPLE / "update.xlsx"))
    win.import_ledger()
    idle()
    return win


def test_the_list_finds_what_is_left_to_check(imported_window, qtbot, idle):
    win = imported_window
    assert "条提示待核实" in win.statusBar().currentMessage()
    page = open_list(win, qtbot, idle)
    combo = page.filters.followup
    assert combo.isVisibleTo(page)
    labels = [combo.itemText(i) for i in range(combo.count())]
    assert labels[:2] == ["台账核实", "全部待核实"]
    assert any(t.startswith("银行报告已结清（") for t in labels)
    assert any(t.startswith("身份证号被Excel存成数字") for t in labels)
    with qtbot.waitSignal(page.list_loaded, timeout=WAIT_MS):
        combo.set_value("any")
    idle()
    assert page.model.total == households.count(win.db, HouseholdFilter(import_followup="any")) > 0
    flags = {page.model.index(r, FLAGS_COLUMN).data() for r in range(page.model.rowCount())}
    assert "台账待核实" in flags
    with qtbot.waitSignal(page.list_loaded, timeout=WAIT_MS):
        combo.set_value("id_mangled")
    idle()
    assert page.model.total == 3


def test_the_household_page_says_what_the_ledger_said_and_marks_it_checked(imported_window, qtbot, idle):
    win = imported_window
    item = import_followup.items(win.db, kind="bank_settled")[0]
    page = open_list(win, qtbot, idle)
    with qtbot.waitSignal(page.list_loaded, timeout=WAIT_MS):
        page.filters.followup.set_value("bank_settled")
    idle()
    open_household(page, qtbot, item.household_id)
    idle()
    panel = page.view.side.followup_panel
    assert panel.isVisibleTo(page.view)
    texts = [w.text() for w in panel.findChildren(type(panel.title))]
    assert any(item.message == t for t in texts)
    assert any("《update.xlsx》（数据截至 " in t and "第 " in t for t in texts)      # which ledger, when, where
    open_here = import_followup.items(win.db, household_id=item.household_id)
    assert panel.title.text() == f"⚠ 银行台账提示：{len(open_here)} 条待核实"
    with qtbot.waitSignal(page.view.loaded, timeout=WAIT_MS):
        panel.buttons[item.id].click()
    idle()
    [checked] = [x for x in import_followup.items(win.db, household_id=item.household_id, checked=True)]
    assert checked.id == item.id and checked.checked_by == actor()
    assert item.id not in panel.buttons and "已核实" in " ".join(w.text() for w in panel.findChildren(type(panel.title)))
    with win.db.engine.connect() as conn:
        audited = conn.execute(text("SELECT summary FROM audit_log WHERE action = 'check' "
                                    "AND entity = 'import_followups'")).scalars().all()
    assert len(audited) == 1 and "银行报告已结清" in audited[0]
    # taken back: open again
    undo = next(b for b in panel.findChildren(type(panel.all_button)) if b.objectName() == "followupUndo")
    with qtbot.waitSignal(page.view.loaded, timeout=WAIT_MS):
        undo.click()
    idle()
    assert item.id in panel.buttons
    assert not import_followup.items(win.db, household_id=item.household_id, checked=True)


def test_checking_the_last_item_takes_the_household_off_the_filter(imported_window, qtbot, idle):
    win = imported_window
    page = open_list(win, qtbot, idle)
    with qtbot.waitSignal(page.list_loaded, timeout=WAIT_MS):
        page.filters.followup.set_value("any")
    idle()
    before = page.model.total
    hid = page.model.household_id(0)
    open_household(page, qtbot, hid)
    idle()
    panel = page.view.side.followup_panel
    with qtbot.waitSignals([page.view.loaded, page.choices_loaded], timeout=WAIT_MS):
        (panel.all_button if panel.all_button.isVisible() else next(iter(panel.buttons.values()))).click()
    idle()
    assert not import_followup.items(win.db, household_id=hid)
    assert panel.title.text() == "银行台账提示：都已核实"
    with qtbot.waitSignal(page.list_loaded, timeout=WAIT_MS):
        page.view.header.back_button.click()
        page.apply_filter()
    idle()
    assert page.model.total == before - 1 and page.model.row_of(hid) < 0


def test_the_wizard_says_where_the_follow_up_went(qtbot, new_db):
    from app.ui.ledger.result_page import ResultPage

    import_ledger(new_db, SAMPLE / "ledger.xlsx")
    result = import_ledger(new_db, SAMPLE / "update.xlsx")
    page = ResultPage()
    qtbot.addWidget(page)
    page.show_result(result)
    assert f"<b>{result.followups:,}</b> 条提示" in page.notes.text() and "台账核实" in page.notes.text()
