"""本机操作员: the name of who works at this laptop, asked once (a database opened without one)
and changed in 设置.  Saving it is the caller's (``save_operator``)."""
from __future__ import annotations

from typing import Callable

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from app.db.session import Database
from app.domain.errors import InputError
from app.services.foundation import operators
from app.ui import actor as ui_actor
from app.ui.tasks import run_in_background
from app.ui.widgets.fields import FieldNote


class OperatorDialog(QDialog):
    def __init__(self, current: str | None = None, parent: QWidget | None = None, *, first: bool = False):
        super().__init__(parent)
        self.setObjectName("operatorDialog")
        self.setWindowTitle("本机操作员")
        intro = ("请填写在这台电脑上办理业务的人的姓名。" if first else "更改在这台电脑上办理业务的人的姓名。")
        text = QLabel(f"{intro}<br>这个姓名印在还款凭证和还款协议书的“经办人”处，每一处改动也记在这个姓名下"
                      "（操作日志）。只保存在本机的数据库里。")
        text.setWordWrap(True)
        self.name = QLineEdit(current or "")
        self.name.setObjectName("operatorName")
        self.name.setMaxLength(operators.MAX_LENGTH)
        self.name.setPlaceholderText("例如：张三")
        self.note = FieldNote(self, object_name="operatorNote")
        form = QFormLayout()
        form.addRow("姓名", self.name)
        form.addRow("", self.note)
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok = box.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText("保存")
        box.button(QDialogButtonBox.StandardButton.Cancel).setText("以后再说" if first else "取消")
        box.accepted.connect(self.accept)
        box.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addLayout(form)
        layout.addWidget(box)
        self.setMinimumWidth(440)
        self.name.textChanged.connect(lambda _t: self.check())
        self.check()

    def check(self) -> bool:
        try:
            operators.clean_name(self.name.text())
        except InputError as exc:
            self.note.show_message(str(exc) if self.name.text().strip() else None)
            self.ok.setEnabled(False)
            return False
        self.note.show_message(None)
        self.ok.setEnabled(True)
        return True

    def accept(self) -> None:
        if self.check():
            super().accept()

    def chosen_name(self) -> str:
        return operators.clean_name(self.name.text())


def save_operator(parent: QWidget, db: Database, name: str,
                  on_done: Callable[[operators.Operator], None] | None = None) -> None:
    """Store ``name`` as the operator of ``db`` (in the background), then use it in the window."""

    def done(op: operators.Operator) -> None:
        ui_actor.set_operator(op.name)
        if on_done is not None:
            on_done(op)

    run_in_background(parent, lambda ctx: operators.set_current(db, name), on_success=done, write=True,
                      progress_label="正在保存操作员……")
