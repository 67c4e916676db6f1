"""The main window's pages, one shown at a time, each built when first needed.

Every page of ``app.ui.pages.PAGES`` has its place in the stack from the start (a placeholder),
so the navigation, the 视图 menu and Ctrl+1 … Ctrl+7 know all of them; the page itself — its
module, the services it imports, its widgets — is made the first time it is shown or asked for
(``page``). The window paints its 工作台 without loading the other six, and builds them one by
one once the figures are up (``build_rest``), so a later click finds its page ready.
"""
from __future__ import annotations

from typing import Callable, Iterator

import shiboken6
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QStackedWidget, QWidget

from app.ui.pages import PAGES, PageSpec
from app.ui.pages.base import Page


class PageStack(QStackedWidget):
    def __init__(self, parent: QWidget | None = None, *, on_built: Callable[[Page], None] | None = None):
        super().__init__(parent)
        self.specs: tuple[PageSpec, ...] = PAGES
        self._built: dict[int, Page] = {}
        self._on_built = on_built
        for spec in self.specs:
            holder = QWidget()
            holder.setObjectName(f"pending_{spec.key}")
            self.addWidget(holder)

    # -- which pages -------------------------------------------------------------------
    def index_of(self, key: str) -> int:
        return next(i for i, s in enumerate(self.specs) if s.key == key)

    def page_at(self, index: int) -> Page:
        """The page at ``index``, built now if it was not yet."""
        page = self._built.get(index)
        if page is None:
            page = self._build(index)
        return page

    def page(self, key: str) -> Page:
        return self.page_at(self.index_of(key))

    def built(self) -> Iterator[Page]:
        """The pages made so far (those not yet built have nothing to reload or keep)."""
        return iter(list(self._built.values()))

    def all(self) -> list[Page]:
        """Every page, in navigation order (building those not yet made)."""
        return [self.page_at(i) for i in range(len(self.specs))]

    def current_page(self) -> Page:
        return self.page_at(self.currentIndex())

    def show_index(self, index: int) -> None:
        self.page_at(index)
        self.setCurrentIndex(index)

    def build_rest(self, *, then: Callable[[], None] | None = None) -> None:
        """Build the pages not made yet, one per pass of the event loop (the window answers
        between them); ``then`` once all are made."""
        missing = [i for i in range(len(self.specs)) if i not in self._built]
        if not missing:
            if then is not None:
                then()
            return

        def next_one() -> None:
            if not shiboken6.isValid(self):     # the window closed meanwhile
                return
            if missing:
                index = missing.pop(0)
                if index not in self._built:
                    self._build(index)
                QTimer.singleShot(0, self, next_one)
            elif then is not None:
                then()

        QTimer.singleShot(0, self, next_one)   # not called once the stack is gone

    # -- making one --------------------------------------------------------------------
    def _build(self, index: int) -> Page:
        spec = self.specs[index]
        page = spec.load()(self)
        holder = self.widget(index)
        was_current = self.currentIndex() == index
        self.blockSignals(True)       # the swap is not a change of page
        self.insertWidget(index, page)
        self.removeWidget(holder)
        if was_current:
            self.setCurrentIndex(index)
        self.blockSignals(False)
        holder.deleteLater()
        self._built[index] = page
        if self._on_built is not None:
            self._on_built(page)
        return page
