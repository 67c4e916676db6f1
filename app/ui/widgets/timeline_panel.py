"""The household page's 时间线 tab: the table of what happened, and 冲正 / 作废 for a repayment or
a visit recorded wrong (a button under the table and the row's context menu)."""
from __future__ import annotations

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QHeaderView, QLabel, QMenu, QPushButton, QVBoxLayout, QWidget

from app.services.households.timeline import TimelineEntry
from app.ui.models.household_detail import TimelineModel
from app.ui.widgets.tables import make_table_view


def void_label(entry: TimelineEntry) -> str:
    return "冲正这笔还款…" if entry.kind == "repayment" else "作废这次走访…"


class TimelinePanel(QWidget):
    void_requested = Signal(object)      # the TimelineEntry to void

    def __init__(self, model: TimelineModel, parent: QWidget | None = None):
        super().__init__(parent)
        self.model = model
        self.view = make_table_view(model, self)
        self.view.setObjectName("timelineTable")
        self.view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # newest first, as given
        self.view.setSortingEnabled(False)
        self.view.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._context_menu)
        self.view.selectionModel().currentRowChanged.connect(lambda *_a: self.update_button())
        model.modelReset.connect(self.update_button)
        self.void_button = QPushButton("冲正 / 作废…")
        self.void_button.setObjectName("voidFact")
        self.void_button.setToolTip("选中一条登记错的还款或走访：作废它（写明原因），可同时登记正确的")
        self.void_button.clicked.connect(self._button_clicked)
        hint = QLabel("划线的是已冲正（作废）的记录，不计入任何数字。")
        hint.setObjectName("muted")
        row = QHBoxLayout()
        row.addWidget(hint, 1)
        row.addWidget(self.void_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self.view, 1)
        layout.addLayout(row)
        self.menu: QMenu | None = None
        self.update_button()

    def entry_at(self, row: int) -> TimelineEntry | None:
        """The entry shown in the view's ``row``."""
        source = self.view.model().mapToSource(self.view.model().index(row, 0))
        return self.model.record(source.row()) if source.isValid() else None

    def selected_entry(self) -> TimelineEntry | None:
        index = self.view.currentIndex()
        return self.entry_at(index.row()) if index.isValid() else None

    def select_entry(self, ref_id: str) -> bool:
        for row in range(self.view.model().rowCount()):
            entry = self.entry_at(row)
            if entry is not None and entry.ref_id == ref_id:
                self.view.selectRow(row)
                return True
        return False

    def update_button(self) -> None:
        entry = self.selected_entry()
        self.void_button.setEnabled(entry is not None and entry.voidable)
        self.void_button.setText(void_label(entry) if entry is not None and entry.voidable else "冲正 / 作废…")

    def _button_clicked(self) -> None:
        entry = self.selected_entry()
        if entry is not None and entry.voidable:
            self.void_requested.emit(entry)

    def menu_for(self, entry: TimelineEntry) -> QMenu:
        """The row's context menu (also what the tests open)."""
        menu = QMenu(self)
        menu.setObjectName("timelineMenu")
        action = menu.addAction(void_label(entry) if entry.kind in ("repayment", "visit") else "冲正 / 作废…")
        action.setObjectName("voidAction")
        action.setEnabled(entry.voidable)
        if not entry.voidable and entry.voided:
            action.setText(f"{'已冲正' if entry.kind == 'repayment' else '已作废'}：{entry.void_reason}")
        elif not entry.voidable and entry.kind == "repayment":
            action.setText("银行台账报告的收回不能在这里冲正")
        action.triggered.connect(lambda: self.void_requested.emit(entry))
        return menu

    def _context_menu(self, pos: QPoint) -> None:
        index = self.view.indexAt(pos)
        entry = self.entry_at(index.row()) if index.isValid() else None
        if entry is None:
            return
        self.view.selectRow(index.row())
        self.menu = self.menu_for(entry)
        self.menu.popup(self.view.viewport().mapToGlobal(pos))
