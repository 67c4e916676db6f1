"""Python's cyclic garbage collected on the GUI thread only.

Left to itself, Python collects cycles in whichever thread happens to allocate when a threshold
is crossed — often a worker of ``app.ui.tasks``.  A cycle that holds a Qt object (a widget, a
model, a lambda bound to one) is then destroyed off the GUI thread, and Qt crashes the process
(a segmentation fault, seen once in the GUI tests while a worker read the database).  So, as
Anki and other PyQt programs do, automatic collection is switched off and a timer on the GUI
thread collects instead, generation by generation, with Python's own thresholds.
"""
from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

INTERVAL_MS = 500


class GuiThreadCollector(QObject):
    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self.setObjectName("qingshouGuiThreadCollector")
        self.thresholds = gc.get_threshold()
        gc.disable()
        self.timer = QTimer(self)
        self.timer.setInterval(INTERVAL_MS)
        self.timer.timeout.connect(self.check)
        self.timer.start()

    def check(self) -> int:
        """Collect the generations whose counts passed their thresholds (as Python would)."""
        found = 0
        counts = gc.get_count()
        for generation in (2, 1, 0):
            if counts[generation] > self.thresholds[generation]:
                found += gc.collect(generation)
                break
        return found


def install(app: QObject) -> GuiThreadCollector:
    """Once per application (idempotent): automatic collection off, the GUI thread's timer on."""
    existing = app.findChild(GuiThreadCollector, "qingshouGuiThreadCollector")
    if existing is None:
        return GuiThreadCollector(app)
    gc.disable()
    return existing
