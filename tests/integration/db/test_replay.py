"""Replay mode: rows from another laptop are applied with their own stamps, their clocks folded
into this one, a fresh local sequence given, and audited as merged with where they came from."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from app.db.models import AuditEntry, Household, Unit
from app.db.uow import Provenance
from app.domain.clock import DAY_MS, ClockDriftError, format_stamp

NOW = 1_800_000_000_000
FROM = Provenance("pkg-0001", "unit-laptop2", "dev2")


@pytest.fixture
def db(new_db):
    new_db.clocks.physical = lambda: NOW
    with new_db.uow("李四") as uow:
        t = Unit(name="石门乡", kind="township")
        uow.session.add(t)
        uow.session.flush()
        uow.session.add(Household(id="H1", township_id=t.id, head_name="王五"))
        uow.commit()
    new_db.township_id = t.id
    return new_db


def test_a_remote_row_keeps_its_stamps_gets_a_local_sequence_and_is_audited_as_merged(db):
    remote = format_stamp(NOW + DAY_MS, 4, "dev2")           # a laptop a day ahead
    clocks = json.dumps({"*": format_stamp(NOW - DAY_MS, 0, "dev2"), "capacity": remote})
    with db.uow("合并") as uow:
        before = uow.session.scalar(select(Household.seq).where(Household.id == "H1"))
        uow.commit()
    with db.uow("合并", replay=FROM) as uow:
        uow.session.add(Household(id="H2", township_id=db.township_id, head_name="赵六", capacity="able",
                                  hlc=remote, field_hlc=clocks, origin_unit="unit-laptop2", origin_device="dev2"))
        uow.commit()
    with db.uow() as uow:
        h = uow.session.get(Household, "H2")
        got = (h.hlc, h.field_hlc, h.origin_unit, h.origin_device, h.seq)
        entry = uow.session.scalars(select(AuditEntry).where(AuditEntry.entity_id == "H2")).one()
        action, summary, changes = entry.action, entry.summary, json.loads(entry.changes)
    assert got[:4] == (remote, clocks, "unit-laptop2", "dev2") and got[4] > before
    assert action == "merge" and "pkg-0001" in summary and "dev2" in summary
    assert changes["_merge"] == {"package_id": "pkg-0001", "unit": "unit-laptop2", "device": "dev2", "hlc": remote}
    with db.uow("李四") as uow:                    # this laptop's next change sorts after what it merged
        uow.session.get(Household, "H1").phone = "13900000000"
        uow.commit()
    with db.uow() as uow:
        assert uow.session.get(Household, "H1").hlc > remote


def test_a_remote_update_keeps_the_stamp_it_came_with(db):
    remote = format_stamp(NOW + 5, 0, "dev2")
    with db.uow("合并", replay=FROM) as uow:
        h = uow.session.get(Household, "H1")
        clocks = json.loads(h.field_hlc)
        h.capacity, h.capacity_reason = "unable", "重病"
        h.hlc, h.field_hlc = remote, json.dumps({**clocks, "capacity": remote})
        uow.commit()
    with db.uow() as uow:
        h = uow.session.get(Household, "H1")
        assert (h.capacity, h.hlc, json.loads(h.field_hlc)["capacity"]) == ("unable", remote, remote)
        entry = uow.session.scalars(select(AuditEntry).where(AuditEntry.entity_id == "H1")
                                    .order_by(AuditEntry.hlc.desc())).first()
        assert entry.action == "merge" and json.loads(entry.changes)["capacity"] == ["unknown", "unable"]


def test_a_package_from_a_laptop_a_month_ahead_is_refused_and_changes_nothing(db):
    far = format_stamp(NOW + 30 * DAY_MS, 0, "dev2")
    with db.uow() as uow:
        last = uow.clock().last()
    with pytest.raises(ClockDriftError, match="晚 30 天"):
        with db.uow("合并", replay=FROM) as uow:
            uow.session.add(Household(id="H3", township_id=db.township_id, head_name="钱七",
                                      hlc=format_stamp(NOW + 1, 0, "dev2")))
            uow.session.add(Household(id="H4", township_id=db.township_id, head_name="孙八", hlc=far))
            uow.commit()
    with db.uow() as uow:
        assert uow.session.get(Household, "H3") is None and uow.session.get(Household, "H4") is None
        assert uow.clock().last() == last
