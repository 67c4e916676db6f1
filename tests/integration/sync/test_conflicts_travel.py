"""The conflict list in packages: a package from before it travelled (no conflicts table) still
merges; a conflict's field history is read once per row, however many conflicts the row has."""
from __future__ import annotations

from datetime import date

from sqlalchemy import event, text

from app.services.households.changes import HouseholdChanges, update
from app.sync import container, payload, scope
from app.sync.export import write_work_package
from app.sync.merge import merge_files

PASS = "冲突口令"



def _household(db) -> str:
    with db.engine.connect() as c:
        return c.execute(text("SELECT h.id FROM households h JOIN units u ON u.id = h.township_id "
                              "WHERE u.name = '柳林镇' ORDER BY h.id LIMIT 1")).scalar()


def test_a_package_written_before_the_list_travelled_still_merges(world, tmp_path, monkeypatch):
    district, (one, two) = world
    household = _household(one)
    update(district, household, HouseholdChanges(phone="13900002010"), "王五")
    update(one, household, HouseholdChanges(phone="13900000013"), "张三")
    write = payload.write
    old_tables = tuple(t for t in scope.TOWNSHIP_ROWS if t != "conflicts")
    monkeypatch.setattr(payload, "write", lambda *a, **k: write(*a, **k, tables=old_tables))
    monkeypatch.setattr(container, "FORMAT", 1)          # as the program before wrote them
    write_work_package(one, tmp_path / "old.qspkg")
    monkeypatch.undo()
    assert container.parse(container.read_file(tmp_path / "old.qspkg")).header["format"] == 1
    report = merge_files(district, [tmp_path / "old.qspkg"])
    assert [f.status for f in report.files] == ["merged"] and report.conflicts == 1
    with district.engine.connect() as c:
        assert c.execute(text("SELECT kept_value, lost_value FROM conflicts WHERE entity_id = :h"),
                         {"h": household}).all() == [("13900000013", "13900002010")]


def test_a_rows_history_is_read_once_for_all_its_conflicts(world, tmp_path):
    district, (one, two) = world
    household = _household(one)
    update(district, household, HouseholdChanges(phone="13900002010"), "王五")
    update(two, household, HouseholdChanges(phone="13900001012"), "李四")
    update(one, household, HouseholdChanges(phone="13900000013"), "张三")
    merge_files(district, [write_work_package(two, tmp_path / "two.qspkg").path,
                           write_work_package(one, tmp_path / "one.qspkg").path])
    with district.engine.connect() as c:
        assert c.execute(text("SELECT count(*) FROM conflicts WHERE entity_id = :h AND deleted = 0"),
                         {"h": household}).scalar() == 2
    # 二号机 corrects its own number, later still: the conflict that listed its first number is
    # withdrawn (nothing of it was lost), the district's keeps following the field
    update(two, household, HouseholdChanges(phone="13900001099"), "李四")
    reads = []

    def seen(_conn, _cursor, statement, params, _context, _many):
        if "audit_log WHERE entity = " in statement and household in str(params):
            reads.append(statement)

    event.listen(district.engine, "before_cursor_execute", seen)
    try:
        merge_files(district, [write_work_package(two, tmp_path / "two-2.qspkg").path])
    finally:
        event.remove(district.engine, "before_cursor_execute", seen)
    assert len(reads) == 2           # the row's history, once from this database and once from the package
    with district.engine.connect() as c:
        assert sorted(c.execute(text("SELECT kept_value, lost_value FROM conflicts WHERE entity_id = :h "
                                     "AND deleted = 0"), {"h": household}).all()) == [
            ("13900001099", "13900000013"), ("13900001099", "13900002010")]
        assert c.execute(text("SELECT lost_value, resolution FROM conflicts WHERE entity_id = :h AND deleted = 1"),
                         {"h": household}).all() == [("13900001012", "withdrawn")]
        # audited: the kept side moved twice (by 一号机's package, then by this one), one withdrawn
        assert sorted(c.execute(text("SELECT action FROM audit_log WHERE entity = 'conflicts'")).scalars()) == [
            "keep_up", "keep_up", "withdraw"]


def test_a_laptop_names_the_other_laptop_of_its_township(world, tmp_path):
    """The district's task package names the township's enrolled laptops: on 1号机 the conflict
    says 2号机 changed the phone (not its device id), and the task's merge says 区县 sent it."""
    from app.sync.conflicts import list_conflicts
    from app.sync.tasks import write_task_package

    district, (one, two) = world
    household = _household(one)
    update(one, household, HouseholdChanges(phone="13900000101"), "张三")
    update(two, household, HouseholdChanges(phone="13900000202"), "李四")      # the later change
    for n, laptop in ((1, one), (2, two)):
        write_work_package(laptop, tmp_path / f"l{n}.qspkg")
    report = merge_files(district, [tmp_path / "l1.qspkg", tmp_path / "l2.qspkg"])
    assert report.conflicts == 1
    write_task_package(district, "柳林镇", tmp_path / "task-2.qstask", passphrase=None)
    [task] = merge_files(one, [tmp_path / "task-2.qstask"]).files
    assert (task.status, task.kind, task.device) == ("merged", "task", "区县")
    [conflict] = [c for c in list_conflicts(one) if c.entity_id == household]
    assert (conflict.kept.value, conflict.kept.device, conflict.kept.unit) == ("13900000202", "2号机", "柳林镇")
    assert (conflict.lost.value, conflict.lost.device) == ("13900000101", "1号机")


def test_one_repayment_corrected_on_two_laptops_is_listed_not_counted_silently(world, tmp_path):
    """Each laptop 冲正s the same repayment with its own corrected amount: both corrections are
    live, so the money would count twice; the merge lists it (规则：一笔还款更正了两次) until one
    correction is voided, and then takes it off the list."""
    from app.services.recovery.repayments import record_repayment
    from app.services.work.corrections import void_repayment
    from app.sync.conflicts import list_conflicts
    from app.sync.tasks import write_task_package

    district, (one, two) = world
    with one.engine.connect() as c:
        loan_no = c.execute(text("SELECT l.loan_no FROM loans l JOIN units u ON u.id = l.township_id "
                                 "WHERE u.name = '柳林镇' AND l.deleted = 0 ORDER BY l.loan_no LIMIT 1")).scalar()
    paid = record_repayment(one, amount_fen=114_800, loan_no=loan_no, paid_on=date(2026, 12, 1))
    write_work_package(one, tmp_path / "a1.qspkg")
    write_work_package(two, tmp_path / "b1.qspkg")        # (both enrolled: the task package is for both)
    assert [f.status for f in merge_files(district, [tmp_path / "a1.qspkg", tmp_path / "b1.qspkg"]).files] == [
        "merged", "merged"]
    write_task_package(district, "柳林镇", tmp_path / "t2.qstask", passphrase=None)
    for laptop in (one, two):
        assert merge_files(laptop, [tmp_path / "t2.qstask"]).files[0].status == "merged"
    void_repayment(one, paid.repayment_id, reason="金额录错，应为1100", amount_fen=110_000, actor="张三")
    void_repayment(two, paid.repayment_id, reason="金额录错，应为1000", amount_fen=100_000, actor="李四")
    write_work_package(one, tmp_path / "a2.qspkg")
    write_work_package(two, tmp_path / "b2.qspkg")
    report = merge_files(district, [tmp_path / "a2.qspkg", tmp_path / "b2.qspkg"])
    assert report.rule_breaches == 1
    [breach] = [c for c in list_conflicts(district) if c.rule == "corrected_twice"]
    assert "1,100.00" in breach.kept.value + breach.lost.value and "1,000.00" in breach.kept.value + breach.lost.value
    assert "冲正" in breach.advice
    # settled where it is found: one correction voided, and the next merge takes it off the list
    with district.engine.connect() as c:
        wrong = c.execute(text("SELECT id FROM repayments WHERE corrects_id = :o AND amount_fen = 100000"),
                          {"o": paid.repayment_id}).scalar()
    void_repayment(district, wrong, reason="重复更正", actor="王五")
    from app.sync.rules import recheck_listed

    assert [c for c in list_conflicts(district) if c.rule == "corrected_twice"]    # until checked again:
    assert recheck_listed(district).fixed == 1          # (what `conflicts` and the 同步 page do first)
    assert [c for c in list_conflicts(district) if c.rule == "corrected_twice"] == []


def test_the_districts_later_changes_to_agreements_and_categories_are_no_conflict_on_the_laptop(world, tmp_path):
    """The district cancels an agreement a laptop signed, and takes off a category the laptop
    added, after it merged them: on the laptop that is a later change made on top of its own
    (the task package carries the district's audit entries about them), not a conflict."""
    from app.services import agreements
    from app.services.agreements import PlanRequest
    from app.sync.conflicts import list_conflicts
    from app.sync.tasks import write_task_package

    district, (one, _two) = world
    household = _household(one)
    with one.engine.connect() as c:
        loan = c.execute(text("SELECT loan_no FROM loans WHERE household_id = :h AND deleted = 0 LIMIT 1"),
                         {"h": household}).scalar()
    view = agreements.create(one, PlanRequest([loan], date(2026, 12, 1), installments=2, first_due=date(2027, 1, 15)),
                             actor="张三")
    agreements.sign(one, view.id, date(2026, 12, 2), actor="张三")
    update(one, household, HouseholdChanges(categories=["litigation"]), "张三")
    write_work_package(one, tmp_path / "a1.qspkg")
    assert merge_files(district, [tmp_path / "a1.qspkg"]).files[0].status == "merged"
    agreements.cancel(district, view.id, reason="重复签订", actor="区管理员")
    update(district, household, HouseholdChanges(categories=[]), "区管理员")
    write_task_package(district, "柳林镇", tmp_path / "t2.qstask", passphrase=None)
    [task] = merge_files(one, [tmp_path / "t2.qstask"]).files
    assert task.status == "merged" and task.conflicts == 0
    assert list_conflicts(one) == []
    assert agreements.get(one, view.id).status == "cancelled"


def test_a_conflict_is_counted_by_the_file_that_listed_it_first_only(world, tmp_path):
    district, (one, two) = world
    household = _household(one)
    update(one, household, HouseholdChanges(phone="13900000301"), "张三")
    update(two, household, HouseholdChanges(phone="13900000302"), "李四")
    write_work_package(one, tmp_path / "a1.qspkg")
    write_work_package(two, tmp_path / "b1.qspkg")
    first = merge_files(district, [tmp_path / "a1.qspkg", tmp_path / "b1.qspkg"])
    assert [f.conflicts for f in first.files] == [0, 1]
    write_work_package(one, tmp_path / "a2.qspkg")       # carries its change again (nothing confirmed yet)
    [again] = merge_files(district, [tmp_path / "a2.qspkg"]).files
    assert again.status == "merged" and again.conflicts == 0      # the same conflict, not a new one
    with district.engine.connect() as c:
        assert c.execute(text("SELECT count(*) FROM conflicts WHERE entity_id = :h"), {"h": household}).scalar() == 1
