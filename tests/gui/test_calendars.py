"""Every date field's calendar pop-up draws all its days and the weekday names (the style sheet's
table padding once left only days 1–9 visible)."""
from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QModelIndex
from PySide6.QtWidgets import QDateEdit, QStyleOptionViewItem

from app.services.households import detail as household_page
from app.ui.dialogs.agreement import AgreementDialog
from app.ui.dialogs.agreement_actions import PaymentDialog, SignDialog
from app.ui.dialogs.loan_dialogs import RepaymentDialog, StageDialog
from app.ui.dialogs.visit_dialog import open_visit_dialog
from tests.gui.helpers_households import WAIT_MS, open_list, unique_initials_household
from tests.gui.helpers_look import assert_calendars_draw, calendar_draws


# The calendar is a pop-up window: the offscreen platform cannot raise it or grab the keyboard for it.
@pytest.mark.qt_log_ignore("This plugin does not support grabbing the keyboard", "This plugin does not support raise",
                           "This plugin does not support propagateSizeHints")
def test_every_date_field_of_the_window_draws_its_whole_calendar(window, qtbot, idle):
    checked: list[QDateEdit] = []
    dashboard = window.page("dashboard")
    checked += assert_calendars_draw(qtbot, dashboard)
    assert dashboard.as_of in checked

    visits = window.page("visits")
    with qtbot.waitSignal(visits.loaded, timeout=WAIT_MS):
        window.show_page("visits")
    idle()
    checked += assert_calendars_draw(qtbot, visits)

    reports = window.page("reports")
    with qtbot.waitSignal(reports.loaded, timeout=WAIT_MS):
        window.show_page("reports")
    idle()
    checked += assert_calendars_draw(qtbot, reports)
    assert reports.as_of in checked

    page = open_list(window, qtbot, idle)
    hid, _name, _code = unique_initials_household(window.db)
    with qtbot.waitSignal(page.view.loaded, timeout=WAIT_MS):
        page.open_household(hid)
    idle()
    view = page.view
    visit = open_visit_dialog(view, window.db, hid)
    qtbot.keyClicks(visit.outcome, "3")         # 部分还款: the promised date can be set
    assert visit.promised_on.isEnabled()
    dialogs = [visit]
    loans = household_page.detail(window.db, hid).loans
    dialogs += [StageDialog(view, window.db, loans[0]), RepaymentDialog(view, window.db, loans)]

    agreements = window.page("agreements")
    with qtbot.waitSignal(agreements.loaded, timeout=WAIT_MS):
        window.show_page("agreements")
    idle()
    signed = next(i for i in agreements.items if i.state == "signed")
    with qtbot.waitSignal(agreements.detail_loaded, timeout=WAIT_MS):
        agreements.select(signed.id)
    idle()
    shown = agreements.detail.view
    dialogs += [SignDialog(shown, date.today(), agreements), PaymentDialog(shown, date.today(), agreements),
                AgreementDialog(agreements, window.db, household_id=hid)]
    for dialog in dialogs:
        dialog.show()
        qtbot.waitExposed(dialog)
        qtbot.waitUntil(lambda d=dialog: not getattr(d, "loading", False), timeout=WAIT_MS)
        idle()
        checked += assert_calendars_draw(qtbot, dialog)
        # the agreement's own dates in the schedule are edited with a calendar too
        if isinstance(dialog, AgreementDialog):
            delegate = dialog.plan_editor.schedule_view.itemDelegateForColumn(1)
            editor = delegate.createEditor(dialog.plan_editor.schedule_view.viewport(), QStyleOptionViewItem(), QModelIndex())
            editor.show()
            day, header = calendar_draws(qtbot, editor)
            assert day > 5 and header > 20
            checked.append(editor)

    # a month field (月考核: yyyy年M月, stepped with the arrows) has no day to pick from a calendar
    months = {e for e in window.findChildren(QDateEdit) if "d" not in e.displayFormat()}
    assert all(not e.calendarPopup() for e in months) and window.findChild(QDateEdit, "assessmentMonth") in months
    everywhere = set(window.findChildren(QDateEdit)) - months
    assert everywhere and everywhere <= set(checked), [e.objectName() for e in everywhere - set(checked)]
    for dialog in dialogs:
        dialog.reject()
