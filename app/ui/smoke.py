"""``QINGSHOU_EXIT_AFTER_SHOWN=1``: the window opens its database, says so on stdout, and closes.

For the tests of ``scripts/demo.sh`` and of the README's commands: a real window that opens its
database, on whatever display there is, without staying open.
"""
from __future__ import annotations

import os
import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow

ENV = "QINGSHOU_EXIT_AFTER_SHOWN"
GIVE_UP_MS = 120_000


def arm(app: QApplication, window: QMainWindow) -> None:
    """If ``QINGSHOU_EXIT_AFTER_SHOWN`` is set, quit once ``window`` shows a database."""
    if not os.environ.get(ENV):
        return

    def shown() -> None:
        if getattr(window, "db", None) is None or not window.isVisible():
            return
        print(f"窗口已打开：{window.windowTitle()}（平台 {app.platformName()}，"
              f"显示器 {os.environ.get('DISPLAY') or os.environ.get('WAYLAND_DISPLAY') or '无'}）", flush=True)
        QTimer.singleShot(300, app.quit)

    def give_up() -> None:
        print(f"窗口在 {GIVE_UP_MS // 1000} 秒内没有打开数据库", file=sys.stderr, flush=True)
        app.exit(1)

    window.database_changed.connect(shown)
    QTimer.singleShot(GIVE_UP_MS, give_up)
