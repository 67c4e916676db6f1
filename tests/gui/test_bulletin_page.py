"""报表: the ten-day bulletin's ranking as of a date, saved (issued) from the window."""
from __future__ import annotations

from PySide6.QtCore import QDate

from app.services.reporting import bulletin, summary
from tests.gui.helpers_window import WAIT_MS


def _open(window, qtbot, day: QDate):
    page = window.page("reports")
    with qtbot.waitSignal(page.loaded, timeout=WAIT_MS):
        window.show_page("reports")
    with qtbot.waitSignal(page.loaded, timeout=WAIT_MS):
        page.as_of.setDate(day)
    return page


def test_the_ranking_is_summarys_and_saving_issues_the_bulletin(window, qtbot, idle, tmp_path):
    page = _open(window, qtbot, QDate(2026, 11, 20))
    s = summary.compute(window.db, page.day())
    table = page.table
    assert table.rowCount() == len(s.townships)
    for r, t in enumerate(s.townships):
        assert table.item(r, 1).text() == t.name and table.item(r, 0).text() == str(t.rank)
        assert table.item(r, 4).text() == f"{t.rate * 100:.2f}%"
    assert "尚未发布" in page.status.text() and "第1期" in page.status.text()
    assert f"共收回不良贷款总额为{s.totals.recovered_fen / 1_000_000:,.2f}万元" in page.text.text()
    out = tmp_path / "通报.xlsx"
    with qtbot.waitSignal(page.saved, timeout=WAIT_MS):
        page.save_to(out)
    idle()
    assert out.is_file() and "已发布第1期" in page.status.text()
    assert [n for _, n, _ in bulletin.issued(window.db)] == [1]
    with qtbot.waitSignal(page.loaded, timeout=WAIT_MS):
        page.refresh()
    assert "已于" in page.status.text() and "重印" in page.status.text()


def test_the_preview_shows_the_pages_and_issues_nothing(window, qtbot, idle):
    from app.ui import print_preview

    page = _open(window, qtbot, QDate(2026, 11, 20))
    page.preview()
    idle()
    if print_preview.available():
        qtbot.waitUntil(lambda: page.print_dialog is not None, timeout=WAIT_MS)
        assert len(page.print_dialog.images) >= 2
        assert "第1期" in page.print_dialog.windowTitle()
        page.print_dialog.reject()
    assert bulletin.issued(window.db) == []


def test_a_township_database_may_not_issue_the_bulletin(qtbot, township_path, shown_dialogs, idle, tmp_path):
    from tests.gui.helpers_window import open_window

    window = open_window(qtbot, idle, township_path)
    page = window.page("reports")
    with qtbot.waitSignal(page.loaded, timeout=WAIT_MS):
        window.show_page("reports")
    assert not page.save_button.isEnabled()
    assert "十天一通报由区县发布：这是乡镇的数据库（柳林镇）" in page.save_button.toolTip()
    assert page.preview_button.isEnabled()
    page.save_to(tmp_path / "通报.pdf")   # even if called: refused, nothing written or kept
    idle()
    assert not (tmp_path / "通报.pdf").exists() and bulletin.issued(window.db) == []
    assert shown_dialogs and "由区县发布" in shown_dialogs[-1].text()


def test_the_district_may_issue_the_bulletin(window, qtbot):
    page = _open(window, qtbot, QDate(2026, 11, 20))
    assert page.save_button.isEnabled() and "发布这一期" in page.save_button.toolTip()
