"""Step 3: the import itself, in the background, with progress and 取消.  Everything is one
unit of work: cancelling (or any failure) leaves the database as it was."""
from __future__ import annotations

import threading

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWizardPage

from app.domain.errors import UserError
from app.services.ledger_import import Cancelled, import_ledger
from app.ui import errors
from app.ui.tasks import run_in_background


class _Relay(QObject):
    progress = Signal(int, str)


class ImportPage(QWizardPage):
    finished = Signal(str)   # "done" | "cancelled" | "failed"

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("importPage")
        self.setTitle("正在导入")
        self.setSubTitle("第 3 步，共 4 步。导入要么全部完成，要么什么都不改：取消或出错时数据库保持原样。")
        self.state = "idle"            # idle | running | cancelling | done | cancelled | failed
        self._cancel: threading.Event | None = None
        self._relay = _Relay(self)
        self._relay.progress.connect(self._progress)
        self.message = QLabel("准备导入……")
        self.message.setObjectName("importMessage")
        self.bar = QProgressBar()
        self.bar.setObjectName("importProgress")
        self.bar.setRange(0, 100)
        self.bar.setFormat("%p%")
        self.cancel_button = QPushButton("取消导入")
        self.cancel_button.setObjectName("cancelImport")
        self.cancel_button.clicked.connect(self.cancel)
        self.retry_button = QPushButton("重新导入")
        self.retry_button.setObjectName("retryImport")
        self.retry_button.clicked.connect(self.start)
        self.retry_button.hide()
        self.outcome = QLabel("")
        self.outcome.setObjectName("importOutcome")
        self.outcome.setWordWrap(True)
        self.outcome.setTextFormat(Qt.TextFormat.RichText)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.retry_button)
        buttons.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        layout.addStretch(1)
        layout.addWidget(self.message)
        layout.addWidget(self.bar)
        layout.addLayout(buttons)
        layout.addWidget(self.outcome)
        layout.addStretch(2)

    def initializePage(self) -> None:
        self.start()

    def isComplete(self) -> bool:
        return self.state == "done"

    @property
    def running(self) -> bool:
        return self.state in ("running", "cancelling")

    def start(self) -> None:
        wiz = self.wizard()
        self.state = "running"
        cancel = threading.Event()
        self._cancel = cancel
        self.bar.setValue(0)
        self.message.setText("正在导入……")
        self.outcome.setText("")
        self.retry_button.hide()
        self.cancel_button.show()
        self.cancel_button.setEnabled(True)
        self.completeChanged.emit()
        wiz.set_busy(True)
        db, path, township, overrides, earlier = wiz.db, wiz.path, wiz.township or None, dict(wiz.overrides), \
            wiz.preview
        units = dict(wiz.units)
        actor = wiz.actor()
        relay = self._relay

        def report(percent: int, _total: int, message: str) -> None:
            relay.progress.emit(percent, message)

        run_in_background(self, lambda ctx: import_ledger(db, path, township=township, mapping_overrides=overrides,
                                                         progress=report, cancel=cancel, actor=actor,
                                                         preview=earlier, units=units),
                          on_success=self._done, on_failure=self._failed,
                          on_cancelled=lambda: self._failed(Cancelled("已取消导入，数据库没有任何改动")), write=True)

    def cancel(self) -> None:
        if self.state != "running" or self._cancel is None:
            return
        self.state = "cancelling"
        self._cancel.set()
        self.cancel_button.setEnabled(False)
        self.message.setText("正在取消，正在撤销已写入的部分……")

    def _progress(self, percent: int, message: str) -> None:
        if self.state == "running":
            self.bar.setValue(percent)
            self.message.setText(message + "……")

    def _done(self, result) -> None:
        wiz = self.wizard()
        self.state = "done"
        wiz.result = result
        if wiz.preview is not None:
            wiz.preview.parsed = None   # its reading of the file (every row) is not needed any more
        wiz.set_busy(False)
        self.bar.setValue(100)
        self.message.setText("导入完成")
        self.cancel_button.hide()
        self.completeChanged.emit()
        self.finished.emit("done")
        wiz.next()

    def _failed(self, exc: BaseException) -> None:
        wiz = self.wizard()
        self.cancel_button.hide()
        self.retry_button.show()
        wiz.set_busy(False)
        if isinstance(exc, Cancelled):
            self.state = "cancelled"
            self.message.setText("已取消")
            self.outcome.setText("<b>已取消导入，数据库没有任何改动。</b><br>可以点“重新导入”，或关闭这个窗口。")
        else:
            self.state = "failed"
            self.message.setText("导入没有完成")
            reason = str(exc) if isinstance(exc, UserError) else "程序出错（详情已记入日志）"
            self.outcome.setText(f"<span style='color:#b42318'><b>导入没有完成：</b>{reason}</span>"
                                 "<br>数据库没有任何改动。")
            if not isinstance(exc, UserError):
                errors.show_error(self, exc)
        self.completeChanged.emit()
        self.finished.emit(self.state)
        wiz.stopped()
