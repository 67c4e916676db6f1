"""A tidy "coming soon" page for screens that later work fills in."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from app.ui.pages.base import Page
from app.ui.widgets.common import PageHeader, scaled_font


class PlaceholderPage(Page):
    subtitle: str = ""
    coming: str = ""     # one sentence on what the page will do

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        box = QFrame()
        box.setObjectName("placeholder")
        soon = QLabel("即将推出")
        soon.setObjectName("comingSoon")
        soon.setFont(scaled_font(self, 1.3, bold=True))
        soon.setAlignment(Qt.AlignmentFlag.AlignCenter)
        text = QLabel(self.coming)
        text.setObjectName("muted")
        text.setWordWrap(True)
        text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        text.setMaximumWidth(560)
        inner = QVBoxLayout(box)
        inner.setContentsMargins(32, 40, 32, 40)
        inner.setSpacing(10)
        inner.addStretch(1)
        inner.addWidget(soon)
        inner.addWidget(text, 0, Qt.AlignmentFlag.AlignHCenter)
        inner.addStretch(2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 18)
        layout.setSpacing(14)
        layout.addWidget(PageHeader(self.title, self.subtitle))
        layout.addWidget(box, 1)
