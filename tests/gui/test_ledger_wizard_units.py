"""The import wizard asks for the money unit of a sheet that states none when its balances
look like 万元 (issue 5a), and imports only once it is chosen."""
from __future__ import annotations

from tests.gui.test_import_wizard import WAIT_MS, _import, _to_preview, _wait_preview, open_wizard  # noqa: F401
from tests.hostile_workbooks import loan_rows, write_xlsx


def _wan_ledger(path, n: int = 8):
    rows = loan_rows(n)
    for k, row in enumerate(rows):
        row[3], row[4] = 1.5 + k / 4, 5.0      # 万元, said nowhere
    return write_xlsx(path, rows), sum(int(r[3] * 1_000_000) for r in rows)


def test_the_preview_asks_for_the_unit_and_imports_in_the_one_chosen(qtbot, open_wizard, new_db, tmp_path):
    path, total_fen = _wan_ledger(tmp_path / "台账.xlsx")
    wizard = open_wizard(new_db, path)
    _to_preview(qtbot, wizard)
    page = wizard.preview_page
    panel = page.panel("柳林镇")
    assert panel.unit_row.isVisible() and panel.unit_combo.currentIndex() == -1
    assert "像是以万元为单位" in panel.unit_question.text()
    assert "金额单位" in page.notes.text() and page.tabs.tabText(0).startswith("⚠")
    assert not page.isComplete()   # 开始导入 waits for the answer

    panel.unit_combo.setCurrentIndex(1)
    panel.unit_combo.activated.emit(1)     # 万元
    _wait_preview(qtbot, page)
    qtbot.waitUntil(page.isComplete, timeout=WAIT_MS)
    panel = page.panel("柳林镇")
    assert panel.unit_combo.currentText() == "万元" and "已指定" in panel.info.text()
    assert page.result.balance_fen == total_fen
    _import(qtbot, wizard)
    assert wizard.result.balance_fen == total_fen and wizard.result.warnings == []


def test_a_sheet_that_states_its_unit_offers_no_choice(qtbot, open_wizard, new_db, tmp_path):
    path = write_xlsx(tmp_path / "台账.xlsx", loan_rows(3), title="XX银行不良贷款清单（单位：元）")
    wizard = open_wizard(new_db, path)
    _to_preview(qtbot, wizard)
    page = wizard.preview_page
    assert not page.panel("柳林镇").unit_row.isVisible() and page.isComplete()
