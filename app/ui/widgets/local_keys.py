"""Keys that belong to one part of a window while the cursor is in it, even when a menu has the same
shortcut: the visit dialog's Ctrl+Enter, a page's own keys (``Page.page_keys``; the window also
makes them work while the cursor is elsewhere, e.g. still in the navigation)."""
from __future__ import annotations

from typing import Callable, Mapping

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QWidget

Keys = Mapping[str, Callable[[], object]]


class LocalKeys(QObject):
    """``keys``: {key sequence: slot}, or a function giving them as they are now."""

    def __init__(self, widget: QWidget, keys: Keys | Callable[[], Keys]):
        super().__init__(widget)
        self.keys = keys
        widget.installEventFilter(self)

    def _slot(self, event):
        keys = self.keys() if callable(self.keys) else self.keys
        pressed = event.keyCombination().toCombined()
        return next((slot for k, slot in keys.items() if QKeySequence(k)[0].toCombined() == pressed), None)

    def eventFilter(self, watched, event) -> bool:
        kind = event.type()
        if kind == QEvent.Type.ShortcutOverride and self._slot(event) is not None:
            event.accept()          # ours: the menu's shortcut does not fire
            return True
        if kind == QEvent.Type.KeyPress:
            slot = self._slot(event)
            if slot is not None:
                slot()
                return True
        return False
