"""Opening the database the window starts on, begun before Qt is loaded.

``qingshou gui`` spends its first third of a second importing Qt and building the window. The
database it will show is known before that, so ``begin`` opens it (upgrading it if needed, as
``dbfiles.open_existing`` does) and reads the 工作台's figures for today in a thread meanwhile:
most of that work is SQLite's, which runs beside the imports. The window takes the result
(``MainWindow.open_early``) and paints the figures as soon as it is shown.

No Qt here: this runs before it is imported.
"""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from app import config
from app.ui import dbfiles

if TYPE_CHECKING:
    from app.db.session import Database
    from app.services.reporting.dashboard import Dashboard

log = logging.getLogger(__name__)


@dataclass
class Opened:
    db: Database
    figures: Dashboard | None     # None when reading them failed (the page reads them again, and says why)


class Opening:
    """The database at ``path`` being opened, and its figures read, in a thread."""

    def __init__(self, path: Path, initialised: bool | None):
        self.path = path
        self.initialised = initialised     # dbfiles.is_initialised_file: False = nothing to open here
        self._thread: threading.Thread | None = None
        self._opened: Opened | None = None
        self._error: BaseException | None = None

    @property
    def started(self) -> bool:
        return self._thread is not None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="qingshou-opening", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            db = dbfiles.open_existing(self.path)
        except BaseException as exc:  # noqa: BLE001 - handed to the window, which shows it
            self._error = exc
            return
        figures = None
        try:
            from app.services.reporting import dashboard

            figures = dashboard.figures(db, date.today())
        except Exception:  # noqa: BLE001 - the page reads them again and shows the error
            log.warning("the first figures of %s could not be read", self.path, exc_info=True)
        self._opened = Opened(db, figures)

    def wait(self) -> Opened:
        """The opened database (blocks until it is); raises what opening it raised."""
        if self._thread is None:
            raise RuntimeError("opening was not started")
        self._thread.join()
        if self._error is not None:
            raise self._error
        assert self._opened is not None
        return self._opened


def target(db_path: Path | str | None) -> Path:
    """The database the window starts on: the one named, else the default one."""
    return Path(db_path) if db_path else config.default_db_path()


def begin(db_path: Path | str | None) -> Opening:
    """Start opening the window's database, if there is one set up there (else the window
    offers to make or choose one, and nothing is started)."""
    path = target(db_path)
    opening = Opening(path, dbfiles.is_initialised_file(path))
    if opening.initialised is not False:
        opening.start()
    return opening
