"""新建还款协议: find a household, tick loans, see what they owe, reduce, plan, save — typed
into the widgets as a user would."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from app.bootstrap import open_database
from app.domain.money import to_chinese_capital
from app.services import agreements
from app.services.agreements.agreements import PlanRequest
from app.services.agreements.picker import household_loans, search_households
from app.ui.dialogs.agreement import AgreementDialog, open_new_agreement
from app.ui.models.agreement_plan import LoanChoiceModel, OwedModel, PlanModel
from tests.integration.agreements.agreement_helpers import free_households

WAIT_MS = 30_000


@pytest.fixture
def db(demo_path):
    database = open_database(demo_path)
    yield database
    database.dispose()


@pytest.fixture
def loans(db) -> list[str]:
    """Loan numbers of a demo household with two loans in no agreement."""
    return free_households(db, min_loans=2, max_loans=2, limit=1)[0]


def make_dialog(qtbot, db, **kwargs) -> AgreementDialog:
    dialog = AgreementDialog(None, db, **kwargs)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: not dialog.loading, timeout=WAIT_MS)
    return dialog


def settle(qtbot, dialog, idle) -> None:
    """Wait until the preview answers what the fields say now."""
    qtbot.waitUntil(lambda: not dialog._preview_timer.isActive(), timeout=WAIT_MS)
    idle()
    qtbot.waitUntil(lambda: not dialog._preview_timer.isActive(), timeout=WAIT_MS)
    idle()


def find_household(qtbot, dialog, idle, loan_no: str) -> None:
    qtbot.keyClicks(dialog.picker.search, loan_no)
    with qtbot.waitSignal(dialog.loans_ready, timeout=WAIT_MS):
        qtbot.keyClick(dialog.picker.search, Qt.Key.Key_Return)
    settle(qtbot, dialog, idle)


def set_spin(qtbot, spin, value: int) -> None:
    spin.setFocus()
    spin.lineEdit().selectAll()
    qtbot.keyClicks(spin.lineEdit(), str(value))


def test_create_an_agreement_by_typing_into_the_dialog(qtbot, db, loans, idle):
    dialog = make_dialog(qtbot, db)
    assert not dialog.save_button.isEnabled()  # nothing chosen yet
    find_household(qtbot, dialog, idle, loans[0])
    assert dialog.picker.who.text() and {ln.loan_no for ln in dialog.picker.loans.checked_loans()} == set(loans)
    assert dialog.owed_box.owed.rowCount() == 2 and "欠款合计" in dialog.owed_box.owed_total.text()
    quote = dialog.quote
    set_spin(qtbot, dialog.plan_editor.count, 3)
    qtbot.keyClicks(dialog.reductions.waive_penalty, "100")
    dialog.reductions.waive_interest_all.click()
    qtbot.keyClicks(dialog.reductions.approval, "No.12")
    settle(qtbot, dialog, idle)
    pv = dialog.preview
    assert pv is not None and len(pv.installments) == 3
    assert pv.total_fen == quote.owed_fen - quote.interest_fen - 10_000
    assert dialog.plan_editor.schedule.rowCount() == 3 and dialog.plan_editor.schedule.rows[2].fen == pv.installments[2].amount_fen
    assert to_chinese_capital(pv.total_fen) in dialog.totals.total_capital.text()
    with qtbot.waitSignal(dialog.saved, timeout=WAIT_MS):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    idle()
    assert dialog.result() == AgreementDialog.DialogCode.Accepted
    view = agreements.get(db, dialog.saved_id)
    assert view.status == "draft" and sorted(ln.loan_no for ln in view.loans) == sorted(loans)
    assert len(view.installments) == 3 and sum(i.amount_fen for i in view.installments) == view.total_fen
    assert view.total_fen == pv.total_fen and view.approval_ref == "No.12"
    assert view.waived_interest_fen == quote.interest_fen and view.waived_penalty_fen == 10_000


def test_typed_installments_must_add_up(qtbot, db, loans, idle):
    dialog = make_dialog(qtbot, db)
    find_household(qtbot, dialog, idle, loans[0])
    set_spin(qtbot, dialog.plan_editor.count, 2)
    settle(qtbot, dialog, idle)
    total = dialog.preview.total_fen
    dialog.plan_editor.typed.click()
    assert dialog.plan_editor.schedule.amounts_editable and dialog.plan_editor.schedule.texts()[1] == ""  # the last one: the rest
    model = dialog.plan_editor.schedule
    model.setData(model.index(0, 2), "100")
    model.setData(model.index(1, 2), "200")
    assert "各期合计 300.00 元" in dialog.plan_editor.plan_note.text() and "少" in dialog.plan_editor.plan_note.text()
    assert dialog.plan_editor.plan_note.isVisible() and not dialog.save_button.isEnabled()
    model.setData(model.index(1, 2), "")
    settle(qtbot, dialog, idle)
    assert not dialog.plan_editor.plan_note.isVisible() and dialog.save_button.isEnabled()
    assert [i.amount_fen for i in dialog.preview.installments] == [10_000, total - 10_000]
    model.setData(model.index(0, 2), "一百")
    assert "第1期金额不是金额" in dialog.plan_editor.plan_note.text() and not dialog.save_button.isEnabled()


def test_a_reduction_above_what_is_owed_is_refused_next_to_the_field(qtbot, db, loans, idle):
    dialog = make_dialog(qtbot, db)
    find_household(qtbot, dialog, idle, loans[0])
    too_much = dialog.quote.penalty_fen // 100 + 1
    qtbot.keyClicks(dialog.reductions.waive_penalty, str(too_much))
    assert dialog.reductions.waive_penalty_note.isVisible() and "超过应还罚息" in dialog.reductions.waive_penalty_note.text()
    assert not dialog.save_button.isEnabled()
    qtbot.keyClicks(dialog.owed_box.rate, "abc")
    assert dialog.owed_box.rate_note.isVisible() and "年利率" in dialog.owed_box.rate_note.text()


def test_rates_change_what_is_owed(qtbot, db, loans, idle):
    dialog = make_dialog(qtbot, db)
    find_household(qtbot, dialog, idle, loans[0])
    before = dialog.quote
    qtbot.keyClicks(dialog.owed_box.rate, "20")
    settle(qtbot, dialog, idle)
    after = dialog.quote
    assert all(ln.rate_ppm == 200_000 and ln.penalty_rate_ppm == 300_000 for ln in after.loans)
    assert after.interest_fen + after.penalty_fen > before.interest_fen + before.penalty_fen
    assert "年利率 20%，罚息年利率 30%" in dialog.owed_box.basis.text()


def test_custom_dates_and_unticking_a_loan(qtbot, db, loans, idle):
    dialog = make_dialog(qtbot, db)
    find_household(qtbot, dialog, idle, loans[0])
    dialog.plan_editor.frequency.setCurrentIndex(dialog.plan_editor.frequency.findData("custom"))
    set_spin(qtbot, dialog.plan_editor.count, 2)
    harvest = date.today() + timedelta(days=200)
    dialog.plan_editor.schedule.setData(dialog.plan_editor.schedule.index(1, 1), harvest)
    dialog.picker.loans.set_checked(loans[1], False)
    settle(qtbot, dialog, idle)
    assert [ln.loan_no for ln in dialog.quote.loans] == [loans[0]]
    assert dialog.preview.installments[1].due == harvest
    with qtbot.waitSignal(dialog.saved, timeout=WAIT_MS):
        qtbot.keyClick(dialog.reductions.approval, Qt.Key.Key_Return)  # Enter saves
    idle()
    view = agreements.get(db, dialog.saved_id)
    assert view.frequency == "custom" and view.installments[1].due == harvest
    assert [ln.loan_no for ln in view.loans] == [loans[0]]


def test_escape_cancels_and_writes_nothing(qtbot, db, loans, idle):
    dialog = make_dialog(qtbot, db)
    find_household(qtbot, dialog, idle, loans[0])
    before = len(agreements.list_agreements(db, include_history=True))
    qtbot.keyClick(dialog.reductions.approval, Qt.Key.Key_Escape)
    assert dialog.result() == AgreementDialog.DialogCode.Rejected and not dialog.isVisible()
    assert len(agreements.list_agreements(db, include_history=True)) == before


def test_loans_in_another_agreement_cannot_be_ticked(qtbot, db, loans, idle):
    agreements.create(db, PlanRequest(loans[:1], date.today(), installments=1, frequency="lump",
                                      first_due=date.today() + timedelta(days=9)))
    hh = household_loans(db, search_households(db, loans[0])[0].id)
    dialog = make_dialog(qtbot, db, household_id=hh.id)
    idle()
    assert [ln.loan_no for ln in dialog.picker.loans.checked_loans()] == [loans[1]]
    busy_row = next(i for i, ln in enumerate(dialog.picker.loans.loans) if ln.loan_no == loans[0])
    assert not dialog.picker.loans.flags(dialog.picker.loans.index(busy_row, 0)) & Qt.ItemFlag.ItemIsUserCheckable
    assert "已在协议" in dialog.picker.loans.index(busy_row, 5).data()


def test_the_household_picker_finds_as_the_list_does_and_says_why(qtbot, db, idle):
    """Typing a name: the households it heads first (Enter takes the first), then those where it
    is a guarantor, spouse or heir, marked so; the same households as the list's first page."""
    from sqlalchemy import text

    from app.services import households
    from app.services.households import HouseholdFilter

    with db.engine.connect() as conn:
        name, hid, role = conn.execute(text(
            "SELECT p.name, p.household_id, p.role FROM persons p JOIN households h ON h.id = p.household_id "
            "WHERE p.role IN ('guarantor', 'spouse', 'heir') AND p.name <> h.head_name "
            "AND p.name IN (SELECT head_name FROM households) ORDER BY p.name LIMIT 1")).one()
    label = {"guarantor": "担保人", "spouse": "配偶", "heir": "继承人"}[role]
    dialog = make_dialog(qtbot, db)
    with qtbot.waitSignal(dialog.hits_ready, timeout=WAIT_MS):
        dialog.picker.search.setText(name)          # as an input method commits Chinese
    items = [dialog.picker.hits.item(i) for i in range(dialog.picker.hits.count())]
    listed = households.page(db, HouseholdFilter(text=name), limit=30).ids
    assert [it.data(Qt.ItemDataRole.UserRole) for it in items] == listed
    theirs = next(it for it in items if it.data(Qt.ItemDataRole.UserRole) == hid)
    assert theirs.text().startswith(f"（{label} {name}）", theirs.text().index("（"))
    assert f"{label} {name}" in theirs.toolTip()
    assert items[0].text().startswith(name + "    ")        # a household it heads, with nothing to explain
    with qtbot.waitSignal(dialog.loans_ready, timeout=WAIT_MS):
        qtbot.keyClick(dialog.picker.search, Qt.Key.Key_Return)
    idle()
    assert dialog.household.id == listed[0] and dialog.picker.who.text() == name


def test_open_new_agreement_for_a_household_and_loan(qtbot, db, loans, idle):
    hh = search_households(db, loans[0])[0]
    loan_id = next(ln.id for ln in household_loans(db, hh.id).loans if ln.loan_no == loans[1])
    seen = {}

    def fill_in() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, AgreementDialog):
            QTimer.singleShot(20, fill_in)
            return
        qtbot.waitUntil(lambda: dialog.household is not None, timeout=WAIT_MS)
        settle(qtbot, dialog, idle)
        seen["checked"] = [ln.loan_no for ln in dialog.picker.loans.checked_loans()]
        seen["who"] = dialog.picker.who.text()
        dialog.plan_editor.frequency.setCurrentIndex(dialog.plan_editor.frequency.findData("lump"))
        settle(qtbot, dialog, idle)
        dialog.save_button.click()

    QTimer.singleShot(0, fill_in)
    new_id = open_new_agreement(None, db, household_id=hh.id, loan_ids=[loan_id])
    idle()
    assert seen == {"checked": [loans[1]], "who": hh.name}
    view = agreements.get(db, new_id)
    assert [ln.loan_no for ln in view.loans] == [loans[1]] and len(view.installments) == 1


def test_revise_a_signed_agreement_from_the_page(window, qtbot, db, loans, idle):
    first = date.today() + timedelta(days=15)
    old = agreements.create(db, PlanRequest(loans, date.today(), installments=4, first_due=first))
    agreements.sign(db, old.id, date.today())
    page = window.page("agreements")
    with qtbot.waitSignal(page.loaded, timeout=WAIT_MS):
        window.show_page("agreements")
    idle()
    with qtbot.waitSignal(page.detail_loaded, timeout=WAIT_MS):
        page.select(old.id)
    idle()
    qtbot.mouseClick(page.detail.buttons["revise"], Qt.MouseButton.LeftButton)
    dialog = page.dialog
    assert isinstance(dialog, AgreementDialog)
    qtbot.waitUntil(lambda: dialog.household is not None, timeout=WAIT_MS)
    settle(qtbot, dialog, idle)
    assert "第2版" in dialog.windowTitle() and dialog.plan_editor.count.value() == 4 and not dialog.picker.change.isVisible()
    set_spin(qtbot, dialog.plan_editor.count, 2)
    settle(qtbot, dialog, idle)
    with qtbot.waitSignal(page.detail_loaded, timeout=WAIT_MS):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    idle()
    new = agreements.get(db, dialog.saved_id)
    assert new.version == 2 and new.number == old.number and len(new.installments) == 2
    assert agreements.get(db, old.id).status == "superseded"
    assert page.detail.view.id == new.id and page.detail.versions.rowCount() == 2


def test_dialog_models_pass_modeltester(qtmodeltester, db, loans):
    hh = household_loans(db, search_households(db, loans[0])[0].id)
    choices = LoanChoiceModel()
    choices.set_loans(hh.loans, {hh.loans[0].id})
    qtmodeltester.check(choices)
    owed = OwedModel()
    owed.set_rows(agreements.preview(db, PlanRequest(loans, date.today(), installments=2,
                                                     first_due=date.today())).quote.loans)
    qtmodeltester.check(owed)
    plan = PlanModel()
    plan.set_plan([date.today(), None], ["", "5"], [100, None], dates_editable=True, amounts_editable=True)
    qtmodeltester.check(plan)


def test_save_and_print_previews_the_agreement_and_prints_it(qtbot, db, loans, idle, tmp_path):
    from PySide6.QtWidgets import QWidget

    from tests.gui.helpers_printing import pdf_pages, print_to_file, wait_preview

    owner = QWidget()
    qtbot.addWidget(owner)
    dialog = AgreementDialog(owner, db)
    dialog.show()
    qtbot.waitUntil(lambda: not dialog.loading, timeout=WAIT_MS)
    find_household(qtbot, dialog, idle, loans[0])
    with qtbot.waitSignal(dialog.saved, timeout=WAIT_MS):
        qtbot.mouseClick(dialog.print_button, Qt.MouseButton.LeftButton)
    preview = wait_preview(qtbot, owner)
    idle()
    assert "还款协议书" in preview.windowTitle() and len(preview.images) >= 2
    assert agreements.get(db, dialog.saved_id).status == "draft"     # not printed yet
    out = tmp_path / "printed.pdf"
    print_to_file(qtbot, preview, out)
    assert pdf_pages(out) == len(preview.images)                     # every page reached the printer
    qtbot.waitUntil(lambda: agreements.get(db, dialog.saved_id).status == "printed", timeout=WAIT_MS)


def test_a_loan_without_a_contract_rate_is_pointed_out_before_saving(qtbot, db, loans, idle):
    from tests.integration.agreements.agreement_helpers import execute

    execute(db, "UPDATE loans SET rate_ppm = NULL WHERE loan_no = :n", n=loans[0])
    dialog = make_dialog(qtbot, db)
    find_household(qtbot, dialog, idle, loans[0])
    assert dialog.owed_box.rate_warning.isVisible()
    assert loans[0] in dialog.owed_box.rate_warning.text() and "默认年利率 8.64%" in dialog.owed_box.rate_warning.text()
    assert loans[1] not in dialog.owed_box.rate_warning.text()
    dialog.reject()
