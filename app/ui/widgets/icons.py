"""Simple line icons for the navigation, drawn with QPainter so they share one look on every
platform (the standard style's icons differ from one system to the next)."""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPainterPath, QPen, QPixmap

NORMAL = QColor("#52606d")
SELECTED = QColor("#ffffff")
_SIZE = 24  # drawing units; painted at 2x for sharp edges on high-DPI screens


def _dashboard(p: QPainter) -> None:
    for x, y in ((3, 3), (13, 3), (3, 13), (13, 13)):
        p.drawRoundedRect(QRectF(x, y, 8, 8), 1.5, 1.5)


def _household(p: QPainter) -> None:
    roof = QPainterPath(QPointF(2.5, 11.5))
    roof.lineTo(12, 3.5)
    roof.lineTo(21.5, 11.5)
    p.drawPath(roof)
    p.drawRect(QRectF(5.5, 10, 13, 11))
    p.drawRect(QRectF(10.5, 15, 3, 6))


def _visit(p: QPainter) -> None:
    p.drawEllipse(QPointF(12, 8), 4, 4)
    body = QPainterPath(QPointF(4, 21))
    body.cubicTo(4, 14.5, 20, 14.5, 20, 21)
    p.drawPath(body)


def _agreement(p: QPainter) -> None:
    page = QPainterPath(QPointF(5, 3))
    page.lineTo(15, 3)
    page.lineTo(19, 7)
    page.lineTo(19, 21)
    page.lineTo(5, 21)
    page.closeSubpath()
    p.drawPath(page)
    for y in (9, 13, 17):
        p.drawLine(QPointF(8, y), QPointF(16, y))


def _report(p: QPainter) -> None:
    p.drawLine(QPointF(3, 21), QPointF(21, 21))
    for x, top in ((5, 13), (10.5, 6), (16, 10)):
        p.drawRect(QRectF(x, top, 3.5, 21 - top))


def _sync(p: QPainter) -> None:
    p.drawLine(QPointF(3, 8), QPointF(20, 8))
    p.drawPolyline([QPointF(16, 4), QPointF(20, 8), QPointF(16, 12)])
    p.drawLine(QPointF(4, 16), QPointF(21, 16))
    p.drawPolyline([QPointF(8, 12), QPointF(4, 16), QPointF(8, 20)])


def _settings(p: QPainter) -> None:
    for y, knob in ((6, 9), (12, 16), (18, 7)):
        p.drawLine(QPointF(3, y), QPointF(21, y))
        p.save()
        p.setBrush(p.pen().color())
        p.drawEllipse(QPointF(knob, y), 2.3, 2.3)
        p.restore()


_DRAW: dict[str, Callable[[QPainter], None]] = {
    "dashboard": _dashboard, "households": _household, "visits": _visit,
    "agreements": _agreement, "reports": _report, "sync": _sync, "settings": _settings,
}


def _pixmap(draw: Callable[[QPainter], None], color: QColor, scale: int = 2) -> QPixmap:
    pixmap = QPixmap(_SIZE * scale, _SIZE * scale)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.scale(scale, scale)
    pen = QPen(color, 1.7)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    painter.setPen(pen)
    draw(painter)
    painter.end()
    pixmap.setDevicePixelRatio(scale)
    return pixmap


def nav_icon(key: str) -> QIcon | None:
    draw = _DRAW.get(key)
    if draw is None:
        return None
    icon = QIcon()
    icon.addPixmap(_pixmap(draw, NORMAL), QIcon.Mode.Normal)
    icon.addPixmap(_pixmap(draw, SELECTED), QIcon.Mode.Selected)
    return icon


def big_icon(key: str, size: int) -> QPixmap:
    """A page's icon drawn large and light, for empty and coming-soon pages."""
    draw = _DRAW.get(key, _dashboard)
    pixmap = QPixmap(size * 2, size * 2)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.scale(size * 2 / _SIZE, size * 2 / _SIZE)
    pen = QPen(QColor("#9aa5b1"), 1.2)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    painter.setPen(pen)
    draw(painter)
    painter.end()
    pixmap.setDevicePixelRatio(2)
    return pixmap
