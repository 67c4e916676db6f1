"""The 提醒 column: a settled household shows no 待跟进 (it needs no follow-up)."""
from __future__ import annotations

from datetime import date

from sqlalchemy import text

from app.ui.models.households import FLAGS_COLUMN
from tests.gui.helpers_households import WAIT_MS, open_list


def test_a_settled_household_shows_no_reminder(window, qtbot, idle):
    page = open_list(window, qtbot, idle)
    with window.db.engine.connect() as conn:
        settled = {r[0] for r in conn.execute(text(
            "SELECT household_id FROM household_index WHERE stage = 'settled' AND next_date <= :d"),
            {"d": date.today().isoformat()})}
    assert settled
    with qtbot.waitSignal(page.list_loaded, timeout=WAIT_MS):
        page.filters.stage.set_value("settled")
    idle()
    shown = {page.model.household_id(r): page.model.index(r, FLAGS_COLUMN).data()
             for r in range(page.model.rowCount())}
    assert settled <= set(shown)
    assert all(shown[h] == "" for h in settled)
    # ticking 待跟进 leaves them out
    with qtbot.waitSignal(page.list_loaded, timeout=WAIT_MS):
        page.filters.due.setChecked(True)
    idle()
    assert not settled & {page.model.household_id(r) for r in range(page.model.rowCount())}
