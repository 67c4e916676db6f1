"""A read-only table model over a list of records (dataclasses), described by its columns.

Display text is formatted (money "1,234.56", rates "12.73%"), numbers are right-aligned, and
``SORT_ROLE`` gives the raw value so a ``QSortFilterProxyModel`` sorts numbers as numbers.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Callable, Generic, Sequence, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from app.ui import formatting

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
# The first click on a column of money or rates sorts it largest first (the header asks the model).
LARGEST_FIRST = Qt.SortOrder.DescendingOrder.value
R = TypeVar("R")

_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
_FORMATS: dict[str, Callable[[Any], str]] = {
    "text": lambda v: "" if v is None else str(v),
    "code": lambda v: "" if v is None else str(v),   # loan numbers and the like: left-aligned, never elided
    "date": lambda d: d.isoformat() if d else "",
    "int": lambda n: "" if n is None else formatting.count(n),   # None: nothing to count (an empty cell)
    "money": formatting.money,
    "rate": formatting.rate,
    "rank": str,
}


@dataclass(frozen=True)
class Column:
    title: str
    value: Callable[[Any], Any]
    kind: str = "text"        # text | code | date | int | money | rate | rank
    tooltip: str | None = None
    hidden: bool = False      # starts hidden where the user can choose the columns (tables.make_table_view)

    @property
    def numeric(self) -> bool:
        return self.kind in ("int", "money", "rate")


class RecordTableModel(QAbstractTableModel, Generic[R]):
    columns: Sequence[Column] = ()

    def __init__(self, parent=None):
        super().__init__(parent)
        self._rows: list[R] = []

    # -- data in -----------------------------------------------------------------------
    def set_rows(self, rows: Sequence[R]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def record(self, row: int) -> R:
        return self._rows[row]

    def column_index(self, title: str) -> int:
        return next(i for i, c in enumerate(self.columns) if c.title == title)

    # -- Qt --------------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows) or index.column() >= len(self.columns):
            return None
        column = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return _FORMATS[column.kind](column.value(self._rows[index.row()]))
        if role == SORT_ROLE:
            raw = column.value(self._rows[index.row()])
            if column.kind == "date":
                return raw.isoformat() if raw else ""
            return float(raw) if isinstance(raw, Decimal) else raw
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if column.kind in ("rank", "date"):
                return Qt.AlignmentFlag.AlignCenter
            return _RIGHT if column.numeric else _LEFT
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.columns):
            return None
        column = self.columns[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.title
        if role == Qt.ItemDataRole.ToolTipRole:
            return column.tooltip
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return Qt.AlignmentFlag.AlignCenter
        if role == Qt.ItemDataRole.InitialSortOrderRole and column.kind in ("money", "rate"):
            return LARGEST_FIRST
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
