"""The rules rechecked after a merge (app.sync.rules), on a demo database changed by hand as two
laptops' merged work would change it."""
from __future__ import annotations

import uuid

import pytest
from sqlalchemy import text

from app.sync import rules


@pytest.fixture
def conn(demo_db):
    with demo_db.engine.connect() as c:
        c.begin()
        yield c
        c.rollback()


def _copy(conn, table: str, row_id: str, **changes) -> str:
    """A copy of one row under a new id, with ``changes``: what another laptop made."""
    new = str(uuid.uuid4())
    conn.execute(text(f"CREATE TEMP TABLE _copy AS SELECT * FROM {table} WHERE id = :id"), {"id": row_id})
    sets = ", ".join(f"{k} = :{k}" for k in ("id", *changes))
    conn.execute(text(f"UPDATE _copy SET {sets}"), {"id": new, **changes})
    conn.execute(text(f"INSERT INTO {table} SELECT * FROM _copy"))
    conn.execute(text("DROP TABLE _copy"))
    return new


def _rows(conn) -> list[tuple]:
    return conn.execute(text("SELECT id, field, entity, entity_id, kept_value, lost_value, resolved FROM conflicts "
                             "WHERE field LIKE 'rule:%' ORDER BY id")).all()


def _signed(conn) -> tuple[str, str, str]:
    """(agreement id, number, loan id) of an agreement in force on one of its loans."""
    return conn.execute(text(
        "SELECT a.id, a.number, al.loan_id FROM agreements a JOIN agreement_loans al ON al.agreement_id = a.id "
        "WHERE a.status = 'signed' AND a.deleted = 0 AND al.deleted = 0 ORDER BY a.id LIMIT 1")).first()


def test_the_rule_statuses_are_the_agreements_in_force_of_the_services():
    from app.services import agreements

    assert rules.IN_FORCE == agreements.IN_FORCE


def test_the_rule_statuses_are_named_as_the_one_table_names_them():
    from app.domain.agreement_status import STATUS_NAMES

    assert rules._STATUS == {s: STATUS_NAMES[s] for s in rules.IN_FORCE}


def test_a_demo_database_breaks_no_rule(conn):
    loans = {r[0] for r in conn.execute(text("SELECT id FROM loans"))}
    persons = {r[0] for r in conn.execute(text("SELECT id FROM persons"))}
    assert rules.agreements_in_force(conn, loans) == [] and rules.overpaid(conn, loans) == []
    assert rules.id_numbers(conn, persons) == []


def test_two_agreements_in_force_on_one_loan_are_listed_once_and_leave_the_list_when_one_goes(conn):
    first, number, loan = _signed(conn)
    other = _copy(conn, "agreements", first, number="柳林-2026-ZZZ-0001",
                  field_hlc=None, hlc="1996283888661-00000-zzz")
    link = conn.execute(text("SELECT id FROM agreement_loans WHERE agreement_id = :a AND loan_id = :l"),
                        {"a": first, "l": loan}).scalar()
    _copy(conn, "agreement_loans", link, agreement_id=other)
    touched = {"agreements": {other}}
    assert rules.touched_loans(conn, touched) == {loan}
    assert rules.recheck(conn, touched) == rules.RuleCheck(listed=1, fixed=0)
    (row,) = _rows(conn)
    assert row.field == "rule:agreement_in_force" and row.entity == "loans" and row.entity_id == loan
    assert number in row.kept_value + row.lost_value and "柳林-2026-ZZZ-0001" in row.lost_value
    assert "已签订" in row.kept_value and not row.resolved
    assert row.id == rules.breach_id("agreement_in_force", loan, [other, first])   # any order of the parties
    # found again (another merge touching the loan): the same row
    assert rules.recheck(conn, {"loans": {loan}}) == rules.RuleCheck(0, 0)
    assert len(_rows(conn)) == 1
    # a draft, a cancelled one, a deleted link or one a later version replaces is not in force
    for undo, redo in (("UPDATE agreements SET status = 'cancelled' WHERE id = :o", "UPDATE agreements SET status = 'signed' WHERE id = :o"),
                       ("UPDATE agreement_loans SET deleted = 1 WHERE agreement_id = :o", "UPDATE agreement_loans SET deleted = 0 WHERE agreement_id = :o"),
                       ("UPDATE agreements SET deleted = 1 WHERE id = :o", "UPDATE agreements SET deleted = 0 WHERE id = :o")):
        conn.execute(text(undo), {"o": other})
        assert rules.agreements_in_force(conn, {loan}) == []
        conn.execute(text(redo), {"o": other})
    newer = _copy(conn, "agreements", other, previous_id=other, version=2, status="draft")
    assert rules.agreements_in_force(conn, {loan}) == []
    conn.execute(text("UPDATE agreements SET deleted = 1 WHERE id = :n"), {"n": newer})
    # fixed: the next check (whatever it touched) takes the listed breach off the list, saying what it was ...
    conn.execute(text("UPDATE agreements SET status = 'cancelled' WHERE id = :o"), {"o": other})
    check = rules.recheck(conn, {})
    assert check == rules.RuleCheck(listed=0, fixed=1) and _rows(conn) == []
    (said,) = check.gone
    assert "一笔贷款两份生效协议" in said and "柳林-2026-ZZZ-0001" in said
    # ... and if it comes back, it is listed again (the same row)
    conn.execute(text("UPDATE agreements SET status = 'signed' WHERE id = :o"), {"o": other})
    assert rules.recheck(conn, {"agreements": {other}}) == rules.RuleCheck(listed=1, fixed=0)
    assert [(r.id, r.resolved) for r in _rows(conn)] == [(row.id, False)]
    # one a person marked settled stays settled while it stays the same, and stays when put right
    conn.execute(text("UPDATE conflicts SET resolved = 1, updated_by = '区县管理员' WHERE id = :id"), {"id": row.id})
    assert rules.recheck(conn, {"agreements": {other}}) == rules.RuleCheck(0, 0)
    conn.execute(text("UPDATE agreements SET status = 'cancelled' WHERE id = :o"), {"o": other})
    assert rules.recheck(conn, {"agreements": {other}}) == rules.RuleCheck(0, 0)
    assert [r.resolved for r in _rows(conn)] == [True]


def test_township_principal_beyond_the_task_is_listed_and_the_banks_is_not(conn):
    loan, task = conn.execute(text(
        "SELECT id, task_amount_fen FROM loans WHERE id NOT IN (SELECT loan_id FROM repayments) "
        "AND task_amount_fen > 100000 ORDER BY id LIMIT 1")).first()
    stamp = "1996283888661-00000-abc"

    def pay(principal: int, source: str = "township") -> str:
        new = str(uuid.uuid4())
        conn.execute(text(
            "INSERT INTO repayments (id, loan_id, paid_on, amount_fen, principal_fen, interest_fen, penalty_fen, "
            "source, deleted, hlc) VALUES (:id, :l, '2026-11-20', :p, :p, 0, 0, :s, 0, :h)"),
            {"id": new, "l": loan, "p": principal, "s": source, "h": stamp})
        return new

    pay(task, source="bank")
    a = pay(task // 2)
    assert rules.overpaid(conn, {loan}) == []          # the bank's figure and half the task: within it
    b = pay(task // 2 + 100)
    assert rules.recheck(conn, {"repayments": {b}}) == rules.RuleCheck(1, 0)
    (row,) = _rows(conn)
    assert row.field == "rule:overpaid" and row.entity_id == loan
    from app.domain.money import format_yuan

    assert format_yuan(task) in row.kept_value and "超出 1.00 元" in row.lost_value
    assert row.id == rules.breach_id("overpaid", loan, [a, b])
    conn.execute(text("UPDATE repayments SET deleted = 1, void_reason = '重复登记' WHERE id = :b"), {"b": b})
    assert rules.recheck(conn, {"repayments": {b}}) == rules.RuleCheck(0, 1)
    assert _rows(conn) == []


def test_one_id_number_on_two_live_persons_of_one_township(conn):
    townships = [r[0] for r in conn.execute(text("SELECT id FROM units WHERE kind = 'township' ORDER BY id"))]

    def person_of(township: str, skip: int = 0) -> tuple[str, str, str]:
        return conn.execute(text(
            "SELECT p.id, p.name, p.id_number FROM persons p JOIN households h ON h.id = p.household_id "
            "WHERE h.township_id = :t AND p.deleted = 0 AND p.id_number IS NOT NULL ORDER BY p.id LIMIT 1 OFFSET :o"),
            {"t": township, "o": skip}).first()

    first = person_of(townships[0])
    elsewhere = person_of(townships[1])
    conn.execute(text("UPDATE persons SET id_number = :n WHERE id = :p"), {"n": first.id_number, "p": elsewhere.id})
    assert rules.id_numbers(conn, {elsewhere.id}) == []   # another township: another matter
    second = person_of(townships[0], 5)
    spaced = f" {first.id_number[:6]} {first.id_number[6:].lower()} "
    conn.execute(text("UPDATE persons SET id_number = :n WHERE id = :p"), {"n": spaced, "p": second.id})
    assert rules.recheck(conn, {"persons": {second.id}}) == rules.RuleCheck(1, 0)
    (row,) = _rows(conn)
    assert row.field == "rule:id_number" and row.entity == "persons" and row.entity_id in (first.id, second.id)
    assert first.name in row.kept_value + row.lost_value and second.name in row.kept_value + row.lost_value
    assert first.id_number.upper() in row.kept_value
    # the same found through the other person's household: the same row
    household = conn.execute(text("SELECT household_id FROM persons WHERE id = :p"), {"p": first.id}).scalar()
    assert rules.touched_persons(conn, {"households": {household}}) >= {first.id}
    assert rules.recheck(conn, {"households": {household}}) == rules.RuleCheck(0, 0)
    # the duplicate removed: resolved
    conn.execute(text("UPDATE persons SET deleted = 1 WHERE id = :p"), {"p": second.id})
    assert rules.recheck(conn, {"persons": {second.id}}) == rules.RuleCheck(0, 1)
    assert _rows(conn) == []


def test_conflict_values_read_as_people_say_them():
    from app.sync.conflicts import shown_value

    assert shown_value("lifecycle", '["cancelled", "2026-12-02"]') == "已作废，2026-12-02"
    assert shown_value("note", "[null]") == "（空）"
    assert shown_value("deleted", "[1]") == "已删除" and shown_value("deleted", "[0]") == "未删除"
    assert shown_value("capacity", '["unable", "重病"]') == "无能力，重病"
    assert shown_value("phone", "13900000013") == "13900000013"
    assert shown_value("phone", None) == "（空）"


def test_laptops_are_listed_in_counting_order():
    from app.sync.status import device_order

    names = ["三号机", "十一号机", "一号机", "十号机", "二号机", "区县", "2号机"]
    assert sorted(names, key=device_order) == ["一号机", "二号机", "三号机", "十号机", "十一号机", "2号机", "区县"]


@pytest.mark.parametrize("as_written", ["lower", "fifteen", "fullwidth"])
def test_an_id_number_written_another_way_is_the_same_number(conn, as_written):
    """The rule reads only the persons whose clean number is one of those it looks for, and every
    number written another way (app.sync.rules.id_numbers): each way still meets its twin."""
    from app.domain.idcard import upgrade_15

    township = conn.execute(text("SELECT id FROM units WHERE kind = 'township' ORDER BY id")).scalar()
    first, second = conn.execute(text(
        "SELECT p.id FROM persons p JOIN households h ON h.id = p.household_id "
        "WHERE h.township_id = :t AND p.deleted = 0 ORDER BY p.id LIMIT 2"), {"t": township}).scalars().all()
    fifteen = "110105491231002"
    number = upgrade_15(fifteen)          # 18 digits: the clean form
    if as_written == "lower":
        number = number[:17] + "X"
        written = number.lower()
    elif as_written == "fifteen":
        written = fifteen
    else:
        written = "".join(chr(ord(c) + 0xFEE0) for c in number)     # full-width digits
    conn.execute(text("UPDATE persons SET id_number = :n WHERE id = :p"), {"n": number, "p": first})
    conn.execute(text("UPDATE persons SET id_number = :n WHERE id = :p"), {"n": written, "p": second})
    for touched in ({first}, {second}):
        (breach,) = rules.id_numbers(conn, touched)
        assert set(breach.parties) == {first, second}


def test_a_household_rechecked_for_id_numbers_only_when_its_place_was_written(conn):
    """``placed``: a merge that gave a household a new phone number reads none of its persons
    again; one that moved it to another township (or made it, or changed ``deleted``) does."""
    townships = [r[0] for r in conn.execute(text("SELECT id FROM units WHERE kind = 'township' ORDER BY id"))]
    first, number = conn.execute(text(
        "SELECT p.id, p.id_number FROM persons p JOIN households h ON h.id = p.household_id "
        "WHERE h.township_id = :t AND p.deleted = 0 AND p.id_number IS NOT NULL ORDER BY p.id LIMIT 1"),
        {"t": townships[0]}).first()
    other, household = conn.execute(text(
        "SELECT p.id, p.household_id FROM persons p JOIN households h ON h.id = p.household_id "
        "WHERE h.township_id = :t AND p.deleted = 0 ORDER BY p.id LIMIT 1"), {"t": townships[1]}).first()
    conn.execute(text("UPDATE persons SET id_number = :n WHERE id = :p"), {"n": number, "p": other})
    conn.execute(text("UPDATE households SET township_id = :t WHERE id = :h"), {"t": townships[0], "h": household})
    touched = {"households": {household}}
    assert other not in rules.touched_persons(conn, touched, placed=set())
    assert rules.recheck(conn, touched, placed=set()) == rules.RuleCheck(0, 0)
    assert other in rules.touched_persons(conn, touched, placed={household})
    assert rules.recheck(conn, touched, placed={household}) == rules.RuleCheck(1, 0)
    (row,) = _rows(conn)
    assert row.entity_id in (first, other)


def test_the_field_merge_names_the_columns_it_wrote(demo_db):
    """What ``merge._apply`` reads to know a household's place was written (``FieldMerge.written``)."""
    from app.sync import merge
    from app.sync.fields_merge import FieldMerge

    with demo_db.engine.connect() as c:
        c.exec_driver_sql("ATTACH DATABASE ':memory:' AS pkg")
        c.commit()
        try:
            c.exec_driver_sql("CREATE TABLE pkg.households AS SELECT * FROM main.households ORDER BY id LIMIT 2")
            c.exec_driver_sql("CREATE TABLE pkg.audit_log AS SELECT * FROM main.audit_log WHERE 0")
            moved, phoned = [r[0] for r in c.exec_driver_sql("SELECT id FROM pkg.households ORDER BY id")]
            other = c.execute(text("SELECT id FROM units WHERE kind = 'township' AND id <> (SELECT township_id "
                                   "FROM households WHERE id = :h) LIMIT 1"), {"h": moved}).scalar()
            later = "9" * 20
            c.execute(text("UPDATE pkg.households SET township_id = :t, hlc = :s, "
                           "field_hlc = json_set(coalesce(field_hlc, '{}'), '$.township_id', :s) WHERE id = :h"),
                      {"t": other, "s": later, "h": moved})
            c.execute(text("UPDATE pkg.households SET phone = '13900000000', hlc = :s, "
                           "field_hlc = json_set(coalesce(field_hlc, '{}'), '$.phone', :s) WHERE id = :h"),
                      {"s": later, "h": phoned})
            cols = [r[1] for r in c.exec_driver_sql("PRAGMA main.table_info(households)")]
            fields = FieldMerge(c, "households", cols, township=other, from_township=False,
                                result=merge.FileResult("f", None, "merged"))
            assert fields.run() == {moved, phoned}
            assert "township_id" in fields.written[moved] and fields.written[moved] & merge._PLACE
            assert "phone" in fields.written[phoned] and not fields.written[phoned] & merge._PLACE
        finally:
            c.rollback()
            c.exec_driver_sql("DETACH DATABASE pkg")
