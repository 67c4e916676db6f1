"""A file was written (an export): say where, and offer 打开文件 and 打开所在文件夹."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPushButton, QVBoxLayout, QWidget

from app.ui import errors


def open_in_system(path: Path) -> bool:
    """Open a file with the program the computer uses for it, or a folder in the file manager."""
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


class FileSavedDialog(QDialog):
    def __init__(self, path: Path, title: str, text: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("fileSavedDialog")
        self.setWindowTitle(title)
        self.path = Path(path)
        self.head = head = QLabel(text)
        head.setWordWrap(True)
        where = QLabel(f"文件：{self.path}")
        where.setObjectName("muted")
        where.setWordWrap(True)
        where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.open_button = QPushButton("打开文件")
        self.open_button.setObjectName("openFile")
        self.open_button.setDefault(True)
        self.open_button.clicked.connect(self.open_file)
        self.folder_button = QPushButton("打开所在文件夹")
        self.folder_button.setObjectName("openFolder")
        self.folder_button.clicked.connect(self.open_folder)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("关闭")
        buttons.rejected.connect(self.reject)
        buttons.addButton(self.open_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.folder_button, QDialogButtonBox.ButtonRole.ActionRole)
        layout = QVBoxLayout(self)
        layout.addWidget(head)
        layout.addWidget(where)
        layout.addWidget(buttons)
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("中") * 32)

    def text(self) -> str:
        return self.head.text()

    def open_file(self) -> None:
        if not open_in_system(self.path):
            errors.warn_user(self, f"这台电脑上没有找到能打开{self.path.suffix}文件的程序。"
                                   "请点“打开所在文件夹”，把文件复制到装有 WPS 或 Excel 的电脑上。")
            return
        self.accept()

    def open_folder(self) -> None:
        open_in_system(self.path.parent)
        self.accept()


def show_file_saved(parent: QWidget | None, path: Path, title: str, text: str) -> FileSavedDialog:
    dialog = FileSavedDialog(path, title, text, parent)
    errors.present(dialog)
    return dialog
