"""What the district confirms receiving moves on with every package it merges, so each package a
laptop writes after the next task package holds only what the district has not got."""
from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import select, text

from app.db.models import Household
from app.sync import container
from app.sync.export import write_work_package
from app.sync.merge import merge_files
from app.sync.status import laptop_status
from app.sync.tasks import write_task_package

PASS = "确认口令"


def _visit(laptop, n: int) -> None:
    from app.services.work.visits import book_visit

    with laptop.uow("张三") as uow:
        hid = uow.session.scalars(select(Household.id).order_by(Household.id)).all()[n]
        book_visit(uow, outcome="promised", household_id=hid, visited_on=date(2026, 11, 20 + n))
        uow.commit()


def _header(path):
    return container.parse(container.read_file(path)).header


def _confirmed_at_district(district) -> int | None:
    with district.engine.connect() as c:
        return c.execute(text("SELECT confirmed_change FROM device_sequences")).scalar()


def test_each_merged_package_moves_the_confirmation_on(world, tmp_path):
    district, (one, _two) = world
    for n in (1, 2, 3):
        _visit(one, n)
        package = Path(write_work_package(one, tmp_path / f"p{n}.qspkg").path)
        header = _header(package)
        assert merge_files(district, [package]).files[0].status == "merged"
        assert _confirmed_at_district(district) == header["upto"]        # every package, not the first only
        assert laptop_status(one).last_confirmed is False                # not known before the task package
        write_task_package(district, "柳林镇", tmp_path / f"t{n}.qstask", passphrase=None)
        assert merge_files(one, [tmp_path / f"t{n}.qstask"]).files[0].status == "merged"
        assert laptop_status(one).last_confirmed is True
        # the next package starts where the district's confirmation is
        _visit(one, n + 3)
        nxt = _header(Path(write_work_package(one, tmp_path / f"probe{n}.qspkg").path))
        assert nxt["since"] == header["upto"]


def test_once_confirmed_a_package_holds_only_the_new_work(world, tmp_path):
    """Neither the rows the task package brought nor the audit log go back every time: after the
    district confirmed the first package, the next holds the new visit and its audit entries."""
    district, (one, _two) = world
    _visit(one, 1)
    first = write_work_package(one, tmp_path / "p1.qspkg")
    assert first.counts["households"] > 50 and first.counts["audit_log"] > 0     # everything, once
    assert merge_files(district, [Path(first.path)]).files[0].status == "merged"
    write_task_package(district, "柳林镇", tmp_path / "t2.qstask", passphrase=None)
    assert merge_files(one, [tmp_path / "t2.qstask"]).files[0].status == "merged"
    _visit(one, 2)
    second = write_work_package(one, tmp_path / "p2.qspkg")
    assert second.counts["visits"] == 1
    assert second.counts["households"] <= 1 and second.counts.get("loans", 0) == 0
    assert 1 <= second.counts["audit_log"] <= 10, second.counts
    assert merge_files(district, [Path(second.path)]).files[0].status == "merged"
    with district.engine.connect() as c:       # nothing of the first package's audit lost on the way
        assert c.execute(text("SELECT count(*) FROM audit_log WHERE device = (SELECT device FROM device_sequences)")
                         ).scalar() >= first.counts["audit_log"]


def test_a_district_gone_back_to_a_backup_gets_the_lost_work_again(world, tmp_path):
    """The district restores a backup from before a laptop's second package: the laptop's next
    task package says so, its next package carries that work again, and until then the district
    says the gap is not filled (not "已由第N个补齐")."""
    from app.bootstrap import open_database
    from app.services.foundation.backup import backup, restore
    from app.services.recovery.repayments import record_repayment
    from app.sync.status import device_status

    district, (one, _two) = world
    with one.engine.connect() as c:
        loan_no = c.execute(text("SELECT loan_no FROM loans WHERE deleted = 0 ORDER BY loan_no LIMIT 1")).scalar()

    def pay(fen: int, day: int) -> None:
        record_repayment(one, amount_fen=fen, loan_no=loan_no, paid_on=date(2026, 12, day))

    def hand_in(db, n: int) -> None:
        package = Path(write_work_package(one, tmp_path / f"p{n}.qspkg").path)
        assert merge_files(db, [package]).files[0].status == "merged"

    def paid_at(db) -> list[int]:
        with db.engine.connect() as c:
            return sorted(r[0] for r in c.execute(text(
                "SELECT r.amount_fen FROM repayments r JOIN loans l ON l.id = r.loan_id "
                "WHERE l.loan_no = :n AND r.deleted = 0"), {"n": loan_no}))

    pay(1_000, 1)
    hand_in(district, 1)
    path = district.path
    backup(district, tmp_path / "district-backup.db")
    pay(11_100, 2)
    hand_in(district, 2)
    write_task_package(district, "柳林镇", tmp_path / "t2.qstask", passphrase=None)
    assert merge_files(one, [tmp_path / "t2.qstask"]).files[0].status == "merged"
    district.dispose()
    restore(path, tmp_path / "district-backup.db")       # the 111.00 is gone from the district
    district = open_database(path)
    try:
        pay(22_200, 3)
        hand_in(district, 3)                              # built on a confirmation the district no longer has
        assert paid_at(district) == [1_000, 22_200]
        [status] = device_status(district)
        assert status.missing == [2] and not status.filled and "还没有补齐" in status.sentence()
        write_task_package(district, "柳林镇", tmp_path / "t3.qstask", passphrase=None)
        assert merge_files(one, [tmp_path / "t3.qstask"]).files[0].status == "merged"
        hand_in(district, 4)                              # carries everything the district lacks
        assert paid_at(district) == paid_at(one) == [1_000, 11_100, 22_200]
        [status] = device_status(district)
        assert status.filled and "已由第4个补齐" in status.sentence()
    finally:
        district.dispose()


def test_a_laptop_restored_from_its_backup_sends_everything_once_as_a_new_computer(world, tmp_path):
    from app.bootstrap import open_database
    from app.services.foundation.backup import after_restore_note, backup, restore

    district, (one, _two) = world
    _visit(one, 1)
    first = Path(write_work_package(one, tmp_path / "p1.qspkg").path)
    assert merge_files(district, [first]).files[0].status == "merged"
    write_task_package(district, "柳林镇", tmp_path / "t2.qstask", passphrase=None)
    assert merge_files(one, [tmp_path / "t2.qstask"]).files[0].status == "merged"
    path = one.path
    backup(one, tmp_path / "laptop-backup.db")
    one.dispose()
    restore(path, tmp_path / "laptop-backup.db")
    assert "新设备" in after_restore_note(path)
    assert "重新下发任务包" in after_restore_note(district.path)
    again = open_database(path)
    try:
        _visit(again, 2)
        package = Path(write_work_package(again, tmp_path / "p2.qspkg").path)
        header = _header(package)
        assert header["since"] is None and header["seq"] == 1        # a new computer's first package: all
        assert merge_files(district, [package]).files[0].status == "merged"
        write_task_package(district, "柳林镇", tmp_path / "t3.qstask", passphrase=None)
        assert merge_files(again, [tmp_path / "t3.qstask"]).files[0].status == "merged"
        assert laptop_status(again).last_confirmed is True
    finally:
        again.dispose()
