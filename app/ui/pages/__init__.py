"""One module per screen of the main window; each page class has ``refresh()``."""
from __future__ import annotations


def all_pages() -> list[type]:
    """The pages in navigation order (Ctrl+1 … Ctrl+7)."""
    from app.ui.pages.agreements import AgreementsPage
    from app.ui.pages.dashboard import DashboardPage
    from app.ui.pages.households import HouseholdsPage
    from app.ui.pages.reports import ReportsPage
    from app.ui.pages.settings import SettingsPage
    from app.ui.pages.sync import SyncPage
    from app.ui.pages.visits import VisitsPage

    return [DashboardPage, HouseholdsPage, VisitsPage, AgreementsPage, ReportsPage, SyncPage, SettingsPage]
