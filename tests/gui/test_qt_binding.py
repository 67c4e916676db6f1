"""The Qt binding itself: faults of a PySide6 release that would take the window down."""
from __future__ import annotations

import sys

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt


class _Empty(QAbstractTableModel):
    def rowCount(self, parent=QModelIndex()):
        return 3

    def columnCount(self, parent=QModelIndex()):
        return 3

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        return None


def test_empty_cells_do_not_leak_references_to_none(qapp):
    """PySide6 6.12.0 dropped a reference to None on every empty ``index.data()`` (every table cell
    without a tooltip or colour, at each repaint): on Python 3.11 the program aborted after a few
    minutes of use ("Fatal Python error: none_dealloc"). pyproject.toml keeps such a release out."""
    model = _Empty()
    index = model.index(1, 1)
    calls = 5_000
    before = sys.getrefcount(None)
    for _ in range(calls):
        index.data(Qt.ItemDataRole.ToolTipRole)
        model.headerData(0, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
    lost = before - sys.getrefcount(None)
    assert lost < calls // 100, f"{lost} references to None lost in {calls} empty reads (PySide6 bug)"
