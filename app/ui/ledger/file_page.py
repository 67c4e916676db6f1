"""Step 1: which ledger file."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWizardPage

from app.services.ledger_import import EXCEL_SUFFIXES
from app.ui import settings as ui_settings

FILE_FILTER = f"Excel 台账 ({' '.join('*' + s for s in EXCEL_SUFFIXES)});;所有文件 (*)"
LAST_FOLDER_KEY = "ledger/last_folder"

INTRO = ("选择银行发来的不良贷款任务台账（Excel 文件，.xlsx 或 .xls）。<br>"
         "下一步会先<b>预览</b>：看程序从每个工作表里认出了哪些列、金额单位和乡镇，"
         "没认出来的列可以手动指定。预览时数据库不会有任何改动。")


class FilePage(QWizardPage):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("filePage")
        self.setTitle("选择台账文件")
        self.setSubTitle("第 1 步，共 4 步")
        intro = QLabel(INTRO)
        intro.setWordWrap(True)
        self.path_edit = QLineEdit()
        self.path_edit.setObjectName("ledgerPath")
        self.path_edit.setPlaceholderText("台账文件的位置，例如 D:\\台账\\2026年10月不良贷款清收台账.xlsx")
        self.path_edit.textChanged.connect(lambda _t: self._changed())
        browse = QPushButton("浏览…")
        browse.setObjectName("browse")
        browse.clicked.connect(self.browse)
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(browse)
        self.hint = QLabel("")
        self.hint.setObjectName("muted")
        self.hint.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setSpacing(12)
        layout.addWidget(intro)
        layout.addSpacing(6)
        layout.addWidget(QLabel("台账文件："))
        layout.addLayout(row)
        layout.addWidget(self.hint)
        layout.addStretch(1)

    def path(self) -> Path | None:
        text = self.path_edit.text().strip().strip('"')
        return Path(text) if text else None

    def set_path(self, path: Path | str) -> None:
        self.path_edit.setText(str(path))

    def browse(self) -> None:
        start = ui_settings.settings().value(LAST_FOLDER_KEY, "") or ""
        current = self.path()
        if current is not None and current.parent.is_dir():
            start = str(current.parent)
        name, _ = QFileDialog.getOpenFileName(self, "选择银行台账", str(start), FILE_FILTER)
        if name:
            self.set_path(name)

    def _changed(self) -> None:
        path = self.path()
        if path is None:
            self.hint.setText("")
        elif not path.is_file():
            self.hint.setText("找不到这个文件。")
        elif path.suffix.lower() not in EXCEL_SUFFIXES:
            self.hint.setText("这不像是 Excel 文件，预览时会再检查一次。")
        else:
            size = path.stat().st_size
            shown = f"{size / 1024 / 1024:.1f} MB" if size >= 1024 * 1024 else f"{max(1, round(size / 1024))} KB"
            self.hint.setText(f"{path.name}，{shown}")
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        path = self.path()
        return path is not None and path.is_file()

    def validatePage(self) -> bool:
        path = self.path()
        if path is not None:
            s = ui_settings.settings()
            s.setValue(LAST_FOLDER_KEY, str(path.parent))
            s.sync()
        return True
