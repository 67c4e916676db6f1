"""Each field (or group of fields that move together) carries the stamp of its last change,
kept by the unit of work and by the ledger import's bulk writes, which audit field by field."""
from __future__ import annotations

import json
from datetime import date

from app.db.models import Household, Person, Unit


def _clocks(db, model, row_id):
    with db.uow() as uow:
        row = uow.session.get(model, row_id)
        return row.hlc, json.loads(row.field_hlc)


def test_two_edits_of_different_fields_keep_their_own_stamps(new_db):
    with new_db.uow("李四") as uow:
        t = Unit(name="石门乡", kind="township")
        uow.session.add(t)
        uow.session.flush()
        h = Household(township_id=t.id, head_name="王五")
        uow.session.add(h)
        uow.session.flush()
        p = Person(household_id=h.id, name="王五")
        uow.session.add(p)
        uow.commit()
    born, clocks = _clocks(new_db, Household, h.id)
    assert clocks == {"*": born}
    with new_db.uow("赵六") as uow:
        uow.session.get(Household, h.id).capacity_reason = "外出务工"
        uow.commit()
    capacity_at, clocks = _clocks(new_db, Household, h.id)
    assert clocks == {"*": born, "capacity": capacity_at}
    with new_db.uow("钱七") as uow:
        uow.session.get(Household, h.id).phone = "13900000000"
        uow.commit()
    phone_at, clocks = _clocks(new_db, Household, h.id)
    assert clocks == {"*": born, "capacity": capacity_at, "phone": phone_at} and phone_at > capacity_at
    with new_db.uow("钱七") as uow:
        person = uow.session.get(Person, p.id)
        person.is_imprisoned, person.release_date = True, date(2028, 1, 1)
        uow.commit()
    at, clocks = _clocks(new_db, Person, p.id)
    assert clocks["imprisoned"] == at and "release_date" not in clocks
