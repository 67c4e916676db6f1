"""The colours the lists use for what needs attention (one set: a red is the same red on every page)."""
from __future__ import annotations

from PySide6.QtGui import QColor

RED = QColor("#c0392b")      # overdue, broken, refused
AMBER = QColor("#b9770e")    # due soon, to check (the agreements' ORANGE)
GREEN = QColor("#1e8449")    # done, fulfilled
GREY = QColor("#7b8794")     # cancelled, superseded
BLUE = QColor("#1f6fb2")     # a link, an open question
