"""Keeping the 工作台's figures for the window's next start (``dashboard_cache``), off the GUI
thread: today's figures once they are painted (those recalled from the last start computed
afresh, and shown again if they differ), and, a few seconds after the last write while the
工作台 is not shown, today's figures computed anew — so the next start after a day's work
paints at once too."""
from __future__ import annotations

import logging
from datetime import date
from typing import Callable

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QWidget

from app.services.reporting import dashboard_cache
from app.services.reporting.dashboard import Dashboard
from app.ui.tasks import run_in_background

log = logging.getLogger(__name__)

AFTER_WRITES_MS = 5_000     # writes come in bursts (a visit, then a repayment): wait for the last


class FiguresKeeper(QObject):
    def __init__(self, page: QWidget, database: Callable[[], object]):
        super().__init__(page)
        self._page = page
        self._database = database            # the page's database now
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(AFTER_WRITES_MS)
        self._timer.timeout.connect(self._keep_today)

    def painted(self, db, shown: Dashboard, fresh: Callable[[Dashboard], None]) -> None:
        """``shown`` (today's) is painted: keep it, or check it if it was recalled (``fresh`` is
        called with the new figures if they differ, on the GUI thread)."""
        self._timer.stop()

        def settled(found: Dashboard | None) -> None:
            if found is not None and self._database() is db:
                fresh(found)

        run_in_background(self._page, lambda ctx: dashboard_cache.settle(db, shown), on_success=settled,
                          on_failure=lambda exc: log.warning("the figures were not kept: %s", exc))

    def written(self) -> None:
        """Data was written while the 工作台 is not shown: keep today's figures soon."""
        if self._database() is not None:
            self._timer.start()

    def _keep_today(self) -> None:
        db = self._database()
        if db is None:
            return
        run_in_background(self._page, lambda ctx: dashboard_cache.remember(db, dashboard_cache.compute(db, date.today())),
                          on_success=lambda _kept: None, on_failure=lambda exc: log.warning("the figures were not kept: %s", exc))
