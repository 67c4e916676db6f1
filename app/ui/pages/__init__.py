"""One module per screen of the main window; each page class has ``refresh()``.

``PAGES`` names the pages in navigation order (Ctrl+1 … Ctrl+7) without importing them: the
window lists them all at once but builds a page only when it is first shown (``PageSpec.load``),
so the 工作台 paints before the other pages' modules — and what they import — are loaded.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass

from PySide6.QtWidgets import QStyle

SP = QStyle.StandardPixmap


@dataclass(frozen=True)
class PageSpec:
    key: str
    title: str
    icon: QStyle.StandardPixmap     # the style's icon, where ``widgets.icons`` has none of its own
    module: str
    class_name: str

    def load(self) -> type:
        """The page's class (its module imported now, if it was not)."""
        return getattr(importlib.import_module(self.module), self.class_name)


PAGES: tuple[PageSpec, ...] = (
    PageSpec("dashboard", "工作台", SP.SP_ComputerIcon, "app.ui.pages.dashboard", "DashboardPage"),
    PageSpec("households", "借款户", SP.SP_DirHomeIcon, "app.ui.pages.households", "HouseholdsPage"),
    PageSpec("visits", "走访", SP.SP_DialogYesButton, "app.ui.pages.visits", "VisitsPage"),
    PageSpec("agreements", "还款协议", SP.SP_FileDialogDetailedView, "app.ui.pages.agreements", "AgreementsPage"),
    PageSpec("reports", "报表", SP.SP_FileDialogContentsView, "app.ui.pages.reports", "ReportsPage"),
    PageSpec("sync", "数据同步", SP.SP_BrowserReload, "app.ui.pages.sync", "SyncPage"),
    PageSpec("settings", "设置", SP.SP_FileDialogListView, "app.ui.pages.settings", "SettingsPage"),
)


def spec(key: str) -> PageSpec:
    return next(s for s in PAGES if s.key == key)


def all_pages() -> list[type]:
    """The page classes in navigation order (every page module imported)."""
    return [s.load() for s in PAGES]
