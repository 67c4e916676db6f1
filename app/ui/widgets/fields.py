"""Input fields the forms share: money in yuan, dates, rates, and the red note under a field."""
from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QDateEdit, QLabel, QLineEdit, QWidget

from app.domain.interest import format_rate, parse_field_rate
from app.domain.money import parse_field_fen, yuan_str


def qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


def date_edit(value: date, parent: QWidget | None = None, *, object_name: str = "") -> QDateEdit:
    edit = QDateEdit(qdate(value), parent)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setMinimumDate(QDate(2000, 1, 1))
    edit.setMaximumDate(QDate(2099, 12, 31))
    if object_name:
        edit.setObjectName(object_name)
    return edit


def date_of(edit: QDateEdit) -> date:
    return edit.date().toPython()


class MoneyEdit(QLineEdit):
    """Yuan as people type them ("1,234.5", "3万", full-width digits); ``fen()`` parses."""

    def __init__(self, parent: QWidget | None = None, *, placeholder: str = "元", object_name: str = ""):
        super().__init__(parent)
        self.setPlaceholderText(placeholder)
        self.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.setMaximumWidth(160)
        if object_name:
            self.setObjectName(object_name)

    def fen(self, what: str = "金额") -> int | None:
        """The amount in fen, None when blank; ``InputError`` (in plain words) otherwise."""
        return parse_field_fen(self.text(), what)

    def set_fen(self, fen: int | None) -> None:
        self.setText("" if fen is None else yuan_str(fen))


class RateEdit(QLineEdit):
    """An annual rate in percent ("8.64" or "8.64%"); blank = the default shown as placeholder."""

    def __init__(self, parent: QWidget | None = None, *, placeholder: str = "", object_name: str = ""):
        super().__init__(parent)
        self.setPlaceholderText(placeholder)
        self.setMaximumWidth(110)
        if object_name:
            self.setObjectName(object_name)

    def ppm(self, what: str) -> int | None:
        return parse_field_rate(self.text(), what)

    def set_ppm(self, ppm: int | None) -> None:
        self.setText("" if ppm is None else format_rate(ppm).rstrip("%"))


class FieldNote(QLabel):
    """A short red message next to a field; hidden when empty."""

    def __init__(self, parent: QWidget | None = None, *, object_name: str = ""):
        super().__init__(parent)
        self.setProperty("role", "fieldError")
        self.setStyleSheet("color: #c0392b;")
        self.setWordWrap(True)
        self.setVisible(False)
        if object_name:
            self.setObjectName(object_name)

    def show_message(self, text: str | None) -> None:
        self.setText(text or "")
        self.setVisible(bool(text))
