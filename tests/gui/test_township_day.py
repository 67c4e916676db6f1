"""A township clerk's day in the window on a real township database (the bank's sample ledger
imported, not the demo): amounts of millions must show whole, not cut off."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtWidgets import QLabel

from app.services import agreements
from app.services.agreements.agreements import PlanRequest
from app.ui.models.households import COLUMN
from tests.gui.helpers_households import WAIT_MS, open_list
from tests.gui.helpers_window import open_window


@pytest.fixture
def township_window(qtbot, township_path, shown_dialogs, idle):
    return open_window(qtbot, idle, township_path, size=(1366, 700))


def _fits(label: QLabel) -> bool:
    """The label's whole text is visible: on one line, or wrapped within its height."""
    width = label.contentsRect().width()
    if label.fontMetrics().horizontalAdvance(label.text()) <= width:
        return True
    return label.wordWrap() and label.heightForWidth(width) <= label.contentsRect().height()


def test_amounts_of_millions_are_not_cut_off_in_the_household_list(township_window, qtbot, idle):
    page = open_list(township_window, qtbot, idle)
    model, table = page.model, page.table
    biggest = max((model.index(r, COLUMN["任务金额"]).data() for r in range(model.rowCount())), key=len)
    assert "," in biggest and len(biggest) >= len("2,713,440.00")       # the sample has millions
    for title in ("任务金额", "已清收", "剩余"):
        column = COLUMN[title]
        assert table.horizontalHeader().sectionSize(column) >= table.sizeHintForColumn(column), title


def test_agreement_figures_are_not_cut_off(township_window, qtbot, idle):
    db = township_window.db
    loan = "620100100425"                                  # 金福's loan, long overdue
    view = agreements.create(db, PlanRequest([loan], date.today(), installments=6,
                                             first_due=date.today() + timedelta(days=30),
                                             waive_interest_fen=1_000_000, waive_all_penalty=True,
                                             approval_ref="柳农减〔2026〕12号"))
    page = township_window.page("agreements")
    with qtbot.waitSignal(page.loaded, timeout=WAIT_MS):
        township_window.show_page("agreements")
    idle()
    with qtbot.waitSignal(page.detail_loaded, timeout=WAIT_MS):
        assert page.select(view.id)
    idle()
    for key, label in page.detail.figures.items():
        if label.isVisible():
            assert _fits(label), (key, label.text())
