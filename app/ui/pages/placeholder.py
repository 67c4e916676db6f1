"""A tidy "coming soon" page for screens that later work fills in."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from app.ui.pages.base import Page
from app.ui.widgets.common import PageHeader, scaled_font
from app.ui.widgets.icons import big_icon


class PlaceholderPage(Page):
    subtitle: str = ""
    coming: str = ""     # one sentence on what the page will do

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        box = QFrame()
        box.setObjectName("placeholder")
        icon = QLabel()
        icon.setPixmap(big_icon(self.key, 56))
        icon.setAlignment(Qt.AlignmentFlag.AlignCenter)
        soon = QLabel("即将推出")
        soon.setObjectName("comingSoon")
        soon.setFont(scaled_font(self, 1.3, bold=True))
        soon.setAlignment(Qt.AlignmentFlag.AlignCenter)
        text = QLabel(self.coming)
        text.setObjectName("muted")
        text.setWordWrap(True)
        text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        text.setFixedWidth(min(560, max(360, text.fontMetrics().horizontalAdvance(self.coming) // 2 + 40)))
        centred = QHBoxLayout()
        centred.addStretch(1)
        centred.addWidget(text)
        centred.addStretch(1)
        inner = QVBoxLayout(box)
        inner.setContentsMargins(32, 36, 32, 40)
        inner.setSpacing(12)
        inner.addWidget(icon)
        inner.addWidget(soon)
        inner.addLayout(centred)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 14, 20, 12)
        layout.setSpacing(14)
        layout.addWidget(PageHeader(self.title, self.subtitle))
        layout.addWidget(box)
        layout.addStretch(1)
