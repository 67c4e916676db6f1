"""``merge F1 F2 …`` is one transaction with a savepoint per file: a file refused while merging
leaves nothing of itself and the others merged; a cancelled merge writes nothing; files of one
call see what the earlier ones wrote (the same package twice, two packages of one laptop); the
household list's index ends up as a rebuild from the facts would make it."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select, text

from app.bootstrap import open_database
from app.db import search_index
from app.db.models import Household
from app.domain.progress import Cancelled
from app.sync import merge, merge_after
from app.sync.errors import PackageError
from app.sync.export import write_work_package
from app.sync.merge import merge_files

PASS = "一次合并口令"


@pytest.fixture
def world(world, tmp_path):
    """The district and two laptops of 柳林镇 (conftest), each with a package of visits waiting."""
    district, laptops = world
    packages = []
    for n, laptop in enumerate(laptops, start=1):
        _visit(laptop, n, date(2026, 11, 20 + n))
        packages.append(write_work_package(laptop, tmp_path / f"l{n}-1.qspkg").path)
    return district, laptops, [Path(p) for p in packages]


def _visit(laptop, n: int, on: date) -> None:
    from app.services.work.visits import book_visit

    with laptop.uow("张三") as uow:
        ids = uow.session.scalars(select(Household.id).order_by(Household.id)).all()
        for hid in ids[n::7]:
            book_visit(uow, outcome="promised", household_id=hid, visited_on=on)
        uow.commit()


def _phone(laptop, phone: str) -> None:
    from app.services.households.edit import HouseholdEdit, edit_household

    with laptop.engine.connect() as c:
        hid = c.execute(text("SELECT id FROM households ORDER BY id LIMIT 1 OFFSET 3")).scalar()
    edit_household(laptop, HouseholdEdit(phone=phone), "张三", household_id=hid)


def _state(db) -> tuple:
    with db.engine.connect() as c:
        return tuple(c.execute(text(f"SELECT count(*) FROM {t}")).scalar()
                     for t in ("visits", "audit_log", "sync_packages", "device_sequences", "sync_peers"))


def _index(db) -> dict:
    """The household list's rows by household (without the local row number)."""
    with db.engine.connect() as c:
        cols = ", ".join(search_index._COLUMNS)
        return {r[0]: r for r in c.execute(text(f"SELECT {cols} FROM household_index"))}


def test_a_file_refused_while_merging_writes_nothing_and_the_others_merge(world, monkeypatch):
    district, _laptops, (one, two) = world
    before = _state(district)
    real = merge_after.check_rules

    def refuse_the_first_laptops(conn, touched, result, placed=None):   # after its rows were written
        real(conn, touched, result, placed)
        if result.file == one.name:
            raise PackageError("测试：合并到一半被拒绝", code="test")

    monkeypatch.setattr(merge_after, "check_rules", refuse_the_first_laptops)
    report = merge_files(district, [one, two])
    assert [(f.file, f.status) for f in report.files] == [(one.name, "refused"), (two.name, "merged")]
    monkeypatch.setattr(merge_after, "check_rules", real)
    after = _state(district)
    assert after != before
    # the refused file left nothing: merging it alone now adds exactly what it holds
    alone = merge_files(district, [one]).files[0]
    assert alone.status == "merged"
    with district.engine.connect() as c:
        sequences = dict(c.execute(text("SELECT device, last_sequence FROM device_sequences")).all())
    assert sorted(sequences.values()) == [1, 1]


def test_the_same_package_twice_and_both_laptops_in_one_call(world, tmp_path):
    district, (first, _second), (one, two) = world
    _visit(first, 3, date(2026, 11, 25))
    _phone(first, "13900001111")          # a search text changes too (the rest: figures only)
    again = Path(write_work_package(first, tmp_path / "l1-2.qspkg").path)
    district.dispose()
    for n in (0, 1):
        (tmp_path / f"copy{n}.db").write_bytes(Path(district.path).read_bytes())
    report = merge_files(district, [one, two, one, again, two])
    assert [f.status for f in report.files] == ["merged", "merged", "already_merged", "merged", "already_merged"]
    with district.engine.connect() as c:
        rows = c.execute(text("SELECT last_sequence, missing FROM device_sequences ORDER BY last_sequence")).all()
    assert [tuple(r) for r in rows] == [(1, None), (2, None)]
    # the same result as one call a file, and the household list as a rebuild from the facts makes it
    merged = open_database(tmp_path / "copy0.db")
    alone = open_database(tmp_path / "copy1.db")
    try:
        assert [f.status for f in merge_files(merged, [again, two, one]).files] == ["merged"] * 3
        for f in (one, two, again):
            assert merge_files(alone, [f]).files[0].status == "merged"
        assert _state(merged) == _state(alone) == _state(district)
        index = _index(merged)
        assert index == _index(alone) == _index(district)
        with merged.engine.connect() as c:
            search_index.refresh_search(c)        # rebuilt from the facts
            rebuilt = {r[0]: r for r in c.execute(text(
                f"SELECT {', '.join(search_index._COLUMNS)} FROM household_index"))}
            c.rollback()
        assert index == rebuilt
        assert sum("13900001111" in row[-1] for row in index.values()) == 1
    finally:
        merged.dispose()
        alone.dispose()


def test_a_cancelled_merge_writes_nothing(world):
    district, _laptops, (one, two) = world
    before, index = _state(district), _index(district)
    seen: list[str] = []

    def cancel() -> bool:           # pressed while the second file was being merged
        return len(seen) >= 2

    with pytest.raises(Cancelled) as raised:
        merge_files(district, [one, two], progress=lambda done, total, text: seen.append(text), cancel=cancel)
    assert "没有任何改动" in str(raised.value)
    assert _state(district) == before
    assert _index(district) == index
    report = merge_files(district, [one, two])      # and merging afterwards works
    assert [f.status for f in report.files] == ["merged", "merged"]


def test_an_unexpected_error_in_a_later_file_leaves_nothing_of_the_call(world, monkeypatch):
    district, _laptops, (one, two) = world
    before = _state(district)
    real = merge._relay
    calls: list[int] = []

    def fail_on_the_second(conn, touched):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("磁盘出错")
        real(conn, touched)

    monkeypatch.setattr(merge, "_relay", fail_on_the_second)
    with pytest.raises(RuntimeError):
        merge_files(district, [one, two])
    assert _state(district) == before
