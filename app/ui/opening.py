"""Opening the database the window starts on, with the 工作台's first figures, in one task.

The window's first background task opens the database (upgrading it if needed, as
``dbfiles.open_existing`` does) and reads today's figures for the 工作台 in the same worker, so
they are painted as soon as the database is shown, without a second task
(``MainWindow.open_early``): the figures an earlier start kept, while nothing they count has
changed (``dashboard_cache.recall``; the page checks them afresh once painted), else computed
with plain SQL.

Starting this before Qt is imported, to overlap it with the imports, was measured and dropped:
reading 50,000 loans row by row gives up and retakes the interpreter lock at every row, so the
two threads slowed each other and the window painted no sooner (bench/RESULTS.md, start-up).

No Qt here: the worker runs it.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from app.ui import dbfiles

if TYPE_CHECKING:
    from app.db.session import Database
    from app.services.reporting.dashboard import Dashboard

log = logging.getLogger(__name__)


@dataclass
class Opened:
    db: Database
    figures: Dashboard | None     # None when reading them failed (the page reads them again, and says why)


def open_with_figures(path: Path) -> Opened:
    """Open the database at ``path`` (raising what opening it raises) and read its figures."""
    db = dbfiles.open_existing(path)
    figures = None
    try:
        from app.services.reporting import dashboard_cache

        today = date.today()
        figures = dashboard_cache.recall(db, today) or dashboard_cache.compute(db, today)
    except Exception:  # noqa: BLE001 - the page reads them again and shows the error
        log.warning("the first figures of %s could not be read", path, exc_info=True)
    return Opened(db, figures)
