"""``qingshou import-ledger`` on ledgers as bank and township staff really make them, beyond the
sample and the variations the integration tests cover (tests/integration/ledger_import): each test
builds its file here and imports it the way a clerk does."""
from __future__ import annotations

import shutil
from datetime import date

import pytest

from app.domain.errors import InputError
from app.services.ledger_import import import_ledger
from tests.scenarios.helpers import make_id, query, snapshot

TODAY = date(2026, 11, 22)
ID1 = make_id("62242119601018092")
ID2 = make_id("62242119700101123")
ID3 = make_id("62242119800101123")


HEADER = ["序号", "客户名称", "证件号码", "借据号码", "贷款发放日", "贷款到期日", "本金余额", "应收未收利息", "村"]


def row(n: int, balance: object = 10000, *, name: str | None = None, loan_no: str | None = None,
        issued: object = "2015-03-05", due: object = "2017-03-05", interest: object = 0) -> list:
    return [n, name or f"借款人{n}", make_id(f"6224211960101{n:04d}"), loan_no or f"QA{n:04d}",
            issued, due, balance, interest, "李家村"]


def test_an_error_report_that_cannot_be_saved_stops_the_import_before_anything_is_written(
        cli, district_path, write_xlsx, tmp_path):
    path = write_xlsx({"柳林镇": [HEADER, row(1), row(2, balance="待核实")]})
    blocked = tmp_path / "不是文件夹.txt"
    blocked.write_text("x", encoding="utf-8")
    before = snapshot(district_path)

    r = cli("import-ledger", path, "--db", district_path, "--error-report", blocked / "错误.xlsx", "--json")

    assert r.code == 1 and r.out == ""
    assert len(r.err.strip().splitlines()) == 1 and "错误报告" in r.err
    assert snapshot(district_path) == before


def test_an_error_report_is_written_next_to_a_successful_import(cli, district_path, write_xlsx, tmp_path):
    path = write_xlsx({"柳林镇": [HEADER, row(1), row(2, balance="待核实")]})
    report = tmp_path / "退回 银行.xlsx"
    r = cli("import-ledger", path, "--db", district_path, "--error-report", report, "--json")
    assert r.code == 0, r.err
    assert r.json()["loans_imported"] == 1 and report.exists()


@pytest.mark.parametrize("text", ["2015/3/5 0:00:00", "2015-3-5 0:00", "2015-03-05T00:00:00", "2015年3月5日 10:20",
                                  "2015.03.05 00:00:00", "2015年3月5号"])
def test_dates_written_as_text_with_a_time_or_as_people_say_them(cli, district_path, write_xlsx, text):
    path = write_xlsx({"柳林镇": [HEADER, row(1, issued=text, due=text)]})
    r = cli("import-ledger", path, "--db", district_path, "--json")
    assert r.code == 0, r.err
    assert not [w for w in r.json()["warnings"] if w["code"] == "bad_date"]
    assert query(district_path, "SELECT issue_date, due_date FROM loans") == [("2015-03-05", "2015-03-05")]


def _townships_of_loans(path) -> dict[str, int]:
    return dict(query(path, "SELECT u.name, COUNT(*) FROM loans l JOIN units u ON u.id = l.township_id GROUP BY u.name"))


@pytest.mark.parametrize("names", [("柳林镇台账", "马营镇台账"), ("1.柳林镇", "2.马营镇"), ("柳林镇(2)", "马营镇清单")])
def test_sheets_named_for_their_township_with_more_words(cli, district_path, write_xlsx, names):
    path = write_xlsx({names[0]: [HEADER, row(1), row(2)], names[1]: [HEADER, row(3)]})
    r = cli("import-ledger", path, "--db", district_path, "--json")
    assert r.code == 0, r.err
    assert _townships_of_loans(district_path) == {"柳林镇": 2, "马营镇": 1}


def test_township_given_does_not_move_a_sheet_that_names_another(cli, district_path, write_xlsx):
    path = write_xlsx({"柳林镇台账": [HEADER, row(1)], "马营镇台账": [HEADER, row(2)]})
    r = cli("import-ledger", path, "--db", district_path, "--township", "柳林镇", "--json")
    assert r.code == 0, r.err
    assert _townships_of_loans(district_path) == {"柳林镇": 1, "马营镇": 1}


def test_a_summary_sheet_by_township_is_passed_over(cli, district_path, write_xlsx):
    summary = [["各乡镇不良贷款汇总表"], ["乡镇", "借款人数", "贷款笔数", "贷款余额"], ["柳林镇", 2, 2, 20000],
               ["合计", 2, 2, 20000]]
    path = write_xlsx({"汇总": summary, "柳林镇": [HEADER, row(1), row(2)]})
    r = cli("import-ledger", path, "--db", district_path, "--json")
    assert r.code == 0, r.err
    assert r.json()["loans_imported"] == 2


@pytest.mark.parametrize("old, new", [("上月余额", "本月余额"), ("年初余额", "当前余额"), ("原贷款余额", "贷款余额"),
                                      ("期初余额", "期末余额")])
def test_of_an_old_and_a_current_balance_the_current_one_is_the_balance(cli, district_path, write_xlsx, old, new):
    header = ["借款人", "身份证号", "借据号", old, "本期收回", new]
    path = write_xlsx({"柳林镇": [header, ["甲", make_id("62242119601018001"), "X1", 10000, 2000, 8000]]})
    r = cli("import-ledger", path, "--db", district_path, "--json")
    assert r.code == 0, r.err
    assert r.json()["balance_total"] == "8000.00"


def test_a_township_laptop_takes_its_own_sheet_of_the_districts_workbook(cli, tmp_path, write_xlsx):
    db = tmp_path / "柳林镇.db"
    assert cli("init", "--db", db, "--role", "township", "--unit", "柳林镇").code == 0
    path = write_xlsx({"柳林镇": [HEADER, row(1), row(2)], "马营镇": [HEADER, row(3)], "石门乡": [HEADER, row(4)]})
    r = cli("import-ledger", path, "--db", db, "--json")
    assert r.code == 0, r.err
    assert r.json()["loans_imported"] == 2 and r.json()["townships"] == ["柳林镇"]
    assert _townships_of_loans(db) == {"柳林镇": 2}


def test_an_explanation_sheet_laid_out_as_a_table_is_passed_over(cli, district_path, write_xlsx):
    notes = [["借款人", "借据号", "贷款余额", "身份证号"],
             ["填写借款人姓名", "银行借据编号", "截至数据日期的本金余额，单位元", "18位身份证号码"]]
    path = write_xlsx({"填表说明": notes, "柳林镇": [HEADER, row(1), row(2)]})
    r = cli("import-ledger", path, "--db", district_path, "--json")
    assert r.code == 0, r.err
    assert r.json()["loans_imported"] == 2 and not r.json()["rows_rejected"]


# ---------------------------------------------------------------------------- cells merged down

def test_a_borrowers_name_id_and_village_merged_down_over_their_loans(cli, district_path, tmp_path, write_xlsx):
    header = ["序号", "村", "借款人", "身份证号", "借据号", "贷款余额"]
    rows = [header,
            [1, "李家村", "张三", ID1, "620100100001", 10000],
            [2, None, None, None, "620100100002", 20000],
            [3, None, "李四", ID2, "620100100003", 5000],
            [4, "王家村", "王五", ID3, "620100100004", 500],
            [5, None, None, None, "620100100005", 600]]
    path = write_xlsx({"柳林镇": rows},
                 merges={"柳林镇": ["B2:B4", "C2:C3", "D2:D3", "B5:B6", "C5:C6", "D5:D6"]})
    r = cli("import-ledger", path, "--db", district_path, "--json")
    assert r.code == 0, r.err
    out = r.json()
    assert out["loans_imported"] == 5 and out["rows_rejected"] == []
    assert out["households"] == 3
    villages = dict(query(district_path, "SELECT l.loan_no, v.name FROM loans l JOIN households h ON h.id = l.household_id"
                                         " JOIN villages v ON v.id = h.village_id"))
    assert villages["620100100003"] == "李家村" and villages["620100100005"] == "王家村"


def test_a_balance_merged_over_two_loans_is_not_given_to_both(new_db, tmp_path, write_xlsx):
    header = ["借款人", "身份证号", "借据号", "贷款余额"]
    rows = [header, ["张三", ID1, "620100100001", 30000], ["张三", ID1, "620100100002", None]]
    path = write_xlsx({"柳林镇": rows}, merges={"柳林镇": ["D2:D3"]})
    r = import_ledger(new_db, path, today=TODAY)
    assert r.balance_fen == 3000000
    assert [(x.row, x.reason) for x in r.rows_rejected] == [(3, "bad_balance")]


# ---------------------------------------------------------------------------- a second table below the first

def test_a_summary_table_below_the_ledger_is_not_imported_as_loans(cli, district_path, tmp_path, write_xlsx):
    header = ["借款人", "身份证号", "借据号", "贷款余额"]
    rows = [header, ["张三", ID1, "620100100001", 10000], ["李四", ID2, "620100100002", 20000],
            ["合计", "", "", 30000], [], [],
            ["按五级分类汇总"], ["项目", "户数", "笔数", "余额"], ["可疑", 2, 2, 30000], ["损失", 0, 0, 0],
            [], ["制表人：", "王芳", "审核人：", "李明"], ["填报日期：", "2026年11月1日"]]
    path = write_xlsx({"柳林镇": rows})
    r = cli("import-ledger", path, "--db", district_path, "--json")
    assert r.code == 0, r.err
    out = r.json()
    assert out["loans_imported"] == 2 and out["balance_total"] == "30000.00"
    assert out["rows_rejected"] == []
    assert any("另一张表" in n and "第 8 行" in n for n in out["notes"])


def test_rows_of_the_ledger_after_a_repeated_header_are_still_read(new_db, tmp_path, write_xlsx):
    header = ["借款人", "身份证号", "借据号", "贷款余额"]
    rows = [header, ["张三", ID1, "620100100001", 10000], ["本页合计", "", "", 10000],
            ["项目", "户数", "笔数", "余额"], ["可疑", 1, 1, 10000],
            header, ["李四", ID2, "620100100002", 20000], ["", "", "", ""], ["王五", ID3, "", 300]]
    r = import_ledger(new_db, write_xlsx({"柳林镇": rows}), today=TODAY)
    assert r.loans_imported == 2 and r.balance_fen == 3000000
    # a loan row with no loan number after the table went on is still rejected, not hidden
    assert [(x.row, x.reason) for x in r.rows_rejected] == [(9, "missing_loan_no")]


# ---------------------------------------------------------------------------- townships in a 乡镇 column

def test_one_township_written_two_ways_in_the_township_column_is_one_township(cli, district_path, tmp_path, write_xlsx):
    header = ["乡镇", "借款人", "身份证号", "借据号", "贷款余额"]
    rows = [header, ["柳林", "张三", ID1, "620100100001", 10000], ["柳林镇", "李四", ID2, "620100100002", 10000],
            ["马营镇人民政府", "王五", ID3, "620100100003", 10000], ["马营镇", "赵六", ID3, "620100100004", 10000]]
    path = write_xlsx({"Sheet1": rows})
    r = cli("import-ledger", path, "--db", district_path, "--json")
    assert r.code == 0, r.err
    assert sorted(r.json()["townships"]) == ["柳林镇", "马营镇"]
    assert _townships_of_loans(district_path) == {"柳林镇": 2, "马营镇": 2}


def test_a_township_laptop_keeps_its_loans_when_the_column_leaves_out_zhen(cli, tmp_path, write_xlsx):
    db = tmp_path / "柳林镇.db"
    assert cli("init", "--db", db, "--role", "township", "--unit", "柳林镇").code == 0
    header = ["乡镇", "借款人", "身份证号", "借据号", "贷款余额"]
    rows = [header, ["柳林", "张三", ID1, "620100100001", 100], ["马营", "王五", ID3, "620100100003", 100]]
    r = cli("import-ledger", write_xlsx({"Sheet1": rows}), "--db", db, "--json")
    assert r.code == 0, r.err
    assert r.json()["loans_imported"] == 1 and r.json()["townships"] == ["柳林镇"]


# ---------------------------------------------------------------------------- 万 without 元

@pytest.mark.parametrize("title, header", [([], "贷款余额（万）"), ([], "贷款余额\n(万)"), ([["单位：万"]], "贷款余额"),
                                           ([["清收台账", "", "", "金额单位:万"]], "余额")])
def test_wan_alone_is_ten_thousand_yuan(new_db, tmp_path, title, header, write_xlsx):
    rows = title + [["借款人", "身份证号", "借据号", header], ["张三", ID1, "620100100001", 1.5]]
    r = import_ledger(new_db, write_xlsx({"柳林镇": rows}), today=TODAY)
    assert r.balance_fen == 1500000


# ---------------------------------------------------------------------------- files that are not what their name says

def test_an_xlsx_file_named_xls_is_read(cli, district_path, tmp_path, write_xlsx):
    good = write_xlsx({"柳林镇": [["借款人", "身份证号", "借据号", "贷款余额"], ["张三", ID1, "620100100001", 100]]})
    renamed = tmp_path / "台账（银行导出）.xls"
    shutil.copy(good, renamed)
    r = cli("import-ledger", renamed, "--db", district_path, "--json")
    assert r.code == 0, r.err
    assert r.json()["loans_imported"] == 1


@pytest.mark.parametrize("content, words", [
    ("借款人,身份证号,借据号,贷款余额\n张三,1,2,3\n".encode("gbk"), "CSV"),
    ("<html><body><table><tr><td>借款人</td></tr></table></body></html>".encode("utf-8"), "网页"),
    (b"", "空的"),
    (bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 512 + "EncryptionInfo".encode("utf-16-le") + b"\0" * 512, "密码"),
])
def test_a_file_that_is_no_workbook_says_what_it_is_and_what_to_do(cli, district_path, tmp_path, content, words):
    path = tmp_path / "台账.xls"
    path.write_bytes(content)
    before = snapshot(district_path)
    r = cli("import-ledger", path, "--db", district_path, "--json")
    assert r.code == 1 and r.out == ""
    assert words in r.err and "台账.xls" in r.err
    assert snapshot(district_path) == before


def test_a_truncated_download_is_called_incomplete(new_db, tmp_path, write_xlsx):
    good = write_xlsx({"柳林镇": [["借款人", "身份证号", "借据号", "贷款余额"], ["张三", ID1, "620100100001", 100]]})
    cut = tmp_path / "台账（不完整）.xlsx"
    cut.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    with pytest.raises(InputError, match="不完整"):
        import_ledger(new_db, cut, today=TODAY)


# ---------------------------------------------------------------------------- headers over three rows, units under the header

def test_a_header_over_three_rows_with_merged_groups(new_db, tmp_path, write_xlsx):
    rows = [["XX农商银行不良贷款清收台账"],
            ["序号", "借款人信息", "", "贷款信息", "", "", "", "欠息", ""],
            ["", "姓名", "身份证号", "借据号", "金额", "", "发放日期", "表内", "表外"],
            ["", "", "", "", "发放金额", "余额", "", "", ""],
            [1, "张三", ID1, "620100100001", 50000, 10000, "2015-03-05", 10, 20],
            [2, "李四", ID2, "620100100002", 50000, 20000, "2015-03-05", 1, 2]]
    merges = ["A2:A4", "B2:C2", "D2:G2", "E3:F3", "H2:I2", "B3:B4", "C3:C4", "D3:D4", "G3:G4", "H3:H4", "I3:I4"]
    r = import_ledger(new_db, write_xlsx({"柳林镇": rows}, merges={"柳林镇": merges}), today=TODAY)
    assert r.loans_imported == 2 and r.balance_fen == 3000000
    assert [(x.row, x.reason) for x in r.rows_rejected] == []
    assert query_loans(new_db) == {"620100100001": (1000000, 3000), "620100100002": (2000000, 300)}


def test_a_title_over_a_two_row_header_still_gives_the_unit(new_db, tmp_path, write_xlsx):
    rows = [["清收台账（单位：万元）"],
            ["序号", "借款人", "", "贷款信息", "", "欠息"],
            ["", "姓名", "身份证号", "借据号", "余额", ""],
            [1, "张三", ID1, "620100100001", 1.5, 0.01]]
    r = import_ledger(new_db, write_xlsx({"柳林镇": rows}), today=TODAY)
    assert r.balance_fen == 1500000


@pytest.mark.parametrize("units", [["", "", "", "", "（万元）", "（元）"], ["", "", "", "", "单位：万元", ""]])
def test_a_row_of_units_right_under_the_header(new_db, tmp_path, units, write_xlsx):
    rows = [["序号", "借款人", "身份证号", "借据号", "贷款余额", "欠息"], units,
            [1, "张三", ID1, "620100100001", 1.5, 100]]
    r = import_ledger(new_db, write_xlsx({"柳林镇": rows}), today=TODAY)
    assert r.balance_fen == 1500000 and not r.rows_rejected


def query_loans(db) -> dict[str, tuple[int, int]]:
    from sqlalchemy import select

    from app.db.models import Loan

    with db.uow() as uow:
        return {n: (b, i) for n, b, i in uow.session.execute(select(Loan.loan_no, Loan.balance_fen, Loan.interest_fen))}


# ---------------------------------------------------------------------------- columns about someone else

def test_columns_about_the_guarantor_or_spouse_are_not_the_borrowers(new_db, tmp_path, write_xlsx):
    header = ["借款人名称", "借款人证件号", "借据号", "贷款余额", "担保人", "担保人姓名", "担保人身份证号", "配偶姓名"]
    rows = [header, ["张三", ID1, "620100100001", 100, "李四", "李四", ID2, "王芳"]]
    r = import_ledger(new_db, write_xlsx({"柳林镇": rows}), today=TODAY)
    assert r.loans_imported == 1
    from sqlalchemy import select

    from app.db.models import Loan, Person
    with new_db.uow() as uow:
        loan = uow.session.scalars(select(Loan)).one()
        person = uow.session.get(Person, loan.borrower_id)
        assert (person.name, person.id_number) == ("张三", ID1)
        assert loan.guarantee != "李四"


def test_a_village_cadre_column_is_not_the_village_and_a_township_column_can_say_xiang_zhen(cli, district_path,
                                                                                           tmp_path, write_xlsx):
    header = ["所属乡（镇）", "所在村组", "包村干部", "借款人", "身份证号", "借据号", "贷款余额"]
    rows = [header, ["柳林镇", "李家村", "赵干部", "张三", ID1, "620100100001", 100],
            ["马营镇", "王家村", "钱干部", "李四", ID2, "620100100002", 100]]
    r = cli("import-ledger", write_xlsx({"Sheet1": rows}), "--db", district_path, "--json")
    assert r.code == 0, r.err
    assert _townships_of_loans(district_path) == {"柳林镇": 1, "马营镇": 1}
    assert sorted(n for (n,) in query(district_path, "SELECT name FROM villages")) == ["李家村", "王家村"]


# ---------------------------------------------------------------------------- values

def test_a_date_column_turned_to_text_shows_excel_day_numbers(new_db, tmp_path, write_xlsx):
    rows = [["借款人", "身份证号", "借据号", "贷款余额", "发放日期", "到期日期"],
            ["张三", ID1, "620100100001", 100, "42068", "42799.0"]]
    r = import_ledger(new_db, write_xlsx({"柳林镇": rows}), today=TODAY)
    assert not r.warnings
    from sqlalchemy import select

    from app.db.models import Loan
    with new_db.uow() as uow:
        loan = uow.session.scalars(select(Loan)).one()
        assert (loan.issue_date, loan.due_date) == (date(2015, 3, 5), date(2017, 3, 5))


@pytest.mark.parametrize("header, value, ppm", [("利率（‰）", 7.2, 86400), ("月利率（‰）", "7.2", 86400),
                                                ("年利率(‰)", 86.4, 86400), ("利率（‰）", "7.2‰", 86400)])
def test_a_rate_column_in_per_mille(new_db, tmp_path, header, value, ppm, write_xlsx):
    rows = [["借款人", "身份证号", "借据号", "贷款余额", header], ["张三", ID1, "620100100001", 100, value]]
    r = import_ledger(new_db, write_xlsx({"柳林镇": rows}), today=TODAY)
    assert not r.warnings
    from sqlalchemy import select

    from app.db.models import Loan
    with new_db.uow() as uow:
        assert uow.session.scalars(select(Loan.rate_ppm)).one() == ppm


def test_a_remark_after_the_name_and_dots_in_uyghur_names_do_not_make_other_people(new_db, tmp_path, write_xlsx):
    rows = [["借款人", "身份证号", "村", "借据号", "贷款余额", "备注"],
            ["张三（已故）", "", "李家村", "620100100001", 100, "家属愿意还款"],
            ["张三", "", "李家村", "620100100002", 100, ""],
            ["张三（小）", "", "李家村", "620100100003", 100, ""],
            ["阿依古丽.买买提", ID2, "李家村", "620100100004", 100, ""],
            ["阿依古丽 • 买买提", ID2, "李家村", "620100100005", 100, ""]]
    r = import_ledger(new_db, write_xlsx({"柳林镇": rows}), today=TODAY)
    assert r.loans_imported == 5
    from sqlalchemy import select

    from app.db.models import Loan, Person
    with new_db.uow() as uow:
        loans = {ln.loan_no: ln for ln in uow.session.scalars(select(Loan))}
        names = {no: uow.session.get(Person, ln.borrower_id).name for no, ln in loans.items()}
        assert names == {"620100100001": "张三", "620100100002": "张三", "620100100003": "张三(小)",
                         "620100100004": "阿依古丽·买买提", "620100100005": "阿依古丽·买买提"}
        assert loans["620100100001"].household_id == loans["620100100002"].household_id
        assert loans["620100100003"].household_id != loans["620100100002"].household_id
        assert "已故" in (loans["620100100001"].note or "")


# ---------------------------------------------------------------------------- sheet names with a month, balances by month

@pytest.mark.parametrize("names", [("10月柳林镇", "10月马营镇"), ("柳林镇（2026年10月）", "马营镇（2026年10月）"),
                                   ("2026.10柳林镇", "2026.10马营镇"), ("柳林镇-10月", "马营镇最终版")])
def test_sheets_named_with_a_month_or_a_version(cli, district_path, tmp_path, names, write_xlsx):
    header = ["借款人", "身份证号", "借据号", "贷款余额"]
    path = write_xlsx({names[0]: [header, ["张三", ID1, "620100100001", 100]],
                            names[1]: [header, ["李四", ID2, "620100100002", 100]]})
    r = cli("import-ledger", path, "--db", district_path, "--json")
    assert r.code == 0, r.err
    assert _townships_of_loans(district_path) == {"柳林镇": 1, "马营镇": 1}


def test_of_balances_by_month_the_latest_month_is_the_balance(new_db, tmp_path, write_xlsx):
    header = ["借款人", "身份证号", "借据号", "2026年1月末余额", "2026年6月末余额", "2026年10月末余额"]
    r = import_ledger(new_db, write_xlsx({"柳林镇": [header, ["张三", ID1, "620100100001", 300, 200, 100]]}),
                      today=TODAY)
    assert r.balance_fen == 10000
    assert any("F列" in n for n in r.notes)


@pytest.mark.parametrize("header", ["剩余金额", "未还金额", "尚欠金额"])
def test_other_words_for_what_is_still_owed(new_db, tmp_path, header, write_xlsx):
    rows = [["借款人", "身份证号", "借据号", "发放金额", header], ["张三", ID1, "620100100001", 300, 200]]
    r = import_ledger(new_db, write_xlsx({"柳林镇": rows}), today=TODAY)
    assert r.balance_fen == 20000


def test_a_balance_too_large_or_in_scientific_notation_says_so(new_db, tmp_path, write_xlsx):
    rows = [["借款人", "身份证号", "借据号", "贷款余额"], ["张三", ID1, "620100100001", 1e20],
            ["李四", ID2, "620100100002", "1.2E+5"], ["王五", ID3, "620100100003", "待核实"]]
    r = import_ledger(new_db, write_xlsx({"柳林镇": rows}), today=TODAY)
    assert [x.message for x in r.rows_rejected] == ["贷款余额过大：1e+20", "贷款余额是科学计数法，可能已丢失位数：1.2E+5",
                                                  "贷款余额不是数字：待核实"]


@pytest.mark.parametrize("title, as_of", [("柳林镇2026年10月末不良贷款清收台账", "2026-10-31"),
                                          ("统计时点：2026-09-30", "2026-09-30"),
                                          ("不良贷款台账（截止到2026年8月31日）", "2026-08-31")])
def test_the_data_date_as_titles_say_it(cli, district_path, tmp_path, title, as_of, write_xlsx):
    rows = [[title], ["借款人", "身份证号", "借据号", "贷款余额"], ["张三", ID1, "620100100001", 100]]
    r = cli("import-ledger", write_xlsx({"柳林镇": rows}), "--db", district_path, "--json")
    assert r.code == 0, r.err
    assert r.json()["as_of"] == as_of


def test_invisible_characters_copied_from_a_web_page_do_not_make_a_new_loan_or_person(new_db, tmp_path, write_xlsx):
    header = ["借款人", "身份证号", "借据号", "贷款余额"]
    first = write_xlsx({"柳林镇": [["数据截至：2026年9月30日"], header, ["张三", ID1, "620100100001", 300]]},
                  name="9月.xlsx")
    later = write_xlsx({"柳林镇": [["数据截至：2026年10月31日"], header,
                                        ["张三\u200b", "\u200b" + ID1, "\ufeff620100100001\u200b", 200]]},
                  name="10月.xlsx")
    import_ledger(new_db, first, today=TODAY)
    r = import_ledger(new_db, later, today=TODAY)
    assert (r.loans_imported, r.loans_updated) == (0, 1) and not r.warnings
    assert r.bank_recovered_fen == 10000 and r.loans_missing == []
