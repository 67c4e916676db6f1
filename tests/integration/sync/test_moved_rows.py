"""A loan or a person the district moves to another household (the bank corrected who borrowed
it): after a laptop merges the task package, both households' rows in its household list are as
a rebuild from the facts makes them — the one it left included."""
from __future__ import annotations

from sqlalchemy import select, text

from app.db import search_index
from app.db.models import Household, Loan, Person, Unit
from app.sync.merge import merge_files
from app.sync.tasks import write_task_package

PASS = "搬户口令"


def _index(db) -> dict:
    with db.engine.connect() as c:
        return {r[0]: r for r in c.execute(text(f"SELECT {', '.join(search_index._COLUMNS)} FROM household_index"))}


def _rebuilt(db) -> dict:
    with db.engine.connect() as c:
        search_index.refresh_search(c)
        rows = {r[0]: r for r in c.execute(text(f"SELECT {', '.join(search_index._COLUMNS)} FROM household_index"))}
        c.rollback()
    return rows


def test_rows_moved_between_households_refresh_both(world, tmp_path):
    district, (laptop, _other) = world
    with district.uow("区县管理员") as uow:
        s = uow.session
        township = s.scalars(select(Unit.id).where(Unit.name == "柳林镇")).one()
        homes = s.scalars(select(Household).where(Household.township_id == township)
                          .order_by(Household.id)).all()
        donor = next(h for h in homes if len(s.scalars(select(Loan).where(Loan.household_id == h.id)).all()) >= 1
                     and s.scalars(select(Person).where(Person.household_id == h.id)).first() is not None)
        receiver = next(h for h in homes if h.id != donor.id)
        loan = s.scalars(select(Loan).where(Loan.household_id == donor.id)).first()
        person = s.scalars(select(Person).where(Person.household_id == donor.id)).first()
        loan.household_id = receiver.id
        person.household_id = receiver.id
        moved = (donor.id, receiver.id, loan.loan_no, person.name)
        uow.commit()
    donor_id, receiver_id, loan_no, name = moved
    before = _index(laptop)[donor_id]
    write_task_package(district, "柳林镇", tmp_path / "task-2.qstask", passphrase=PASS)
    [result] = merge_files(laptop, [tmp_path / "task-2.qstask"], passphrase=lambda: PASS).files
    assert result.status == "merged", result
    index = _index(laptop)
    assert index == _rebuilt(laptop)
    assert index[donor_id] != before          # the household the loan and the person left
    with laptop.engine.connect() as c:
        assert c.execute(text("SELECT household_id FROM loans WHERE loan_no = :n"), {"n": loan_no}).scalar() == receiver_id
