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
