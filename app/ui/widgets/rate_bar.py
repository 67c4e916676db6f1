"""Paints a rate cell with a thin bar under the figure, so a column of rates reads at a glance."""
from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from app.ui.models.table import SORT_ROLE

_TRACK = QColor("#e6e9ee")
_BAR = QColor("#3c8dbc")


class RateBarDelegate(QStyledItemDelegate):
    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index) -> None:
        super().paint(painter, option, index)
        value = index.data(SORT_ROLE)
        if not isinstance(value, (int, float)):
            return
        fraction = max(0.0, min(1.0, float(value)))
        rect = option.rect.adjusted(6, 0, -6, 0)
        bar = QRectF(rect.left(), rect.bottom() - 4, rect.width(), 3)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        painter.setPen(Qt.PenStyle.NoPen)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        painter.setBrush(_TRACK if not selected else QColor(255, 255, 255, 90))
        painter.drawRect(bar)
        painter.setBrush(_BAR if not selected else QColor("white"))
        painter.drawRect(QRectF(bar.left(), bar.top(), bar.width() * fraction, bar.height()))
        painter.restore()
