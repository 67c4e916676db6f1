"""Page headers, figure cards and the look they share."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget


def scaled_font(widget: QWidget, factor: float, bold: bool = False) -> QFont:
    font = QFont(widget.font())
    size = font.pointSizeF()
    if size > 0:
        font.setPointSizeF(size * factor)
    else:
        font.setPixelSize(round(font.pixelSize() * factor))
    font.setBold(bold)
    return font


def clear_layout(layout) -> None:
    """Take every item out of ``layout``; its widgets are deleted."""
    while layout.count():
        item = layout.takeAt(0)
        if item.widget() is not None:
            item.widget().deleteLater()


class PageHeader(QWidget):
    """A page's title and a one-line subtitle; widgets added with ``add_right`` sit at the right."""

    def __init__(self, title: str, subtitle: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        # made as children at once: a parentless label shown (``setVisible``) is a window of its own
        self.title = QLabel(title, self)
        self.title.setObjectName("pageTitle")
        self.title.setFont(scaled_font(self, 1.55, bold=True))
        self.subtitle = QLabel(subtitle, self)
        self.subtitle.setObjectName("pageSubtitle")
        self.subtitle.setVisible(bool(subtitle))
        texts = QVBoxLayout()
        texts.setSpacing(2)
        texts.addWidget(self.title)
        texts.addWidget(self.subtitle)
        self.right = QHBoxLayout()
        self.right.setSpacing(8)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(texts, 1)
        layout.addLayout(self.right)

    def set_subtitle(self, text: str) -> None:
        self.subtitle.setText(text)
        self.subtitle.setVisible(bool(text))

    def add_right(self, widget: QWidget) -> None:
        self.right.addWidget(widget, 0, Qt.AlignmentFlag.AlignBottom)


class FigureCard(QFrame):
    """A caption, a big figure and a small note under it."""

    def __init__(self, key: str, caption: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("card")
        self.setProperty("accent", False)
        self.caption = QLabel(caption)
        self.caption.setObjectName("cardCaption")
        self.value = QLabel("—")
        self.value.setObjectName(f"value_{key}")
        self.value.setProperty("role", "cardValue")
        self.value.setFont(scaled_font(self, 1.6, bold=True))
        self.value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.note = QLabel("")
        self.note.setObjectName(f"note_{key}")
        self.note.setProperty("role", "cardNote")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 10)
        layout.setSpacing(2)
        layout.addWidget(self.caption)
        layout.addWidget(self.value)
        layout.addWidget(self.note)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def set(self, value: str, note: str = "") -> None:
        self.value.setText(value)
        self.note.setText(note)


STYLE_SHEET = """
QFrame#navPanel { background: #f2f4f7; border: none; border-right: 1px solid #d9dde3; }
QListWidget#nav { background: transparent; border: none; padding-top: 8px; outline: 0; }
QLabel#navFooter { color: #66707a; padding: 0px 14px; }
QListWidget#nav::item { padding: 9px 12px; margin: 1px 6px; border-radius: 4px; color: #1f2933; }
QListWidget#nav::item:hover { background: #e3e8ef; }
QListWidget#nav::item:selected { background: #1f6fb2; color: white; }
QLabel#pageTitle { color: #1f2933; }
QLabel#pageSubtitle, QLabel#cardCaption, QLabel[role="cardNote"], QLabel#muted { color: #66707a; }
QFrame#card { background: white; border: 1px solid #d9dde3; border-radius: 6px; }
QFrame#card[accent="true"] { border-top: 3px solid #1f6fb2; }
QLabel[role="cardValue"] { color: #1f2933; }
QFrame#card[accent="true"] QLabel[role="cardValue"] { color: #1f6fb2; }
QLabel#sectionTitle { color: #1f2933; font-weight: bold; }
QTableView::item { padding: 0px 5px; }
QCalendarWidget QTableView::item { padding: 0px; }
QScrollArea#dashboardScroll, QWidget#dashboardBody { background: transparent; }
QFrame#hint { background: #fff8e6; border: 1px solid #f0d9a8; border-radius: 6px; }
QFrame#placeholder { background: white; border: 1px dashed #c3c9d1; border-radius: 8px; }
"""
