"""Keys that belong to one part of the window while the cursor is in it, even when a menu has the
same shortcut: Ctrl+N is 新建 in the 文件 menu, but on the household pages it records a visit."""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QWidget


class LocalKeys(QObject):
    def __init__(self, widget: QWidget, keys: dict[str, Callable[[], object]]):
        super().__init__(widget)
        self.keys = {QKeySequence(k)[0].toCombined(): slot for k, slot in keys.items()}
        widget.installEventFilter(self)

    def _slot(self, event):
        return self.keys.get(event.keyCombination().toCombined())

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
