"""The worklist on the 工作台 page: today's follow-ups, overdue ones, broken promises, households
never visited, broken agreements (double-click opens the household), and progress by village
and by person."""
from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import QIdentityProxyModel, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.db.session import Database
from app.ui import formatting as fmt
from app.ui.models.table import Column, RecordTableModel
from app.ui.models.worklist import StaffProgressModel, VillageProgressModel, WorkItemModel, ranked
from app.ui.tasks import run_in_background
from app.ui.widgets.tables import make_table_view

if TYPE_CHECKING:
    from app.services.work.worklist import Worklist

LIMIT = 100

# key, tab title, what the list is, the 借款户 filter that shows all of them, columns to hide
LISTS = (
    ("due_today", "今日待跟进", "约定今天跟进的借款户", "followup_due",
     (WorkItemModel.OVERDUE_COLUMN, WorkItemModel.PROMISE_COLUMN)),
    ("overdue", "已逾期", "约定的跟进日期已过、还没有再走访的借款户（逾期最久的在前）", "followup_due",
     (WorkItemModel.PROMISE_COLUMN,)),
    ("broken_promises", "承诺未兑现", "承诺的还款日期已过、之后没有还款的借款户", "promise_broken",
     (WorkItemModel.OVERDUE_COLUMN,)),
    ("never_visited", "从未走访", "还没有任何走访记录的借款户（剩余金额大的在前）", "never_visited",
     (WorkItemModel.OVERDUE_COLUMN, WorkItemModel.PROMISE_COLUMN, WorkItemModel.LAST_VISIT_COLUMN,
      WorkItemModel.NEXT_COLUMN)),
)


def _lay_out(tab: QWidget, view: QTableView, about: str, button_text: str, button_name: str,
             on_click) -> tuple[QLabel, QPushButton]:
    """A worklist tab: a line saying what the list is, a button to see all of it, the table."""
    note = QLabel(about)
    note.setObjectName("muted")
    button = QPushButton(button_text)
    button.setObjectName(button_name)
    button.clicked.connect(on_click)
    row = QHBoxLayout()
    row.addWidget(note, 1)
    row.addWidget(button)
    layout = QVBoxLayout(tab)
    layout.setContentsMargins(0, 8, 0, 0)
    layout.setSpacing(6)
    layout.addLayout(row)
    layout.addWidget(view, 1)
    return note, button


class _ListTab(QWidget):
    def __init__(self, panel: "WorklistPanel", key: str, title: str, about: str, filter_key: str, hidden):
        super().__init__()
        self.key, self.title, self.about, self.filter_key = key, title, about, filter_key
        self.panel = panel
        self.generation = 0
        self.model = WorkItemModel(self)
        # The rows come sorted from the service (the whole list, then its first rows): a
        # header click passes through to the model, which asks for the list in that order.
        proxy = QIdentityProxyModel(self)
        proxy.setSourceModel(self.model)
        self.view = make_table_view(self.model, self, proxy=proxy)
        self.view.setObjectName(f"worklist_{key}")
        self.view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)    # the service's order
        self.model.sortRequested.connect(self._sort_requested)
        self.hidden = tuple(hidden)
        for column in hidden:
            self.view.setColumnHidden(column, True)
        # the responsible people take the width left (their full names are in the tooltip)
        self.view.horizontalHeader().setSectionResizeMode(len(WorkItemModel.columns) - 1,
                                                          QHeaderView.ResizeMode.Stretch)
        self.view.doubleClicked.connect(lambda index: panel.open_index(self.view, self.model, index))
        self.note, self.all_button = _lay_out(self, self.view, about, "在借款户列表中查看全部", f"showAll_{key}",
                                              lambda: panel.show_all(self.filter_key))

    def _sort_requested(self) -> None:
        column, order = self.model.sort_column()
        head = self.view.horizontalHeader()
        if (head.sortIndicatorSection(), head.sortIndicatorOrder()) != (column, order):
            head.blockSignals(True)     # an unsortable column was clicked: the arrow goes back
            head.setSortIndicator(column, order)
            head.blockSignals(False)
        self.panel.sort_list(self)

    def show_list(self, found) -> None:
        """The list as the service gave it (None: no database)."""
        self.model.set_rows(found.items if found else [])
        total = found.total if found else 0
        self.panel.tabs.setTabText(self.panel.tabs.indexOf(self), f"{self.title}（{fmt.count(total)}）")
        more = ""
        if found and total > len(found.items):
            column, order = self.model.sort_column()
            how = ""
            if column >= 0:
                way = "从大到小" if order == Qt.SortOrder.DescendingOrder else "从小到大"
                how = f"按{self.model.columns[column].title.replace('（元）', '')}{way}的"
            more = f"，列出{how}前 {fmt.count(len(found.items))} 户"
        self.note.setText(f"{self.about}：共 {fmt.count(total)} 户{more}。双击一户打开。")
        self.all_button.setVisible(total > 0)


class BrokenAgreementModel(RecordTableModel):
    """Signed agreements with an installment unpaid beyond the grace period."""

    columns = (
        Column("协议编号", lambda d: d.number),
        Column("借款户", lambda d: d.household),
        Column("村", lambda d: d.village),
        Column("电话", lambda d: d.phone or ""),
        Column("逾期期数", lambda d: d.missed, "int"),
        Column("最早逾期", lambda d: f"{d.due:%Y-%m-%d}（{d.days_overdue} 天）" if d.due else ""),
        Column("欠缴（元）", lambda d: d.arrears_fen, "money"),
        Column("协议剩余（元）", lambda d: d.remaining_fen, "money"),
        Column("减免", lambda d: "已失效" if d.reduction_void else ""),
    )


class _AgreementsTab(QWidget):
    ABOUT = "有一期过了宽限期还没还的还款协议（已违约），逾期最久的在前"

    def __init__(self, panel: "WorklistPanel"):
        super().__init__()
        self.title = "协议违约"
        self.model = BrokenAgreementModel(self)
        self.view = make_table_view(self.model, self)
        self.view.setObjectName("worklist_broken_agreements")
        self.view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)    # the service's order
        self.view.doubleClicked.connect(self._open)
        self.panel = panel
        self.note, self.all_button = _lay_out(self, self.view, self.ABOUT, "在还款协议页查看",
                                              "showAll_broken_agreements", panel.show_broken_agreements)

    def _open(self, index) -> None:
        from app.ui.pages.household_links import show_household

        source = self.view.model().mapToSource(index)
        if source.isValid():
            show_household(self.panel.owner, self.model.record(source.row()).household_id)

    def show(self, found: list) -> None:
        self.model.set_rows(found)
        self.note.setText(f"{self.ABOUT}：共 {fmt.count(len(found))} 份。双击打开这一户。")
        self.all_button.setVisible(bool(found))


class WorklistPanel(QObject):
    """Adds its tabs to ``tabs``; ``refresh(db, as_of)`` computes the worklist in the background."""

    loaded = Signal()
    sorted = Signal(str)     # one list was asked for again in another order (its key)

    def __init__(self, tabs: QTabWidget, owner: QWidget):
        super().__init__(owner)
        self.owner = owner
        self.tabs = tabs
        self.result: Worklist | None = None
        self._generation = 0
        self._db: Database | None = None
        self._as_of = date.today()
        self.lists: dict[str, _ListTab] = {}
        for key, title, about, filter_key, hidden in LISTS:
            tab = _ListTab(self, key, title, about, filter_key, hidden)
            self.lists[key] = tab
            tabs.addTab(tab, title)
        self.agreements = _AgreementsTab(self)
        tabs.addTab(self.agreements, self.agreements.title)
        self.villages = VillageProgressModel(self)
        self.village_view = make_table_view(self.villages, owner, rate_column=VillageProgressModel.RATE_COLUMN)
        self.village_view.setObjectName("villageProgress")
        self.staff = StaffProgressModel(self)
        self.staff_view = make_table_view(self.staff, owner, rate_column=StaffProgressModel.RATE_COLUMN)
        self.staff_view.setObjectName("staffProgress")
        for view in (self.village_view, self.staff_view):
            view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        tabs.addTab(self._wrap(self.village_view, "各村（社区）按清收率排名"), "各村进度")
        tabs.addTab(self._wrap(self.staff_view, "每位责任人负责的借款户，按清收率排名"), "责任人进度")

    @staticmethod
    def _wrap(view: QTableView, about: str) -> QWidget:
        box = QWidget()
        note = QLabel(about)
        note.setObjectName("muted")
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(note)
        layout.addWidget(view, 1)
        return box

    def refresh(self, db: Database | None, as_of: date) -> None:
        self._generation += 1
        generation = self._generation
        self._db, self._as_of = db, as_of
        if db is None:
            self._show(generation, None)
            return
        sorts = {key: tab.model.order for key, tab in self.lists.items() if tab.model.order}
        district = db.identity().role == "district"
        for tab in self.lists.values():   # a district database lists several townships
            tab.view.setColumnHidden(WorkItemModel.TOWNSHIP_COLUMN, not district)
        from app.services.work import worklist  # with the worker's first use (not to paint the page)

        run_in_background(self.owner, lambda ctx: worklist.compute(db, as_of, limit=LIMIT, sorts=sorts),
                          on_success=lambda result: self._show(generation, result))

    def sort_list(self, tab: _ListTab) -> None:
        """Ask for one list again in the order its header shows (the whole list sorted)."""
        db, as_of = self._db, self._as_of
        if db is None or self.result is None:
            return      # not shown yet: the next refresh uses the order
        tab.generation += 1
        generation, order = tab.generation, tab.model.order
        sort, descending = order if order else (None, False)
        from app.services.work import worklist

        run_in_background(self.owner, lambda ctx: worklist.work_list(db, tab.key, as_of, sort=sort,
                                                                     descending=descending, limit=LIMIT),
                          on_success=lambda found: self._sorted(tab, generation, found))

    def _sorted(self, tab: _ListTab, generation: int, found) -> None:
        if generation == tab.generation:
            tab.show_list(found)
            self.sorted.emit(tab.key)

    def _show(self, generation: int, result: Worklist | None) -> None:
        if generation != self._generation:
            return
        self.result = result
        for key, tab in self.lists.items():
            tab.generation += 1      # a list sorted before this refresh is older than it
            tab.model.as_of = result.as_of if result is not None else date.today()
            tab.show_list(getattr(result, key) if result is not None else None)
        broken = result.broken_agreements if result is not None else []
        self.agreements.show(broken)
        self.tabs.setTabText(self.tabs.indexOf(self.agreements), f"{self.agreements.title}（{fmt.count(len(broken))}）")
        self.villages.set_rows(ranked(result.by_village) if result else [])
        self.staff.set_rows(ranked(result.by_staff) if result else [])
        self.loaded.emit()

    # -- going to the household ------------------------------------------------------------
    def open_index(self, view: QTableView, model: WorkItemModel, index) -> None:
        from app.ui.pages.household_links import show_household

        source = view.model().mapToSource(index)
        if source.isValid():
            show_household(self.owner, model.record(source.row()).id)

    def show_broken_agreements(self) -> None:
        window = self.owner.window()
        window.show_page("agreements")
        page = window.current_page()
        if hasattr(page, "set_filter"):
            page.set_filter("broken")

    def show_all(self, filter_key: str) -> None:
        from app.ui.pages.household_links import show_filtered

        show_filtered(self.owner, filter_key)
