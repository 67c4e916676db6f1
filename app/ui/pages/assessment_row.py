"""报表 › 月考核: a month (one that has ended; the last one at first), 预览打印… (the PDF's pages in
the print preview, as the bulletin's), 保存为 PDF… and 保存为 Excel….  The figures, the file and
the page images are made off the GUI thread (``app.ui.tasks``, with progress and 取消), through
``app.services.reporting.assessment.prepare`` and ``app.reports.assessment.write`` as ``qingshou assess``."""
from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QDateEdit, QFileDialog, QHBoxLayout, QLabel, QPushButton, QWidget

from app.ui import errors, print_preview
from app.ui.tasks import run_in_background

PREVIEW_DPI = 110
KINDS = {".pdf": ("PDF 文件", "*.pdf"), ".xlsx": ("Excel 工作簿", "*.xlsx")}


class AssessmentRow(QWidget):
    """One row of the 报表 page; ``db`` is set by the page."""

    saved = Signal(object)       # the assessment was written: its path
    previewed = Signal()         # the print preview is open (or the PDF handed to the reader)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.db = None
        self.print_dialog = None
        from app.domain.dates import last_complete_month

        year, month = last_complete_month(date.today())
        self.month = QDateEdit(QDate(year, month, 1))
        self.month.setObjectName("assessmentMonth")
        self.month.setDisplayFormat("yyyy年M月")
        self.month.setMaximumDate(QDate(year, month, 1))
        self.month.setToolTip("考核的月份（只能选已经结束的月份）")
        self.preview_button = QPushButton("预览打印…")
        self.preview_button.setObjectName("assessmentPreview")
        self.preview_button.setToolTip("按打印的样子查看这个月的考核情况，再在系统的打印对话框里打印")
        self.preview_button.clicked.connect(self.preview)
        self.pdf_button = QPushButton("保存为 PDF…")
        self.pdf_button.setObjectName("assessmentPdf")
        self.pdf_button.clicked.connect(lambda: self.ask_save(".pdf"))
        self.xlsx_button = QPushButton("保存为 Excel…")
        self.xlsx_button.setObjectName("assessmentXlsx")
        self.xlsx_button.clicked.connect(lambda: self.ask_save(".xlsx"))
        self.status = QLabel("")
        self.status.setObjectName("assessmentStatus")
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(QLabel("月考核："))
        row.addWidget(self.month)
        for button in (self.preview_button, self.pdf_button, self.xlsx_button):
            row.addWidget(button)
        row.addWidget(self.status, 1)

    def chosen(self) -> tuple[int, int]:
        d = self.month.date()
        return d.year(), d.month()

    # -- preview ---------------------------------------------------------------------------
    def preview(self):
        """The print preview of the chosen month (returns the background task)."""
        if self.db is None:
            return None
        db, (year, month) = self.db, self.chosen()

        def work(ctx):
            from app.reports.assessment import write
            from app.services.reporting import assessment

            a = assessment.prepare(db, year, month)
            ctx.raise_if_cancelled()
            out = Path(tempfile.mkdtemp(prefix="qingshou-assess-")) / f"{a.title}-预览.pdf"
            write(a, out, ".pdf")
            ctx.raise_if_cancelled()
            pages = print_preview.render_pages(out, PREVIEW_DPI) if print_preview.available() else None
            return a, out, pages

        return run_in_background(self, work, on_success=self._show_preview, progress_label="正在生成月考核……",
                                 cancellable=True)

    def _show_preview(self, result) -> None:
        a, out, pages = result
        if pages is None:
            if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(out))):
                errors.warn_user(self, f"月考核已生成：{out}")
            self.previewed.emit()
            return
        dialog = print_preview.PrintPreview(a.title, pages, self, on_save=lambda: self.ask_save(".pdf"))
        dialog.finished.connect(lambda _r: dialog.deleteLater())
        self.print_dialog = dialog
        dialog.open()
        self.previewed.emit()

    # -- save --------------------------------------------------------------------------------
    def ask_save(self, suffix: str) -> None:
        year, month = self.chosen()
        what, pattern = KINDS[suffix]
        name, _chosen = QFileDialog.getSaveFileName(
            self, f"保存月考核（{what}）", str(Path.home() / f"清收工作{year}年{month}月考核{suffix}"),
            f"{what} ({pattern})")
        if not name:
            return
        path = Path(name)
        if path.suffix.lower() != suffix:
            path = path.with_name(path.name + suffix)
        self.save_to(path)

    def save_to(self, path: Path):
        """Write the chosen month's assessment to ``path`` (.pdf or .xlsx); nothing is kept.
        Returns the background task (cancelled: no file, no ``.part`` left)."""
        if self.db is None:
            return None
        db, (year, month) = self.db, self.chosen()

        def work(ctx):
            from app.reports.assessment import write
            from app.services.reporting import assessment

            a = assessment.prepare(db, year, month)
            ctx.raise_if_cancelled()
            tmp = path.with_name(path.name + ".part")
            try:
                write(a, tmp, path.suffix)
                ctx.raise_if_cancelled()
                tmp.replace(path)
            finally:
                tmp.unlink(missing_ok=True)
            return a

        def done(a) -> None:
            self.status.setText(f"已保存{a.title}：{path}")
            self.saved.emit(path)

        return run_in_background(self, work, on_success=done, progress_label="正在保存月考核……", cancellable=True)
