"""Two databases of one district give the same thing the same id (app/db/ids.py): the same
bank ledger imported at the district and on a township laptop, or on two laptops set up
separately, makes the same townships, villages, households, borrowers, loans, officers,
assignments and tags — so a merge finds one row, not two that collide on the loan number."""
from __future__ import annotations

import shutil
from datetime import date

from sqlalchemy import text

from app.bootstrap import open_database
from app.services.foundation.setup import initialise
from app.services.households import changes
from app.services.households import detail as household_page
from app.services.ledger_import import import_ledger
from tests.integration.ledger_import.ledger_files import HEADER, loan_row, make_id

TODAY = date(2026, 12, 5)
TABLES = ("units", "villages", "households", "persons", "loans", "staff", "assignments", "category_tags")


def _db(path, **init):
    db = open_database(path)
    initialise(db, **init)
    return db


def _ids(db, table: str) -> set[str]:
    with db.engine.connect() as c:
        return {r[0] for r in c.execute(text(f"SELECT id FROM {table} WHERE deleted = 0"))}


def _by_key(db, sql: str) -> dict:
    with db.engine.connect() as c:
        return {tuple(r[:-1]): r[-1] for r in c.execute(text(sql))}


def test_two_district_databases_made_apart_import_one_ledger_to_the_same_ids(tmp_path, sample_dir):
    a = _db(tmp_path / "a.db", role="district", unit_name="示范区")
    b = _db(tmp_path / "b.db", role="district", unit_name="示范区")
    try:
        for db in (a, b):
            import_ledger(db, sample_dir / "ledger.xlsx", today=TODAY)
        for table in TABLES:
            assert _ids(a, table) == _ids(b, table), table
        loans = "SELECT loan_no, id FROM loans"
        assert _by_key(a, loans) == _by_key(b, loans) and len(_by_key(a, loans)) > 200
        # … and the next month's ledger, read on both, keeps them equal
        for db in (a, b):
            import_ledger(db, sample_dir / "update.xlsx", today=TODAY)
        for table in TABLES:
            assert _ids(a, table) == _ids(b, table), table
    finally:
        a.dispose()
        b.dispose()


def test_another_district_has_other_ids(tmp_path, sample_dir):
    a = _db(tmp_path / "a.db", role="district", unit_name="示范区")
    b = _db(tmp_path / "b.db", role="district", unit_name="另一区")
    try:
        for db in (a, b):
            import_ledger(db, sample_dir / "ledger.xlsx", today=TODAY)
        assert not _ids(a, "loans") & _ids(b, "loans")
    finally:
        a.dispose()
        b.dispose()


def _township_ledger(write_xlsx, name: str):
    rows = [loan_row(1), loan_row(2, name="李四", idno=make_id("62242119700101123"), village="王家村"),
            loan_row(3, name="王五", idno="", village="王家村"),      # no ID: grouped by name and village
            loan_row(4, name="李四", idno=make_id("62242119700101123"), village="王家村", officer="孙亮")]
    return write_xlsx({"柳林镇": [["清收任务清单（柳林镇）"], ["单位：元  数据截至：2026年10月31日"], HEADER, *rows]},
                      name=name)


def test_a_township_laptop_told_its_district_makes_the_district_s_ids(tmp_path, write_xlsx):
    district = _db(tmp_path / "d.db", role="district", unit_name="示范区")
    laptop = _db(tmp_path / "t.db", role="township", unit_name="柳林镇", district_name="示范区")
    try:
        for db in (district, laptop):
            import_ledger(db, _township_ledger(write_xlsx, "t.xlsx"), today=TODAY)
        assert laptop.identity().unit_id in _ids(district, "units")   # the township is one unit
        for table in ("villages", "households", "persons", "loans", "staff", "assignments"):
            assert _ids(district, table) == _ids(laptop, table), table
        assert len(_ids(laptop, "households")) == 3
    finally:
        district.dispose()
        laptop.dispose()


def test_the_same_category_added_on_two_copies_is_one_tag(tmp_path, write_xlsx):
    first = _db(tmp_path / "a.db", role="district", unit_name="示范区")
    import_ledger(first, _township_ledger(write_xlsx, "t.xlsx"), today=TODAY)
    first.dispose()
    shutil.copyfile(tmp_path / "a.db", tmp_path / "b.db")
    laptops = [open_database(tmp_path / "a.db"), open_database(tmp_path / "b.db")]
    try:
        hid = sorted(_ids(laptops[0], "households"))[0]
        for db in laptops:
            changes.update(db, hid, changes.HouseholdChanges(categories=["deceased"]), "张三")
        assert _ids(laptops[0], "category_tags") == _ids(laptops[1], "category_tags") != set()
        # removed and added again: the same row comes back, never a second one
        db = laptops[0]
        changes.update(db, hid, changes.HouseholdChanges(categories=[]), "张三")
        changes.update(db, hid, changes.HouseholdChanges(categories=["deceased"]), "张三")
        with db.engine.connect() as c:
            rows = c.execute(text("SELECT id, deleted FROM category_tags WHERE household_id = :h AND code = 'deceased'"),
                             {"h": hid}).all()
        assert len(rows) == 1 and not rows[0][1]
        assert household_page.detail(db, hid).category_codes == ("deceased",)
    finally:
        for db in laptops:
            db.dispose()
