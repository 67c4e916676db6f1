"""The 报表 page's 对账 row: every loan of the database, the township's recorded principal against
the bank ledgers' drops (``app.services.reporting.reconcile``, as ``qingshou reconcile``), saved as a workbook
off the GUI thread, with progress and 取消, and a sentence saying what it found."""
from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLabel, QPushButton, QWidget

from app.db.session import Database
from app.ui.tasks import Task, run_in_background


class ReconcileRow(QWidget):
    saved = Signal(object)       # the workbook was written: its path
    cancelled = Signal()

    def __init__(self, database: Callable[[], Database | None], parent: QWidget | None = None):
        super().__init__(parent)
        self._database = database
        self.button = QPushButton("保存对账表…")
        self.button.setObjectName("reconcileSave")
        self.button.setToolTip("逐笔核对乡镇登记的还款与银行各期台账余额的减少，把差异（附请核对的事项）、"
                               "各乡镇汇总和待下期核对的还款保存为 Excel")
        self.button.clicked.connect(self.ask_save)
        self.status = QLabel("")
        self.status.setObjectName("reconcileStatus")
        self.status.setWordWrap(True)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.label = QLabel("银行台账对账：")
        row.addWidget(self.label)
        row.addWidget(self.button)
        row.addWidget(self.status, 1)

    def line_up(self, other: QLabel) -> None:
        """Make this row's label as wide as ``other`` (the row above), so the buttons line up."""
        width = max(other.sizeHint().width(), self.label.sizeHint().width())
        other.setMinimumWidth(width)
        self.label.setMinimumWidth(width)

    def ask_save(self) -> None:
        if self._database() is None:
            return
        name, _chosen = QFileDialog.getSaveFileName(
            self, "保存对账表", str(Path.home() / f"对账表-{date.today().isoformat()}.xlsx"), "Excel 工作簿 (*.xlsx)")
        if not name:
            return
        path = Path(name)
        if path.suffix.lower() != ".xlsx":
            path = path.with_name(path.name + ".xlsx")
        self.save_to(path)

    def save_to(self, path: Path) -> Task | None:
        """Reconcile the database's loans and write the workbook to ``path`` (through a .part file)."""
        db = self._database()
        if db is None:
            return None

        def work(ctx):
            from app.reports.reconcile_xlsx import write_reconciliation_xlsx
            from app.services.reporting import reconcile

            def step(done: int, total: int, words: str) -> None:
                ctx.raise_if_cancelled()
                ctx.progress(done, total, words)

            r = reconcile.prepare(db, progress=step)
            step(0, 0, f"正在保存对账表（{len(r.differences):,} 处差异）……")
            tmp = path.with_name(path.name + ".part")
            try:
                write_reconciliation_xlsx(r, tmp)
                tmp.replace(path)
            finally:
                tmp.unlink(missing_ok=True)
            return r

        def done(r) -> None:
            self.status.setText(f"已保存对账表：{path}。{r.sentence()}")
            self.saved.emit(path)

        def stopped() -> None:
            self.status.setText("已取消对账，没有保存文件")
            self.cancelled.emit()

        return run_in_background(self, work, on_success=done, on_cancelled=stopped, progress_label="正在对账……",
                                 cancellable=True)
