"""Opening the 借款户 page from elsewhere in the window (the worklist, the visits, the dashboard's
drill-down): one household's page, the list with one check box ticked, or one township's,
village's or responsible person's households."""
from __future__ import annotations

from PySide6.QtWidgets import QWidget


def show_household(widget: QWidget, household_id: str) -> None:
    """Open a household's page in the 借款户 page of ``widget``'s window (from any page)."""
    window = widget.window()
    if not hasattr(window, "page"):
        return
    page = window.page("households")
    window.show_page("households")
    page.open_household(household_id)


def show_filtered(widget: QWidget, check: str) -> None:
    """Show the list with only one of the checkboxes ticked (followup_due, promise_broken,
    never_visited) — the worklist's "查看全部"."""
    window = widget.window()
    if not hasattr(window, "page"):
        return
    page = window.page("households")
    window.show_page("households")
    if page.stack.currentIndex() == 1 and not page.show_list():
        return
    page.show_only(check)


def show_households(widget: QWidget, *, township_id: str | None = None, village_id: str | None = None,
                    staff_id: str | None = None) -> None:
    """Show the list of one township's, village's or responsible person's households (the
    dashboard's drill-down)."""
    window = widget.window()
    if not hasattr(window, "page"):
        return
    page = window.page("households")
    window.show_page("households")
    if page.stack.currentIndex() == 1 and not page.show_list():
        return
    page.show_filtered_to(township_id=township_id, village_id=village_id, staff_id=staff_id)
