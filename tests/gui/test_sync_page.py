"""数据同步 in the window: a laptop writes its package to a stick, the district merges a whole
stick at once and sees who handed in what, and settles a conflict."""
from __future__ import annotations

import pytest
from PySide6.QtWidgets import QFileDialog, QInputDialog

from app.bootstrap import open_database
from app.db.models import Household, Loan
from app.sync.tasks import set_up_from_task, write_task_package
from tests.gui.helpers_window import WAIT_MS, open_window

PASS = "同步页面口令"


@pytest.fixture
def laptops(demo_path, tmp_path):
    """Two laptops of 柳林镇 set up from the demo district's task package."""
    db = open_database(demo_path)
    write_task_package(db, "柳林镇", tmp_path / "柳林镇.qstask", passphrase=PASS)
    db.dispose()
    out = []
    for n in (1, 2):
        path = tmp_path / f"laptop{n}.db"
        laptop = open_database(path)
        set_up_from_task(laptop, tmp_path / "柳林镇.qstask", passphrase=PASS, device_name=f"{n}号机")
        laptop.dispose()
        out.append(path)
    return out


def _show_sync(window, qtbot, idle):
    page = window.page("sync")
    with qtbot.waitSignal(page.loaded, timeout=WAIT_MS):
        window.show_page("sync")
    idle()
    return page


def test_a_laptop_writes_its_package_to_the_stick(qtbot, idle, laptops, tmp_path, monkeypatch):
    window = open_window(qtbot, idle, laptops[0], size=(1366, 768))
    page = _show_sync(window, qtbot, idle)
    assert page.export_button.isVisible() and not page.task_button.isVisible()
    assert "柳林镇 1号机" in page.header.subtitle.text()
    stick = tmp_path / "U盘"
    stick.mkdir()
    (stick / "旧的.qstask").write_bytes(b"x")
    target = stick / "柳林镇-1号机.qspkg"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "数据包 (*.qspkg)"))
    with qtbot.waitSignal(page.finished, timeout=WAIT_MS):
        page.export_button.click()
    idle()
    assert target.is_file() and "第 1 个数据包" in page.info.text() and "旧的.qstask" in page.info.text()
    # what this laptop has sent stays on the page, and says the district has not confirmed it yet
    qtbot.waitUntil(lambda: "已写出 1 个数据包" in page.own.text(), timeout=WAIT_MS)
    assert page.own.isVisible() and "柳林镇-1号机.qspkg" in page.own.text() and "还没有确认收到" in page.own.text()
    window.grab().save(str(tmp_path / "sync-laptop.png"))


def test_the_district_merges_a_whole_stick_and_settles_a_conflict(qtbot, idle, demo_path, laptops, tmp_path,
                                                                   monkeypatch):
    from app.sync.export import write_work_package

    stick = tmp_path / "U盘"
    stick.mkdir()
    for n, path in enumerate(laptops, start=1):
        laptop = open_database(path)
        with laptop.uow(("张三", "李四")[n - 1]) as uow:
            loan = uow.session.query(Loan).order_by(Loan.loan_no).first()
            uow.session.get(Household, loan.household_id).phone = f"1390000000{n}"
            uow.commit()
        write_work_package(laptop, stick / f"柳林镇-{n}号机.qspkg")
        laptop.dispose()
    (stick / "坏的.qspkg").write_bytes(b"not a package")
    window = open_window(qtbot, idle, demo_path, size=(1366, 768))
    page = _show_sync(window, qtbot, idle)
    assert page.folder_button.isVisible() and not page.export_button.isVisible()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(stick))
    with qtbot.waitSignal(page.finished, timeout=WAIT_MS):
        page.folder_button.click()
    qtbot.waitUntil(lambda: page.devices.rowCount() == 2, timeout=WAIT_MS)
    idle()
    statuses = {page.results.record(r).file: page.results.record(r).status for r in range(page.results.rowCount())}
    assert statuses == {"坏的.qspkg": "refused", "柳林镇-1号机.qspkg": "merged", "柳林镇-2号机.qspkg": "merged"}
    said = {page.results.record(r).file: page.results.data(page.results.index(r, page.results.column_index("说明")))
            for r in range(page.results.rowCount())}
    assert said["坏的.qspkg"] and not said["坏的.qspkg"].startswith("坏的.qspkg")     # the 文件 column names it
    assert "1 个未合并" in page.info.text() and "冲突 1 处" in page.info.text()
    assert page.conflicts.rowCount() == 1 and "（1）" in page.tabs.tabText(2)
    # each side says who changed it, on which computer, and when (the later change is kept)
    from PySide6.QtCore import Qt

    shown = [page.conflicts.data(page.conflicts.index(0, col), Qt.DisplayRole) for col in range(5)]
    conflict = page.conflicts.record(0)
    assert shown[1:] == ["13900000002", f"李四（柳林镇 2号机） {conflict.kept.at}",
                         "13900000001", f"张三（柳林镇 1号机） {conflict.lost.at}"]
    # and where it was found: here, at the district (a laptop's merge's would name that laptop)
    found = page.conflicts.data(page.conflicts.index(0, 5), Qt.DisplayRole)
    assert found == conflict.found_where and window.db.identity().unit_name in found
    page.tabs.setCurrentIndex(2)
    idle()
    window.grab().save(str(tmp_path / "sync-district.png"))
    page.conflicts_view.selectRow(0)
    lost = page.conflicts.record(0).lost.value
    with qtbot.waitSignal(page.loaded, timeout=WAIT_MS):
        page.take_lost.click()
    qtbot.waitUntil(lambda: page.conflicts.rowCount() == 0, timeout=WAIT_MS)
    db = window.db
    with db.engine.connect() as conn:
        from sqlalchemy import text

        phones = {r[0] for r in conn.execute(text("SELECT phone FROM households WHERE phone LIKE '139000000%'"))}
    assert lost in phones


def test_a_laptop_merges_a_task_package_with_its_passphrase(qtbot, idle, demo_path, laptops, tmp_path, monkeypatch):
    window = open_window(qtbot, idle, laptops[1], size=(1366, 768))
    page = _show_sync(window, qtbot, idle)
    assert page.merge_button.text() == "合并任务包…"
    task = tmp_path / "柳林镇.qstask"
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *a, **k: ([str(task)], "任务包 (*.qstask)"))
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: (PASS, True))
    with qtbot.waitSignal(page.finished, timeout=WAIT_MS):
        page.merge_button.click()
    idle()
    assert page.results.rowCount() == 1
    assert page.results.record(0).status in ("merged", "already_merged"), page.results.record(0)


def test_a_rule_breach_is_listed_and_can_only_be_marked_settled(qtbot, idle, demo_path, laptops, tmp_path,
                                                                monkeypatch):
    """Two laptops each record a payment that alone fits the loan: together they pass it."""
    from datetime import date

    from app.services.recovery.repayments import record_repayment
    from app.sync.export import write_work_package

    stick = tmp_path / "U盘"
    stick.mkdir()
    for n, path in enumerate(laptops, start=1):
        laptop = open_database(path)
        with laptop.engine.connect() as conn:
            from sqlalchemy import text

            loan_no, task = conn.execute(text(
                "SELECT loan_no, task_amount_fen FROM loans WHERE balance_fen = task_amount_fen "
                "AND task_amount_fen > 100000 AND id NOT IN (SELECT loan_id FROM repayments) "
                "AND id NOT IN (SELECT loan_id FROM agreement_loans) ORDER BY loan_no LIMIT 1")).first()
        record_repayment(laptop, amount_fen=task // 100 * 60, loan_no=loan_no, paid_on=date(2026, 11, 20 + n),
                         actor="驻村干部")
        write_work_package(laptop, stick / f"柳林镇-{n}号机.qspkg")
        laptop.dispose()
    window = open_window(qtbot, idle, demo_path, size=(1366, 768))
    page = _show_sync(window, qtbot, idle)
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(stick))
    with qtbot.waitSignal(page.finished, timeout=WAIT_MS):
        page.folder_button.click()
    qtbot.waitUntil(lambda: page.conflicts.rowCount() == 1, timeout=WAIT_MS)
    idle()
    assert "规则问题 1 处" in page.info.text()
    breaches = page.results.column_index("规则问题")
    assert sorted(page.results.data(page.results.index(r, breaches)) for r in range(2)) == ["0", "1"]
    chosen = page.conflicts.record(0)
    assert chosen.rule == "overpaid" and "还款超过应还本金" in chosen.label
    page.tabs.setCurrentIndex(2)
    page.conflicts_view.selectRow(0)
    idle()
    assert not page.take_lost.isEnabled() and "冲正" in page.take_lost.toolTip()
    assert page.keep.text() == "标记为已处理" and "冲正" in page.conflict_hint.text()
    window.grab().save(str(tmp_path / "sync-rule.png"))
    with qtbot.waitSignal(page.loaded, timeout=WAIT_MS):
        page.keep.click()
    qtbot.waitUntil(lambda: page.conflicts.rowCount() == 0, timeout=WAIT_MS)
    assert page.keep.text() == "保留现在的值" and not page.conflict_hint.text()
    # an empty list: nothing to settle, and it says so
    assert not page.take_lost.isEnabled() and not page.keep.isEnabled()
    assert page.conflicts_empty.isVisible() and "没有未处理的冲突" in page.conflicts_empty.title.text()


def test_the_district_writes_a_task_package_for_a_new_laptop_of_an_enrolled_township(
        qtbot, idle, demo_path, laptops, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from app.sync import container
    from app.sync.export import write_work_package
    from app.sync.merge import merge_files

    laptop = open_database(laptops[0])
    package = write_work_package(laptop, tmp_path / "l1.qspkg").path
    laptop.dispose()
    district = open_database(demo_path)
    assert merge_files(district, [package]).files[0].status == "merged"       # 1号机 enrolled
    district.dispose()
    window = open_window(qtbot, idle, demo_path, size=(1366, 768))
    page = _show_sync(window, qtbot, idle)
    target = tmp_path / "柳林镇-新电脑.qstask"
    monkeypatch.setattr(QInputDialog, "getItem", lambda *a, **k: ("柳林镇", True))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "任务包 (*.qstask)"))
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("新电脑口令", True))
    asked: list[str] = []

    def choose_new(box) -> int:
        asked.append(box.text())
        next(b for b in box.buttons() if b.text().startswith("给一台新电脑")).click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", choose_new)
    with qtbot.waitSignal(page.finished, timeout=WAIT_MS):
        page.task_button.click()
    idle()
    assert asked and "已有 1 台登记的电脑" in asked[0]
    assert container.parse(container.read_file(target)).header["encryption"] == "age-scrypt"
    new = open_database(tmp_path / "laptop3.db")
    try:
        set_up_from_task(new, target, passphrase="新电脑口令", device_name="3号机")
        assert new.identity().device_name == "3号机"
    finally:
        new.dispose()
