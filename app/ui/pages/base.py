"""What every page of the main window has in common."""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QStyle, QWidget

from app.db.session import Database
from app.ui.widgets.local_keys import LocalKeys


class Page(QWidget):
    """A screen of the main window.

    The window hands each page the open database with ``set_database``; a page refreshes
    when it is shown after a change (so hidden pages cost nothing), and on F5.
    """

    key: str = ""
    title: str = ""             # the page's name and icon are its ``app.ui.pages.PAGES`` entry's
    icon: QStyle.StandardPixmap = QStyle.StandardPixmap.SP_FileIcon
    keys_changed = Signal()     # what ``page_keys`` gives has changed (e.g. a household was opened)

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        from app.ui.pages import PAGES

        entry = next((s for s in PAGES if s.key == cls.__dict__.get("key")), None)
        if entry is not None:
            cls.title, cls.icon = entry.title, entry.icon

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName(f"page_{self.key}")
        self.db: Database | None = None
        self._stale = True
        # the page's keys while the cursor is inside it (also when the window is not the active one)
        self._keys = LocalKeys(self, lambda: {k: slot for k, (_text, slot) in self.page_keys().items()})

    def set_database(self, db: Database | None) -> None:
        self.db = db
        self.mark_stale()

    def mark_stale(self) -> None:
        """The data changed: reload now if shown, else when next shown."""
        self._stale = True
        if self.isVisible():
            self._stale = False
            self.refresh()

    def can_leave(self) -> bool:
        """False if the page has unsaved edits the user chose to keep (asked when the window closes)."""
        return True

    def refresh(self) -> None:
        """Reload what the page shows from the database."""

    def page_keys(self) -> dict[str, tuple[str, Callable[[], object]]]:
        """The page's own keys while it is shown, wherever the cursor is: {key: (menu text, slot)}.
        The window lists them at the top of the 文件 menu; a page key wins over the window's
        (Ctrl+N records a visit on 借款户, and is 新建区县数据库 only where no page claims it)."""
        return {}

    def all_page_keys(self) -> dict[str, dict[str, tuple[str, Callable[[], object]]]]:
        """The page's keys in each state it can be in, by where they work (for 帮助 › 快捷键)."""
        keys = self.page_keys()
        return {self.title: keys} if keys else {}

    def focus_search(self) -> bool:
        """Put the cursor in the page's search box; False if the page has none."""
        return False

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._stale:
            self._stale = False
            self.refresh()


def notify_written(widget: QWidget) -> None:
    """After a write from ``widget``: every page of its window shows the new figures (the visible
    one at once, the others when next shown)."""
    window = widget.window()
    if hasattr(window, "data_written"):
        window.data_written()
        return
    page = widget
    while page is not None and not isinstance(page, Page):
        page = page.parentWidget()
    if page is not None:
        page.mark_stale()
