"""The merge walks a changed field's history back through the audit log to tell a value replaced
knowingly from one overwritten unseen. A row made on a laptop has an insert entry in that history,
which holds the row's values (not [old, new] pairs): the walk reads them as the values the row was
made with — for a group with a yes/no field too (服刑 + 刑满日期), where it once failed on them."""
from __future__ import annotations

import json
from datetime import date

from sqlalchemy import text

from app.bootstrap import open_database
from app.services.households.changes import HouseholdChanges, NewPerson, PersonChange, update
from app.sync.export import write_work_package
from app.sync.merge import merge_files
from app.sync.tasks import write_task_package

PASS = "历史口令"



def _package(db, path):
    write_work_package(db, path)
    return path


def _merged(district, tmp_path, orders, read) -> list:
    """For each order of packages: a fresh copy of the district merges them one file at a time,
    and ``read(connection)`` says what came of it."""
    district.dispose()
    seen = []
    for n, order in enumerate(orders):
        target = tmp_path / f"d{n}.db"
        target.write_bytes(district.path.read_bytes())
        db = open_database(target)
        try:
            for package in order:
                report = merge_files(db, [package])
                assert [f.status for f in report.files] == ["merged"], [f.reason for f in report.files]
            with db.engine.connect() as c:
                seen.append(read(c))
        finally:
            db.dispose()
    return seen


def _household(db) -> str:
    with db.engine.connect() as c:
        return c.execute(text("SELECT h.id FROM households h JOIN units u ON u.id = h.township_id "
                              "WHERE u.name = '柳林镇' ORDER BY h.id LIMIT 1")).scalar()


def test_a_person_made_on_a_laptop_then_jailed_on_two_laptops_leaves_one_conflict(world, tmp_path):
    district, (one, two) = world
    household = _household(one)
    update(one, household, HouseholdChanges(new_persons=[NewPerson(name="赵小六", role="other")]), "张三")
    with one.engine.connect() as c:
        person = c.execute(text("SELECT id FROM persons WHERE name = '赵小六'")).scalar()
    merge_files(district, [_package(one, tmp_path / "one-1.qspkg")])
    write_task_package(district, "柳林镇", tmp_path / "task2.qstask", passphrase=PASS)
    merge_files(two, [tmp_path / "task2.qstask"], passphrase=lambda: PASS)
    # each laptop, not having seen the other's, records a prison term; the first laptop's is later
    update(two, household, HouseholdChanges(persons=[PersonChange(person, is_imprisoned=True,
                                                                  release_date=date(2028, 1, 1))]), "李四")
    update(one, household, HouseholdChanges(persons=[PersonChange(person, is_imprisoned=True,
                                                                  release_date=date(2027, 6, 1))]), "张三")
    packages = [_package(two, tmp_path / "two-1.qspkg"), _package(one, tmp_path / "one-2.qspkg")]
    seen = _merged(district, tmp_path, (packages, packages[::-1]), lambda c: (
        c.execute(text("SELECT is_imprisoned, release_date FROM persons WHERE id = :p"), {"p": person}).one(),
        c.execute(text("SELECT field, kept_value, lost_value FROM conflicts WHERE entity_id = :p"),
                  {"p": person}).all()))
    assert seen[0] == seen[1]
    (jailed, release), conflicts = seen[0]
    assert jailed and str(release)[:10] == "2027-06-01"
    assert [(f, json.loads(k), json.loads(v)) for f, k, v in conflicts] == [
        ("imprisoned", [1, "2027-06-01"], [1, "2028-01-01"])]


def test_three_computers_setting_one_phone_unseen_list_the_same_conflicts_in_any_order(world, tmp_path):
    """The district, then two laptops, each set a household's phone without seeing the others':
    the latest wins, both overwritten numbers are listed, and each listed conflict's kept side is
    the number the household now has — whichever laptop's package the district merges first."""
    district, (one, two) = world
    household = _household(one)
    update(district, household, HouseholdChanges(phone="13900002010"), "王五")
    update(two, household, HouseholdChanges(phone="13900001012"), "李四")
    update(one, household, HouseholdChanges(phone="13900000013"), "张三")      # the latest
    packages = [_package(two, tmp_path / "two.qspkg"), _package(one, tmp_path / "one.qspkg")]
    seen = _merged(district, tmp_path, (packages, packages[::-1]), lambda c: (
        c.execute(text("SELECT phone FROM households WHERE id = :h"), {"h": household}).scalar(),
        sorted(c.execute(text("SELECT id, kept_value, lost_value FROM conflicts WHERE entity_id = :h "
                              "AND field = 'phone'"), {"h": household}).all())))
    assert seen[0] == seen[1]
    phone, conflicts = seen[0]
    assert phone == "13900000013"
    assert sorted((k, v) for _, k, v in conflicts) == [("13900000013", "13900001012"),
                                                       ("13900000013", "13900002010")]


def test_a_laptops_own_next_change_takes_its_earlier_value_off_the_conflict_list(world, tmp_path):
    """A laptop sets a phone, hands in a package, sets it again; the district set it meanwhile.
    Merged one package after the other, the first lost to the district's number — but the
    laptop's second change was made on top of its first: nothing of the laptop's was lost, and the
    list ends as if only the second package had come: the district's number, overwritten."""
    district, (one, _two) = world
    household = _household(one)
    update(one, household, HouseholdChanges(phone="13900000001"), "张三")
    first = _package(one, tmp_path / "one-1.qspkg")
    update(district, household, HouseholdChanges(phone="13900002002"), "王五")
    update(one, household, HouseholdChanges(phone="13900000003"), "张三")
    second = _package(one, tmp_path / "one-2.qspkg")
    seen = _merged(district, tmp_path, ([first, second], [second], [second, first]), lambda c: (
        c.execute(text("SELECT phone FROM households WHERE id = :h"), {"h": household}).scalar(),
        c.execute(text("SELECT kept_value, lost_value FROM conflicts WHERE entity_id = :h AND field = 'phone' "
                       "AND deleted = 0"), {"h": household}).all(),
        c.execute(text("SELECT c.lost_value, c.resolution, a.action, a.hlc = c.state_hlc FROM conflicts c "
                       "JOIN audit_log a ON a.entity = 'conflicts' AND a.entity_id = c.id "
                       "WHERE c.entity_id = :h AND c.deleted = 1"), {"h": household}).all()))
    assert seen[0][:2] == seen[1][:2] == seen[2][:2] == ("13900000003", [("13900000003", "13900002002")])
    # the first order listed the laptop's first number, then withdrew it: a tombstone (so a copy of
    # the list from elsewhere does not bring it back), and an audit entry saying so
    assert seen[0][2] == [("13900000001", "withdrawn", "withdraw", 1)]
    assert seen[1][2] == seen[2][2] == []
