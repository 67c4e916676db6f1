"""报表: the 对账 row — the database's loans reconciled and saved as a workbook off the GUI thread,
the sentence saying what it found, 取消 in the progress dialog leaving no file."""
from __future__ import annotations

import threading
import time
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtWidgets import QFileDialog, QPushButton

from app.services.reporting import reconcile
from tests.conftest import OPERATOR
from tests.gui.helpers_window import WAIT_MS, open_window

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "ledger-sample"


@pytest.fixture
def district(qtbot, idle, tmp_path, shown_dialogs):
    """The window on a district database with both sample ledgers and one repayment recorded."""
    from app.bootstrap import open_database
    from app.services.foundation.operators import set_current
    from app.services.foundation.setup import initialise
    from app.services.ledger_import import import_ledger
    from app.services.recovery.repayments import record_repayment

    path = tmp_path / "区县.db"
    db = open_database(path)
    try:
        initialise(db, role="district", unit_name="示范区")
        for name in ("ledger.xlsx", "update.xlsx"):
            import_ledger(db, SAMPLES / name, today=date(2026, 12, 1))
        loan = reconcile.prepare(db).differences[0].loan_no
        record_repayment(db, loan_no=loan, amount_fen=100_00, paid_on=date(2026, 11, 10))
        set_current(db, OPERATOR)
    finally:
        db.dispose()
    return open_window(qtbot, idle, path)


def _row(window, qtbot, idle):
    page = window.page("reports")
    with qtbot.waitSignal(page.loaded, timeout=WAIT_MS):
        window.show_page("reports")
    idle()
    return page.reconcile


def test_the_reconciliation_is_saved_with_what_it_found(district, qtbot, idle, tmp_path):
    row = _row(district, qtbot, idle)
    assert row.button.isEnabled() and row.button.text() == "保存对账表…"
    out = tmp_path / "对账.xlsx"
    with qtbot.waitSignal(row.saved, timeout=WAIT_MS):
        row.save_to(out)
    idle()
    r = reconcile.prepare(district.db)
    assert r.loans_checked == 223 and r.total.counts["amounts_differ"] == 1
    assert row.status.text() == f"已保存对账表：{out}。{r.sentence()}"
    assert "核对贷款 223 笔，有差异的 64 笔" in row.status.text()
    wb = load_workbook(out)
    assert wb.sheetnames == ["差异", "汇总", "待核对"]
    assert wb["差异"].max_row >= 3 + len(r.differences) and not out.with_name("对账.xlsx.part").exists()


def test_the_file_dialog_adds_the_suffix(window, qtbot, idle, tmp_path, monkeypatch):
    row = _row(window, qtbot, idle)
    chosen = tmp_path / "全区对账"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(chosen), "Excel 工作簿 (*.xlsx)"))
    with qtbot.waitSignal(row.saved, timeout=WAIT_MS):
        row.ask_save()
    idle()
    assert (tmp_path / "全区对账.xlsx").is_file()
    assert row.status.text().endswith("核对贷款 0 笔，没有差异；"
                                      f"{reconcile.prepare(window.db).total.loans_without_ledger:,} 笔贷款没有银行台账余额，未核对。")


def test_cancel_in_the_progress_dialog_saves_nothing(window, qtbot, idle, tmp_path, monkeypatch):
    row = _row(window, qtbot, idle)
    started = threading.Event()

    def slow(db, township=None, *, progress):
        started.set()
        for _ in range(3000):          # until 取消 (the step raises), at most 30 s
            progress(0, 0, "正在读取贷款……")
            time.sleep(0.01)
        raise AssertionError("not cancelled")

    monkeypatch.setattr(reconcile, "prepare", slow)
    out = tmp_path / "对账.xlsx"
    task = row.save_to(out)
    qtbot.waitUntil(lambda: started.is_set() and task.dialog is not None, timeout=WAIT_MS)
    assert task.dialog.labelText() == "正在读取贷款……"
    button = task.dialog.findChild(QPushButton)
    assert button.text() == "取消"
    with qtbot.waitSignal(row.cancelled, timeout=WAIT_MS):
        button.click()
    idle()
    assert row.status.text() == "已取消对账，没有保存文件"
    assert not out.exists() and not out.with_name("对账.xlsx.part").exists()
