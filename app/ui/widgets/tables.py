"""Read-only, sortable table views with the look the whole program shares."""
from __future__ import annotations

from PySide6.QtCore import QSortFilterProxyModel
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from app.ui.models.summary import sorted_view
from app.ui.models.table import RecordTableModel
from app.ui.widgets.rate_bar import RateBarDelegate

COLUMN_PADDING = 22  # room around the text and for the sort arrow


class FigureTable(QTableView):
    """Columns fit their text; spare width is shared out so figures do not huddle at one side."""

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        fit_columns(self)


def make_table_view(model: RecordTableModel, parent: QWidget, *,
                    rate_column: int | None = None, proxy: QSortFilterProxyModel | None = None) -> QTableView:
    """``proxy``: a sorting (and filtering) proxy already over ``model``; by default one is made."""
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
    model.modelReset.connect(lambda: fit_columns(view))
    fit_columns(view)
    return view


def fit_columns(view: QTableView) -> None:
    """Each column as wide as its widest text plus padding, the spare width shared out evenly."""
    header = view.horizontalHeader()
    count = view.model().columnCount()
    widths = []
    for column in range(count):
        view.resizeColumnToContents(column)
        widths.append(header.sectionSize(column) + COLUMN_PADDING)
    spare = view.viewport().width() - sum(widths)
    for column, width in enumerate(widths):
        share = spare // count + (1 if column < spare % count else 0) if spare > 0 else 0
        header.resizeSection(column, width + share)


def rows_height(view: QTableView, rows: int) -> int:
    """Height that shows ``rows`` rows and the header without a scroll bar."""
    header = view.horizontalHeader()
    return (max(header.height(), header.sizeHint().height()) + rows * view.verticalHeader().defaultSectionSize()
            + 2 * view.frameWidth() + 4)
