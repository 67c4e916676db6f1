"""Safe defaults: in every dialog of app/ui/dialogs and app/ui/widgets, Enter pressed at once does
nothing that cannot be taken back — no lawsuit filed, no agreement signed or cancelled, no money
saved without the question that repeats it in capitals (whose own default is 返回修改), nothing
voided, nothing printed."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QMessageBox

from app.bootstrap import open_database
from app.services import agreements, households
from app.services.agreements.agreements import PlanRequest
from app.services.households import detail as household_page
from app.services.recovery.agreement_payments import AgreementAllocation, PaymentResult
from app.ui import errors
from tests.integration.agreements.agreement_helpers import free_households

WAIT_MS = 30_000


@pytest.fixture
def db(demo_path):
    database = open_database(demo_path)
    yield database
    database.dispose()


@pytest.fixture
def questions(monkeypatch, qtbot):
    """Questions are shown and answered with Enter, as a hurried user would; their texts kept."""
    asked: list[tuple[str, str]] = []

    def press_enter(box) -> None:
        box.show()
        qtbot.waitExposed(box)
        asked.append((box.text(), box.defaultButton().objectName() if box.defaultButton() else ""))
        qtbot.keyClick(box, Qt.Key.Key_Return)

    monkeypatch.setattr(errors, "DIALOG_HOOK", press_enter)
    return asked


def show(qtbot, dialog: QDialog) -> QDialog:
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def press_enter(qtbot, widget) -> None:
    widget.setFocus()
    qtbot.keyClick(widget, Qt.Key.Key_Return)


def a_loan(db):
    hid = households.ids(db, households.HouseholdFilter(stage="collection"), "outstanding", True)[0]
    return hid, household_page.detail(db, hid).loans


def agreement(db, *, signed: bool):
    loans = free_households(db)[0]
    view = agreements.create(db, PlanRequest(loans, date.today(), installments=2,
                                             first_due=date.today() + timedelta(days=20)))
    return agreements.sign(db, view.id, date.today()) if signed else agreements.get(db, view.id)


# -- loan_dialogs.py ---------------------------------------------------------------------------
def test_stage_dialog_enter_files_no_lawsuit(qtbot, db):
    from app.ui.dialogs.loan_dialogs import StageDialog

    hid, loans = a_loan(db)
    dialog = show(qtbot, StageDialog(None, db, loans[0]))
    assert dialog.target.currentIndex() == -1 and dialog.target.currentText() == ""
    press_enter(qtbot, dialog.target)
    press_enter(qtbot, dialog.note)
    assert dialog.isVisible() and not dialog.busy
    assert household_page.detail(db, hid).loans[0].stage == loans[0].stage


def test_repayment_dialog_enter_twice_saves_no_money(qtbot, db, questions, idle):
    from app.ui.dialogs.loan_dialogs import RepaymentDialog

    hid, loans = a_loan(db)
    dialog = show(qtbot, RepaymentDialog(None, db, loans, loans[0].id))
    qtbot.keyClicks(dialog.amount, "12000")
    assert dialog.capital.text() == "大写：壹万贰仟元整"
    press_enter(qtbot, dialog.amount)          # the form's Enter asks; the question's Enter goes back
    idle()
    assert questions == [("确认登记还款 壹万贰仟元整（12,000.00 元）？", "confirmNo")]
    assert dialog.isVisible() and household_page.detail(db, hid).repayments == household_page.detail(db, hid).repayments
    assert not [r for r in household_page.detail(db, hid).repayments if r.amount_fen == 1_200_000]


# -- void_dialog.py ----------------------------------------------------------------------------
def test_void_dialogs_default_to_cancel(qtbot, db, questions):
    from app.services.recovery.repayments import record_repayment
    from app.services.work.visits import record_visit
    from app.ui.dialogs.void_dialog import VoidRepaymentDialog, VoidVisitDialog

    hid, loans = a_loan(db)
    record_repayment(db, loan_id=loans[0].id, amount_fen=10_000)
    record_visit(db, household_id=hid, outcome="refused")
    d = household_page.detail(db, hid)
    for dialog in (VoidRepaymentDialog(None, db, d.repayments[0]), VoidVisitDialog(None, db, d.visits[0])):
        show(qtbot, dialog)
        assert dialog.cancel_button.isDefault() and not dialog.void_button.autoDefault()
        dialog.reason.insert("录错")
        assert dialog.void_button.isEnabled()
        with qtbot.waitSignal(dialog.rejected, timeout=WAIT_MS):
            press_enter(qtbot, dialog.reason)
    assert not questions
    after = household_page.detail(db, hid)
    assert after.repayments == d.repayments and after.visits == d.visits


# -- agreement_actions.py ----------------------------------------------------------------------
def test_sign_and_cancel_dialogs_enter_changes_nothing(qtbot, db):
    from app.ui.dialogs.agreement_actions import CancelDialog, SignDialog

    draft = agreement(db, signed=False)
    sign = show(qtbot, SignDialog(draft, date.today()))
    with qtbot.waitSignal(sign.rejected, timeout=WAIT_MS):
        press_enter(qtbot, sign.date)
    signed = agreement(db, signed=True)
    cancel = show(qtbot, CancelDialog(signed))
    assert not cancel.ok.isDefault()
    cancel.reason.insert("重新协商")
    with qtbot.waitSignal(cancel.rejected, timeout=WAIT_MS):
        press_enter(qtbot, cancel.reason)
    assert agreements.get(db, draft.id).status == draft.status
    assert agreements.get(db, signed.id).status == "signed"


def test_agreement_payment_asks_with_the_amount_in_capitals(qtbot, db, questions):
    from app.ui.dialogs.agreement_actions import PaymentDialog

    view = agreement(db, signed=True)
    dialog = show(qtbot, PaymentDialog(view, date.today()))
    accepted = []
    dialog.accepted.connect(lambda: accepted.append(True))
    qtbot.keyClicks(dialog.amount, "1200")
    assert "壹仟贰佰元整" in dialog.capital.text()
    press_enter(qtbot, dialog.amount)
    assert questions == [("确认登记还款 壹仟贰佰元整（1,200.00 元）？", "confirmNo")]
    assert dialog.isVisible() and not accepted
    assert agreements.get(db, view.id).paid_fen == 0


def test_payment_done_enter_closes_without_printing(qtbot):
    from app.ui.dialogs.agreement_actions import PaymentDoneDialog

    alloc = AgreementAllocation("A", "柳林-2026-0001", 1, 120_000, date.today(), [], [], 0, 0, "fulfilled")
    dialog = show(qtbot, PaymentDoneDialog(PaymentResult("SJ1", ["R1"], alloc)))
    printed = []
    dialog.print_requested.connect(lambda: printed.append(True))
    assert not dialog.print_button.isDefault()
    with qtbot.waitSignal(dialog.rejected, timeout=WAIT_MS):
        qtbot.keyClick(dialog, Qt.Key.Key_Return)
    assert not printed


# -- welcome.py, visit_dialog.py, widgets/household_people.py -----------------------------------
def test_welcome_enter_makes_no_database_without_a_name(qtbot, tmp_path, monkeypatch):
    from app.ui.dialogs.welcome import WelcomeDialog

    dialog = WelcomeDialog(tmp_path / "新.db")
    monkeypatch.setattr(dialog, "ask_unit_name", lambda: None)
    monkeypatch.setattr(dialog, "ask_open_path", lambda: None)
    show(qtbot, dialog)
    qtbot.keyClick(dialog, Qt.Key.Key_Return)
    assert dialog.isVisible() and dialog.chosen_path is None and not (tmp_path / "新.db").exists()


def test_visit_dialog_enter_saves_nothing_before_an_outcome_is_chosen(qtbot, db):
    from app.ui.dialogs.visit_dialog import VisitDialog

    hid, _loans = a_loan(db)
    before = household_page.detail(db, hid).visits
    dialog = show(qtbot, VisitDialog(None, db, hid))
    assert dialog.outcome.currentIndex() == -1
    press_enter(qtbot, dialog.note)
    assert dialog.isVisible() and "请选择走访结果" in dialog.error.text()
    assert household_page.detail(db, hid).visits == before


def test_person_dialog_enter_adds_no_one_without_a_name(qtbot):
    from app.ui.widgets.household_people import PersonDialog

    dialog = show(qtbot, PersonDialog())
    press_enter(qtbot, dialog.id_number)
    assert dialog.isVisible() and dialog.result() == QDialog.DialogCode.Rejected
    assert "请填写姓名" in dialog.note.text()


def test_unsaved_edits_question_enter_keeps_the_edits(window, qtbot, idle, monkeypatch):
    """Leaving a household with unsaved edits: Enter takes 保存 (never 不保存)."""
    from tests.gui.helpers_households import open_household, open_list, type_search, unique_initials_household

    hid, _name, code = unique_initials_household(window.db)
    page = open_list(window, qtbot, idle)
    type_search(page, qtbot, code)
    open_household(page, qtbot, hid)
    view = page.view
    view.categories.checks["disabled"].setChecked(True)
    asked = []

    def press(box: QMessageBox) -> None:
        box.show()
        asked.append(box.standardButton(box.defaultButton()))
        qtbot.keyClick(box, Qt.Key.Key_Return)

    monkeypatch.setattr(errors, "DIALOG_HOOK", press)
    view.header.back_button.click()
    idle()
    assert asked == [QMessageBox.StandardButton.Save]
    qtbot.waitUntil(lambda: "disabled" in household_page.detail(window.db, hid).household_category_codes,
                    timeout=WAIT_MS)
