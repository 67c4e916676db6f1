"""The local change sequence: one number per unit of work that writes travelling rows, on
every row it writes — what an export asks for ("rows with seq > N") — and migration 0008."""
from __future__ import annotations

import json
import sqlite3

from sqlalchemy import select

from app.bootstrap import open_database
from app.db.bulk import insert_rows
from app.db.migrate import upgrade
from app.db.models import Household, Unit, Village
from app.db.session import make_engine


def _seqs(db, model):
    with db.uow() as uow:
        return dict(uow.session.execute(select(model.id, model.seq)).all())


def test_every_row_one_unit_of_work_writes_gets_its_one_sequence_and_later_work_a_higher_one(new_db):
    with new_db.uow("张三") as uow:
        t = Unit(name="石门乡", kind="township")
        uow.session.add(t)
        uow.session.flush()
        uow.session.add(Household(township_id=t.id, head_name="王五"))
        insert_rows(uow.session, Village, [{"id": "v1", "township_id": t.id, "name": "东村"}],
                    const=uow.stamp())
        uow.commit()
    first = {**_seqs(new_db, Unit), **_seqs(new_db, Household), **_seqs(new_db, Village)}
    n = first[t.id]
    assert first["v1"] == n and list(_seqs(new_db, Household).values()) == [n]
    with new_db.uow() as uow:            # reads only: no sequence taken
        uow.session.get(Unit, t.id)
        uow.commit()
    with new_db.uow("赵六") as uow:
        uow.session.get(Unit, t.id).code = "01"
        uow.commit()
    again = _seqs(new_db, Unit)
    assert again[t.id] == n + 1
    with new_db.uow() as uow:
        newer = uow.session.scalars(select(Unit.name).where(Unit.seq > n)).all()
    assert newer == ["石门乡"]


def test_a_rolled_back_unit_of_work_leaves_the_sequence_to_the_next_one(new_db):
    with new_db.uow() as uow:
        uow.session.add(Unit(name="甲", kind="township"))
        uow.session.flush()
    with new_db.uow() as uow:
        uow.session.add(Unit(name="乙", kind="township"))
        uow.commit()
    with new_db.uow() as uow:
        seqs = dict(uow.session.execute(select(Unit.name, Unit.seq)).all())
    assert seqs["乙"] > max(v for k, v in seqs.items() if k != "乙")


def test_a_database_of_revision_0007_gets_sequences_and_field_clocks(tmp_path):
    path = tmp_path / "old.db"
    engine = make_engine(path)
    upgrade(engine, "0007")
    engine.dispose()
    with sqlite3.connect(path) as c:
        c.executescript("""
        INSERT INTO meta(key, value) VALUES ('db_id','x'),('role','district'),('unit_id','U0'),
            ('unit_name','老区'),('device','dev1'),('device_name','旧电脑'),
            ('hlc_last','1800000000000-00003-dev1');
        INSERT INTO units(id, name, kind, hlc, deleted) VALUES
            ('U0','老区','district','1800000000000-00001-dev1',0),('T1','柳林镇','township',NULL,0);
        """)
    c.close()
    db = open_database(path)
    try:
        with db.uow() as uow:
            uow.session.add(Unit(name="新镇", kind="township"))
            uow.commit()
    finally:
        db.dispose()
    with sqlite3.connect(path) as c:
        rows = {r[0]: (r[1], r[2]) for r in c.execute("SELECT name, seq, field_hlc FROM units")}
        indexes = {r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type='index'")}
    c.close()
    assert rows["老区"] == (1, json.dumps({"*": "1800000000000-00001-dev1"}, separators=(",", ":")))
    assert rows["柳林镇"] == (1, None)
    seq, clocks = rows["新镇"]
    assert seq == 2 and json.loads(clocks)["*"] > "1800000000000-00003-dev1"
    assert {"ix_units_seq", "ix_loans_seq", "ix_audit_log_hlc"} <= indexes
