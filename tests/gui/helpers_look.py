"""Checking what a widget draws, as a user would see it: calendar pop-ups, horizontal scroll bars."""
from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QAbstractScrollArea, QDateEdit, QTableView, QWidget


def inked(image: QImage, rect: QRect) -> int:
    """How many pixels inside ``rect`` differ clearly from the colour at its top-left corner (text)."""
    rect = rect.adjusted(1, 1, -1, -1).intersected(image.rect())
    back = QColor(image.pixel(rect.topLeft()))
    count = 0
    for y in range(rect.top(), rect.bottom() + 1):
        for x in range(rect.left(), rect.right() + 1):
            c = QColor(image.pixel(x, y))
            if abs(c.red() - back.red()) + abs(c.green() - back.green()) + abs(c.blue() - back.blue()) > 120:
                count += 1
    return count


def open_calendar(qtbot, edit: QDateEdit) -> QTableView:
    """Open ``edit``'s calendar pop-up (a click on its arrow, as a user would) and give its table of days."""
    assert edit.calendarPopup(), f"{edit.objectName() or edit} has no calendar pop-up"
    qtbot.mouseClick(edit, Qt.MouseButton.LeftButton, pos=QPoint(edit.width() - 6, edit.height() // 2))
    calendar = edit.calendarWidget()
    qtbot.waitUntil(lambda: calendar.isVisible())
    return calendar.findChild(QTableView, "qt_calendar_calendarview")


def calendar_draws(qtbot, edit: QDateEdit, day: int = 28) -> tuple[int, int]:
    """Ink in the cell of ``day`` of the month shown and in the weekday header, with the pop-up open."""
    view = open_calendar(qtbot, edit)
    try:
        model = view.model()
        cells = [model.index(r, c) for r in range(1, model.rowCount()) for c in range(model.columnCount())]
        # the last cell showing the day is in the month shown (earlier ones belong to the month before)
        cell = [i for i in cells if str(i.data()) == str(day)][-1]
        image = view.viewport().grab().toImage()
        header = [model.index(0, c) for c in range(model.columnCount())]
        return inked(image, view.visualRect(cell)), sum(inked(image, view.visualRect(h)) for h in header)
    finally:
        edit.calendarWidget().window().hide()


def assert_calendars_draw(qtbot, widget: QWidget) -> list[QDateEdit]:
    """Every date field in ``widget`` with a pop-up draws day 28 and the weekday names; the fields."""
    edits = [e for e in widget.findChildren(QDateEdit) if e.calendarPopup()]
    if isinstance(widget, QDateEdit):
        edits.append(widget)
    for edit in edits:
        day, header = calendar_draws(qtbot, edit)
        assert day > 5 and header > 20, f"{edit.objectName() or edit}: day 28 {day}, weekdays {header}"
    return edits


def horizontal_scrollers(widget: QWidget) -> list[str]:
    """The visible scroll areas in ``widget`` that show a horizontal scroll bar."""
    return [a.objectName() or type(a).__name__ for a in widget.findChildren(QAbstractScrollArea)
            if a.isVisible() and a.horizontalScrollBar().isVisible()]
