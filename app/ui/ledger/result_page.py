"""Step 4: what the import did: the counts, the rows not imported, the rows to check, the
loans this ledger no longer lists, and the error report for the bank."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWizardPage,
)

from app.domain.money import format_yuan
from app.services.ledger_import import write_error_report
from app.ui import errors
from app.ui.ledger.models import MissingModel, RejectedModel, WarningModel, record_view
from app.ui.tasks import run_in_background
from app.ui.widgets.common import FigureCard

REPORT_FILTER = "Excel 文件 (*.xlsx)"


class ResultPage(QWizardPage):
    report_saved = Signal(object)   # the path written

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("resultPage")
        self.setTitle("导入结果")
        self.setSubTitle("第 4 步，共 4 步。未导入的行可以保存成错误报告，退回银行核实。")
        self.result = None
        self.cards = {key: FigureCard(key, caption) for key, caption in (
            ("imported", "新增贷款（笔）"), ("updated", "更新（笔）"), ("unchanged", "未变（笔）"),
            ("households", "借款户（户）"), ("balance", "台账余额合计（元）"),
            ("recovered", "银行报告收回（元）"), ("missing", "台账中缺少（笔）"))}
        self.cards["imported"].setProperty("accent", True)
        grid = QGridLayout()
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(8)
        for i, card in enumerate(self.cards.values()):
            grid.addWidget(card, 0, i)
            grid.setColumnStretch(i, 1)
        self.notes = QLabel("")
        self.notes.setObjectName("resultNotes")
        self.notes.setWordWrap(True)
        self.notes.setTextFormat(Qt.TextFormat.RichText)

        self.rejected = RejectedModel(self)
        self.warnings = WarningModel(self)
        self.missing = MissingModel(self)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("resultTabs")
        self.tabs.setDocumentMode(True)
        self.views = {}
        for key, model in (("rejected", self.rejected), ("warnings", self.warnings), ("missing", self.missing)):
            view = record_view(model, self, f"{key}Table")
            self.views[key] = view
            self.tabs.addTab(view, "")
        self.detail = QLabel("")
        self.detail.setObjectName("resultDetail")
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail.hide()
        for view in self.views.values():
            view.selectionModel().currentRowChanged.connect(lambda _i, _p: self._show_detail())
        self.tabs.currentChanged.connect(lambda _i: self._show_detail())
        self.save_button = QPushButton("保存错误报告…")
        self.save_button.setObjectName("saveReport")
        self.save_button.setToolTip("把未导入的行（原样，附原因）和需核对的行存成 Excel 文件，可退回银行核实")
        self.save_button.clicked.connect(self.save_report)
        self.saved_label = QLabel("")
        self.saved_label.setObjectName("muted")
        buttons = QHBoxLayout()
        buttons.addWidget(self.saved_label, 1)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.setSpacing(8)
        layout.addLayout(grid)
        layout.addWidget(self.notes)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.detail)
        layout.addLayout(buttons)

    def initializePage(self) -> None:
        self.show_result(self.wizard().result)

    def show_result(self, r) -> None:
        self.result = r
        c = self.cards
        c["imported"].set(f"{r.loans_imported:,}", f"新增借款户 {r.households_new:,} 户")
        c["updated"].set(f"{r.loans_updated:,}", f"结清 {r.loans_settled:,} 笔" if r.loans_settled else "余额或信息有变")
        c["unchanged"].set(f"{r.loans_unchanged:,}", "与本系统一致")
        c["households"].set(f"{r.households:,}", "本台账涉及")
        c["balance"].set(format_yuan(r.balance_fen), "已导入各行合计")
        c["recovered"].set(format_yuan(r.bank_recovered_fen), "余额比上次低的部分")
        c["missing"].set(f"{len(r.loans_missing):,}", "本系统有、台账没有，已标记")
        notes = []
        if r.already_imported:
            notes.append("<span style='color:#9a6700'>这个文件以前已经导入过，数据没有任何改动。</span>")
        elif r.as_of:
            notes.append(f"已导入 <b>{r.file}</b>（数据截至 {r.as_of.year}年{r.as_of.month}月{r.as_of.day}日）"
                         + (f"，涉及 {'、'.join(r.townships)}" if r.townships else "") + "。")
        notes += [f"注意：{n}" for n in r.notes if not r.already_imported]
        if getattr(r, "followups", 0):
            notes.append(f"<b>{r.followups:,}</b> 条提示（需核对的行、台账中缺少的贷款、银行报告的还款）已记入待核实清单："
                         "关闭向导后在“借款户”页用“台账核实”筛选，打开一户可逐条标记已核实。")
        self.notes.setText("<br>".join(notes))
        self.rejected.set_rows(r.rows_rejected)
        self.warnings.set_rows(r.warnings)
        self.missing.set_rows(r.loans_missing)
        self.tabs.setTabText(0, f"未导入的行（{len(r.rows_rejected):,}）")
        left_out = sum(not w.imported for w in r.warnings)
        self.tabs.setTabText(1, f"需核对的行（{len(r.warnings):,}，其中 {left_out:,} 行未导入）" if left_out
                             else f"需核对的行（{len(r.warnings):,}，已导入）")
        self.tabs.setTabText(2, f"台账中缺少的贷款（{len(r.loans_missing):,}）")
        self.tabs.setCurrentIndex(0 if r.rows_rejected or not r.warnings else 1)
        has_rows = bool(r.rows_rejected or r.warnings)
        self.save_button.setEnabled(has_rows)
        self.saved_label.setText("" if has_rows else "所有行都已导入，没有需要退回银行的行。")
        self._show_detail()

    def _show_detail(self) -> None:
        """The whole explanation of the row chosen in the table on show (the column cuts it)."""
        view = self.tabs.currentWidget()
        index, model = (view.currentIndex(), view.model()) if view is not None else (None, None)
        if view not in (self.views["rejected"], self.views["warnings"]) or not index.isValid():
            self.detail.hide()
            return
        row = index.row()
        self.detail.setText(f"第 {model.index(row, 1).data()} 行："
                            f"{model.index(row, model.columnCount() - 1).data()}")
        self.detail.show()

    def default_report_path(self) -> Path:
        wiz = self.wizard()
        source = Path(wiz.path)
        return source.with_name(f"{source.stem}-未导入的行.xlsx")

    def save_report(self) -> None:
        if self.result is None:
            return
        name, _ = QFileDialog.getSaveFileName(self, "保存错误报告", str(self.default_report_path()), REPORT_FILTER)
        if not name:
            return
        result = self.result
        self.save_button.setEnabled(False)

        def done(path) -> None:
            self.save_button.setEnabled(True)
            self.saved_label.setText(f"错误报告已保存：{path}")
            self.report_saved.emit(path)

        def failed(exc: BaseException) -> None:
            self.save_button.setEnabled(True)
            errors.show_error(self, exc)

        run_in_background(self, lambda ctx: write_error_report(result, Path(name)), on_success=done,
                          on_failure=failed, progress_label="正在保存错误报告……")
