"""报表: a township's report (情况汇报) saved from the window as of the page's date."""
from __future__ import annotations

from docx import Document
from openpyxl import load_workbook
from PySide6.QtCore import QDate
from PySide6.QtWidgets import QFileDialog

from app.services.reporting import bulletin, summary, township_report
from tests.gui.helpers_window import WAIT_MS


def _open(window, qtbot, idle, day: QDate):
    page = window.page("reports")
    with qtbot.waitSignal(page.loaded, timeout=WAIT_MS):
        window.show_page("reports")
    with qtbot.waitSignal(page.loaded, timeout=WAIT_MS):
        page.as_of.setDate(day)
    idle()
    return page


def test_the_report_of_a_chosen_township_is_saved(window, qtbot, idle, tmp_path):
    page = _open(window, qtbot, idle, QDate(2026, 11, 20))
    names = [page.township.itemText(i) for i in range(page.township.count())]
    assert names == township_report.townships(window.db) and len(names) >= 2
    assert page.report_button.isEnabled()
    page.township.setCurrentIndex(1)
    out = tmp_path / "汇报.docx"
    with qtbot.waitSignal(page.report_saved, timeout=WAIT_MS):
        page.save_report_to(out, page.township.currentText())
    idle()
    doc = Document(str(out))
    assert doc.paragraphs[0].text == f"{names[1]}不良贷款清收工作情况汇报"
    t = next(x for x in summary.compute(window.db, page.day()).townships if x.name == names[1])
    assert any(p.text.startswith("我") and f"目前有清收任务{t.loans}笔、" in p.text for p in doc.paragraphs)
    assert page.report_status.text() == f"已保存{names[1]}情况汇报（截至 2026-11-20）：{out}"
    assert bulletin.issued(window.db) == []   # saving a report issues no bulletin


def test_the_file_dialog_picks_the_kind(window, qtbot, idle, tmp_path, monkeypatch):
    page = _open(window, qtbot, idle, QDate(2026, 11, 20))
    chosen = tmp_path / "柳林"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(chosen), "Excel 工作簿 (*.xlsx)"))
    with qtbot.waitSignal(page.report_saved, timeout=WAIT_MS):
        page.ask_save_report()
    idle()
    wb = load_workbook(tmp_path / "柳林.xlsx")
    assert wb.sheetnames[0] == "完成情况" and wb["完成情况"]["A4"].value == page.township.currentText()
