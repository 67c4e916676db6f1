"""Tables of the worklist (工作台): households to follow up, and progress by village and person."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal

from app.domain.money import format_yuan
from app.ui.models.colours import AMBER, RED
from app.ui.models.table import SORT_ROLE, Column, RecordTableModel

if TYPE_CHECKING:     # the rows come from the services; the window paints before they are loaded
    from app.services.households import HouseholdRow
    from app.services.work.worklist import Progress

_DUTIES = re.compile(r"（[^）]*）")


def _day(d) -> str:
    return d.isoformat() if d else ""


def _place(r: HouseholdRow) -> str:
    return " ".join(p for p in (r.village, r.group_name) if p)


def _promise(r: HouseholdRow) -> str:
    if not r.promise_date:
        return ""
    return f"{_day(r.promise_date)}" + (f" 还 {format_yuan(r.promise_fen)} 元" if r.promise_fen else "")


class WorkItemModel(RecordTableModel["HouseholdRow"]):
    """One of the worklist's lists of households (``as_of`` gives the days overdue).

    It holds the first rows of a list the service sorted: a header click does not sort these
    rows but says so (``sortRequested``), and the list is asked for again in that order
    (``order``: a key of ``worklist.SORTS`` and descending, or None for the list's own)."""

    sortRequested = Signal()

    columns = (
        Column("户主", lambda r: r.head_name),
        Column("乡镇", lambda r: r.township),
        Column("村组", _place),
        Column("电话", lambda r: r.phone),
        Column("剩余（元）", lambda r: r.outstanding_fen, "money"),
        Column("最近走访", lambda r: f"{_day(r.last_visit_on)} {r.last_outcome_name}".strip() or "从未走访"),
        Column("下次跟进", lambda r: _day(r.next_date)),
        Column("逾期天数", lambda r: r.next_date, "text", "约定的跟进日期已过了多少天"),
        Column("承诺还款", _promise, tooltip="承诺的还款日期和金额"),
        Column("阶段", lambda r: r.stage_names),
        Column("责任人", lambda r: _DUTIES.sub("", r.responsible)),
    )
    # The service's sort key of each column (None: cannot be sorted).
    SORT_KEYS = ("name", "township", "village", None, "outstanding", "last_visit", "next_date", "days_overdue",
                 "promise_date", "stage", None)
    TOWNSHIP_COLUMN = 1
    LAST_VISIT_COLUMN = 5
    NEXT_COLUMN = 6
    OVERDUE_COLUMN = 7
    PROMISE_COLUMN = 8

    def __init__(self, parent=None):
        super().__init__(parent)
        self.as_of = date.today()
        self.order: tuple[str, bool] | None = None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        wanted = None
        if 0 <= column < len(self.SORT_KEYS):
            key = self.SORT_KEYS[column]
            if key is None:          # not sortable: the order stays (the view puts its arrow back)
                self.sortRequested.emit()
                return
            wanted = (key, order == Qt.SortOrder.DescendingOrder)
        if wanted != self.order:
            self.order = wanted
            self.sortRequested.emit()

    def sort_column(self) -> tuple[int, Qt.SortOrder]:
        """The header's arrow for ``order``: (-1, …) for the list's own order."""
        if self.order is None:
            return -1, Qt.SortOrder.AscendingOrder
        return (self.SORT_KEYS.index(self.order[0]),
                Qt.SortOrder.DescendingOrder if self.order[1] else Qt.SortOrder.AscendingOrder)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= self.rowCount():
            return None
        r = self.record(index.row())
        if index.column() == self.OVERDUE_COLUMN:
            days = (self.as_of - r.next_date).days if r.next_date and r.next_date < self.as_of else 0
            if role == Qt.ItemDataRole.DisplayRole:
                return f"{days} 天" if days else ""
            if role == SORT_ROLE:   # sort by the number of days
                return days
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
            if role == Qt.ItemDataRole.ForegroundRole and days:
                return AMBER
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == self.PROMISE_COLUMN and r.promise_broken:
            return RED
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == len(self.columns) - 1:
            return r.responsible or None
        return super().data(index, role)


@dataclass(frozen=True)
class Ranked:
    rank: int
    p: Progress


def ranked(items: list[Progress]) -> list[Ranked]:
    return [Ranked(i, p) for i, p in enumerate(items, start=1)]


def _figures() -> tuple[Column, ...]:
    return (
        Column("户数", lambda x: x.p.households, "int"),
        Column("笔数", lambda x: x.p.loans, "int"),
        Column("任务金额（元）", lambda x: x.p.task_fen, "money"),
        Column("已清收（元）", lambda x: x.p.recovered_fen, "money"),
        Column("剩余（元）", lambda x: x.p.outstanding_fen, "money"),
        Column("清收率", lambda x: x.p.rate, "rate", "已清收 ÷ 任务金额"),
        Column("已结清", lambda x: x.p.settled, "int", "已全部收回的贷款笔数"),
    )


class VillageProgressModel(RecordTableModel[Ranked]):
    columns = (Column("排名", lambda x: x.rank, "rank", "按清收率从高到低"),
               Column("村（社区）", lambda x: x.p.name), Column("乡镇", lambda x: x.p.detail)) + _figures()
    RATE_COLUMN = 8


class StaffProgressModel(RecordTableModel[Ranked]):
    columns = (Column("排名", lambda x: x.rank, "rank", "按清收率从高到低"),
               Column("责任人", lambda x: x.p.name), Column("职务与责任", lambda x: x.p.detail)) + _figures()
    RATE_COLUMN = 8
