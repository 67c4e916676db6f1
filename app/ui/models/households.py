"""The household list (借款户) as a lazy table model: it keeps only ids, in pages, and loads the
display fields of a row the first time the view asks for it (after Anki's browser table).

* ``set_query(filter, sort_key, descending)`` asks the service for the count and the first page
  of ids (one quick query: this is what runs on each keystroke);
* ``canFetchMore`` / ``fetchMore`` add the next page of ids when the view scrolls near the end;
* ``data()`` loads ``HouseholdRow``s for a batch of rows around the one asked for, and keeps
  the most recent few thousand;
* ``sort()`` (a header click) re-asks the service in the new order (``households.SORT_KEYS``).
"""
from __future__ import annotations

import re
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Callable

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from app.db.session import Database
from app.services import households
from app.services.households import HouseholdFilter, HouseholdRow
from app.services.households.search import summary as match_summary
from app.ui import formatting
from app.ui.models.colours import AMBER, BLUE, RED
from app.ui.models.table import LARGEST_FIRST

ID_ROLE = Qt.ItemDataRole.UserRole + 10
_ROLES = frozenset({Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.ForegroundRole,
                    Qt.ItemDataRole.TextAlignmentRole, ID_ROLE})

_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
_DUTIES = re.compile(r"（[^）]*）")


def _day(d) -> str:
    return d.isoformat() if d else ""


def flags_text(r: HouseholdRow) -> str:
    """The most pressing reminder (a broken promise is also due for a follow-up, mostly)."""
    if r.promise_broken:
        return "承诺未兑现"
    if r.followup_due:
        return "待跟进"
    return "台账待核实" if r.followups else ""


def flags_tip(r: HouseholdRow) -> str | None:
    """Every reminder of the row, in words."""
    tips = (["承诺的还款日期已过，之后没有还款"] if r.promise_broken else []) \
        + ([f"约定的跟进日期 {_day(r.next_date)} 已到"] if r.followup_due else []) \
        + ([f"银行台账有 {r.followups} 条提示待核实（打开这一户查看）"] if r.followups else [])
    return "；".join(tips) or None


def place(r: HouseholdRow) -> str:
    return " ".join(p for p in (r.village, r.group_name) if p)


@dataclass(frozen=True)
class HColumn:
    title: str
    text: Callable[[HouseholdRow], str]
    sort_key: str | None = None         # a key of households.SORT_KEYS; None: not sortable
    money: bool = False
    tooltip: Callable[[HouseholdRow], str] | None = None     # by default a text cell's tooltip is its text
    header_tip: str = ""
    hidden: bool = False                # starts hidden (right-click the header to show it)


COLUMNS: tuple[HColumn, ...] = (
    HColumn("户主", lambda r: r.head_name, "name",
            tooltip=lambda r: f"{r.head_name}  身份证 {r.id_number or '—'}  电话 {r.phone or '—'}"),
    HColumn("乡镇", lambda r: r.township, "township"),     # shown in a district database only
    HColumn("村组", place, "village", tooltip=lambda r: f"{r.township} {place(r)}"),
    HColumn("提醒", flags_text, None, tooltip=flags_tip,
            header_tip="承诺未兑现（红）；跟进日期已到（橙）；银行台账的提示待核实（蓝）"),
    HColumn("笔数", lambda r: formatting.count(r.loans), "loans", money=True),
    HColumn("任务金额", lambda r: formatting.money(r.task_fen), "task", money=True,
            header_tip="列入清收任务时的贷款余额（元）"),
    HColumn("已清收", lambda r: formatting.money(r.recovered_fen), "recovered", money=True,
            header_tip="已收回的本金（元）"),
    HColumn("剩余", lambda r: formatting.money(r.outstanding_fen), "outstanding", money=True,
            header_tip="任务金额 − 已清收（元）"),
    HColumn("阶段", lambda r: r.stage_names, "stage", tooltip=lambda r: f"各笔贷款所处的阶段：{r.stage_names}"),
    HColumn("还款能力", lambda r: r.capacity_name, "capacity"),
    HColumn("类别", lambda r: r.category_names, "categories", tooltip=lambda r: r.category_names or None),
    HColumn("最近走访", lambda r: f"{_day(r.last_visit_on)} {r.last_outcome_name}".strip() or "从未走访",
            "last_visit"),
    HColumn("下次跟进", lambda r: _day(r.next_date), "next_date"),
    HColumn("责任人", lambda r: _DUTIES.sub("", r.responsible), None, tooltip=lambda r: r.responsible),
    HColumn("借款人", lambda r: r.borrowers, None, hidden=True),    # mostly the head: shown on request
    # Shown only while searching, next to 户主 (the page moves it there): who or what was found.
    HColumn("匹配", lambda r: match_summary(r.matched), None,
            tooltip=lambda r: "；".join(m.detail for m in r.matched) or None,
            header_tip="查找的内容在这一户里对上了什么：户主本人、借据号排在前面，其次是共同借款人、担保人等"),
)
COLUMN = {c.title: i for i, c in enumerate(COLUMNS)}
FLAGS_COLUMN = COLUMN["提醒"]
MATCH_COLUMN = COLUMN["匹配"]
TOWNSHIP_COLUMN = COLUMN["乡镇"]
NEXT_COLUMN = COLUMN["下次跟进"]


class HouseholdTableModel(QAbstractTableModel):
    PAGE = 200          # ids fetched at a time
    ROW_BATCH = 30      # rows loaded at a time, from the first one the view asks for (a screen is ~20)
    CACHE_MAX = 4000    # display rows kept

    totalChanged = Signal(int)
    queryChanged = Signal()       # after each new query (new filter, new order, reload)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.db: Database | None = None
        self.filter = HouseholdFilter()
        self.sort_key = "name"
        self.descending = False
        self.total = 0
        self._ids: list[str] = []
        self._rows: OrderedDict[str, HouseholdRow | None] = OrderedDict()
        self._texts: dict[str, tuple[str, ...]] = {}      # each loaded row's cells, formatted once

    # -- queries -------------------------------------------------------------------------
    def set_database(self, db: Database | None) -> None:
        self.db = db
        self.filter, self.sort_key, self.descending = HouseholdFilter(), "name", False
        self._load(self.PAGE)

    def set_query(self, f: HouseholdFilter, sort_key: str | None = None, descending: bool | None = None) -> None:
        self.filter = f
        if sort_key is not None:
            self.sort_key = sort_key
        if descending is not None:
            self.descending = descending
        self._load(self.PAGE)

    def reload(self) -> None:
        """The same query again (after a write), keeping as many rows as were loaded."""
        self._load(max(self.PAGE, len(self._ids)))

    def _load(self, limit: int) -> None:
        if self.db is None:
            total, ids = 0, []
        else:
            found = households.page(self.db, self.filter, self.sort_key, self.descending, limit=limit)
            total, ids = found.total, found.ids
        self.beginResetModel()
        self._ids, self.total = ids, total
        self._rows.clear()
        self._texts.clear()
        self.endResetModel()
        self.totalChanged.emit(total)
        self.queryChanged.emit()

    def canFetchMore(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> bool:
        return not parent.isValid() and self.db is not None and len(self._ids) < self.total

    def fetchMore(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> None:
        if not self.canFetchMore(parent):
            return
        more = households.ids(self.db, self.filter, self.sort_key, self.descending, limit=self.PAGE,
                              offset=len(self._ids))
        if not more:      # fewer households than counted (changed meanwhile): stop asking
            self.total = len(self._ids)
            self.totalChanged.emit(self.total)
            return
        start = len(self._ids)
        self.beginInsertRows(QModelIndex(), start, start + len(more) - 1)
        self._ids.extend(more)
        self.endInsertRows()

    # -- rows ----------------------------------------------------------------------------
    def household_id(self, row: int) -> str | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_of(self, household_id: str) -> int:
        try:
            return self._ids.index(household_id)
        except ValueError:
            return -1

    def loaded_rows(self) -> int:
        return len(self._ids)

    def record(self, row: int) -> HouseholdRow | None:
        hid = self._ids[row]
        if hid in self._rows:
            self._rows.move_to_end(hid)
            return self._rows[hid]
        batch = [h for h in self._ids[row:row + self.ROW_BATCH] if h not in self._rows]
        found = {r.id: r for r in households.rows(self.db, batch, self.filter.as_of, text=self.filter.text)} \
            if self.db else {}
        for h in batch:
            r = found.get(h)                 # None: deleted meanwhile
            self._rows[h] = r
            self._texts[h] = tuple(c.text(r) for c in COLUMNS) if r is not None else ()
        while len(self._rows) > self.CACHE_MAX:
            gone, _r = self._rows.popitem(last=False)
            self._texts.pop(gone, None)
        return self._rows.get(hid)

    # -- Qt ------------------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role not in _ROLES or not index.isValid():
            return None
        row, col = index.row(), index.column()
        if not 0 <= row < len(self._ids) or not 0 <= col < len(COLUMNS):
            return None
        if role == ID_ROLE:
            return self._ids[row]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT if COLUMNS[col].money else _LEFT
        if role == Qt.ItemDataRole.DisplayRole:
            texts = self._texts.get(self._ids[row])
            if texts is None:
                self.record(row)
                texts = self._texts.get(self._ids[row], ())
            return texts[col] if texts else ("（已删除）" if col == 0 else None)
        column = COLUMNS[col]
        r = self.record(row)
        if r is None:
            return None
        if role == Qt.ItemDataRole.ToolTipRole:      # all of a text that may be elided
            if column.tooltip:
                return column.tooltip(r)
            return None if column.money else (column.text(r) or None)
        if index.column() == FLAGS_COLUMN and (r.promise_broken or r.followup_due or r.followups):
            return RED if r.promise_broken else AMBER if r.followup_due else BLUE
        if index.column() == NEXT_COLUMN and r.followup_due:
            return AMBER
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        column = COLUMNS[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.title
        if role == Qt.ItemDataRole.ToolTipRole:
            tip = column.header_tip
            if column.sort_key is None:
                return tip or None
            return (tip + "；" if tip else "") + "点击按此列排序"
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return Qt.AlignmentFlag.AlignCenter
        if role == Qt.ItemDataRole.InitialSortOrderRole and column.money:
            return LARGEST_FIRST
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS) or COLUMNS[column].sort_key is None:
            return
        self.set_query(self.filter, COLUMNS[column].sort_key, order == Qt.SortOrder.DescendingOrder)

    def sort_column(self) -> int:
        return next((i for i, c in enumerate(COLUMNS) if c.sort_key == self.sort_key), 0)
