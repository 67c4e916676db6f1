"""The import wizard: 选择文件 → 预览 → 导入 → 结果.

    result = open_ledger_wizard(main_window, db)   # ImportResult, or None if nothing was imported

The wizard keeps what the person chose (file, township, column choices) and the preview;
the import reuses the preview's reading of the file when nothing changed since.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWizard

from app.db.session import Database
from app.ui.ledger.file_page import FilePage
from app.ui.ledger.import_page import ImportPage
from app.ui.ledger.preview_page import PreviewPage
from app.ui.ledger.result_page import ResultPage
from app.ui.widgets.common import STYLE_SHEET

WIZARD_STYLE = """
QFrame#card { background: white; border: 1px solid #d9dde3; border-radius: 6px; }
QLabel#skippedSheets, QLabel#muted { color: #66707a; }
QWidget#townshipRow { background: #fff4ce; border: 1px solid #e8c46a; border-radius: 4px; }
QWidget#unitRow[asking="true"] { background: #fff4ce; border: 1px solid #e8c46a; border-radius: 4px; }
QWidget#unitRow[asking="true"] QLabel#unitQuestion { font-weight: bold; }
QLabel#townshipQuestion { font-weight: bold; }
QTableView#mappingTable { gridline-color: #e3e8ef; }
"""

BUTTONS = {
    QWizard.WizardButton.BackButton: "< 上一步",
    QWizard.WizardButton.NextButton: "下一步 >",
    QWizard.WizardButton.CommitButton: "开始导入",
    QWizard.WizardButton.FinishButton: "完成",
    QWizard.WizardButton.CancelButton: "取消",
}


class LedgerWizard(QWizard):
    FILE, PREVIEW, IMPORT, RESULT = range(4)

    def __init__(self, parent, db: Database, path: Path | str | None = None):
        super().__init__(parent)
        self.setObjectName("ledgerWizard")
        self.setWindowTitle("导入银行台账")
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.setStyleSheet(STYLE_SHEET + WIZARD_STYLE)
        for button, label in BUTTONS.items():
            self.setButtonText(button, label)
        self.db = db
        self.township: str | None = None
        self.overrides: dict[str, str | None] = {}
        self.units: dict[str, str] = {}   # sheet → 元 / 万元, for sheets that state no unit
        self.preview = None        # the LedgerPreview shown on the preview page
        self.previewed_path: Path | None = None
        self.result = None         # the ImportResult once imported
        self._close_when_stopped = False
        self.file_page = FilePage(self)
        self.preview_page = PreviewPage(self)
        self.import_page = ImportPage(self)
        self.result_page = ResultPage(self)
        for page_id, page in enumerate((self.file_page, self.preview_page, self.import_page, self.result_page)):
            self.setPage(page_id, page)
        self.setStartId(self.FILE)
        if path is not None:
            self.file_page.set_path(path)
        self._fit_screen()

    def _fit_screen(self) -> None:
        screen = self.screen().availableGeometry() if self.screen() else None
        width, height = 1180, 700
        if screen is not None:
            width, height = min(width, screen.width() - 40), min(height, screen.height() - 40)
        self.resize(width, height)

    # -- shared state -------------------------------------------------------------------
    @property
    def path(self) -> Path:
        return self.file_page.path()

    def actor(self) -> str:
        """The operator of this laptop (``app.ui.actor``), as for every other change."""
        from app.ui.actor import actor

        return actor()

    # -- while importing ------------------------------------------------------------------
    def set_busy(self, busy: bool) -> None:
        self.button(QWizard.WizardButton.CancelButton).setEnabled(True)
        self.button(QWizard.WizardButton.BackButton).setEnabled(not busy)

    def reject(self) -> None:
        """取消 / Esc / closing the window: an import running is cancelled (rolled back) first."""
        if self.import_page.running:
            self._close_when_stopped = True
            self.import_page.cancel()
            return
        self.preview_page.stop()
        super().reject()

    def stopped(self) -> None:
        """The import ended without writing anything."""
        if self._close_when_stopped:
            self._close_when_stopped = False
            super().reject()

    def closeEvent(self, event) -> None:
        if self.import_page.running:
            event.ignore()
            self.reject()
            return
        super().closeEvent(event)

    def keyPressEvent(self, event) -> None:
        if event.key() == Qt.Key.Key_Escape and self.import_page.running:
            self.reject()
            return
        super().keyPressEvent(event)


def open_ledger_wizard(parent, db: Database, path: Path | str | None = None):
    """Run the wizard modally; the ``ImportResult`` if a ledger was imported, else None."""
    wizard = LedgerWizard(parent, db, path)
    try:
        wizard.exec()
        return wizard.result
    finally:
        wizard.deleteLater()
