"""The household page's notice of what bank ledgers said that needs checking (台账核实): each
item with what the ledger said, which file and row and as of when, and a button to mark it
checked; the checked ones below, with who checked them and when (and a way to take it back)."""
from __future__ import annotations

from typing import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.services.ledger_import.followup import FollowupItem

STYLE = """
QFrame#followupPanel { background: #eef5fc; border: 1px solid #b8d0ea; border-radius: 6px; }
QLabel#followupTitle { color: #1f4e79; font-weight: bold; }
QLabel[role="followupKind"] { color: #8a2a1d; font-weight: bold; }
QLabel[role="followupSource"] { color: #66707a; }
QLabel[role="followupChecked"] { color: #52606d; }
"""
SHOWN_CHECKED = 5   # checked items listed (the rest are counted)


def _clear(layout) -> None:
    while layout.count():
        item = layout.takeAt(0)
        if item.widget() is not None:
            item.widget().deleteLater()
        elif item.layout() is not None:
            _clear(item.layout())


def _label(text: str, role: str | None = None) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if role:
        label.setProperty("role", role)
    return label


class FollowupPanel(QFrame):
    """``check_requested(ids, undo)``: the person marked items as checked (or took it back)."""

    check_requested = Signal(list, bool)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("followupPanel")
        self.setStyleSheet(STYLE)
        self.items: list[FollowupItem] = []
        self.title = QLabel("")
        self.title.setObjectName("followupTitle")
        self.title.setWordWrap(True)
        self.all_button = QPushButton("全部核实")
        self.all_button.setObjectName("followupCheckAll")
        self.all_button.setToolTip("这一户的台账提示都已核实过：全部标记为已核实")
        self.all_button.clicked.connect(lambda: self.check_requested.emit(self.open_ids(), False))
        head = QHBoxLayout()
        head.addWidget(self.title, 1)
        head.addWidget(self.all_button, 0, Qt.AlignmentFlag.AlignTop)
        self.list = QVBoxLayout()
        self.list.setSpacing(8)
        self.checked = QVBoxLayout()
        self.checked.setSpacing(2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.setSpacing(8)
        layout.addLayout(head)
        layout.addLayout(self.list)
        layout.addLayout(self.checked)
        self.buttons: dict[str, QPushButton] = {}
        self.setVisible(False)

    def open_ids(self) -> list[str]:
        return [x.id for x in self.items if not x.checked]

    def set_items(self, items: Sequence[FollowupItem]) -> None:
        self.items = list(items)
        _clear(self.list)
        _clear(self.checked)
        self.buttons = {}
        waiting = [x for x in self.items if not x.checked]
        done = [x for x in self.items if x.checked]
        self.setVisible(bool(self.items))
        self.title.setText(f"⚠ 银行台账提示：{len(waiting)} 条待核实" if waiting else "银行台账提示：都已核实")
        self.all_button.setVisible(len(waiting) > 1)
        self.all_button.setEnabled(True)
        for x in waiting:
            self.list.addLayout(self._open_item(x))
        if done:
            self.checked.addWidget(_label(f"已核实 {len(done)} 条：", "followupChecked"))
            for x in done[:SHOWN_CHECKED]:
                self.checked.addLayout(self._checked_item(x))
            if len(done) > SHOWN_CHECKED:
                self.checked.addWidget(_label(f"……另有 {len(done) - SHOWN_CHECKED} 条", "followupChecked"))

    def _open_item(self, x: FollowupItem) -> QVBoxLayout:
        box = QVBoxLayout()
        box.setSpacing(2)
        box.addWidget(_label(x.kind_name + ("（本行未导入）" if not x.imported else ""), "followupKind"))
        box.addWidget(_label(x.message))
        button = QPushButton("已核实")
        button.setObjectName("followupCheck")
        button.setToolTip("核实过这条提示后点这里（记入操作日志：谁、什么时候核实的）")
        button.clicked.connect(lambda _c=False, i=x.id: self._check(i))
        self.buttons[x.id] = button
        row = QHBoxLayout()
        row.addWidget(_label(x.source, "followupSource"), 1)
        row.addWidget(button, 0, Qt.AlignmentFlag.AlignBottom)
        box.addLayout(row)
        return box

    def _checked_item(self, x: FollowupItem) -> QHBoxLayout:
        when = x.checked_at.strftime("%Y-%m-%d") if x.checked_at else ""
        text = f"✓ {x.kind_name}：{x.checked_by or ''} {when}" + (f"（{x.check_note}）" if x.check_note else "")
        label = _label(text, "followupChecked")
        label.setToolTip(f"{x.message}\n{x.source}")
        undo = QPushButton("撤销")
        undo.setObjectName("followupUndo")
        undo.setFlat(True)
        undo.setToolTip("这条其实还没有核实：取消核实标记")
        undo.clicked.connect(lambda _c=False, i=x.id: self.check_requested.emit([i], True))
        row = QHBoxLayout()
        row.addWidget(label, 1)
        row.addWidget(undo, 0, Qt.AlignmentFlag.AlignTop)
        return row

    def _check(self, item_id: str) -> None:
        button = self.buttons.get(item_id)
        if button is not None:
            button.setEnabled(False)      # until the page shows the result
        self.check_requested.emit([item_id], False)
