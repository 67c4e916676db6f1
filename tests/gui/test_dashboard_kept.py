"""The window's start paints the figures its last session kept, when nothing they count has
changed, and checks them afresh once painted (app.services.reporting.dashboard_cache)."""
from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QLabel

from app.bootstrap import open_database
from app.services.reporting import dashboard_cache
from app.services.reporting.summary import compute
from app.ui import formatting as fmt
from app.ui.main_window import MainWindow

WAIT_MS = 30_000


def _start(qtbot, idle, path) -> MainWindow:
    """As ``qingshou gui --db path`` starts: the database opened early with its figures."""
    win = MainWindow()
    qtbot.addWidget(win)
    win.show_for_start()
    with qtbot.waitSignal(win.page("dashboard").loaded, timeout=WAIT_MS):
        win.open_early(path)
    idle()
    return win


def _task_card(win) -> str:
    return win.page("dashboard").findChild(QLabel, "value_task").text()


def _recalled(path) -> bool:
    db = open_database(path)
    try:
        return dashboard_cache.recall(db, date.today()) is not None
    finally:
        db.dispose()


def test_the_second_start_paints_the_kept_figures(qtbot, idle, demo_path, shown_dialogs):
    first = _start(qtbot, idle, demo_path)
    assert first.page("dashboard").figures.recalled is False
    assert _recalled(demo_path)                  # kept once the figures were painted
    first.close()
    second = _start(qtbot, idle, demo_path)
    page = second.page("dashboard")
    assert page.figures.recalled is True
    db = open_database(demo_path)
    try:
        assert _task_card(second) == fmt.money(compute(db, date.today()).totals.task_fen)
    finally:
        db.dispose()
    assert shown_dialogs == []


def test_kept_figures_that_are_wrong_are_replaced_after_the_paint(qtbot, idle, demo_path, shown_dialogs):
    _start(qtbot, idle, demo_path).close()
    db = open_database(demo_path)
    with db.sqlite() as conn, conn:       # behind the program's back: no change mark moves
        conn.execute("UPDATE loans SET task_amount_fen = task_amount_fen + 100 "
                     "WHERE id = (SELECT id FROM loans WHERE deleted = 0 ORDER BY id LIMIT 1)")
    right = compute(db, date.today()).totals.task_fen
    db.dispose()
    win = _start(qtbot, idle, demo_path)
    page = win.page("dashboard")
    qtbot.waitUntil(lambda: _task_card(win) == fmt.money(right), timeout=WAIT_MS)
    assert page.figures.recalled is False
    assert shown_dialogs == []


def test_figures_are_kept_again_soon_after_a_write_elsewhere(qtbot, idle, demo_path, shown_dialogs, monkeypatch):
    from app.services.recovery.repayments import record_repayment
    from app.ui.pages import figures_keeper

    monkeypatch.setattr(figures_keeper, "AFTER_WRITES_MS", 50)
    win = _start(qtbot, idle, demo_path)
    win.show_page("households")
    db = open_database(demo_path)
    try:
        with db.sqlite() as conn:
            loan_no = conn.execute("SELECT loan_no FROM loans WHERE deleted = 0 ORDER BY loan_no LIMIT 1").fetchone()[0]
        record_repayment(db, amount_fen=4_321, loan_no=loan_no, paid_on=date.today())
        assert dashboard_cache.recall(db, date.today()) is None
        win.data_written()                        # as a page of the window does after its write
        qtbot.waitUntil(lambda: dashboard_cache.recall(db, date.today()) is not None, timeout=WAIT_MS)
        kept = dashboard_cache.recall(db, date.today())
        assert kept.summary.totals.recovered_fen == compute(db, date.today()).totals.recovered_fen
    finally:
        db.dispose()
    assert shown_dialogs == []
