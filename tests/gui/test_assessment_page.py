"""报表 › 月考核: a month that has ended, saved as PDF or Excel and previewed off the GUI thread, with
the figures of ``app.services.reporting.assessment`` (as ``qingshou assess``)."""
from __future__ import annotations

from datetime import date

from openpyxl import load_workbook
from PySide6.QtCore import QDate
from PySide6.QtWidgets import QFileDialog

from app.domain.dates import last_complete_month
from app.services.reporting import assessment, bulletin
from tests.gui.helpers_window import WAIT_MS


def _row(window, qtbot, idle):
    page = window.page("reports")
    with qtbot.waitSignal(page.loaded, timeout=WAIT_MS):
        window.show_page("reports")
    idle()
    return page.assessment


def test_the_month_is_the_last_one_that_ended_and_later_ones_cannot_be_chosen(window, qtbot, idle):
    row = _row(window, qtbot, idle)
    year, month = last_complete_month(date.today())
    assert row.chosen() == (year, month) and row.isVisible()
    row.month.setDate(QDate(year + 1, 1, 1))
    assert row.chosen() == (year, month)   # the maximum: no month that has not ended
    assert row.preview_button.isVisible() and row.pdf_button.text() == "保存为 PDF…"


def test_the_chosen_month_is_saved_as_excel(window, qtbot, idle, tmp_path, monkeypatch):
    row = _row(window, qtbot, idle)
    row.month.setDate(QDate(2026, 10, 1))
    chosen = tmp_path / "十月考核"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(chosen), "Excel 工作簿 (*.xlsx)"))
    with qtbot.waitSignal(row.saved, timeout=WAIT_MS):
        row.xlsx_button.click()
    idle()
    out = tmp_path / "十月考核.xlsx"
    a = assessment.prepare(window.db, 2026, 10)
    ws = load_workbook(out)["乡镇排名"]
    assert ws["A1"].value == f"{a.title}　乡镇排名"
    assert [(r[0], r[1], r[3]) for r in ws.iter_rows(min_row=4, values_only=True)][:-1] == [
        (t.rank, t.name, t.households) for t in a.townships]
    assert row.status.text() == f"已保存{a.title}：{out}"
    assert not (tmp_path / "十月考核.xlsx.part").exists() and bulletin.issued(window.db) == []


def test_the_pdf_is_saved_and_previewed(window, qtbot, idle, tmp_path):
    from app.ui import print_preview

    row = _row(window, qtbot, idle)
    row.month.setDate(QDate(2026, 10, 1))
    out = tmp_path / "考核.pdf"
    with qtbot.waitSignal(row.saved, timeout=WAIT_MS):
        row.save_to(out)
    idle()
    assert out.read_bytes()[:5] == b"%PDF-"
    if print_preview.available():
        with qtbot.waitSignal(row.previewed, timeout=WAIT_MS):
            row.preview()
        idle()
        assert len(row.print_dialog.images) >= 2 and "10月考核情况" in row.print_dialog.windowTitle()
        row.print_dialog.reject()


def test_saving_can_be_cancelled_and_leaves_no_file(window, qtbot, idle, tmp_path, monkeypatch):
    import threading

    row = _row(window, qtbot, idle)
    row.month.setDate(QDate(2026, 10, 1))
    go = threading.Event()
    real = assessment.prepare

    def slow(*args, **kwargs):
        go.wait(10)
        return real(*args, **kwargs)

    monkeypatch.setattr(assessment, "prepare", slow)
    out = tmp_path / "考核.xlsx"
    task = row.save_to(out)
    task.cancel()
    go.set()
    idle()
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith("考核")] and row.status.text() == ""
