"""The bank-ledger import wizard: file → preview (mapping, township) → import (progress,
cancel) → result (counts, rejected rows, warnings, the error report)."""
from __future__ import annotations

import threading
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QWizard
from sqlalchemy import func, select

from app.db.models import LedgerImport, Loan, Unit
from app.services.ledger_import import import_ledger
from app.ui.ledger import import_page
from app.ui.ledger.models import MappingModel
from app.ui.ledger.wizard import LedgerWizard
from tests.workbooks import write_workbook

WAIT_MS = 30_000
SAMPLE = Path(__file__).resolve().parents[1] / "data" / "ledger-sample" / "ledger.xlsx"
HEADER = ["序号", "村(社区)", "借款人姓名", "身份证号码", "借据号", "贷款余额(元)"]
ODD_HEADER = ["序号", "客户号", "姓名", "证件号码", "当前欠款", "杂项"]   # 客户号 holds the loan number


_xlsx = write_workbook


def _odd(path: Path, n: int) -> Path:
    return _xlsx(path, {"柳林镇": [ODD_HEADER] + [[k, f"62019{k:07d}", f"张{k}", "", 1000 + k, "x"]
                                                 for k in range(1, n + 1)]})


def _count(db, model) -> int:
    with db.uow() as uow:
        return uow.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def open_wizard(qtbot, idle):
    made = []

    def make(db, path) -> LedgerWizard:
        wizard = LedgerWizard(None, db, path)
        qtbot.addWidget(wizard)
        wizard.show()
        qtbot.waitExposed(wizard)
        made.append(wizard)
        return wizard

    yield make
    idle()


def _to_preview(qtbot, wizard) -> None:
    page = wizard.preview_page
    with qtbot.waitSignal(page.loaded, timeout=WAIT_MS):
        wizard.next()
    assert wizard.currentId() == wizard.PREVIEW


def _wait_preview(qtbot, page) -> None:
    """Wait for the reading a change started."""
    qtbot.waitUntil(lambda: not page.loading and page.result is not None, timeout=WAIT_MS)


def _import(qtbot, wizard) -> None:
    wizard.next()   # 开始导入
    qtbot.waitUntil(lambda: wizard.currentId() == wizard.RESULT, timeout=WAIT_MS)


def test_the_sample_walks_through_preview_import_and_result(qtbot, open_wizard, new_db, tmp_path, monkeypatch,
                                                            qtmodeltester, idle):
    import app.services.ledger_import.importer as service
    import app.services.ledger_import.previews as previews

    reads = []
    real_parse = service.parse_ledger
    for reader in (service, previews):   # the import's reading, and the preview's
        monkeypatch.setattr(reader, "parse_ledger", lambda *a, **k: reads.append(a) or real_parse(*a, **k))
    wizard = open_wizard(new_db, SAMPLE)
    assert wizard.file_page.isComplete()
    _to_preview(qtbot, wizard)
    page = wizard.preview_page
    assert page.sheet_names() == ["柳林镇", "马营镇", "石门乡", "东关街道"]
    assert page.skipped.isVisible() and "填表说明" in page.skipped.text()
    assert page.isComplete() and not page.township_row.isVisible()
    assert wizard.button(QWizard.WizardButton.CommitButton).text() == "开始导入"
    assert "223" in page.summary.text() and "21" in page.summary.text()
    panel = page.panel("马营镇")
    assert "第 3 行" in panel.info.text() and "马营镇（工作表名）" in panel.info.text()
    qtmodeltester.check(panel.model)
    row = panel.model.row_of_header("证件号码")
    assert panel.combo(row).currentText() == "身份证号"
    assert panel.model.index(row, 0).data() == "E"
    assert page.rejected.rowCount() == 21

    _import(qtbot, wizard)
    result = wizard.result_page
    assert wizard.result.loans_imported == 223
    assert result.cards["imported"].value.text() == "223"
    assert result.rejected.rowCount() == 21 and result.tabs.tabText(0) == "未导入的行（21）"
    assert result.warnings.rowCount() == len(wizard.result.warnings) > 0
    first = result.views["rejected"].model()
    assert (first.index(0, 0).data(), first.index(0, 1).data(), first.index(0, 3).data()) == ("柳林镇", "6", "缺少借据号")
    for model in (result.rejected, result.warnings, result.missing):
        qtmodeltester.check(model)
    assert _count(new_db, Loan) == 223
    assert len(reads) == 1   # the import used the preview's reading of the file

    out = tmp_path / "退回银行.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    with qtbot.waitSignal(result.report_saved, timeout=WAIT_MS):
        qtbot.mouseClick(result.save_button, Qt.MouseButton.LeftButton)
    sheet = load_workbook(out)["未导入-柳林镇"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("原表行号", "未导入原因", "说明")
    assert rows[1][:2] == (6, "缺少借据号")
    assert str(out) in result.saved_label.text()

    wizard.button(QWizard.WizardButton.FinishButton).click()
    assert not wizard.isVisible() and wizard.result.loans_imported == 223


def test_a_ledger_that_does_not_say_its_township_asks_for_it(qtbot, open_wizard, new_db, tmp_path):
    from app.services.foundation import setup

    with new_db.uow() as uow:
        setup.township(uow, "石门乡")
        uow.commit()
    path = _xlsx(tmp_path / "无乡镇.xlsx", {"Sheet1": [HEADER, [1, "李家村", "王五", "", "620100100001", 5000],
                                                    [2, "李家村", "赵六", "", "620100100002", 7000]]})
    wizard = open_wizard(new_db, path)
    _to_preview(qtbot, wizard)
    page = wizard.preview_page
    assert page.township_row.isVisible() and not page.isComplete()
    assert "乡镇" in page.notes.text()
    combo = page.township
    assert [combo.itemText(i) for i in range(combo.count())] == ["石门乡"]
    combo.setEditText("柳林镇")
    qtbot.waitUntil(lambda: page.isComplete(), timeout=WAIT_MS)
    assert "柳林镇（指定）" in page.panel("Sheet1").info.text()
    _import(qtbot, wizard)
    assert wizard.result.loans_imported == 2 and wizard.result.townships == ["柳林镇"]
    with new_db.uow() as uow:
        names = uow.session.scalars(select(Unit.name).join(Loan, Loan.township_id == Unit.id)).all()
    assert set(names) == {"柳林镇"}


def test_a_column_fixed_by_hand_changes_the_preview_and_is_remembered(qtbot, open_wizard, new_db, tmp_path,
                                                                       qtmodeltester):
    wizard = open_wizard(new_db, _odd(tmp_path / "bank-a.xlsx", 3))
    _to_preview(qtbot, wizard)
    page = wizard.preview_page
    panel = page.panel("柳林镇")
    row = panel.model.row_of_header("客户号")
    assert panel.model.index(row, MappingModel.HOW_COLUMN).data() == "未识别" and not page.isComplete()
    assert panel.model.index(row, 0).data(Qt.ItemDataRole.BackgroundRole) is not None   # shown in yellow
    assert "借据号" in page.notes.text()

    combo = panel.combo(row)
    combo.setCurrentIndex(combo.findText("借据号"))
    _wait_preview(qtbot, page)
    qtbot.waitUntil(page.isComplete, timeout=WAIT_MS)
    panel = page.panel("柳林镇")
    qtmodeltester.check(panel.model)
    assert panel.model.index(row, MappingModel.HOW_COLUMN).data() == "已手动指定"
    assert page.result.loans == 3 and "3" in page.tabs.tabText(0)
    assert wizard.overrides == {"客户号": "loan_no"}
    _import(qtbot, wizard)
    assert wizard.result.loans_imported == 3
    wizard.done(0)

    again = open_wizard(new_db, _odd(tmp_path / "bank-b.xlsx", 4))   # next month, same layout
    _to_preview(qtbot, again)
    panel = again.preview_page.panel("柳林镇")
    assert again.preview_page.isComplete()
    assert panel.model.index(row, MappingModel.HOW_COLUMN).data() == "按上次的选择"
    assert panel.combo(row).currentText() == "借据号"


def test_choosing_not_to_import_a_column_is_a_choice_too(qtbot, open_wizard, new_db):
    wizard = open_wizard(new_db, SAMPLE)
    _to_preview(qtbot, wizard)
    page = wizard.preview_page
    panel = page.panel("柳林镇")
    row = panel.model.row_of_header("联系电话")
    panel.combo(row).setCurrentIndex(panel.combo(row).findText("（不导入）"))
    _wait_preview(qtbot, page)
    assert wizard.overrides == {"联系电话": None}
    assert page.panel("柳林镇").model.index(row, MappingModel.FIELD_COLUMN).data() == "（不导入）"

    wizard.back()   # the same file again keeps the choice; another file starts afresh
    with qtbot.waitSignal(page.loaded, timeout=WAIT_MS):
        wizard.next()
    assert wizard.overrides == {"联系电话": None}
    wizard.back()
    wizard.file_page.set_path(SAMPLE.with_name("update.xlsx"))
    with qtbot.waitSignal(page.loaded, timeout=WAIT_MS):
        wizard.next()
    assert wizard.overrides == {} and page.panel("柳林镇").combo(row).currentText() == "联系电话"


def _hold_at(monkeypatch, percent: int) -> threading.Event:
    """The import pauses once its progress reaches ``percent`` until 取消 is pressed."""
    reached = threading.Event()
    real = import_page.import_ledger

    def hooked(db, path, *, progress, cancel, **kw):
        def hook(pct: int, total: int, msg: str) -> None:
            progress(pct, total, msg)
            if pct >= percent and not reached.is_set():
                reached.set()
                cancel.wait(WAIT_MS / 1000)

        return real(db, path, progress=hook, cancel=cancel, **kw)

    monkeypatch.setattr(import_page, "import_ledger", hooked)
    return reached


def test_cancel_during_the_import_leaves_the_database_unchanged(qtbot, open_wizard, new_db, monkeypatch):
    reached = _hold_at(monkeypatch, 50)
    wizard = open_wizard(new_db, SAMPLE)
    _to_preview(qtbot, wizard)
    wizard.next()
    page = wizard.import_page
    qtbot.waitUntil(reached.is_set, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: page.bar.value() >= 50, timeout=WAIT_MS)   # progress reaches the page
    assert page.running and page.message.text().endswith("……")
    qtbot.mouseClick(page.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.state == "cancelled", timeout=WAIT_MS)
    assert "没有任何改动" in page.outcome.text() and page.retry_button.isVisible()
    assert wizard.currentId() == wizard.IMPORT and wizard.result is None
    assert _count(new_db, Loan) == 0 and _count(new_db, LedgerImport) == 0

    monkeypatch.setattr(import_page, "import_ledger", import_ledger)   # no pause this time
    qtbot.mouseClick(page.retry_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: wizard.currentId() == wizard.RESULT, timeout=WAIT_MS)
    assert _count(new_db, Loan) == 223


def test_closing_the_wizard_during_the_import_cancels_it_first(qtbot, open_wizard, new_db, monkeypatch):
    reached = _hold_at(monkeypatch, 60)
    wizard = open_wizard(new_db, SAMPLE)
    _to_preview(qtbot, wizard)
    wizard.next()
    qtbot.waitUntil(reached.is_set, timeout=WAIT_MS)
    wizard.button(QWizard.WizardButton.CancelButton).click()
    assert wizard.isVisible()   # not before the import has stopped
    qtbot.waitUntil(lambda: not wizard.isVisible(), timeout=WAIT_MS)
    assert wizard.result is None and _count(new_db, Loan) == 0


def test_a_file_that_is_no_ledger_is_refused_on_the_preview(qtbot, open_wizard, new_db, tmp_path, shown_dialogs):
    path = _xlsx(tmp_path / "通讯录.xlsx", {"Sheet1": [["姓名", "电话"], ["张三", "139"]]})
    wizard = open_wizard(new_db, path)
    _to_preview(qtbot, wizard)
    page = wizard.preview_page
    assert "无法预览" in page.summary.text() and "没有找到贷款台账表格" in page.summary.text()
    assert not page.isComplete() and shown_dialogs == []


def test_the_menu_and_the_dashboard_open_the_wizard_and_the_pages_reload(window, qtbot, monkeypatch):
    from app.ui import ledger

    calls = []

    class Done:
        file, loans_imported, loans_updated, already_imported = "x.xlsx", 5, 0, False

    monkeypatch.setattr(ledger, "open_ledger_wizard", lambda parent, db: calls.append(db) or Done())
    assert window.import_action.shortcut().toString() == "Ctrl+I"
    assert window.import_action.isEnabled()
    dashboard = window.page("dashboard")
    with qtbot.waitSignal(dashboard.loaded, timeout=WAIT_MS):   # the visible page reloads
        window.import_action.trigger()
    with qtbot.waitSignal(dashboard.loaded, timeout=WAIT_MS):
        qtbot.mouseClick(dashboard.import_button, Qt.MouseButton.LeftButton)
    assert calls == [window.db, window.db]
    assert "已导入 x.xlsx" in window.statusBar().currentMessage()
