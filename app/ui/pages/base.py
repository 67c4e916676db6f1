"""What every page of the main window has in common."""
from __future__ import annotations

from PySide6.QtWidgets import QStyle, QWidget

from app.db.session import Database


class Page(QWidget):
    """A screen of the main window.

    The window hands each page the open database with ``set_database``; a page refreshes
    when it is shown after a change (so hidden pages cost nothing), and on F5.
    """

    key: str = ""
    title: str = ""
    icon: QStyle.StandardPixmap = QStyle.StandardPixmap.SP_FileIcon

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName(f"page_{self.key}")
        self.db: Database | None = None
        self._stale = True

    def set_database(self, db: Database | None) -> None:
        self.db = db
        self._stale = True
        if self.isVisible():
            self._stale = False
            self.refresh()

    def refresh(self) -> None:
        """Reload what the page shows from the database."""

    def focus_search(self) -> bool:
        """Put the cursor in the page's search box; False if the page has none."""
        return False

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._stale:
            self._stale = False
            self.refresh()
