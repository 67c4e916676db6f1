"""The import wizard used the way a district clerk uses it, on ledgers unlike the sample:
a sheet that does not say its township next to one with a 乡镇 column, typing the township
and pressing Enter, a later ledger that lists a loan under another township, long
explanations, a file that is no Excel workbook."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWizard

from app.domain.idcard import check_digit
from app.ui.ledger.models import WarningModel
from tests.gui.test_import_wizard import HEADER, WAIT_MS, _import, _to_preview, _wait_preview, _xlsx, open_wizard  # noqa: F401

WITH_TOWNSHIP = ["序号", "乡镇", "村", "借款人", "身份证号", "借据号", "贷款余额(元)"]


def _district(tmp_path):
    """One sheet with a 乡镇 column, one (补充) that says nothing of its township."""
    return _xlsx(tmp_path / "全区台账.xlsx", {
        "全区": [WITH_TOWNSHIP, [1, "河湾镇", "上庄村", "刘建国", "", "0730500001", 35000],
                 [2, "青石乡", "石沟村", "陈玉兰", "", "0730500004", 50000]],
        "补充": [HEADER, [1, "东湾村", "马小军", "", "0730600001", 12000]]})


def test_the_township_question_names_the_sheets_that_need_it(qtbot, open_wizard, new_db, tmp_path):
    wizard = open_wizard(new_db, _district(tmp_path))
    _to_preview(qtbot, wizard)
    page = wizard.preview_page
    assert page.township_row.isVisible()
    question = page.township_question.text()
    assert "补充" in question and "全区" not in question   # 全区 says its township in each row
    assert "这份台账" not in question


def test_enter_right_after_typing_the_township_imports_into_that_township(qtbot, open_wizard, new_db, tmp_path):
    path = _xlsx(tmp_path / "无乡镇.xlsx", {"Sheet1": [HEADER, [1, "李家村", "王五", "", "620100100001", 5000]]})
    wizard = open_wizard(new_db, path)
    _to_preview(qtbot, wizard)
    page = wizard.preview_page
    edit = page.township.lineEdit()
    edit.setFocus()
    edit.insert("柳林镇")   # typed (through the input method)
    qtbot.waitUntil(page.isComplete, timeout=WAIT_MS)
    edit.selectAll()
    edit.insert("马营镇")   # second thoughts, then Enter at once
    assert not page.isComplete()   # what is on screen is not what was read yet
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.isComplete() and wizard.township == "马营镇", timeout=WAIT_MS)
    assert wizard.currentId() == wizard.PREVIEW   # Enter applied the name; it did not import yet
    assert "马营镇（指定）" in page.panel("Sheet1").info.text()
    _import(qtbot, wizard)
    assert wizard.result.townships == ["马营镇"]


def test_a_failed_preview_shows_only_what_went_wrong(qtbot, open_wizard, new_db, tmp_path, shown_dialogs):
    path = tmp_path / "台账.xlsx"
    path.write_text("序号,借款人,借据号,贷款余额\n1,张三,1,100\n", encoding="gbk")
    wizard = open_wizard(new_db, path)
    _to_preview(qtbot, wizard)
    page = wizard.preview_page
    assert "无法预览" in page.summary.text() and "CSV" in page.summary.text()
    assert not page.rejected_view.isVisible()   # no stray table over the message
    assert not page.isComplete()


def _id(n: int) -> str:
    body = f"62010219800101{n:03d}"
    return body + check_digit(body)


def _listed_elsewhere(qtbot, open_wizard, new_db, tmp_path):
    """A loan of 柳林镇 that the next ledger lists under 马营镇 (not imported, said)."""
    first = _xlsx(tmp_path / "10月.xlsx", {"柳林镇": [HEADER, [1, "李家村", "王五", _id(1), "620100100001", 5000],
                                                   [2, "李家村", "赵六", _id(2), "620100100002", 7000]]})
    wizard = open_wizard(new_db, first)
    _to_preview(qtbot, wizard)
    _import(qtbot, wizard)
    wizard.done(0)
    later = _xlsx(tmp_path / "11月.xlsx", {"马营镇": [HEADER, [1, "李家村", "王五", _id(1), "620100100001", 4000]],
                                          "柳林镇": [HEADER, [1, "李家村", "赵六", _id(2), "620100100002", 7000]]})
    wizard = open_wizard(new_db, later)
    _to_preview(qtbot, wizard)
    _import(qtbot, wizard)
    return wizard


def test_rows_to_check_that_were_not_imported_are_not_called_imported(qtbot, open_wizard, new_db, tmp_path):
    wizard = _listed_elsewhere(qtbot, open_wizard, new_db, tmp_path)
    page = wizard.result_page
    assert [w.code for w in wizard.result.warnings] == ["other_township"]
    tab = page.tabs.tabText(1)
    assert "已导入" not in tab and "1 行未导入" in tab
    model = page.views["warnings"].model()
    assert model.index(0, 3).data() == "台账把贷款列在另一个乡镇"


def test_a_long_explanation_can_be_read_whole(qtbot, open_wizard, new_db, tmp_path):
    wizard = _listed_elsewhere(qtbot, open_wizard, new_db, tmp_path)
    page = wizard.result_page
    page.tabs.setCurrentIndex(1)
    view = page.views["warnings"]
    message = wizard.result.warnings[0].message
    last = len(WarningModel.columns) - 1
    assert view.model().index(0, last).data(Qt.ItemDataRole.ToolTipRole) == message
    view.setCurrentIndex(view.model().index(0, 0))   # the row chosen (arrow keys or a click)
    assert message in page.detail.text() and page.detail.isVisible()
    assert wizard.button(QWizard.WizardButton.FinishButton).isVisible()


def test_tab_walks_the_column_drop_downs_and_reaches_the_buttons(qtbot, open_wizard, new_db, tmp_path):
    from PySide6.QtWidgets import QApplication

    wizard = open_wizard(new_db, _district(tmp_path))
    _to_preview(qtbot, wizard)
    page = wizard.preview_page
    panel = page.panel("全区")
    panel.table.setFocus()
    seen = []
    for _ in range(panel.model.rowCount() + 4):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        seen.append(QApplication.focusWidget())
    combos = [panel.combo(r) for r in range(panel.model.rowCount())]
    assert seen[:len(combos)] == combos   # each column's 导入为, in order
    assert any(w in seen for w in (wizard.button(QWizard.WizardButton.BackButton),
                                   wizard.button(QWizard.WizardButton.CommitButton),
                                   wizard.button(QWizard.WizardButton.CancelButton)))
