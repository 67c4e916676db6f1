"""How the window shows errors: two kinds, never a bare traceback.

* ``UserError`` (and subclasses): something the user can act on → a plain warning dialog
  with its Chinese message.
* Anything else is a bug → logged with its traceback to ``logs/qingshou.log`` and shown in
  a crash dialog that says the operation did not complete, where the log is, and offers
  "复制详情".

``install_excepthook()`` routes uncaught exceptions (e.g. raised in a slot) here.  Errors that
arrive in a burst are shown in one dialog, a moment later, not from inside the failing call.

Tests set ``DIALOG_HOOK`` to receive the dialogs instead of having them shown modally.
"""
from __future__ import annotations

import logging
import logging.handlers
import platform
import sys
import traceback
from datetime import datetime
from pathlib import Path
from typing import Callable

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import Qt, QTimer, QUrl
from PySide6.QtGui import QDesktopServices, QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from app import __version__, config
from app.domain.errors import UserError

log = logging.getLogger(__name__)

LOG_NAME = "qingshou.log"

# When set (by tests), dialogs are handed to this instead of being shown with exec().
DIALOG_HOOK: Callable[[QDialog], None] | None = None


def log_path() -> Path:
    return config.log_dir() / LOG_NAME


def ensure_log_file() -> Path:
    """Make sure the log file receives records (the command line normally set this up).

    If the data folder changed since (each test has its own), the handler follows it.
    """
    path = log_path()
    root = logging.getLogger()
    if any(getattr(h, "baseFilename", None) == str(path) for h in root.handlers):
        return path
    for old in [h for h in root.handlers if getattr(h, "_qingshou_ui", False)]:
        root.removeHandler(old)
        old.close()
    try:
        handler = logging.handlers.RotatingFileHandler(path, maxBytes=2_000_000, backupCount=3,
                                                       encoding="utf-8")
    except OSError:
        return path
    handler._qingshou_ui = True  # type: ignore[attr-defined]
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    if root.level > logging.INFO or root.level == logging.NOTSET:
        root.setLevel(logging.INFO)
    return path


def present(dialog: QDialog) -> None:
    if DIALOG_HOOK is not None:
        DIALOG_HOOK(dialog)
    else:
        dialog.exec()


def warn_user(parent: QWidget | None, message: str, title: str = "无法完成") -> None:
    box = QMessageBox(QMessageBox.Icon.Warning, title, message, QMessageBox.StandardButton.Ok, parent)
    box.button(QMessageBox.StandardButton.Ok).setText("确定")
    present(box)


def inform(parent: QWidget | None, message: str, title: str = "完成") -> None:
    box = QMessageBox(QMessageBox.Icon.Information, title, message, QMessageBox.StandardButton.Ok, parent)
    box.button(QMessageBox.StandardButton.Ok).setText("确定")
    present(box)


def format_report(exc: BaseException, tb_text: str | None = None) -> str:
    """What a support person needs: versions, platform, time and the traceback."""
    if tb_text is None:
        tb_text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    return (f"清收工作台 {__version__}  Python {platform.python_version()}  PySide6 {pyside_version}\n"
            f"{platform.platform()}\n"
            f"时间：{datetime.now():%Y-%m-%d %H:%M:%S}\n\n{tb_text.rstrip()}\n")


class CrashDialog(QDialog):
    """A bug: the operation did not complete; the details are in the log and can be copied."""

    def __init__(self, report: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("crashDialog")
        self.setWindowTitle("程序出错")
        self.report = report
        icon = QLabel()
        icon.setPixmap(self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxCritical).pixmap(40, 40))
        head = QLabel("<b>程序遇到了一个意外的问题，刚才的操作没有完成。</b><br>"
                      "已经保存的数据不受影响。可以关闭此窗口后重试；如果再次出现，"
                      "请点“复制详情”，把内容发给技术支持人员。")
        head.setWordWrap(True)
        where = QLabel(f"详情已记录在日志文件：{log_path()}")
        where.setObjectName("logPath")
        where.setWordWrap(True)
        where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details = QPlainTextEdit(report)
        self.details.setReadOnly(True)
        self.details.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.details.setMinimumSize(560, 200)

        copy = QPushButton("复制详情")
        copy.setObjectName("copyDetails")
        copy.clicked.connect(self.copy_details)
        open_logs = QPushButton("打开日志文件夹")
        open_logs.clicked.connect(lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(config.log_dir()))))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("关闭")
        buttons.addButton(copy, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(open_logs, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)

        top = QHBoxLayout()
        top.addWidget(icon, 0)
        top.addWidget(head, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(where)
        layout.addWidget(self.details, 1)
        layout.addWidget(buttons)

    def append(self, report: str) -> None:
        self.report += "\n" + "-" * 60 + "\n" + report
        self.details.setPlainText(self.report)

    def copy_details(self) -> None:
        QGuiApplication.clipboard().setText(self.report)


def report_crash(parent: QWidget | None, exc: BaseException, tb_text: str | None = None) -> None:
    """Log a bug with its traceback and show the crash dialog."""
    report = format_report(exc, tb_text)
    ensure_log_file()
    log.error("unexpected error\n%s", report)
    present(CrashDialog(report, parent))


def show_error(parent: QWidget | None, exc: BaseException, tb_text: str | None = None) -> None:
    """The one place an exception becomes a dialog."""
    if isinstance(exc, UserError):
        log.info("refused: %s", exc)
        warn_user(parent, str(exc))
    else:
        report_crash(parent, exc, tb_text)


# -- uncaught exceptions -------------------------------------------------------------------
class _ExceptHook:
    """Collects uncaught exceptions and shows them shortly after, in one dialog."""

    def __init__(self) -> None:
        self.pending: list[tuple[BaseException, str]] = []
        self.timer: QTimer | None = None

    def __call__(self, etype, value, tb) -> None:
        if issubclass(etype, KeyboardInterrupt):
            sys.__excepthook__(etype, value, tb)
            return
        text = "".join(traceback.format_exception(etype, value, tb))
        if not isinstance(value, UserError):
            ensure_log_file()
            log.error("uncaught exception\n%s", text)
        self.pending.append((value, text))
        if QApplication.instance() is None:
            sys.__excepthook__(etype, value, tb)
            return
        if self.timer is None:
            self.timer = QTimer()
            self.timer.setSingleShot(True)
            self.timer.timeout.connect(self.flush)
        self.timer.start(100)

    def flush(self) -> None:
        pending, self.pending = self.pending, []
        if not pending:
            return
        parent = QApplication.activeWindow()
        user_errors = [e for e, _ in pending if isinstance(e, UserError)]
        bugs = [(e, t) for e, t in pending if not isinstance(e, UserError)]
        if bugs:
            report = "\n".join(format_report(e, t) for e, t in bugs)
            present(CrashDialog(report, parent))
        elif user_errors:
            warn_user(parent, "\n".join(dict.fromkeys(str(e) for e in user_errors)))


_hook: _ExceptHook | None = None


def install_excepthook() -> None:
    global _hook
    ensure_log_file()
    _hook = _ExceptHook()
    sys.excepthook = _hook
