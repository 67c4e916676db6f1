"""Step 2: the preview.  Read in the background (a big file takes seconds); every change a
person makes (a column's field, the township) reads the file again with that choice."""
from __future__ import annotations

import threading

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QTabWidget,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from app.domain.errors import UserError
from app.domain.money import format_yuan
from app.services.ledger_import import Cancelled, known_townships, needs_township, preview
from app.ui import errors
from app.ui.ledger.models import RejectedModel, record_view
from app.ui.ledger.sheet_panel import SheetPanel
from app.ui.tasks import run_in_background

TOWNSHIP_DELAY_MS = 600   # typing a township name: read again once the typing stops


def plain(problem: str) -> str:
    """A problem as the window says it (the service's hint for the command line left out)."""
    return problem.replace("（命令行用 --township）", "")


def township_question(p) -> str:
    """The question above the township box, naming the sheets it is for (a 乡镇 column or a
    township's sheet name elsewhere in the file needs no answer)."""
    names = [f"“{s.name}”" for s in p.sheets if s.layout is not None and s.layout.township_source in (None, "given")]
    which = "、".join(names) if len(names) <= 3 else f"{'、'.join(names[:3])}等 {len(names)} 张表"
    return f"工作表{which}的表名、表头和标题都看不出乡镇，这些贷款属于哪个乡镇？"


def unit_questions(p) -> list[str]:
    """The sheets whose unit must be chosen before importing (they state none and their
    balances look like 万元)."""
    return [s.name for s in p.sheets if s.layout is not None and s.unit_question]


class _Relay(QObject):
    """Carries progress from the worker to the page (queued to the GUI thread)."""

    progress = Signal(int, int, str)   # generation, percent, message


class PreviewPage(QWizardPage):
    loaded = Signal()   # a preview (or its failure) is on screen

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("previewPage")
        self.setTitle("预览：检查程序认出的内容")
        self.setSubTitle("第 2 步，共 4 步。没认出来的列显示为黄色，可在“导入为”一栏指定；"
                         "指定的选择会记住，下次同样格式的台账自动使用。")
        self.setCommitPage(True)
        self.result = None             # the LedgerPreview on screen
        self.loading = False
        self.failed: str | None = None
        self._generation = 0
        self._cancel: threading.Event | None = None
        self._relay = _Relay(self)
        self._relay.progress.connect(self._progress)

        self.progress = QProgressBar()
        self.progress.setObjectName("previewProgress")
        self.progress.setRange(0, 100)
        self.progress.setTextVisible(False)
        self.progress.setMaximumHeight(10)
        self.progress_label = QLabel("")
        self.progress_label.setObjectName("muted")
        self.summary = QLabel("")
        self.summary.setObjectName("previewSummary")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.notes = QLabel("")
        self.notes.setObjectName("previewNotes")
        self.notes.setWordWrap(True)
        self.notes.setTextFormat(Qt.TextFormat.RichText)

        self.township_row = QWidget()
        self.township_row.setObjectName("townshipRow")
        self.township = QComboBox()
        self.township.setObjectName("townshipCombo")
        self.township.setEditable(True)
        self.township.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.township.setMinimumContentsLength(12)
        self.township.setMinimumWidth(self.township.fontMetrics().horizontalAdvance("选择或输入乡镇名称") + 60)
        self.township.lineEdit().setPlaceholderText("选择或输入乡镇名称")
        self._township_timer = QTimer(self)
        self._township_timer.setSingleShot(True)
        self._township_timer.setInterval(TOWNSHIP_DELAY_MS)
        self._township_timer.timeout.connect(self._township_chosen)
        self.township.currentTextChanged.connect(self._township_typed)
        self.township.lineEdit().returnPressed.connect(self._township_chosen)   # Enter: use it now
        row = QHBoxLayout(self.township_row)
        row.setContentsMargins(10, 6, 10, 6)
        self.township_question = QLabel("")
        self.township_question.setObjectName("townshipQuestion")
        row.addWidget(self.township_question)
        row.addWidget(self.township)
        row.addStretch(1)
        self.township_row.setVisible(False)

        self.skipped = QLabel("")
        self.skipped.setObjectName("skippedSheets")
        self.skipped.setWordWrap(True)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("sheetTabs")
        self.tabs.setDocumentMode(True)
        self.panels: list[SheetPanel] = []
        self.rejected = RejectedModel(self)
        self.rejected_view = record_view(self.rejected, self, "previewRejected")
        self.rejected_view.hide()   # shown as the last tab once the file is read

        top = QHBoxLayout()
        top.addWidget(self.progress_label)
        top.addWidget(self.progress, 1)
        layout = QVBoxLayout(self)
        layout.setSpacing(6)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(self.notes)
        layout.addWidget(self.township_row)
        layout.addWidget(self.skipped)
        layout.addWidget(self.tabs, 1)

    # -- life cycle --------------------------------------------------------------------
    def initializePage(self) -> None:
        wiz = self.wizard()
        if wiz.path != wiz.previewed_path:   # another file: the choices made for the last one go
            wiz.previewed_path = wiz.path
            wiz.overrides.clear()
            wiz.units.clear()
            wiz.township = None
        names = known_townships(wiz.db)
        self.township.blockSignals(True)
        self.township.clear()
        self.township.addItems(names)
        self.township.setCurrentIndex(-1)
        self.township.setEditText(wiz.township or "")
        self.township.blockSignals(False)
        self.township_row.setVisible(False)
        self.result = None
        self._clear()
        self.run()

    def cleanupPage(self) -> None:   # 上一步
        self.stop()
        super().cleanupPage()

    def stop(self) -> None:
        """Abandon a reading in progress (its result, if any, is dropped)."""
        self._generation += 1
        self._township_timer.stop()
        if self._cancel is not None:
            self._cancel.set()
        self.loading = False

    def isComplete(self) -> bool:
        return (not self.loading and not self._township_timer.isActive() and self.result is not None
                and self.result.ready and not unit_questions(self.result))

    # -- reading -----------------------------------------------------------------------
    def run(self) -> None:
        """Read the file (again) with the wizard's current choices."""
        wiz = self.wizard()
        self.stop()
        generation = self._generation
        cancel = threading.Event()
        self._cancel = cancel
        self.loading = True
        self.failed = None
        self.progress.setValue(0)
        self.progress.show()
        self.progress_label.setText("正在读取台账……")
        self.progress_label.show()
        self.tabs.setEnabled(False)
        self.completeChanged.emit()
        path, overrides, township, db, units = wiz.path, dict(wiz.overrides), wiz.township or None, wiz.db, \
            dict(wiz.units)
        relay = self._relay

        def report(percent: int, _total: int, message: str) -> None:
            if not cancel.is_set():
                relay.progress.emit(generation, percent, message)

        run_in_background(self, lambda ctx: preview(path, overrides, township=township, db=db,
                                                    progress=report, cancel=cancel, units=units),
                          on_success=lambda result: self._loaded(generation, result),
                          on_failure=lambda exc: self._failed(generation, exc),
                          on_cancelled=lambda: self._failed(generation, Cancelled("已取消读取台账")))

    def _progress(self, generation: int, percent: int, message: str) -> None:
        if generation == self._generation:
            self.progress.setValue(percent)
            self.progress_label.setText(message + "……")

    def _done_loading(self) -> None:
        self.loading = False
        self.progress.hide()
        self.progress_label.hide()
        self.tabs.setEnabled(True)

    def _failed(self, generation: int, exc: BaseException) -> None:
        if generation != self._generation:
            return
        self._done_loading()
        if isinstance(exc, Cancelled):
            return
        self.result = None
        self.wizard().preview = None
        self._clear()
        if isinstance(exc, UserError):
            self.failed = str(exc)
            self.summary.setText(f"<span style='color:#b42318'><b>无法预览：</b>{exc}</span>"
                                 "<br>请点“上一步”换一个文件。")
        else:
            self.failed = "程序出错"
            self.summary.setText("<span style='color:#b42318'><b>预览没有完成。</b></span>")
            errors.show_error(self, exc)
        self.completeChanged.emit()
        self.loaded.emit()

    def _loaded(self, generation: int, result) -> None:
        if generation != self._generation:
            return
        self._done_loading()
        self.result = result
        self.wizard().preview = result
        self._show(result)
        self.completeChanged.emit()
        self.loaded.emit()

    # -- choices -----------------------------------------------------------------------
    def _township_typed(self) -> None:
        """A township being typed: read again once the typing stops; until then the preview
        on screen is not of the name in the box, so 开始导入 waits."""
        self._township_timer.start()
        self.completeChanged.emit()

    def _township_chosen(self) -> None:
        self._township_timer.stop()
        name = self.township.currentText().strip()
        wiz = self.wizard()
        if name == (wiz.township or ""):
            self.completeChanged.emit()
            return
        wiz.township = name or None
        self.run()

    def _field_chosen(self, key: str, code) -> None:
        self.wizard().overrides[key] = code
        self.run()

    def _unit_chosen(self, sheet: str, unit: str) -> None:
        self.wizard().units[sheet] = unit
        self.run()

    # -- showing -----------------------------------------------------------------------
    def _clear(self) -> None:
        self.summary.setText("")
        self.notes.setText("")
        self.notes.hide()
        self.skipped.setText("")
        self.skipped.hide()
        self.tabs.clear()
        for panel in self.panels:
            panel.deleteLater()
        self.panels = []
        self.rejected.set_rows([])

    def _show(self, p) -> None:
        keep = self.tabs.currentIndex()
        self._clear()
        as_of = f"数据截至 <b>{p.as_of.year}年{p.as_of.month}月{p.as_of.day}日</b>" if p.as_of \
            else "台账没有写明数据日期（按导入那天记）"
        self.summary.setText(
            f"<b>{p.file}</b>　·　{as_of}<br>"
            f"可导入 <b>{p.loans:,}</b> 笔贷款，余额合计 <b>{format_yuan(p.balance_fen)}</b> 元　·　"
            f"未导入 <b>{len(p.rejected):,}</b> 行　·　需核对 <b>{len(p.warnings):,}</b> 行")
        notes = []
        if p.already_imported:
            notes.append("<span style='color:#9a6700'>这个文件以前已经导入过，再导入不会改动任何数据。</span>")
        for problem in p.problems:
            notes.append(f"<span style='color:#b42318'>⚠ {plain(problem)}</span>")
        for name in unit_questions(p):
            notes.append(f"<span style='color:#b42318'>⚠ 工作表“{name}”没有注明金额单位，余额像是万元："
                         "请在这张表上方的“金额单位”里选择元或万元，再开始导入</span>")
        for note in p.notes:
            notes.append(f"<span style='color:#9a6700'>{plain(note)}</span>")
        if notes:
            self.notes.setText("<br>".join(notes))
            self.notes.show()
        self.township_question.setText(township_question(p))
        self.township_row.setVisible(needs_township(p))
        skipped = [f"{s.name}（{s.passed_over}）" for s in p.sheets if s.layout is None]
        if skipped:
            self.skipped.setText("跳过的工作表：" + "；".join(skipped))
            self.skipped.show()
        for sheet in p.sheets:
            if sheet.layout is None:
                continue
            panel = SheetPanel()
            panel.setObjectName(f"sheet_{sheet.name}")
            panel.show_sheet(sheet)
            panel.model.field_chosen.connect(self._field_chosen)
            panel.unit_chosen.connect(self._unit_chosen)
            self.panels.append(panel)
            mark = "⚠ " if sheet.problems or sheet.unit_question else ""
            self.tabs.addTab(panel, f"{mark}{sheet.name}（{sheet.loans:,} 笔）")
        self.rejected.set_rows(p.rejected)
        self.tabs.addTab(self.rejected_view, f"未导入的行（{len(p.rejected):,}）")
        if 0 <= keep < self.tabs.count():
            self.tabs.setCurrentIndex(keep)

    # -- for tests and the wizard ---------------------------------------------------------
    def sheet_names(self) -> list[str]:
        return [p.objectName().removeprefix("sheet_") for p in self.panels]

    def panel(self, sheet: str) -> SheetPanel:
        return next(p for p in self.panels if p.objectName() == f"sheet_{sheet}")
