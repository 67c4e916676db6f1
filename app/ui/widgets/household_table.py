"""The household list's table and search box (``app.ui.pages.households`` puts them together):
the look of the table, its column widths, and the keys of both."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLineEdit, QTableView, QWidget

from app.ui.models.households import COLUMNS, ID_ROLE, MATCH_COLUMN, HouseholdTableModel
from app.ui.widgets.columns import ColumnChooser, ColumnFit

# Column widths in characters of the font: (natural, minimum); text columns give way down to their
# minimum (elided, the tooltip has all) so the list needs no horizontal scroll bar at 1366x768.
# A column not named here gets _OTHER.
_WIDTHS = {"户主": (4.0, 4.0), "村组": (7.0, 6.0), "提醒": (5.2, 5.2), "笔数": (2.0, 2.0),
           "阶段": (5.3, 2.5), "还款能力": (5.3, 5.0), "类别": (5.0, 2.5), "最近走访": (10.7, 10.0),
           "下次跟进": (5.6, 5.6), "责任人": (8.0, 3.0), "借款人": (6.0, 3.0), "乡镇": (5.0, 3.0),
           "匹配": (7.5, 5.0)}    # "担保人 王建国 电话" is elided; its tooltip says it all
_OTHER = (5.0, 3.0)
_AIR = 30               # room around a column's text (and its sort arrow), partly given up when space is short
_CELL = 20              # what a cell needs beside its text (padding, focus frame)
# Money columns are as wide as the largest amount a household plausibly owes.
_WIDEST_MONEY = "8,888,888.88"


class HouseholdTable(QTableView):
    """The list itself: Enter or a double-click opens the household.  Its columns fit the width
    (``ColumnFit``: text columns give way down to their minimum), the hidden ones can be chosen,
    and 匹配 (what a search matched) stands right after 户主, shown only while searching.  Sorting
    is turned on by the page once it can show what sorting reads (``setSortingEnabled``)."""

    open_requested = Signal(str)

    def __init__(self, model: HouseholdTableModel, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("householdTable")
        self.setModel(model)
        self.setShowGrid(False)
        self.setAlternatingRowColors(True)
        palette = self.palette()
        palette.setColor(QPalette.ColorRole.AlternateBase, QColor("#f5f7fa"))
        self.setPalette(palette)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setWordWrap(False)
        self.setCornerButtonEnabled(False)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.verticalHeader().hide()
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        head = self.horizontalHeader()
        head.setHighlightSections(False)
        head.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        head.setMinimumHeight(self.fontMetrics().height() + 12)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.fit = ColumnFit(self, self._column_widths)
        # What a search matched (担保人 王建国 …): right after 户主, and only while searching.
        head.moveSection(head.visualIndex(MATCH_COLUMN), 1)
        self.chooser = ColumnChooser(self, "households", [c.title for c in COLUMNS if c.hidden],
                                     on_change=self.fit.invalidate, managed=("匹配", "乡镇"))
        self.setColumnHidden(MATCH_COLUMN, True)
        self.doubleClicked.connect(self._open_index)

    def _column_widths(self, column: int):
        fm, title = self.fontMetrics(), COLUMNS[column].title
        if COLUMNS[column].money and title not in _WIDTHS:
            natural = minimum = fm.horizontalAdvance(_WIDEST_MONEY)
        else:
            em = fm.horizontalAdvance("中")
            chars, least = _WIDTHS.get(title, _OTHER)
            natural, minimum = round(chars * em), round(least * em)
        return natural + _AIR, natural + _CELL, minimum + _CELL

    def keyPressEvent(self, event) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self._open_index(self.currentIndex())
            return
        super().keyPressEvent(event)

    def _open_index(self, index) -> None:
        hid = index.data(ID_ROLE) if index.isValid() else None
        if hid:
            self.open_requested.emit(hid)


class SearchBox(QLineEdit):
    """Down arrow goes to the list; Enter opens the only match (or goes to the list)."""

    down = Signal()
    enter = Signal()

    def keyPressEvent(self, event) -> None:
        if event.key() == Qt.Key.Key_Down:
            self.down.emit()
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.enter.emit()
            return
        if event.key() == Qt.Key.Key_Escape and self.text():
            self.clear()
            return
        super().keyPressEvent(event)
