"""报表: the district's ten-day bulletin (十天一通报) — the ranking as of a date with its change
since the last issue, previewed as it will print, saved (issued) as PDF or Excel —, a
township's report (情况汇报) as of the same date, saved as Word, PDF or Excel, the reconciliation
(对账) of the township's records with the bank's ledgers, saved as Excel, and the monthly
assessment (月考核) of a month that has ended (``pages/assessment_row.py``).

All work runs off the GUI thread (``app.ui.tasks``): the figures, the files and the page images."""
from __future__ import annotations

import tempfile
from datetime import date, datetime
from pathlib import Path

from PySide6.QtCore import QDate, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.bulletin import Bulletin
from app.reports import bulletin_text as bt
from app.ui import errors, print_preview
from app.ui.actor import actor
from app.ui.pages.assessment_row import AssessmentRow
from app.ui.pages.base import Page
from app.ui.pages.reconcile_row import ReconcileRow
from app.ui.tasks import run_in_background
from app.ui.widgets.common import PageHeader

COLUMNS = ("排名", "乡镇", "任务（万元）", "已清收（万元）", "清收率", "较上期清收（万元）", "清收率较上期（百分点）",
           "名次变化", "数据更新")
PREVIEW_DPI = 110
SAVE_TIP = "发布这一期（记下期次和数字，下期与之比较）并保存为 PDF 或 Excel；已发布的日期是重印"


class ReportsPage(Page):
    key = "reports"

    loaded = Signal()            # the ranking is shown
    saved = Signal(object)       # the bulletin was written: its path
    report_saved = Signal(object)   # a township's report was written: its path

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.bulletin: Bulletin | None = None
        self.issue_refusal: str | None = None   # why this database may not issue (a township's)
        self.print_dialog = None
        self._generation = 0
        self.header = PageHeader("十天一通报", "全区不良贷款清收工作进展情况的通报：各乡镇排名及较上期变化")
        self.as_of = QDateEdit(QDate.currentDate())
        self.as_of.setObjectName("bulletinAsOf")
        self.as_of.setCalendarPopup(True)
        self.as_of.setDisplayFormat("yyyy-MM-dd")
        self.as_of.setMaximumDate(QDate.currentDate())
        self.as_of.dateChanged.connect(lambda _d: self.refresh())
        self.preview_button = QPushButton("预览…")
        self.preview_button.setObjectName("bulletinPreview")
        self.preview_button.setToolTip("按打印的样子查看这一期通报（不发布）")
        self.preview_button.clicked.connect(self.preview)
        self.save_button = QPushButton("发布并保存…")
        self.save_button.setObjectName("bulletinSave")
        self.save_button.setToolTip(SAVE_TIP)
        self.save_button.clicked.connect(self.ask_save)
        self.header.add_right(QLabel("截至日期"))
        self.header.add_right(self.as_of)
        self.header.add_right(self.preview_button)
        self.header.add_right(self.save_button)

        self.status = QLabel("")
        self.status.setObjectName("bulletinStatus")
        self.status.setWordWrap(True)
        self.text = QLabel("")
        self.text.setObjectName("bulletinText")
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("bulletinRanking")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

        # A township's report (情况汇报) as of the same date.
        self.township = QComboBox()
        self.township.setObjectName("reportTownship")
        self.township.setMinimumContentsLength(8)
        self.report_button = QPushButton("保存情况汇报…")
        self.report_button.setObjectName("reportSave")
        self.report_button.setToolTip("把所选乡镇截至上面日期的清收工作情况汇报保存为 Word（可修改）、PDF 或 Excel")
        self.report_button.clicked.connect(self.ask_save_report)
        self.report_status = QLabel("")
        self.report_status.setObjectName("reportStatus")
        report_row = QHBoxLayout()
        report_label = QLabel("乡镇情况汇报：")
        report_row.addWidget(report_label)
        report_row.addWidget(self.township)
        report_row.addWidget(self.report_button)
        report_row.addWidget(self.report_status, 1)
        # The reconciliation (对账) of every loan in the database.
        self.reconcile = ReconcileRow(lambda: self.db, self)
        self.reconcile.line_up(report_label)

        self.assessment = AssessmentRow(self)   # 月考核: its own month, not the page's date

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 14, 20, 8)
        layout.setSpacing(10)
        layout.addWidget(self.header)
        layout.addWidget(self.status)
        layout.addWidget(self.text)
        layout.addWidget(self.table, 1)
        layout.addLayout(report_row)
        layout.addWidget(self.reconcile)
        layout.addWidget(self.assessment)

    def day(self) -> date:
        return self.as_of.date().toPython()

    # -- the ranking -----------------------------------------------------------------
    def set_database(self, db) -> None:
        self.assessment.db = db
        self.issue_refusal = None
        if db is not None:
            from app.services.reporting import bulletin

            self.issue_refusal = bulletin.issue_refusal(db)   # a township's database: preview only
        self.save_button.setEnabled(db is not None and self.issue_refusal is None)
        self.save_button.setToolTip(SAVE_TIP if self.issue_refusal is None
                                    else f"{self.issue_refusal}；这里只能预览")
        super().set_database(db)

    def refresh(self) -> None:
        if self.db is None:
            return
        self._generation += 1
        generation, db, day = self._generation, self.db, self.day()
        from app.services.reporting import bulletin, township_report

        run_in_background(self, lambda ctx: township_report.townships(db), on_success=self._show_townships)
        run_in_background(self, lambda ctx: bulletin.prepare(db, day),
                          on_success=lambda b: self._show(b) if generation == self._generation else None)

    def _show_townships(self, names: list[str]) -> None:
        chosen = self.township.currentText()
        self.township.clear()
        self.township.addItems(names)
        if chosen in names:
            self.township.setCurrentText(chosen)
        self.report_button.setEnabled(bool(names))

    def _show(self, b: Bulletin) -> None:
        self.bulletin = b
        if b.reprint:
            self.status.setText(f"第{b.issue_no}期（截至 {b.as_of}）已于 {b.issued_at:%Y-%m-%d %H:%M} 发布；"
                                f"保存即重印，数字与发布时相同。")
        else:
            prev = f"，与第{b.prev_issue_no}期（截至 {b.prev_as_of}）比较" if b.prev_issue_no else "，为首期"
            self.status.setText(f"尚未发布：将是 {b.year} 年第{b.issue_no}期{prev}。")
        self.text.setText("\n".join(bt.summary_paragraphs(b)))
        self.table.setRowCount(len(b.townships))
        for r, t in enumerate(b.townships):
            values = [str(t.rank), t.name, bt.wan(t.task_fen), bt.wan(t.recovered_fen), bt.pct(t.rate),
                      bt.signed_wan(t.delta_recovered_fen), bt.points(t.delta_rate_points), bt.move(t.rank_change),
                      t.freshness.label]
            for c, value in enumerate(values):
                item = QTableWidgetItem(value)
                if 2 <= c <= 6:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if c == 8 and t.freshness.stale:
                    item.setForeground(Qt.GlobalColor.darkRed)
                self.table.setItem(r, c, item)
        self.loaded.emit()

    # -- preview and save ----------------------------------------------------------------
    def preview(self) -> None:
        if self.db is None:
            return
        db, day = self.db, self.day()

        def work(ctx):
            from app.reports.bulletin_pdf import write_bulletin_pdf
            from app.services.reporting import bulletin

            b = bulletin.prepare(db, day)
            out = Path(tempfile.mkdtemp(prefix="qingshou-bulletin-")) / f"通报第{b.issue_no}期-预览.pdf"
            write_bulletin_pdf(b, out)
            pages = print_preview.render_pages(out, PREVIEW_DPI) if print_preview.available() else None
            return b, out, pages

        run_in_background(self, work, on_success=self._show_preview, progress_label="正在生成通报……")

    def _show_preview(self, result) -> None:
        b, out, pages = result
        if pages is None:
            if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(out))):
                errors.warn_user(self, f"预览已生成：{out}")
            return
        dialog = print_preview.PrintPreview(b.title, pages, self, on_save=self.ask_save)
        if self.issue_refusal is not None:   # saving from the preview issues: not on a township's database
            dialog.save_action.setEnabled(False)
            dialog.save_action.setToolTip(self.save_button.toolTip())
        dialog.finished.connect(lambda _r: dialog.deleteLater())
        self.print_dialog = dialog
        dialog.open()

    def ask_save(self) -> None:
        name, chosen = QFileDialog.getSaveFileName(
            self, "发布并保存通报", str(Path.home() / f"清收工作通报-{self.day().isoformat()}.pdf"),
            "PDF 文件 (*.pdf);;Excel 工作簿 (*.xlsx)")
        if not name:
            return
        path = Path(name)
        if path.suffix.lower() not in (".pdf", ".xlsx"):
            path = path.with_name(path.name + (".xlsx" if "xlsx" in chosen else ".pdf"))
        self.save_to(path)

    def save_to(self, path: Path) -> None:
        """Issue (or reprint) the bulletin of the chosen date and write it to ``path``."""
        if self.db is None:
            return
        if self.issue_refusal is not None:
            errors.warn_user(self, f"{self.issue_refusal}；没有发布通报")
            return
        db, day, who = self.db, self.day(), actor()

        def work(ctx):
            from app.reports.bulletin_pdf import write_bulletin_pdf
            from app.reports.bulletin_xlsx import write_bulletin_xlsx
            from app.services.reporting import bulletin

            b = bulletin.prepare(db, day)
            if not b.reprint:
                b.issued_at = datetime.now().replace(microsecond=0)
            tmp = path.with_name(path.name + ".part")
            try:
                (write_bulletin_xlsx if path.suffix.lower() == ".xlsx" else write_bulletin_pdf)(b, tmp)
                tmp.replace(path)
            finally:
                tmp.unlink(missing_ok=True)
            return bulletin.keep(db, b, who)

        def done(b: Bulletin) -> None:
            self._show(b)
            self.status.setText(f"{'已重印' if b.reprint else '已发布'}第{b.issue_no}期通报（截至 {b.as_of}）：{path}")
            self.saved.emit(path)

        run_in_background(self, work, on_success=done, progress_label="正在保存通报……", write=True)

    # -- a township's report ----------------------------------------------------------------
    def ask_save_report(self) -> None:
        township = self.township.currentText()
        if not township:
            return
        name, chosen = QFileDialog.getSaveFileName(
            self, "保存情况汇报", str(Path.home() / f"{township}情况汇报-{self.day().isoformat()}.docx"),
            "Word 文档 (*.docx);;PDF 文件 (*.pdf);;Excel 工作簿 (*.xlsx)")
        if not name:
            return
        path = Path(name)
        if path.suffix.lower() not in (".docx", ".pdf", ".xlsx"):
            path = path.with_name(path.name + (".pdf" if "pdf" in chosen else ".xlsx" if "xlsx" in chosen else ".docx"))
        self.save_report_to(path, township)

    def save_report_to(self, path: Path, township: str) -> None:
        """Write ``township``'s report as of the chosen date to ``path`` (.docx, .pdf or .xlsx)."""
        if self.db is None:
            return
        db, day = self.db, self.day()

        def work(ctx):
            from app.reports.township_report import write
            from app.services.reporting import township_report

            r = township_report.prepare(db, township, day)
            tmp = path.with_name(path.name + ".part")
            try:
                write(r, tmp, path.suffix)
                tmp.replace(path)
            finally:
                tmp.unlink(missing_ok=True)
            return r

        def done(r) -> None:
            self.report_status.setText(f"已保存{r.township}情况汇报（截至 {r.as_of}）：{path}")
            self.report_saved.emit(path)

        run_in_background(self, work, on_success=done, progress_label="正在生成情况汇报……")
