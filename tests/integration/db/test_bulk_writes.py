"""Bulk writes (app.db.bulk): the values every row shares are written into the statement as
SQL literals; whatever a person typed (a name with a quote) arrives as typed, and times are
stored as the ORM stores them."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from app.db.bulk import insert_rows, sql_literal, update_rows
from app.db.models import Unit, Village


def test_shared_values_with_quotes_and_times_arrive_as_given(new_db):
    with new_db.uow(actor="O'Brien; DROP TABLE villages; --") as uow:
        stamp = uow.stamp()
        tid = uow.session.scalars(select(Unit.id)).first()
        insert_rows(uow.session, Village, [{"id": f"v{k}", "township_id": tid, "name": f"村{k}"} for k in range(3)],
                    const=stamp)
        update_rows(uow.session, Village, [{"id": "v1", "name": "李家'村"}], const={"updated_by": "甲'乙"})
        uow.commit()
    with new_db.uow() as uow:
        rows = {v.id: v for v in uow.session.scalars(select(Village))}
        assert {v.updated_by for k, v in rows.items() if k != "v1"} == {"O'Brien; DROP TABLE villages; --"}
        assert (rows["v1"].name, rows["v1"].updated_by) == ("李家'村", "甲'乙")
        assert rows["v0"].created_at == stamp["created_at"] and rows["v0"].deleted is False
        raw = uow.session.connection().exec_driver_sql("SELECT created_at FROM villages WHERE id = 'v0'").scalar()
        assert raw == stamp["created_at"].strftime("%Y-%m-%d %H:%M:%S.%f")   # as the ORM writes it


def test_values_that_cannot_be_literals_are_bound():
    assert sql_literal("a'b") == "'a''b'" and sql_literal(None) == "NULL" and sql_literal(True) == "1"
    assert sql_literal(1.5) is None and sql_literal(date(2026, 1, 1)) is None and sql_literal("a\x00b") is None
