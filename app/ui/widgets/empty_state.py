"""What an empty table says: what is missing and what to do, with a button for it, in the middle of
the table (the table's header stays, so the columns are still explained)."""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QAbstractScrollArea, QLabel, QPushButton, QVBoxLayout, QWidget

from app.ui.widgets.common import scaled_font


class EmptyState(QWidget):
    """Shown over ``area``'s viewport while ``show_message`` has something to say."""

    def __init__(self, area: QAbstractScrollArea, object_name: str = "emptyState"):
        super().__init__(area.viewport())
        self.setObjectName(object_name)
        self.area = area
        self.title = QLabel("")
        self.title.setObjectName(f"{object_name}Title")
        self.title.setFont(scaled_font(self, 1.15, bold=True))
        self.title.setStyleSheet("color: #52606d; background: transparent;")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.note = QLabel("")
        self.note.setObjectName("muted")
        self.note.setWordWrap(True)
        self.note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.button = QPushButton("")
        self.button.setObjectName(f"{object_name}Button")
        self._action: Callable[[], object] | None = None
        self.button.clicked.connect(lambda: self._action() if self._action else None)
        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        layout.addWidget(self.title)
        layout.addWidget(self.note)
        layout.addWidget(self.button, 0, Qt.AlignmentFlag.AlignCenter)
        self.hide()
        area.viewport().installEventFilter(self)

    def show_message(self, title: str, note: str = "", button: str = "",
                     action: Callable[[], object] | None = None) -> None:
        self.title.setText(title)
        self.note.setText(note)
        self.note.setVisible(bool(note))
        self.button.setText(button)
        self.button.setVisible(bool(button and action))
        self._action = action
        self.show()
        self._place()

    def clear(self) -> None:
        self.hide()

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Type.Resize and self.isVisible():
            self._place()
        return False

    def _place(self) -> None:
        viewport = self.area.viewport()
        width = min(viewport.width() - 20, self.fontMetrics().horizontalAdvance("中") * 36)
        self.setFixedWidth(max(width, 100))
        self.adjustSize()
        self.move(max(0, (viewport.width() - self.width()) // 2), max(10, min(40, viewport.height() // 6)))
