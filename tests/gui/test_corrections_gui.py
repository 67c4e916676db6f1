"""冲正 / 作废 in the window: from the household page's timeline (the row's context menu or the
button under it), a reason, optionally the corrected fact; the voided one is struck through and
counts nowhere.  Enter never voids: the dialogs' default is 取消, the question's 返回修改."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from app.services.households import detail as household_page
from app.services.recovery.repayments import record_repayment
from app.services.work import choices
from app.services.work.visits import record_visit
from app.ui import errors
from app.ui.dialogs.void_dialog import VoidRepaymentDialog, VoidVisitDialog
from tests.gui.helpers_households import WAIT_MS, open_household, open_list, type_search, unique_initials_household


def yes(box) -> None:
    box.findChild(QPushButton, "confirmYes").click()


def enter(qtbot):
    """A hook that shows the question and presses Enter on it, as a hurried user would."""
    def press(box) -> None:
        box.show()
        qtbot.keyClick(box, Qt.Key.Key_Return)
    return press


def household_with(window, qtbot, idle, *, repaid: bool = True):
    """Open a household with money owed; ``repaid``: first record all it owes on its first loan."""
    db = window.db
    hid, _name, code = unique_initials_household(db)
    loan = household_page.detail(db, hid).loans[0]
    rep = None
    if repaid:
        owed = choices.owed_by_loan(db, [loan.id])[loan.id]
        rep = record_repayment(db, loan_id=loan.id, amount_fen=owed.principal_fen, actor="王会计")
    page = open_list(window, qtbot, idle)
    type_search(page, qtbot, code)
    open_household(page, qtbot, hid)
    idle()
    page.view.tabs.setCurrentIndex(4)
    return page.view, hid, loan, rep


def test_a_repayment_is_corrected_from_the_timelines_context_menu(window, qtbot, idle, monkeypatch):
    view, hid, loan, rep = household_with(window, qtbot, idle)
    panel = view.timeline_panel
    assert panel.select_entry(rep.repayment_id) and panel.void_button.isEnabled()
    assert panel.void_button.text() == "冲正这笔还款…"
    menu = panel.menu_for(panel.selected_entry())
    action = menu.findChild(type(menu.actions()[0]), "voidAction") or menu.actions()[0]
    assert action.text() == "冲正这笔还款…" and action.isEnabled()
    action.trigger()
    dialog = view.findChild(VoidRepaymentDialog)
    assert dialog is not None and dialog.isVisible()
    assert not dialog.void_button.isEnabled()                        # no reason yet
    assert dialog.cancel_button.isDefault() and not dialog.void_button.isDefault()
    dialog.reason.insert("金额录错")
    dialog.fix.setChecked(True)
    assert not dialog.void_button.isEnabled()                        # the corrected amount is missing
    right = rep.amount_fen // 10
    qtbot.keyClicks(dialog.amount, f"{right / 100:.2f}")
    assert dialog.void_button.isEnabled() and dialog.capital.text().startswith("大写：")
    asked = []
    monkeypatch.setattr(errors, "DIALOG_HOOK", lambda box: asked.append(
        (box.text(), box.defaultButton().objectName())) or yes(box))
    with qtbot.waitSignal(view.loaded, timeout=WAIT_MS):
        dialog.void_button.click()
    idle()
    assert "冲正" in asked[0][0] and asked[0][1] == "confirmNo"
    d = household_page.detail(window.db, hid)
    assert [r.amount_fen for r in d.repayments if r.loan_id == loan.id][:1] == [right]
    struck = next(i for i in range(view.timeline.rowCount()) if view.timeline.record(i).ref_id == rep.repayment_id)
    entry = view.timeline.record(struck)
    assert entry.voided and entry.title.endswith("（已冲正）")
    assert view.timeline.index(struck, 2).data(Qt.ItemDataRole.FontRole).strikeOut()
    assert view.figures.cards["outstanding"].value.text() == f"{d.outstanding_fen / 100:,.2f}"
    assert panel.select_entry(rep.repayment_id) and not panel.void_button.isEnabled()   # voided: no more


def test_enter_in_the_void_dialog_voids_nothing(window, qtbot, idle, shown_dialogs):
    view, hid, _loan, rep = household_with(window, qtbot, idle)
    before = household_page.detail(window.db, hid).repayments
    view.timeline_panel.select_entry(rep.repayment_id)
    view.timeline_panel.void_button.click()
    dialog = view.findChild(VoidRepaymentDialog)
    qtbot.keyClicks(dialog.reason, "abc")
    with qtbot.waitSignal(dialog.rejected, timeout=WAIT_MS):
        qtbot.keyClick(dialog.reason, Qt.Key.Key_Return)            # 取消 is the default
    assert household_page.detail(window.db, hid).repayments == before and not shown_dialogs


def test_the_question_before_voiding_defaults_to_going_back(window, qtbot, idle, monkeypatch):
    view, hid, _loan, rep = household_with(window, qtbot, idle)
    before = household_page.detail(window.db, hid).repayments
    view.void_fact(next(t for t in view.detail.timeline if t.ref_id == rep.repayment_id))
    dialog = view.findChild(VoidRepaymentDialog)
    dialog.reason.insert("录错")
    monkeypatch.setattr(errors, "DIALOG_HOOK", enter(qtbot))
    dialog.void_button.click()
    idle()
    assert dialog.isVisible() and household_page.detail(window.db, hid).repayments == before


def test_a_visit_is_voided_and_recorded_again_with_the_right_outcome(window, qtbot, idle, monkeypatch):
    db = window.db
    hid, _name, code = unique_initials_household(db)
    v = record_visit(db, household_id=hid, outcome="refused", visitors="王五", note="不在家")
    page = open_list(window, qtbot, idle)
    type_search(page, qtbot, code)
    open_household(page, qtbot, hid)
    idle()
    view = page.view
    view.tabs.setCurrentIndex(4)
    assert view.timeline_panel.select_entry(v.visit_id)
    assert view.timeline_panel.void_button.text() == "作废这次走访…"
    view.timeline_panel.void_button.click()
    dialog = view.findChild(VoidVisitDialog)
    assert dialog.outcome.currentData() == "refused" and dialog.note.text() == "不在家"
    dialog.reason.insert("结果选错")
    dialog.fix.setChecked(True)
    dialog.outcome.setFocus()
    qtbot.keyClicks(dialog.outcome, str(dialog.outcome.findData("unreachable") + 1))   # by its number
    chosen = dialog.outcome.currentData()
    assert chosen == "unreachable"
    monkeypatch.setattr(errors, "DIALOG_HOOK", yes)
    with qtbot.waitSignal(view.loaded, timeout=WAIT_MS):
        dialog.void_button.click()
    idle()
    d = household_page.detail(db, hid)
    assert d.visits[0].outcome == chosen and d.visits[0].corrects_id == v.visit_id and d.visits[0].visitors == "王五"
    assert v.visit_id not in [x.id for x in d.visits]
    entry = next(t for t in d.timeline if t.ref_id == v.visit_id)
    assert entry.voided and "结果选错" in entry.detail


def test_the_context_menu_of_a_bank_report_or_a_voided_row_offers_nothing(window, qtbot, idle, monkeypatch):
    from app.services.work.corrections import void_repayment

    view, hid, _loan, rep = household_with(window, qtbot, idle)
    void_repayment(window.db, rep.repayment_id, reason="误录")
    with qtbot.waitSignal(view.loaded, timeout=WAIT_MS):
        view.reload()
    idle()
    entry = next(t for t in view.detail.timeline if t.ref_id == rep.repayment_id)
    menu = view.timeline_panel.menu_for(entry)
    assert not menu.actions()[0].isEnabled() and "误录" in menu.actions()[0].text()
    assert view.void_fact(entry) is None
