"""``qingshou import-ledger`` on ledgers like the banks' but not the sample: built here."""
from __future__ import annotations

import pytest

from tests.qa.helpers import make_id, query, snapshot

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
