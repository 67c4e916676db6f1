"""The database's clock: never a stamp twice, never backwards, across commits, rollbacks and
restarts, whatever the laptop's clock does; a restored backup starts a new device epoch."""
from __future__ import annotations

import itertools
import json
import shutil
import sqlite3

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from app.db.models import Meta, Unit
from app.db.session import Database, make_engine

_names = itertools.count()


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    from app.bootstrap import open_database
    from app.services.foundation.setup import initialise

    path = tmp_path_factory.mktemp("clock") / "template.db"
    db = open_database(path)
    initialise(db, role="district", unit_name="示范区")
    db.dispose()
    return path


class Laptop:
    """A database file whose physical clock the test sets."""

    def __init__(self, path):
        self.path = path
        self.ms = 1_800_000_000_000
        self.db = self._open()

    def _open(self) -> Database:
        db = Database(self.path, make_engine(self.path))
        db.clocks.physical = lambda: self.ms
        return db

    def reopen(self) -> None:
        self.db.dispose()
        self.db = self._open()


def _write(db, n, commit):
    with db.uow("张三") as uow:
        first = uow.session.scalars(select(Unit).order_by(Unit.name).limit(1)).first()
        if first is not None:
            first.code = f"c{next(_names)}"
        for _ in range(n):
            uow.session.add(Unit(name=f"镇{next(_names)}", kind="township"))
        if commit:
            uow.commit()          # the final flush issues these stamps
        else:
            uow.session.flush()   # stamps issued, then rolled back


_op = st.one_of(
    st.tuples(st.just("commit"), st.integers(1, 3)),
    st.tuples(st.just("rollback"), st.integers(1, 3)),
    st.tuples(st.just("reopen"), st.just(0)),
    st.tuples(st.just("time"), st.sampled_from([0, 0, 1, -1, -5_000, -86_400_000, 3])),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=st.lists(_op, min_size=1, max_size=12))
def test_no_stamp_is_issued_twice_and_none_goes_backwards(template, tmp_path, ops):
    path = tmp_path / f"laptop{next(_names)}.db"
    shutil.copyfile(template, path)
    laptop = Laptop(path)
    try:
        for op, arg in ops:
            if op == "commit":
                _write(laptop.db, arg, True)
            elif op == "rollback":
                _write(laptop.db, arg, False)
            elif op == "reopen":
                laptop.reopen()
            else:
                laptop.ms += arg
    finally:
        laptop.db.dispose()
    with sqlite3.connect(path) as c:
        audited = [r[0] for r in c.execute("SELECT hlc FROM audit_log ORDER BY rowid")]
        rows = [r[0] for r in c.execute("SELECT hlc FROM units")]
        last = c.execute("SELECT value FROM meta WHERE key = 'hlc_last'").fetchone()
    c.close()
    assert len(set(audited)) == len(audited), "a stamp was issued twice"
    assert audited == sorted(audited), "a stamp went backwards"
    assert set(rows) <= set(audited) | {None}
    if audited:
        assert last and last[0] >= audited[-1]     # what is persisted covers every committed stamp


def test_rolled_back_stamps_are_not_issued_again_with_the_clock_standing_still(new_db):
    new_db.clocks.physical = lambda: 1_800_000_000_000
    with new_db.uow() as uow:
        uow.session.add(Unit(name="甲镇", kind="township"))
        uow.session.flush()
        lost = uow.session.scalars(select(Unit.hlc).where(Unit.name == "甲镇")).one()
    with new_db.uow() as uow:
        uow.session.add(Unit(name="乙镇", kind="township"))
        uow.commit()
    with new_db.uow() as uow:
        kept = uow.session.scalars(select(Unit.hlc).where(Unit.name == "乙镇")).one()
    assert kept > lost


def test_a_reopened_database_resumes_from_its_audit_log_if_meta_lags(template, tmp_path):
    path = tmp_path / "lag.db"
    shutil.copyfile(template, path)
    laptop = Laptop(path)
    _write(laptop.db, 2, True)
    laptop.db.dispose()
    with sqlite3.connect(path) as c:
        top, n = c.execute("SELECT max(hlc), count(*) FROM audit_log").fetchone()
        c.execute("UPDATE meta SET value = '0000000000001-00000-x' WHERE key = 'hlc_last'")
    c.close()
    laptop.ms -= 10_000_000
    laptop.db = laptop._open()
    _write(laptop.db, 1, True)
    laptop.db.dispose()
    with sqlite3.connect(path) as c:
        assert c.execute("SELECT count(*) FROM audit_log WHERE hlc <= ?", (top,)).fetchone()[0] == n
    c.close()


def test_a_restored_backup_gets_a_new_device_and_stamps_after_the_replaced_database(new_db, tmp_path):
    from app.bootstrap import open_database
    from app.services.foundation.backup import backup, restore

    before = new_db.identity().device
    backup(new_db, tmp_path / "b.db")
    with new_db.uow() as uow:       # exported, perhaps, before the backup is restored
        uow.session.add(Unit(name="丙镇", kind="township"))
        uow.commit()
    with new_db.uow() as uow:
        latest = uow.session.scalars(select(Unit.hlc).where(Unit.name == "丙镇")).one()
    path = new_db.path
    new_db.dispose()
    restore(path, tmp_path / "b.db")
    db = open_database(path)
    try:
        assert db.identity().device != before
        with db.uow() as uow:
            history = json.loads(uow.session.execute(
                select(Meta.value).where(
                    Meta.key == "device_history")).scalar_one())
            uow.session.add(Unit(name="丁镇", kind="township"))
            uow.commit()
        with db.uow() as uow:
            device, hlc = uow.session.execute(
                select(Unit.origin_device, Unit.hlc).where(Unit.name == "丁镇")).one()
        assert history == [before]
        assert device == db.identity().device and hlc.endswith(db.identity().device)
        assert hlc > latest
    finally:
        db.dispose()
