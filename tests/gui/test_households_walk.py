"""The township's daily work, walked as a user would: find a household by its pinyin initials,
open it, record a visit, tick a category and save, move a loan's stage, record a repayment,
and see the household's figures and the dashboard's totals change."""
from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QPushButton

from app.domain.money import format_yuan
from app.services.households import detail as household_page
from app.ui.dialogs.loan_dialogs import RepaymentDialog, StageDialog
from app.ui.dialogs.visit_dialog import VisitDialog
from app.ui.models.households import COLUMN
from tests.gui.helpers_households import WAIT_MS, open_household, open_list, type_search, unique_initials_household


def _money(text: str) -> int:
    return round(float(text.replace(",", "")) * 100)


def test_the_daily_walk(window, qtbot, idle, shown_dialogs, monkeypatch):
    db = window.db
    dashboard = window.page("dashboard")
    recovered_before = _money(dashboard.cards["recovered"].value.text())
    hid, name, code = unique_initials_household(db)

    # find the household by its pinyin initials and open it
    page = open_list(window, qtbot, idle)
    type_search(page, qtbot, code)
    open_household(page, qtbot, hid)
    view = page.view
    assert view.header.name.text() == name
    outstanding = _money(view.figures.cards["outstanding"].value.text())
    assert view.side.suggest_list.count() > 0                                  # the next steps are shown

    # record a visit with the keyboard: outcome 1 (承诺还款), an amount, Enter
    qtbot.keyClick(view, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dialog = view.findChild(VisitDialog)
    assert dialog is not None and dialog.isVisible()
    qtbot.keyClicks(dialog.outcome, "1")
    assert dialog.outcome.currentData() == "promised" and dialog.promise_row.isEnabled()
    qtbot.keyClicks(dialog.promised, "500")
    with qtbot.waitSignal(view.loaded, timeout=WAIT_MS):
        qtbot.keyClick(dialog.promised, Qt.Key.Key_Return)
    idle()
    assert view.detail.visits[0].outcome == "promised" and view.detail.visits[0].promised_fen == 50_000
    assert view.timeline.record(0).title == "走访：承诺还款"
    assert view.figures.cards["last_visit"].value.text() == date.today().isoformat()

    # tick a category, judge the capacity (the reason is required), save with Ctrl+S
    view.tabs.setCurrentIndex(2)
    editor = view.categories
    editor.checks["low_income"].setChecked(True)
    judged = "partial" if view.detail.capacity != "partial" else "able"
    editor.radios[judged].setChecked(True)
    editor.reason.clear()
    assert view.dirty and view.header.save_button.isEnabled()
    qtbot.keyClick(view, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert editor.reason_note.isVisible() and "理由" in editor.reason_note.text()    # refused inline
    editor.reason.setPlainText("外出务工，收入稳定")
    with qtbot.waitSignal(view.loaded, timeout=WAIT_MS):
        qtbot.keyClick(view, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    idle()
    assert not view.dirty
    assert "low_income" in view.detail.household_category_codes and view.detail.capacity == judged
    assert view.header.capacity_badge.text() == {"partial": "部分能力", "able": "有偿还能力"}[judged]

    # move the loan from 催收 to 诉讼
    view.tabs.setCurrentIndex(0)
    view.loan_tab.loan_view.selectRow(0)
    loan = view.selected_loan()
    assert loan.stage == "collection"
    view.loan_tab.stage_button.click()
    stage = view.findChild(StageDialog)
    assert stage.target.currentIndex() == -1 and not stage.save_button.isEnabled()   # nothing chosen for you
    stage.target.setCurrentIndex(stage.target.findData("suit"))
    stage.note.setText("已向法院起诉")
    with qtbot.waitSignal(view.loaded, timeout=WAIT_MS):
        stage.save_button.click()
    idle()
    assert next(ln for ln in view.detail.loans if ln.id == loan.id).stage == "suit"

    # record a repayment of 100 yuan: the amount in capitals as typed; Enter asks before saving
    view.loan_tab.repay_loan_button.click()
    repay = view.findChild(RepaymentDialog)
    assert repay.loan.currentData() == loan.id and "合计" in repay.owed_label.text()
    qtbot.keyClicks(repay.amount, "100")
    assert repay.save_button.isEnabled() and repay.capital.text() == "大写：壹佰元整"
    qtbot.keyClick(repay.amount, Qt.Key.Key_Return)
    question = shown_dialogs[-1]
    assert question.text() == "确认登记还款 壹佰元整（100.00 元）？"
    assert question.defaultButton().objectName() == "confirmNo"          # Enter again: back to the form
    assert repay.isVisible() and household_page.detail(db, hid).repayments == view.detail.repayments
    from app.ui import errors

    monkeypatch.setattr(errors, "DIALOG_HOOK", lambda box: box.findChild(QPushButton, "confirmYes").click())
    with qtbot.waitSignal(view.loaded, timeout=WAIT_MS):
        qtbot.keyClick(repay.amount, Qt.Key.Key_Return)
    idle()
    assert _money(view.figures.cards["outstanding"].value.text()) == outstanding - 10_000
    assert view.timeline.record(0).kind == "repayment"

    # the list shows it too
    qtbot.keyClick(view, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    row = page.model.row_of(hid)
    assert page.model.index(row, COLUMN["剩余"]).data() == format_yuan(outstanding - 10_000)
    assert "低保户" in page.model.index(row, COLUMN["类别"]).data()
    assert "诉讼" in page.model.index(row, COLUMN["阶段"]).data()

    # and the dashboard
    with qtbot.waitSignal(dashboard.loaded, timeout=WAIT_MS):
        window.show_page("dashboard")
    idle()
    assert _money(dashboard.cards["recovered"].value.text()) == recovered_before + 10_000


def test_too_much_money_is_refused_inside_the_form(window, qtbot, idle):
    hid, _name, code = unique_initials_household(window.db)
    page = open_list(window, qtbot, idle)
    type_search(page, qtbot, code)
    open_household(page, qtbot, hid)
    page.view.header.repay_button.click()
    repay = page.view.findChild(RepaymentDialog)
    owed = repay.owed[repay.loan.currentData()].total_fen
    qtbot.keyClicks(repay.amount, str(owed // 100 + 1))
    assert not repay.save_button.isEnabled() and "超过" in repay.amount_note.text()
    repay.amount.setText("abc")
    assert not repay.save_button.isEnabled() and "不是金额" in repay.amount_note.text()
    repay.amount.setText("-5")
    assert not repay.save_button.isEnabled()
    repay.reject()
    assert household_page.detail(window.db, hid).repayments == page.view.detail.repayments


def test_unsaved_edits_are_guarded(window, qtbot, idle, monkeypatch):
    from app.ui import errors

    hid, _name, code = unique_initials_household(window.db)
    page = open_list(window, qtbot, idle)
    type_search(page, qtbot, code)
    open_household(page, qtbot, hid)
    view = page.view
    view.categories.checks["disabled"].setChecked(True)
    asked: list[QMessageBox] = []
    monkeypatch.setattr(errors, "DIALOG_HOOK", asked.append)      # the user closes the question: cancel
    view.header.back_button.click()
    assert asked and page.stack.currentIndex() == 1 and view.dirty
    assert not window.page("households").can_leave()

    def discard(box: QMessageBox) -> None:
        box.button(QMessageBox.StandardButton.Discard).click()

    monkeypatch.setattr(errors, "DIALOG_HOOK", discard)
    view.header.back_button.click()
    assert page.stack.currentIndex() == 0
    assert "disabled" not in household_page.detail(window.db, hid).household_category_codes


def _people_of_a_household(window, qtbot, idle):
    """A household found by its initials and opened: (its id, the household view, its people)."""
    hid, _name, code = unique_initials_household(window.db)
    page = open_list(window, qtbot, idle)
    type_search(page, qtbot, code)
    open_household(page, qtbot, hid)
    return hid, page.view, page.view.people


def test_people_flags_are_saved_as_one_unit(window, qtbot, idle):
    hid, view, people = _people_of_a_household(window, qtbot, idle)
    people.table.item(0, people.C_UNREACH).setCheckState(Qt.CheckState.Checked)
    people.phone.setText("13900001111")
    people.phone.textEdited.emit("13900001111")
    assert view.dirty
    with qtbot.waitSignal(view.loaded, timeout=WAIT_MS):
        view.header.save_button.click()
    idle()
    d = household_page.detail(window.db, hid)
    assert d.people[0].is_unreachable and d.phone == "13900001111"
    assert not view.dirty


def test_a_phone_that_is_not_a_phone_is_refused_and_nothing_is_saved(window, qtbot, idle, shown_dialogs):
    hid, view, people = _people_of_a_household(window, qtbot, idle)
    before = household_page.detail(window.db, hid).phone
    people.table.item(0, people.C_UNREACH).setCheckState(Qt.CheckState.Checked)
    people.phone.setText("abc")
    people.phone.textEdited.emit("abc")
    view.header.save_button.click()
    idle()
    qtbot.waitUntil(lambda: bool(shown_dialogs), timeout=WAIT_MS)
    assert "电话号码不对：abc（手机号是 11 位数字，座机如 0931-8123456）" in shown_dialogs[-1].text()
    d = household_page.detail(window.db, hid)
    assert d.phone == before and not d.people[0].is_unreachable      # all or nothing
    assert view.dirty


def test_agreement_button_drafts_an_agreement_for_the_household_and_its_loan(window, qtbot, idle,
                                                                             monkeypatch):
    from app.ui.dialogs import agreement

    calls = []
    monkeypatch.setattr(agreement, "open_new_agreement",
                        lambda parent, db, household_id=None, loan_ids=None: calls.append(
                            (household_id, loan_ids)) or None)
    hid, _name, code = unique_initials_household(window.db)
    page = open_list(window, qtbot, idle)
    type_search(page, qtbot, code)
    open_household(page, qtbot, hid)
    assert page.view.header.agreement_button.isEnabled()
    page.view.header.agreement_button.click()
    assert calls == [(hid, [page.view.selected_loan_id()])]


def test_new_person_and_responsible_people_saved_together(window, qtbot, idle):
    from app.ui.widgets.household_people import PersonDialog

    hid, _name, code = unique_initials_household(window.db)
    page = open_list(window, qtbot, idle)
    type_search(page, qtbot, code)
    open_household(page, qtbot, hid)
    view = page.view
    before = household_page.detail(window.db, hid)
    # a guarantor, through the small dialog
    view.tabs.setCurrentIndex(1)
    view.people.add_button.click()
    dialog = view.people.findChild(PersonDialog)
    dialog.name.setText("担保人甲")
    dialog._accept()
    assert view.dirty and view.people.table.rowCount() == len(before.people) + 1
    # one more responsible person, and one less
    view.tabs.setCurrentIndex(3)
    editor = view.assignments
    taken = {a.staff_id for a in before.assignments}
    free = next(i for i in range(editor.staff.count()) if editor.staff.itemData(i) not in taken)
    editor.staff.setCurrentIndex(free)
    editor.duty.setCurrentIndex(editor.duty.findData("village"))
    editor.add_button.click()
    editor.table.selectRow(0)
    editor.remove_button.click()
    with qtbot.waitSignal(view.loaded, timeout=WAIT_MS):
        qtbot.keyClick(view, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    idle()
    after = household_page.detail(window.db, hid)
    assert [p.name for p in after.people if p.name == "担保人甲"] and len(after.people) == len(before.people) + 1
    staff_after = {(a.staff_id, a.duty) for a in after.assignments}
    assert (editor.staff.itemData(free), "village") in staff_after
    assert (before.assignments[0].staff_id, before.assignments[0].duty) not in staff_after
    assert len(after.assignments) == len(before.assignments)


def test_money_the_bank_already_reported_can_be_recorded_late(new_db, qtbot, idle, tmp_path, monkeypatch):
    """The bank's ledger shows a loan paid off before the township enters the money it took:
    the form lets the entry through (the service matches it with the bank's report)."""
    from openpyxl import Workbook

    from app.services.households import detail as household_page
    from app.services.ledger_import import import_ledger
    from app.services.reporting.summary import compute

    def ledger(name: str, as_of: str, balance: int):
        wb = Workbook()
        ws = wb.active
        ws.title = "柳林镇"
        ws.append([f"柳林镇不良贷款台账  数据截至：{as_of}"])
        ws.append(["借款人", "身份证号", "借据号", "村", "贷款余额"])
        ws.append(["张三", "110101199003070019", "L1", "李家村", balance])
        wb.save(tmp_path / name)
        return tmp_path / name

    import_ledger(new_db, ledger("a.xlsx", "2026年9月30日", 10000))
    import_ledger(new_db, ledger("b.xlsx", "2026年10月31日", 0))
    with new_db.engine.connect() as conn:
        hid = conn.exec_driver_sql("SELECT household_id FROM loans").scalar()
    repay = RepaymentDialog(None, new_db, household_page.detail(new_db, hid).loans)
    qtbot.addWidget(repay)
    repay.paid_on.setDate(repay.paid_on.date().addDays(-40))   # before the bank's ledger
    assert repay.owed[repay.loan.currentData()].total_fen == 0
    qtbot.keyClicks(repay.amount, "10000")
    assert repay.save_button.isEnabled(), repay.amount_note.text()
    repay.amount.setText("10001")
    assert not repay.save_button.isEnabled() and "银行台账已报告收回" in repay.amount_note.text()
    repay.amount.setText("10000")
    from app.ui import errors

    monkeypatch.setattr(errors, "DIALOG_HOOK", lambda box: box.findChild(QPushButton, "confirmYes").click())
    with qtbot.waitSignal(repay.accepted, timeout=WAIT_MS):
        repay.save_button.click()
    idle()
    assert compute(new_db).totals.recovered_fen == 1_000_000   # counted once
