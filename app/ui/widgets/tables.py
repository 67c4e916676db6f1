"""Read-only, sortable table views with the look the whole program shares."""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QSortFilterProxyModel, Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from app.ui.models.summary import sorted_view
from app.ui.widgets.columns import ColumnChooser, ColumnFit, Widths
from app.ui.widgets.rate_bar import RateBarDelegate

COLUMN_PADDING = 22  # room around the text and for the sort arrow, given up first when space is short
TEXT_MIN_CHARS = 4   # a text column gives way down to this many characters (elided, the tooltip has all)


class FigureTable(QTableView):
    """Columns fit their text and the table's width (``widgets/columns.py: ColumnFit``)."""

    fit: ColumnFit
    chooser: ColumnChooser | None = None


FIT_ROWS = 200


def make_table_view(model, parent: QWidget, *, rate_column: int | None = None,
                    proxy: QSortFilterProxyModel | None = None, columns_key: str | None = None) -> FigureTable:
    """``proxy``: a sorting (and filtering) proxy already over ``model``; by default one is made.
    ``columns_key``: the user can choose the columns shown (right-click the header), remembered
    under this name; the model's columns marked ``hidden`` start hidden."""
    view = FigureTable(parent)
    view.setModel(proxy if proxy is not None else sorted_view(model, view))
    view.setSortingEnabled(True)
    view.setShowGrid(False)
    view.setAlternatingRowColors(True)
    palette = view.palette()
    palette.setColor(QPalette.ColorRole.AlternateBase, QColor("#f5f7fa"))
    view.setPalette(palette)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setWordWrap(False)
    view.setCornerButtonEnabled(False)
    if rate_column is not None:
        view.setItemDelegateForColumn(rate_column, RateBarDelegate(view))
    view.verticalHeader().hide()
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 10)
    header = view.horizontalHeader()
    header.setHighlightSections(False)
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setMinimumHeight(view.fontMetrics().height() + 12)
    # a column is fitted to the rows in view and 200 more, not to a thousand (Qt's default): the
    # worklist's seven tables of 1,000+ rows each were measured cell by cell on every refresh
    header.setResizeContentsPrecision(FIT_ROWS)
    view.setTextElideMode(Qt.TextElideMode.ElideRight)
    view.fit = ColumnFit(view, lambda column: content_widths(view, model, column))
    if columns_key:
        hidden = [c.title for c in getattr(model, "columns", ()) if c.hidden]
        view.chooser = ColumnChooser(view, columns_key, hidden, on_change=view.fit.invalidate)
    view.fit.fit()
    return view


def content_widths(view: QTableView, model, column: int) -> Widths:
    """A column as wide as its widest text plus padding; text columns (``Column.kind == "text"`` of a
    ``RecordTableModel``) may give way to a few characters."""
    view.resizeColumnToContents(column)
    natural = view.horizontalHeader().sectionSize(column) + COLUMN_PADDING
    tight = natural - COLUMN_PADDING + 4
    columns = getattr(model, "columns", ())
    if column >= len(columns) or columns[column].kind != "text":
        return natural, tight, tight
    fm = view.fontMetrics()
    title = fm.horizontalAdvance(columns[column].title)
    return natural, tight, max(fm.horizontalAdvance("中") * TEXT_MIN_CHARS, title) + 20


def rows_height(view: QTableView, rows: int) -> int:
    """Height that shows ``rows`` rows and the header without a scroll bar."""
    header = view.horizontalHeader()
    return (max(header.height(), header.sizeHint().height()) + rows * view.verticalHeader().defaultSectionSize()
            + 2 * view.frameWidth() + 4)


class _EnterOpens(QObject):
    """Enter or Return on a table's current row does what a double-click does."""

    def __init__(self, view: QTableView, slot):
        super().__init__(view)
        self.view, self.slot = view, slot

    def eventFilter(self, watched, event) -> bool:
        if (event.type() == QEvent.Type.KeyPress and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
                and self.view.currentIndex().isValid()):
            self.slot(self.view.currentIndex())
            return True
        return False


def on_open(view: QTableView, slot) -> None:
    """``slot(index)`` (an index of the view's model) on a double-click or Enter on a row."""
    view.doubleClicked.connect(slot)
    view.installEventFilter(_EnterOpens(view, slot))
