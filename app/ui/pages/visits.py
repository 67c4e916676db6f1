"""走访: recent visits (between two dates, by outcome), and 记录走访 for any household."""
from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QHeaderView, QLabel, QPushButton, QVBoxLayout, QWidget

from app.domain.money import format_yuan
from app.domain.stages import OUTCOME_NAMES
from app.services.work import visit_list
from app.services.work.visit_list import VisitRow
from app.ui import formatting as fmt
from app.ui.models.table import Column, RecordTableModel
from app.ui.pages.base import Page
from app.ui.tasks import run_in_background
from app.ui.widgets.common import PageHeader
from app.ui.widgets.empty_state import EmptyState
from app.ui.widgets.fields import date_edit, date_of, qdate
from app.ui.widgets.tables import make_table_view

LIMIT = 2000
DEFAULT_DAYS = 30


def _day(d) -> str:
    return d.isoformat() if d else ""


class VisitTableModel(RecordTableModel[VisitRow]):
    columns = (
        Column("走访日期", lambda v: _day(v.visited_on)),
        Column("户主", lambda v: v.head_name),
        Column("村组", lambda v: f"{v.village} {v.group_name}".strip()),
        Column("方式", lambda v: v.method_name),
        Column("结果", lambda v: v.outcome_name),
        Column("走访人", lambda v: v.visitors),
        Column("承诺", lambda v: (f"{_day(v.promised_date)} {format_yuan(v.promised_fen) + ' 元' if v.promised_fen else ''}"
                                  .strip()), tooltip="承诺还款的日期和金额"),
        Column("下次跟进", lambda v: _day(v.next_date)),
        Column("备注", lambda v: v.note),
    )


class VisitsPage(Page):
    key = "visits"

    loaded = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._generation = 0
        self.header = PageHeader("走访", "最近的入户、电话走访记录；双击一条打开那一户")
        self.record_button = QPushButton("记录走访…")
        self.record_button.setObjectName("newVisit")
        self.record_button.setToolTip("记录一次走访：先输入姓名或拼音首字母找到那一户（Ctrl+N）")
        self.record_button.clicked.connect(self.record_visit)
        refresh = QPushButton("刷新")
        refresh.setToolTip("重新读取（F5）")
        refresh.clicked.connect(self.refresh)
        self.header.add_right(self.record_button)
        self.header.add_right(refresh)

        today = date.today()
        self.date_from = date_edit(today - timedelta(days=DEFAULT_DAYS), object_name="visitsFrom")
        self.date_to = date_edit(today, object_name="visitsTo")
        self.outcome = QComboBox()
        self.outcome.setObjectName("visitsOutcome")
        self.outcome.addItem("全部结果", None)
        for o, label in OUTCOME_NAMES.items():
            self.outcome.addItem(label, o.value)
        self.count_label = QLabel("")
        self.count_label.setObjectName("visitsCount")
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(300)
        self._timer.timeout.connect(self.refresh)
        for edit in (self.date_from, self.date_to):
            edit.dateChanged.connect(lambda _d: self._timer.start())
        self.outcome.currentIndexChanged.connect(lambda _i: self.refresh())
        row = QHBoxLayout()
        row.setSpacing(8)
        row.addWidget(QLabel("从"))
        row.addWidget(self.date_from)
        row.addWidget(QLabel("到"))
        row.addWidget(self.date_to)
        for text, days in (("近7天", 7), ("近30天", 30), ("近90天", 90)):
            b = QPushButton(text)
            b.clicked.connect(lambda _c=False, n=days: self.last_days(n))
            row.addWidget(b)
        row.addSpacing(12)
        row.addWidget(self.outcome)
        row.addSpacing(12)
        row.addWidget(self.count_label)
        row.addStretch(1)

        self.model = VisitTableModel(self)
        self.table = make_table_view(self.model, self)
        self.table.setObjectName("visitsTable")
        self.table.horizontalHeader().setSectionResizeMode(len(VisitTableModel.columns) - 1,
                                                           QHeaderView.ResizeMode.Stretch)
        self.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        self.table.doubleClicked.connect(self._open)
        self.empty = EmptyState(self.table, "emptyVisits")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 14, 20, 12)
        layout.setSpacing(10)
        layout.addWidget(self.header)
        layout.addLayout(row)
        layout.addWidget(self.table, 1)

    def last_days(self, days: int) -> None:
        today = date.today()
        self.date_to.setMaximumDate(qdate(today))
        self.date_to.setDate(qdate(today))
        self.date_from.setDate(qdate(today - timedelta(days=days)))

    def refresh(self) -> None:
        self._timer.stop()
        self._generation += 1
        generation, db = self._generation, self.db
        if db is None:
            self.model.set_rows([])
            self.count_label.setText("")
            return
        first, last, outcome = date_of(self.date_from), date_of(self.date_to), self.outcome.currentData()
        run_in_background(self, lambda ctx: visit_list.recent(db, date_from=first, date_to=last, outcome=outcome,
                                                              limit=LIMIT),
                          on_success=lambda found: self._show(generation, found))

    def _show(self, generation: int, found: visit_list.VisitList) -> None:
        if generation != self._generation:
            return
        self.model.set_rows(found.rows)
        more = f"（只列出最近的 {fmt.count(len(found.rows))} 条）" if found.total > len(found.rows) else ""
        self.count_label.setText(f"共 {fmt.count(found.total)} 条{more}")
        if found.rows:
            self.empty.clear()
        else:
            self.empty.show_message("所选日期内没有走访记录",
                                    "入户或电话走访后，在这里记下来：先找到那一户，再选方式和结果（Ctrl+N）。"
                                    "也可以换一段日期或“全部结果”再看。", "记录走访…", self.record_visit)
        self.loaded.emit()

    def _open(self, index) -> None:
        from app.ui.pages.household_links import show_household

        source = self.table.model().mapToSource(index)
        if source.isValid():
            show_household(self, self.model.record(source.row()).household_id)

    def page_keys(self):
        return {"Ctrl+N": ("记录走访(&V)…", self.record_visit)}

    def record_visit(self):
        if self.db is None:
            return None
        from app.ui.dialogs.visit_dialog import open_visit_dialog

        return open_visit_dialog(self, self.db)

    def focus_search(self) -> bool:
        return False
