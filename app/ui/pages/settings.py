"""设置: who works at this laptop (操作员), where the data lives, and backups."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app import config
from app.services.foundation.backup import auto_backups, backup
from app.ui import actor as ui_actor
from app.ui import errors
from app.ui.pages.base import Page
from app.ui.tasks import run_in_background
from app.ui.widgets.common import PageHeader


def _path_row(field: QLineEdit, folder_of: bool = False) -> QWidget:
    field.setReadOnly(True)
    button = QPushButton("打开文件夹")

    def open_folder() -> None:
        path = Path(field.text())
        target = path.parent if folder_of else path
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(target)))

    button.clicked.connect(open_folder)
    row = QWidget()
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(field, 1)
    layout.addWidget(button)
    return row


class SettingsPage(Page):
    key = "settings"

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.data_dir = QLineEdit()
        self.data_dir.setObjectName("dataDir")
        self.db_path = QLineEdit()
        self.db_path.setObjectName("dbPath")
        self.backup_dir = QLineEdit()
        self.backup_dir.setObjectName("backupDir")
        self.last_backup = QLabel("—")
        self.last_backup.setObjectName("lastBackup")
        self.backup_button = QPushButton("立即备份")
        self.backup_button.setObjectName("backupNow")
        self.backup_button.setToolTip("把当前数据库完整复制一份到备份文件夹")
        self.backup_button.clicked.connect(self.backup_now)

        self.operator = QLabel("—")
        self.operator.setObjectName("operatorName")
        self.operator_button = QPushButton("更改…")
        self.operator_button.setObjectName("changeOperator")
        self.operator_button.setToolTip("更改本机操作员的姓名")
        self.operator_button.clicked.connect(self.change_operator)
        people = QGroupBox("操作员")
        pform = QFormLayout(people)
        pform.setVerticalSpacing(10)
        who = QHBoxLayout()
        who.addWidget(self.operator)
        who.addSpacing(12)
        who.addWidget(self.operator_button)
        who.addStretch(1)
        pform.addRow("本机操作员：", who)
        pnote = QLabel("印在还款凭证、还款协议书的“经办人”处，每一处改动也记在这个姓名下（操作日志）。"
                       "只保存在本机，不随数据传给区里或别的电脑。")
        pnote.setObjectName("muted")
        pnote.setWordWrap(True)
        pform.addRow("", pnote)

        places = QGroupBox("数据存放位置")
        form = QFormLayout(places)
        form.setVerticalSpacing(10)
        form.addRow("数据文件夹：", _path_row(self.data_dir))
        form.addRow("当前数据库：", _path_row(self.db_path, folder_of=True))

        backups = QGroupBox("备份")
        bform = QFormLayout(backups)
        bform.setVerticalSpacing(10)
        bform.addRow("备份文件夹：", _path_row(self.backup_dir))
        bform.addRow("最近自动备份：", self.last_backup)
        note = QLabel("每次打开数据库时，如果距上次自动备份已超过一天，程序会自动备份一次，保留最近 10 份。")
        note.setObjectName("muted")
        note.setWordWrap(True)
        bform.addRow("", note)
        row = QHBoxLayout()
        row.addWidget(self.backup_button)
        row.addStretch(1)
        bform.addRow("", row)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 14, 20, 12)
        layout.setSpacing(14)
        layout.addWidget(PageHeader("设置", "操作员、数据文件夹、数据库和备份"))
        layout.addWidget(people)
        layout.addWidget(places)
        layout.addWidget(backups)
        layout.addStretch(1)

    def refresh(self) -> None:
        name = ui_actor.operator_name()
        self.operator.setText(name if name else ("未设置" if self.db is not None else "—"))
        self.operator_button.setText("更改…" if name else "设置…")
        self.operator_button.setEnabled(self.db is not None)
        self.data_dir.setText(str(config.data_dir()))
        self.backup_dir.setText(str(config.backup_dir()))
        self.db_path.setText(str(self.db.path) if self.db is not None else "（未打开数据库）")
        self.backup_button.setEnabled(self.db is not None)
        found = auto_backups(self.db.path, config.backup_dir()) if self.db is not None else []
        self.last_backup.setText(f"{found[-1][0]:%Y-%m-%d %H:%M}（{found[-1][1].name}）" if found else "尚无")

    def change_operator(self) -> None:
        window = self.window()
        if self.db is None or not hasattr(window, "ask_operator"):
            return
        window.operator_changed.connect(self._operator_saved, Qt.ConnectionType.UniqueConnection)
        window.ask_operator(first=False)

    def _operator_saved(self, _name: str) -> None:
        self.refresh()

    def backup_now(self) -> None:
        if self.db is None:
            return
        db = self.db
        out = config.backup_dir() / f"{Path(db.path).stem}-手动-{datetime.now():%Y%m%d-%H%M%S}.db"
        self.backup_button.setEnabled(False)

        def done(result) -> None:
            self.backup_button.setEnabled(True)
            errors.inform(self, f"已备份到：\n{result.path}", "备份完成")

        def failed(exc: BaseException) -> None:
            self.backup_button.setEnabled(True)
            errors.show_error(self, exc)

        run_in_background(self, lambda ctx: backup(db, out), on_success=done, on_failure=failed,
                          progress_label="正在备份数据库……", write=True)
