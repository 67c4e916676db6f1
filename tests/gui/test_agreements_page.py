"""The 还款协议 page on the demo database: the list and its filters, one agreement in detail,
payments, signing, cancelling and the printed forms."""
from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QPushButton

from app.bootstrap import open_database
from app.services import agreements
from app.services.agreements.agreements import PlanRequest
from app.ui.dialogs.agreement_actions import CancelDialog, PaymentDialog, PaymentDoneDialog, SignDialog
from app.ui.models.agreements import AgreementListModel
from tests.conftest import OPERATOR
from tests.gui.helpers_printing import pdf_pages, print_to_file, wait_preview
from tests.integration.agreements.agreement_helpers import free_households

WAIT_MS = 30_000


@pytest.fixture
def db(demo_path):
    database = open_database(demo_path)
    yield database
    database.dispose()


@pytest.fixture
def page(window, qtbot, idle):
    page = window.page("agreements")
    with qtbot.waitSignal(page.loaded, timeout=WAIT_MS):
        window.show_page("agreements")
    idle()
    return page


def shown_ids(page) -> list[str]:
    return [item.id for item in page.shown_items()]


def choose(page, qtbot, idle, agreement_id: str) -> None:
    with qtbot.waitSignal(page.detail_loaded, timeout=WAIT_MS):
        assert page.select(agreement_id)
    idle()
    assert page.detail.view.id == agreement_id


def click(qtbot, button) -> None:
    assert button.isEnabled(), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def pdf_text(path: Path) -> str:
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True).stdout
    return re.sub(r"\s+", "", out.decode("utf-8"))


def test_the_list_shows_the_demo_agreements(page, db, qtmodeltester):
    listed = agreements.list_agreements(db)
    assert listed and {r.id for r in listed} == set(shown_ids(page))
    qtmodeltester.check(page.model)
    qtmodeltester.check(page.proxy)
    first = page.proxy.index(0, 0).data()
    assert first and page.detail.view is not None  # the first one is shown below the list
    col = AgreementListModel.columns
    assert [c.title for c in col][:4] == ["协议编号", "借款户", "乡镇 / 村", "状态"]
    assert page.count.text().startswith(f"{len(listed)} /")


def test_filter_broken_shows_what_broken_agreements_gives(page, db):
    page.set_filter("broken")
    broken = agreements.broken_agreements(db, date.today())
    assert broken and set(shown_ids(page)) == {d.agreement_id for d in broken}
    states = {page.proxy.index(r, AgreementListModel.STATE_COLUMN).data() for r in range(page.proxy.rowCount())}
    assert states == {"已违约"}
    overdue = {page.proxy.index(r, AgreementListModel.OVERDUE_COLUMN).data() for r in range(page.proxy.rowCount())}
    assert {f"{d.days_overdue:,}" for d in broken} == overdue


def test_due_soon_filter_follows_the_number_of_days(page, db):
    page.set_filter("due")
    assert page.days.isVisible()
    for days in (7, 60):
        page.days.setValue(days)
        due = agreements.agreements_due(db, date.today(), within_days=days)
        assert set(shown_ids(page)) == {d.agreement_id for d in due}


def test_search_finds_by_name_and_number(page, qtbot):
    target = page.items[-1]
    qtbot.keyClicks(page.search, target.number)  # QTest types ASCII only; names go in with insert()
    qtbot.waitUntil(lambda: shown_ids(page) == [target.id], timeout=WAIT_MS)
    page.search.clear()
    page.search.insert(target.household)
    qtbot.waitUntil(lambda: target.id in shown_ids(page) and len(shown_ids(page)) < len(page.items), timeout=WAIT_MS)
    assert all(item.matches(target.household) for item in page.shown_items())
    page.search.clear()
    page.search.insert("没有这样的户")
    qtbot.waitUntil(lambda: not shown_ids(page), timeout=WAIT_MS)
    assert page.detail.stack.currentIndex() == 0  # "没有符合条件的协议"


def test_detail_shows_the_schedule_loans_and_reduction(page, db, qtbot, idle):
    broken = agreements.broken_agreements(db, date.today())[0]
    choose(page, qtbot, idle, broken.agreement_id)
    view = agreements.get(db, broken.agreement_id)
    detail = page.detail
    assert detail.schedule.rowCount() == len(view.installments)
    late = [detail.schedule.record(r) for r in range(detail.schedule.rowCount()) if detail.schedule.record(r).late]
    assert late and late[0].state.startswith("逾期")
    assert detail.loans.rowCount() == len(view.loans)
    due, lapsed = (view.owed_fen, "（减免失效）") if view.reduction_lapsed else (view.total_fen, "")
    assert detail.figures["total"].text() == f"{due // 100:,}.{due % 100:02d} 元{lapsed}"  # a lapsed reduction is owed
    assert "已违约" in detail.standing.text()
    assert (view.approval_ref or "—") in detail.conditions.text()
    assert not detail.buttons["sign"].isEnabled() and detail.buttons["pay"].isEnabled()


def test_record_a_payment_and_print_its_receipt(page, db, qtbot, idle, shown_dialogs, monkeypatch, tmp_path):
    from app.ui import errors

    signed = next(i for i in page.items if i.state == "signed")
    choose(page, qtbot, idle, signed.id)
    before = agreements.get(db, signed.id)
    click(qtbot, page.detail.buttons["pay"])
    dialog = page.dialog
    assert isinstance(dialog, PaymentDialog)
    qtbot.keyClicks(dialog.amount, "abc")
    assert dialog.amount_note.isVisible() and not dialog.ok.isEnabled()
    dialog.amount.clear()
    qtbot.keyClicks(dialog.amount, "1,500")
    assert dialog.ok.isEnabled() and "壹仟伍佰元整" in dialog.capital.text()
    qtbot.keyClick(dialog.amount, Qt.Key.Key_Return)     # asks first; the question's default: 返回修改
    assert shown_dialogs[-1].text() == "确认登记还款 壹仟伍佰元整（1,500.00 元）？" and dialog.isVisible()
    assert agreements.get(db, signed.id).paid_fen == before.paid_fen
    shown_dialogs.clear()
    monkeypatch.setattr(errors, "DIALOG_HOOK", lambda box: shown_dialogs.append(box) or (
        box.findChild(QPushButton, "confirmYes").click() if box.findChild(QPushButton, "confirmYes") else None))
    with qtbot.waitSignal(page.detail_loaded, timeout=WAIT_MS):
        click(qtbot, dialog.ok)
    idle()
    after = agreements.get(db, signed.id)
    assert after.paid_fen == before.paid_fen + 150_000
    assert page.detail.figures["paid"].text().startswith(f"{after.paid_fen // 100:,}.00 元")
    first = page.detail.schedule.record(0)
    assert first.paid_fen == min(150_000, first.amount_fen)
    row = next(i for i in page.items if i.id == signed.id)
    assert row.paid_fen == after.paid_fen
    done = [d for d in shown_dialogs if isinstance(d, PaymentDoneDialog)]
    assert done and "1,500.00" in done[0].findChild(type(page.count)).text()
    click(qtbot, done[0].print_button)
    preview = wait_preview(qtbot, page)
    assert "还款凭证" in preview.windowTitle() and len(preview.images) == 1
    out = tmp_path / "打印机" / "收据.pdf"
    out.parent.mkdir()
    print_to_file(qtbot, preview, out)
    assert pdf_pages(out) == 1


def test_more_than_is_owed_cannot_be_entered(page, qtbot, idle):
    signed = next(i for i in page.items if i.state == "signed")
    choose(page, qtbot, idle, signed.id)
    click(qtbot, page.detail.buttons["pay"])
    dialog = page.dialog
    qtbot.keyClicks(dialog.amount, str(signed.total_fen // 100 + 1))
    assert not dialog.ok.isEnabled() and "超过尚欠" in dialog.amount_note.text()
    dialog.reject()


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext not installed")
def test_print_the_agreement_and_save_it_where_the_user_says(page, db, qtbot, idle, shown_dialogs, tmp_path,
                                                               monkeypatch):
    loans = free_households(db)[0]
    view = agreements.create(db, PlanRequest(loans, date.today(), installments=2,
                                             first_due=date.today() + timedelta(days=20)))
    page.refresh()
    qtbot.waitUntil(lambda: any(i.id == view.id for i in page.items), timeout=WAIT_MS)
    choose(page, qtbot, idle, view.id)
    click(qtbot, page.detail.buttons["print_agreement"])
    preview = wait_preview(qtbot, page)
    idle()
    assert agreements.get(db, view.id).status == "draft"    # a preview alone prints nothing
    target = tmp_path / "给借款人" / "协议书"
    target.parent.mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), "")))
    preview.save_action.trigger()
    qtbot.waitUntil(lambda: "已另存为" in preview.windowTitle(), timeout=WAIT_MS)
    saved = target.with_suffix(".pdf")
    assert saved.is_file()
    text = pdf_text(saved)
    assert view.household in text and "还款协议书" in text
    qtbot.waitUntil(lambda: agreements.get(db, view.id).status == "printed", timeout=WAIT_MS)  # saved: printed
    preview.reject()
    qtbot.waitUntil(lambda: page.detail.view is not None and page.detail.view.status == "printed", timeout=WAIT_MS)
    assert page.detail.buttons["revise"].text() == "修改（生成新版本）"


def test_sign_then_cancel(page, db, qtbot, idle):
    loans = free_households(db)[0]
    view = agreements.create(db, PlanRequest(loans, date.today(), installments=1, frequency="lump",
                                             first_due=date.today() + timedelta(days=30)))
    page.refresh()
    qtbot.waitUntil(lambda: any(i.id == view.id for i in page.items), timeout=WAIT_MS)
    choose(page, qtbot, idle, view.id)
    click(qtbot, page.detail.buttons["sign"])
    assert isinstance(page.dialog, SignDialog)
    with qtbot.waitSignal(page.detail_loaded, timeout=WAIT_MS):
        click(qtbot, page.dialog.ok)
    idle()
    got = agreements.get(db, view.id)
    assert got.status == "signed" and got.signed_on == date.today()
    assert page.detail.chip.text() == "已签订" and page.detail.buttons["pay"].isEnabled()
    click(qtbot, page.detail.buttons["cancel"])
    assert isinstance(page.dialog, CancelDialog)
    page.dialog.reason.insert("借款人要求重新协商")
    with qtbot.waitSignal(page.detail_loaded, timeout=WAIT_MS):
        click(qtbot, page.dialog.ok)
    idle()
    got = agreements.get(db, view.id)
    assert got.status == "cancelled" and "重新协商" in got.note
    assert not page.detail.buttons["pay"].isEnabled() and "已作废" in page.detail.standing.text()
    with db.engine.connect() as conn:                     # the window's changes are the operator's
        actors = {a for (a,) in conn.exec_driver_sql(
            "SELECT actor FROM audit_log WHERE entity_id = ? AND action IN ('sign', 'cancel')", (view.id,))}
    assert actors == {OPERATOR}


def test_a_fulfilled_agreement_without_receipts_says_why_no_receipt_prints(page, db, qtbot, idle):
    fulfilled = next(i for i in page.items if i.state == "fulfilled")
    choose(page, qtbot, idle, fulfilled.id)
    button = page.detail.buttons["print_receipt"]
    assert not button.isEnabled() and "没有凭证号" in button.toolTip()    # the demo's payments have none
    assert "没有凭证号" in page.detail.standing.text()


def test_an_unapproved_reduction_is_a_draft_that_cannot_be_signed(page, db, qtbot, idle):
    loans = free_households(db)[0]
    view = agreements.create(db, PlanRequest(loans, date.today(), installments=2, waive_all_penalty=True,
                                             first_due=date.today() + timedelta(days=20)))
    page.refresh()
    qtbot.waitUntil(lambda: any(i.id == view.id for i in page.items), timeout=WAIT_MS)
    choose(page, qtbot, idle, view.id)
    assert not page.detail.buttons["sign"].isEnabled() and "审批文号" in page.detail.buttons["sign"].toolTip()
    assert "草稿" in page.detail.standing.text() and "审批文号" in page.detail.standing.text()


def test_a_lapsed_reduction_is_shown_owed_again_and_gets_no_sheet(page, db, qtbot, idle):
    lapsed = next(i for i in page.items if i.reduction_void and agreements.get(db, i.id).waived_fen)
    choose(page, qtbot, idle, lapsed.id)
    view = page.detail.view
    figures = page.detail.figures
    assert figures["waived"].text().startswith("已失效") and "减免失效" in figures["total"].text()
    assert figures["total"].text().startswith(f"{view.owed_fen // 100:,}")     # the unreduced debt
    assert not page.detail.buttons["print_sheet"].isEnabled()
    assert "减免" in page.detail.standing.text() and "已失效" in page.detail.standing.text()


def test_a_default_rate_is_pointed_out_in_the_detail(page, db, qtbot, idle):
    from tests.integration.agreements.agreement_helpers import execute

    loans = free_households(db)[0][:1]
    execute(db, "UPDATE loans SET rate_ppm = NULL WHERE loan_no = :n", n=loans[0])
    view = agreements.create(db, PlanRequest(loans, date.today(), installments=1, frequency="lump",
                                             first_due=date.today() + timedelta(days=20)))
    page.refresh()
    qtbot.waitUntil(lambda: any(i.id == view.id for i in page.items), timeout=WAIT_MS)
    choose(page, qtbot, idle, view.id)
    warning = page.detail.warning
    assert warning.isVisible() and loans[0] in warning.text() and "按默认利率测算" in warning.text()
    assert "默认年利率 8.64%" in warning.toolTip()
