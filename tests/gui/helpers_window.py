"""Opening the main window on a database, as the GUI tests need it."""
from __future__ import annotations

WAIT_MS = 30_000  # generous: CI machines are slow; nothing here measures speed


def open_window(qtbot, idle, path, size: tuple[int, int] | None = None):
    """The main window, shown (at ``size`` if given), with ``path`` open and the dashboard filled."""
    from app.ui.main_window import MainWindow

    win = MainWindow()
    qtbot.addWidget(win)
    if size is not None:
        win.resize(*size)
    win.show()
    qtbot.waitExposed(win)
    with qtbot.waitSignal(win.page("dashboard").loaded, timeout=WAIT_MS):
        win.open_path(path)
    idle()
    return win
