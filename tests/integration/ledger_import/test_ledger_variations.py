"""Real ledgers vary more than the sample: each kind of variation, in a file built here."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from app.db.models import Household, LedgerImport, Loan, Person, Unit
from app.domain.errors import InputError
from app.services.ledger_import import import_ledger, preview
from tests.integration.ledger_import.ledger_files import HEADER, loan_row, make_id

TODAY = date(2026, 11, 22)
TITLE = ["XX区农村商业银行不良贷款清收任务清单", "单位：元    数据截至：2026年10月31日"]


def _loans(db) -> dict[str, Loan]:
    """Every loan, loaded and detached (readable after the session closes)."""
    with db.uow() as uow:
        loans = {loan.loan_no: loan for loan in uow.session.scalars(select(Loan))}
        uow.session.expunge_all()
        return loans


def _township_names(db) -> dict[str, str]:
    with db.uow() as uow:
        return {u.id: u.name for u in uow.session.scalars(select(Unit).where(Unit.kind == "township"))}


def _count(db, model) -> int:
    with db.uow() as uow:
        return uow.session.scalar(select(func.count()).select_from(model))


# ---------------------------------------------------------------------------- where the township comes from

def test_one_sheet_per_township_and_explanation_sheets_passed_over(new_db, write_xlsx):
    path = write_xlsx({
        "填表说明": [["本表由农商银行风险管理部提供，各乡镇核对后签字盖章。"], ["金额单位见各表表头。"]],
        "柳林镇": [[TITLE[0]], [TITLE[1]], HEADER, loan_row(1), loan_row(2)],
        "马营镇": [HEADER, loan_row(3)],
    })
    r = import_ledger(new_db, path, today=TODAY)
    assert r.loans_imported == 3
    sheets = {s.name: s for s in r.sheets}
    assert sheets["填表说明"].layout is None and sheets["填表说明"].passed_over
    names = _township_names(new_db)
    loans = _loans(new_db)
    assert names[loans["620100100001"].township_id] == "柳林镇"
    assert names[loans["620100100003"].township_id] == "马营镇"


def test_a_township_column(new_db, write_xlsx):
    header = ["乡镇"] + HEADER
    path = write_xlsx({"Sheet1": [header, ["柳林镇"] + loan_row(1), ["马营镇"] + loan_row(2),
                                  ["  东关街道 "] + loan_row(3), [""] + loan_row(4)]})
    r = import_ledger(new_db, path, today=TODAY)
    assert r.loans_imported == 3
    assert [(x.row, x.reason) for x in r.rows_rejected] == [(5, "missing_township")]
    names = _township_names(new_db)
    assert sorted(names[loan.township_id] for loan in _loans(new_db).values()) == ["东关街道", "柳林镇", "马营镇"]


def test_a_township_column_with_township_given_for_empty_cells(new_db, write_xlsx):
    path = write_xlsx({"Sheet1": [["乡镇"] + HEADER, [""] + loan_row(1)]})
    r = import_ledger(new_db, path, township="石门乡", today=TODAY)
    assert r.loans_imported == 1 and r.townships == ["石门乡"]


def test_no_township_anywhere_is_refused_until_given(new_db, write_xlsx):
    path = write_xlsx({"Sheet1": [HEADER, loan_row(1), loan_row(2)]})
    with pytest.raises(InputError, match="乡镇"):
        import_ledger(new_db, path, today=TODAY)
    assert _count(new_db, Loan) == 0 and _count(new_db, LedgerImport) == 0
    p = preview(path)
    assert p.problems and not p.ready
    r = import_ledger(new_db, path, township="石门乡", today=TODAY)
    assert r.loans_imported == 2 and r.townships == ["石门乡"]


def test_the_title_can_name_the_township(new_db, write_xlsx):
    path = write_xlsx({"Sheet1": [["XX区农村商业银行不良贷款清收任务清单（柳林镇）"], HEADER, loan_row(1)]})
    r = import_ledger(new_db, path, today=TODAY)
    assert r.townships == ["柳林镇"]


def test_a_township_database_only_takes_its_own_township(tmp_path, write_xlsx):
    from app.bootstrap import open_database
    from app.services.foundation.setup import initialise

    db = open_database(tmp_path / "township.db")
    try:
        initialise(db, role="township", unit_name="柳林镇")
        other = write_xlsx({"马营镇": [HEADER, loan_row(1)]}, name="other.xlsx")
        with pytest.raises(InputError, match="柳林镇"):
            import_ledger(db, other, today=TODAY)
        assert _count(db, Loan) == 0
        own = write_xlsx({"Sheet1": [HEADER, loan_row(2)]}, name="own.xlsx")   # no township: its own
        r = import_ledger(db, own, today=TODAY)
        assert r.loans_imported == 1 and r.townships == ["柳林镇"]
        assert _count(db, Unit) == 1
    finally:
        db.dispose()


# ---------------------------------------------------------------------------- headers

def test_title_rows_and_row_numbers_as_excel_shows_them(new_db, write_xlsx):
    rows = [[TITLE[0]], [TITLE[1]], [], HEADER, loan_row(1), [], loan_row(2, balance="待核实"), loan_row(3)]
    path = write_xlsx({"柳林镇": rows}, merges={"柳林镇": ["A1:P1"]})
    r = import_ledger(new_db, path, today=TODAY)
    assert r.as_of == date(2026, 10, 31)
    assert [(x.row, x.reason, x.message) for x in r.rows_rejected] == [(7, "bad_balance", "贷款余额不是数字：待核实")]
    assert r.sheets[0].layout.header_first == 4
    assert _loans(new_db)["620100100001"].task_date == date(2026, 10, 31)


def _two_row_rows(balance_wan: float) -> list[list]:
    return [
        ["马营镇不良贷款清收台账"],
        ["序号", "借款人", "身份证号", "贷款信息", "", "", "", "管户信贷员"],
        ["", "", "", "借据号", "发放日期", "贷款余额（万元）", "欠息（元）", ""],
        [1, "张三", make_id("62242119601018092"), "620100200001", "2015.03.05", balance_wan, 815.15, "钱明"],
        [2, "李四", make_id("62242119700101123"), "620100200002", date(2016, 1, 2), 0.5, 0, "钱明"],
    ]


def test_a_header_over_two_rows_with_merged_cells_xlsx(new_db, write_xlsx):
    path = write_xlsx({"马营镇": _two_row_rows(12.3456)},
                      merges={"马营镇": ["A2:A3", "B2:B3", "C2:C3", "D2:G2", "H2:H3"]})
    p = preview(path)
    layout = p.sheets[0].layout
    assert (layout.header_first, layout.header_last) == (2, 3)
    assert {c.header: c.field for c in layout.columns}["贷款信息/借据号"] == "loan_no"
    r = import_ledger(new_db, path, today=TODAY)
    assert r.loans_imported == 2
    loans = _loans(new_db)
    assert loans["620100200001"].balance_fen == 12345600    # 12.3456 万元, exactly
    assert loans["620100200001"].interest_fen == 81515      # this column says 元
    assert loans["620100200002"].balance_fen == 500000
    assert loans["620100200002"].issue_date == date(2016, 1, 2)


def test_a_header_over_two_rows_with_merged_cells_xls(new_db, write_xls):
    path = write_xls({"马营镇": _two_row_rows(3.0001)},
                     merges={"马营镇": [(1, 2, 0, 0), (1, 2, 1, 1), (1, 2, 2, 2), (1, 1, 3, 6), (1, 2, 7, 7)]})
    r = import_ledger(new_db, path, today=TODAY)
    assert r.loans_imported == 2 and not r.rows_rejected
    loans = _loans(new_db)
    assert loans["620100200001"].balance_fen == 3000100
    assert loans["620100200002"].issue_date == date(2016, 1, 2)


def test_xls_like_the_sample(new_db, write_xls):
    rows = [[TITLE[0]], [TITLE[1]], HEADER, loan_row(1), loan_row(2, loan_no=""), loan_row(3, issue=None)]
    rows[5][7] = date(2014, 7, 2)
    path = write_xls({"填表说明": [["说明"]], "柳林镇": rows})
    r = import_ledger(new_db, path, today=TODAY)
    assert r.loans_imported == 2
    assert [(x.sheet, x.row, x.reason) for x in r.rows_rejected] == [("柳林镇", 5, "missing_loan_no")]
    assert _loans(new_db)["620100100003"].issue_date == date(2014, 7, 2)


@pytest.mark.parametrize("names", [
    ["借款人", "身份证号码", "借据号", "贷款余额", "欠息"],
    ["借款人姓名", "身份证号", "借据编号", "余额", "欠息金额"],
    ["客户名称", "证件号码", "借据号码", "本金余额", "应收未收利息"],
])
def test_many_names_for_one_column(new_db, write_xlsx, names):
    path = write_xlsx({"柳林镇": [names, ["张三", make_id("62242119601018092"), "620100300001", 1234.5, 12.34]]})
    import_ledger(new_db, path, today=TODAY)
    loan = _loans(new_db)["620100300001"]
    assert (loan.balance_fen, loan.interest_fen) == (123450, 1234)


# ---------------------------------------------------------------------------- units and amounts

def test_wan_yuan_from_the_title_row_only(new_db, write_xlsx):
    rows = [["清收台账"], ["单位：万元"], ["借款人", "身份证号", "借据号", "贷款余额", "欠息"],
            ["张三", make_id("62242119601018092"), "1", 12.3456, 0.081515],
            ["李四", make_id("62242119700101123"), "2", 0.1 + 0.2, 0.0],
            ["王五", make_id("62242119800101123"), "3", 128.956789, ""]]
    r = import_ledger(new_db, write_xlsx({"柳林镇": rows}), today=TODAY)
    assert r.sheets[1 - 1].layout.unit == "万元"
    loans = _loans(new_db)
    assert loans["1"].balance_fen == 12345600 and loans["1"].interest_fen == 81515
    assert loans["2"].balance_fen == 300000
    assert loans["3"].balance_fen == 128956789 and loans["3"].interest_fen == 0


def test_amounts_as_text_with_separators(new_db, write_xlsx):
    rows = [HEADER, loan_row(1, balance="1,234.50"), loan_row(2, balance=" 12,345 "),
            loan_row(3, balance="１２３４"), loan_row(4, balance="-5"), loan_row(5, balance="")]
    r = import_ledger(new_db, write_xlsx({"柳林镇": rows}), today=TODAY)
    loans = _loans(new_db)
    assert [loans[f"6201001000{n:02d}"].balance_fen for n in (1, 2, 3)] == [123450, 1234500, 123400]
    assert [(x.row, x.reason) for x in r.rows_rejected] == [(5, "bad_balance"), (6, "bad_balance")]
    assert r.rows_rejected[0].message == "贷款余额为负数：-5"
    assert r.rows_rejected[1].message == "贷款余额为空"


def test_dates_as_excel_dates_or_text(new_db, write_xlsx):
    spellings = [date(2015, 3, 5), "2015.03.05", "2015-3-5", "20150305", "2015年3月5日", "2015/03/05"]
    rows = [HEADER] + [loan_row(n + 1, **{"发放日期": d}) for n, d in enumerate(spellings)]
    rows.append(loan_row(9, **{"发放日期": "三月五日"}))
    r = import_ledger(new_db, write_xlsx({"柳林镇": rows}), today=TODAY)
    loans = _loans(new_db)
    assert {loans[f"6201001000{n + 1:02d}"].issue_date for n in range(len(spellings))} == {date(2015, 3, 5)}
    assert loans["620100100009"].issue_date is None
    assert [(w.row, w.code) for w in r.warnings] == [(8, "bad_date")]


# ---------------------------------------------------------------------------- names and ID numbers

def test_names_with_stray_and_full_width_spaces_join_one_household(new_db, write_xlsx):
    idno = make_id("62242619800613171")
    rows = [HEADER, loan_row(1, name="马有兰", idno=idno), loan_row(2, name=" 马\u3000有兰 ", idno=idno),
            loan_row(3, name="马 有兰", idno=idno + "  ")]
    r = import_ledger(new_db, write_xlsx({"东关街道": rows}), today=TODAY)
    assert r.households == 1 and not r.warnings
    with new_db.uow() as uow:
        assert set(uow.session.scalars(select(Person.name))) == {"马有兰"}


def test_id_numbers_as_banks_write_them(new_db, write_xlsx):
    good = make_id("62242319790924912")          # ends in X
    assert good.endswith("X")
    old18 = make_id("62242119601018092")
    old15 = old18[:6] + old18[8:17]
    bad = old18[:17] + ("0" if old18[17] != "0" else "1")
    rows = [HEADER,
            loan_row(1, name="卢洋华", idno=good.lower()),
            loan_row(2, name="卢洋华", idno=good + " "),
            loan_row(3, name="张三", idno=old15),
            loan_row(4, name="张三", idno=old18),
            loan_row(5, name="李四", idno=bad, village="王家村"),
            loan_row(6, name="王五", idno=int(make_id("61052319681014990")), village="王家村")]
    r = import_ledger(new_db, write_xlsx({"柳林镇": rows}), today=TODAY)
    assert [(w.row, w.code) for w in r.warnings] == [(6, "id_checksum"), (7, "id_mangled")]
    assert r.loans_imported == 6
    loans = _loans(new_db)
    assert loans["620100100001"].household_id == loans["620100100002"].household_id
    assert loans["620100100003"].household_id == loans["620100100004"].household_id   # 15 → 18 digits
    with new_db.uow() as uow:
        s = uow.session
        assert s.get(Household, loans["620100100001"].household_id).head_id_number == good
        assert s.get(Household, loans["620100100003"].household_id).head_id_number == old18
        assert s.get(Household, loans["620100100005"].household_id).needs_review
        assert s.get(Person, loans["620100100005"].borrower_id).id_problem == "checksum"
        assert s.get(Person, loans["620100100006"].borrower_id).id_problem == "mangled"


# ---------------------------------------------------------------------------- rows that are no loan

def test_blank_subtotal_and_total_rows_are_skipped_not_rejected(new_db, write_xlsx):
    rows = [HEADER, loan_row(1), [], loan_row(2), ["小计", "", "", "", "", "", "", "", "", "", 20000],
            ["", "", "", "合  计", "", "", "", "", "", "", 20000], ["总计：", "", "", "", "", "", "", "", "", "", 20000],
            ["制表人：张三", "", "", "", "", "", "", "", "", "", ""], HEADER, loan_row(3)]
    r = import_ledger(new_db, write_xlsx({"柳林镇": rows}), today=TODAY)
    assert r.loans_imported == 3 and not r.rows_rejected
    skipped = r.sheets[0].skipped
    assert skipped["subtotal"] == 3 and skipped["header"] == 1


def test_rows_that_cannot_be_a_loan_are_rejected_with_a_reason(new_db, write_xlsx):
    rows = [HEADER, loan_row(1), loan_row(2, name=""), loan_row(3, loan_no=""), loan_row(4, balance="—"),
            loan_row(5, balance=-100), loan_row(1, name="重复")]
    r = import_ledger(new_db, write_xlsx({"柳林镇": rows}), today=TODAY)
    assert [(x.row, x.reason) for x in r.rows_rejected] == [
        (3, "missing_name"), (4, "missing_loan_no"), (5, "bad_balance"), (6, "bad_balance"), (7, "duplicate_loan_no")]
    assert "第 2 行" in r.rows_rejected[-1].message and "余额" not in r.rows_rejected[-1].message
    assert r.loans_imported == 1


def test_the_same_loan_on_two_sheets(new_db, write_xlsx):
    path = write_xlsx({"柳林镇": [HEADER, loan_row(1)], "马营镇": [HEADER, loan_row(1, balance=5)]})
    r = import_ledger(new_db, path, today=TODAY)
    assert [(x.sheet, x.row, x.reason) for x in r.rows_rejected] == [("马营镇", 2, "duplicate_loan_no")]
    assert "余额不同" in r.rows_rejected[0].message


def test_hidden_sheets_are_not_read(new_db, write_xlsx):
    path = write_xlsx({"柳林镇": [HEADER, loan_row(1)], "旧数据": [HEADER, loan_row(2)]}, hidden=("旧数据",))
    r = import_ledger(new_db, path, township="柳林镇", today=TODAY)
    assert r.loans_imported == 1


# ---------------------------------------------------------------------------- files that are no ledger

def test_an_unreadable_file_is_refused_and_nothing_is_written(new_db, tmp_path):
    junk = tmp_path / "坏文件.xlsx"
    junk.write_bytes(b"PK\x03\x04 this is not really a workbook")
    before = _count(new_db, Unit)
    with pytest.raises(InputError, match="无法读取"):
        import_ledger(new_db, junk, today=TODAY)
    with pytest.raises(InputError, match="找不到文件"):
        import_ledger(new_db, tmp_path / "没有这个文件.xlsx", today=TODAY)
    assert _count(new_db, Unit) == before and _count(new_db, LedgerImport) == 0


def test_a_workbook_with_no_table_is_refused(new_db, write_xlsx):
    path = write_xlsx({"说明": [["请各乡镇核对"], ["谢谢"]], "Sheet2": [[1, 2, 3], [4, 5, 6]]})
    with pytest.raises(InputError, match="没有找到贷款台账表格"):
        import_ledger(new_db, path, today=TODAY)
    assert _count(new_db, LedgerImport) == 0


def test_a_remark_after_the_name_tags_the_household_for_a_visit_to_confirm(new_db, write_xlsx):
    """张三（已故）: the bank says the borrower died; the household gets the 已死亡 category
    (once, however many loans say so) and the borrower is marked deceased; 服刑 likewise."""
    from app.db.models import CategoryTag

    zhang, li = make_id("62242119601018001"), make_id("62242119700101002")
    rows = [loan_row(1, name="张三（已故）", idno=zhang), loan_row(2, name="张三(已故)", idno=zhang),
            loan_row(3, name="李四【服刑】", idno=li), loan_row(4, name="王五（大）", idno=make_id("62242119800101003"))]
    import_ledger(new_db, write_xlsx({"柳林镇": [["数据截至：2026年10月31日"], HEADER, *rows]}, name="a.xlsx"))
    later = rows[:2] + [loan_row(5, name="张三（已故）", idno=zhang)] + rows[2:]
    import_ledger(new_db, write_xlsx({"柳林镇": [["数据截至：2026年11月30日"], HEADER, *later]}, name="b.xlsx"))
    with new_db.uow() as uow:
        s = uow.session
        tags = sorted((h, c) for h, c in s.execute(
            select(Household.head_name, CategoryTag.code).join(Household, Household.id == CategoryTag.household_id)))
        people = sorted(s.execute(select(Person.name, Person.is_deceased, Person.is_imprisoned)).all())
        notes = s.scalars(select(Loan.note).where(Loan.loan_no == "620100100001")).all()
    assert tags == [("张三", "deceased"), ("李四", "imprisoned")]
    assert people == [("张三", True, False), ("李四", False, True), ("王五(大)", False, False)]
    assert notes == ["已故"]
