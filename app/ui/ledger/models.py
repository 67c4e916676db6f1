"""Table models of the import wizard: a sheet's column mapping (the one editable table), and
the rejected rows, warnings and missing loans of the result."""
from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor

from app.services.ledger_import import (
    FIELD_CHOICES,
    HOW_LABELS,
    REJECT_REASONS,
    WARNING_CODES,
    column_samples,
    override_key,
)
from app.services.ledger_import.updates import MissingLoan
from app.ui.models.table import Column, RecordTableModel

FIELD_LABELS: dict[str | None, str] = dict(FIELD_CHOICES)
_UNKNOWN = QColor("#fff4ce")    # a column nobody has said what it is
_CHANGED = QColor("#e6f0fa")    # a person's own choice
_IDLE = QColor("#8a939c")       # not imported
_ROLE_KEY = Qt.ItemDataRole.UserRole + 2
_HOW_COLOURS = {"auto": QColor("#66707a"), "unknown": QColor("#9a6700"), "override": QColor("#1f6fb2"),
                "remembered": QColor("#1f6fb2"), "duplicate": QColor("#8a939c")}


class MappingModel(QAbstractTableModel):
    """One sheet's columns: Excel letter, header, sample values, the field (editable: a field
    code, or None for "do not import") and how the field was found."""

    HEADERS = ("列", "表头", "导入为", "识别", "示例（前几行）")
    FIELD_COLUMN = 2
    HOW_COLUMN = 3
    field_chosen = Signal(str, object)    # override key, field code or None

    def __init__(self, parent=None):
        super().__init__(parent)
        self._columns: list = []
        self._samples: list[str] = []

    def set_sheet(self, sheet) -> None:
        """``sheet``: a ``SheetReport`` with a layout (or None to empty the table)."""
        self.beginResetModel()
        columns = sheet.layout.columns if sheet is not None and sheet.layout is not None else []
        self._columns = [replace(c) for c in columns]   # edited here, never the preview's own
        self._samples = [" · ".join(column_samples(sheet, c.index)) for c in columns]
        self.endResetModel()

    def column_at(self, row: int):
        return self._columns[row]

    def row_of_header(self, header: str) -> int:
        return next(i for i, c in enumerate(self._columns) if c.header == header)

    # -- Qt -------------------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._columns)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.HEADERS)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._columns) or index.column() >= len(self.HEADERS):
            return None
        c = self._columns[index.row()]
        col = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            if col == 0:
                return c.letter
            if col == 1:
                return c.header or "（无表头）"
            if col == self.FIELD_COLUMN:
                label = FIELD_LABELS.get(c.field, "（不导入）")
                return f"{label}（{c.unit}）" if c.unit and c.field and role == Qt.ItemDataRole.ToolTipRole else label
            if col == self.HOW_COLUMN:
                return HOW_LABELS.get(c.how, c.how)
            return self._samples[index.row()]
        if role == Qt.ItemDataRole.EditRole and col == self.FIELD_COLUMN:
            return c.field or ""
        if role == _ROLE_KEY:
            return override_key(c)
        if role == Qt.ItemDataRole.BackgroundRole:
            if c.how == "unknown":
                return _UNKNOWN
            if c.how in ("override", "remembered"):
                return _CHANGED
            return None
        if role == Qt.ItemDataRole.ForegroundRole:
            if col == self.HOW_COLUMN:
                return _HOW_COLOURS.get(c.how)
            if c.field is None and c.how != "unknown":
                return _IDLE
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return Qt.AlignmentFlag.AlignCenter if col == 0 else Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        return None

    def setData(self, index: QModelIndex | QPersistentModelIndex, value: Any,
                role: int = Qt.ItemDataRole.EditRole) -> bool:
        if (role != Qt.ItemDataRole.EditRole or not index.isValid() or index.column() != self.FIELD_COLUMN
                or index.row() >= len(self._columns)):
            return False
        code = value or None
        if code not in FIELD_LABELS:
            return False
        c = self._columns[index.row()]
        if code == c.field:
            return False
        c.field, c.how = code, "override"
        self.dataChanged.emit(self.index(index.row(), 0), self.index(index.row(), len(self.HEADERS) - 1))
        self.field_chosen.emit(override_key(c), code)
        return True

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == self.FIELD_COLUMN:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.HEADERS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        if role == Qt.ItemDataRole.ToolTipRole and section == self.FIELD_COLUMN:
            return "这一列导入成什么；没认出来的列（黄色）请在这里指定"
        return None


class _ExplainedModel(RecordTableModel):
    """Rows whose last column (说明) is a sentence: the whole of it as the cell's tool tip
    (the table is narrower than the longest)."""

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole and index.isValid() and index.column() == len(self.columns) - 1:
            role = Qt.ItemDataRole.DisplayRole
        return super().data(index, role)


class RejectedModel(_ExplainedModel):
    columns = (
        Column("工作表", lambda r: r.sheet),
        Column("行号", lambda r: r.row, "rank", "Excel 里的行号"),
        Column("借据号", lambda r: r.loan_no or ""),
        Column("原因", lambda r: REJECT_REASONS.get(r.reason, r.reason)),
        Column("说明", lambda r: r.message),
    )


class WarningModel(_ExplainedModel):
    columns = (
        Column("工作表", lambda w: w.sheet),
        Column("行号", lambda w: w.row, "rank", "Excel 里的行号"),
        Column("借据号", lambda w: w.loan_no or ""),
        Column("问题", lambda w: WARNING_CODES.get(w.code, w.code)),
        Column("说明", lambda w: w.message),
    )


class MissingModel(RecordTableModel[MissingLoan]):
    columns = (
        Column("乡镇", lambda m: m.township),
        Column("借据号", lambda m: m.loan_no),
        Column("借款人", lambda m: m.name),
        Column("本系统余额（元）", lambda m: m.balance_fen, "money"),
    )


def record_view(model: RecordTableModel, parent, name: str):
    """A read-only table of rows in the file's order (click a heading to sort), columns as
    wide as their text, the last (the explanation) taking the rest."""
    from PySide6.QtGui import QColor as _QColor
    from PySide6.QtGui import QPalette
    from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

    from app.ui.models.summary import sorted_view

    view = QTableView(parent)
    view.setObjectName(name)
    view.setModel(sorted_view(model, view))
    view.setSortingEnabled(True)
    view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)   # as the ledger lists them
    view.setShowGrid(False)
    view.setAlternatingRowColors(True)
    palette = view.palette()
    palette.setColor(QPalette.ColorRole.AlternateBase, _QColor("#f5f7fa"))
    view.setPalette(palette)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setWordWrap(False)
    view.verticalHeader().hide()
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 10)
    header = view.horizontalHeader()
    header.setHighlightSections(False)
    header.setStretchLastSection(True)
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)

    def fit() -> None:
        for column in range(model.columnCount() - 1):
            view.resizeColumnToContents(column)
            header.resizeSection(column, header.sectionSize(column) + 20)

    model.modelReset.connect(fit)
    fit()
    return view
