"""Import follow-up (台账核实): what a ledger import said stays findable after the wizard closes
(whatever warning codes the reader gives), is not listed twice, and is marked checked by a
person, audited."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text

from app.domain.errors import NotFound
from app.ledger.rows import RowWarning
from app.services import households
from app.services.households import HouseholdFilter
from app.services.households import detail as household_page
from app.services.ledger_import import followup as import_followup
from app.services.ledger_import import import_ledger
from app.services.work import choices
from tests.integration.ledger_import.ledger_files import HEADER, loan_row, make_id

TODAY = date(2026, 12, 20)
ZHANG, LI, WANG = make_id("62242119601018001"), make_id("62242119700101002"), make_id("62242119750505003")


def _ledger(write_xlsx, as_of: str, rows: list[list], name: str):
    return write_xlsx({"柳林镇": [["清收任务清单（柳林镇）"], [f"单位：元  数据截至：{as_of}"], HEADER, *rows]}, name=name)


def _first(write_xlsx):
    return _ledger(write_xlsx, "2026年10月31日", [
        loan_row(1, name="张三", idno=ZHANG, balance=10000), loan_row(2, name="李四", idno=LI, balance=8000),
        loan_row(3, name="王五", idno=WANG, balance=5000), loan_row(4, name="赵六", idno="62242119800101999X",
                                                                balance=3000),
        loan_row(5, name="孙七", idno=make_id("62242119850101005"), balance=2000)], "oct.xlsx")


def _later(write_xlsx, name="nov.xlsx", *more):
    """A month later: 张山 for 张三, 李四 in another village, 王五 paid off, 赵六 paid part, 孙七 gone."""
    return _ledger(write_xlsx, "2026年11月30日", [*more, 
        loan_row(1, name="张山", idno=ZHANG, balance=10000), loan_row(2, name="李四", idno=LI, balance=8000,
                                                                   village="王家村"),
        loan_row(3, name="王五", idno=WANG, balance=0), loan_row(4, name="赵六", idno="62242119800101999X",
                                                             balance=1000)], name)


def _household(db, loan_no: str) -> str:
    with db.engine.connect() as conn:
        return conn.execute(text("SELECT household_id FROM loans WHERE loan_no = :n"), {"n": loan_no}).scalar_one()


def test_what_a_later_ledger_says_is_listed_per_loan(new_db, write_xlsx):
    first = import_ledger(new_db, _first(write_xlsx), today=TODAY)
    assert first.followups == 1     # 赵六's ID number has a wrong check digit
    r = import_ledger(new_db, _later(write_xlsx), today=TODAY)
    found = {(x.loan_no, x.kind) for x in import_followup.items(new_db)}
    assert found == {("620100100004", "id_checksum"),
                     ("620100100001", "name_differs"), ("620100100002", "village_differs"),
                     ("620100100003", "bank_settled"), ("620100100004", "bank_repaid"),
                     ("620100100005", "missing_from_ledger")}
    assert r.followups == 5 and r.to_json()["followups"] == 5   # the ID warning again is not listed twice
    settled = next(x for x in import_followup.items(new_db, kind="bank_settled"))
    assert settled.head_name == "王五" and "已结清" in settled.message and "5,000.00" in settled.message
    # where and when the bank said it
    assert (settled.file_name, settled.as_of, settled.sheet, settled.row) == ("nov.xlsx", date(2026, 11, 30),
                                                                              "柳林镇", 6)
    assert settled.source == "《nov.xlsx》（数据截至 2026-11-30）“柳林镇”第 6 行"
    missing = import_followup.items(new_db, kind="missing_from_ledger")[0]
    assert missing.household_id == _household(new_db, "620100100005") and missing.row is None
    # a re-saved copy of the same ledger says nothing new
    again = import_ledger(new_db, _later(write_xlsx, "nov-copy.xlsx", [""]), today=TODAY)
    assert not again.already_imported and again.followups == 0
    assert len(import_followup.items(new_db)) == 6


def test_the_household_list_filters_by_what_is_left_to_check(new_db, write_xlsx):
    import_ledger(new_db, _first(write_xlsx), today=TODAY)
    import_ledger(new_db, _later(write_xlsx), today=TODAY)
    households.prepare(new_db)
    waiting = set(households.ids(new_db, HouseholdFilter(import_followup="any")))
    assert waiting == {_household(new_db, f"62010010000{n}") for n in (1, 2, 3, 4, 5)}
    assert households.ids(new_db, HouseholdFilter(import_followup="name_differs")) == [
        _household(new_db, "620100100001")]
    rows = {r.id: r.followups for r in households.rows(new_db, list(waiting))}
    assert rows[_household(new_db, "620100100004")] == 2
    kinds = {c.id: (c.name, c.detail) for c in choices.followup_kinds(new_db)}
    assert kinds["missing_from_ledger"] == ("台账中没有这笔贷款", "1")
    assert kinds["name_differs"] == ("借款人姓名与本系统不同", "1")


def test_any_warning_code_the_reader_gives_is_kept(new_db, write_xlsx, monkeypatch):
    """The ledger reader may add codes (impossible dates, province codes …): they are listed,
    named by WARNING_CODES when it knows them, by the code itself otherwise."""
    from app.ledger import parse as ledger_parse
    from app.services.ledger_import import importer as ledger_import

    real = ledger_parse.parse_ledger

    def parse_with_new_codes(*args, **kwargs):
        parsed = real(*args, **kwargs)
        parsed.warnings.append(RowWarning("柳林镇", 5, "impossible_date", "发放日期 2031-02-30 不存在", "620100100002"))
        return parsed

    monkeypatch.setattr(ledger_import, "parse_ledger", parse_with_new_codes)
    import_ledger(new_db, _first(write_xlsx), today=TODAY)
    households.prepare(new_db)
    [item] = import_followup.items(new_db, kind="impossible_date")
    assert item.kind_name == "台账提示（impossible_date）" and item.message == "发放日期 2031-02-30 不存在"
    assert households.ids(new_db, HouseholdFilter(import_followup="impossible_date")) == [
        _household(new_db, "620100100002")]
    monkeypatch.setitem(import_followup.WARNING_CODES, "impossible_date", "日期不存在")
    assert import_followup.items(new_db, kind="impossible_date")[0].kind_name == "日期不存在"
    assert "impossible_date" in {c.id for c in choices.followup_kinds(new_db)}


def test_marking_checked_is_audited_and_can_be_taken_back(new_db, write_xlsx):
    import_ledger(new_db, _first(write_xlsx), today=TODAY)
    import_ledger(new_db, _later(write_xlsx), today=TODAY)
    households.prepare(new_db)
    hid = _household(new_db, "620100100004")
    ids = [x.id for x in import_followup.items(new_db, household_id=hid)]
    assert len(ids) == 2
    done = import_followup.mark_checked(new_db, ids[:1], "王干事", note="已入户核实，确已还款")
    assert done[0].checked and done[0].checked_by == "王干事" and done[0].check_note == "已入户核实，确已还款"
    assert [x.id for x in import_followup.items(new_db, household_id=hid)] == ids[1:]
    assert hid in households.ids(new_db, HouseholdFilter(import_followup="any"))
    import_followup.mark_checked(new_db, ids[1:], "王干事")
    assert hid not in households.ids(new_db, HouseholdFilter(import_followup="any"))
    assert households.rows(new_db, [hid])[0].followups == 0
    with new_db.engine.connect() as conn:
        audits = conn.execute(text("SELECT actor, action, summary FROM audit_log WHERE entity = 'import_followups' "
                                   "AND action IN ('check', 'uncheck') ORDER BY at, rowid")).all()
        fields = conn.execute(text("SELECT COUNT(*) FROM audit_log WHERE entity = 'import_followups' "
                                   "AND entity_id = :i AND action = 'update'"), {"i": ids[0]}).scalar_one()
    assert [a[:2] for a in audits] == [("王干事", "check"), ("王干事", "check")]
    assert "已入户核实" in audits[0][2] and fields == 1
    import_followup.mark_checked(new_db, ids[:1], "李干事", undo=True)
    assert [x.id for x in import_followup.items(new_db, household_id=hid)] == ids[:1]
    # the household page shows them, open first
    d = household_page.detail(new_db, hid)
    assert [x.checked for x in d.followups] == [False, True] and len(d.open_followups) == 1


def test_an_unknown_item_refuses_the_whole_mark(new_db, write_xlsx):
    import_ledger(new_db, _first(write_xlsx), today=TODAY)
    [item] = import_followup.items(new_db)
    with pytest.raises(NotFound):
        import_followup.mark_checked(new_db, [item.id, "no-such-id"], "王干事")
    assert not import_followup.items(new_db, checked=True)


def test_a_database_of_the_previous_version_gets_the_list_of_its_earlier_imports(tmp_path, write_xlsx):
    """Upgrading (migration 0006) fills the list from what earlier imports kept: their warnings,
    the loans they missed, the loans whose lower balance they counted as the bank's."""
    import sqlite3

    from app.bootstrap import open_database
    from app.services.foundation.setup import initialise
    from tests.migration_undo import after_0008, before_0008

    path = tmp_path / "old.db"
    db = open_database(path)
    initialise(db, role="township", unit_name="柳林镇")
    import_ledger(db, _first(write_xlsx), today=TODAY)
    import_ledger(db, _later(write_xlsx), today=TODAY)
    written = {(x.loan_no, x.kind, x.message) for x in import_followup.items(db)}
    db.dispose()
    with sqlite3.connect(path) as c:    # as the previous version left it: no table, revision 0005
        c.executescript(before_0008(skip=("import_followups",)))   # (0008, after it)
        c.execute("DROP TABLE import_followups")
        c.execute("ALTER TABLE agreement_loans DROP COLUMN rate_source")   # (0007, after it)
        c.executescript(after_0008())                                    # (0009 and later)
        c.execute("UPDATE alembic_version SET version_num = '0005'")
    c.close()
    db = open_database(path, backup_dir=tmp_path / "backups")
    try:
        filled = import_followup.items(db)
        assert {(x.loan_no, x.kind, x.message) for x in filled} == written
        assert all(x.household_id for x in filled)
        households.prepare(db)
        assert len(households.ids(db, HouseholdFilter(import_followup="any"))) == 5
        import_followup.mark_checked(db, [filled[0].id], "王干事")   # they can be checked like any other
        # and the next ledger does not list them again
        again = import_ledger(db, _later(write_xlsx, "nov-copy.xlsx", [""]), today=TODAY)
        assert again.followups == 0
    finally:
        db.dispose()
