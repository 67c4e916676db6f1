"""Ledgers laid out the way the campaign's own tables are (清收任务分解表, 不良贷款明细 by 村,
责任人 columns 包片领导 / 驻村干部 / 村社干部 / 信贷员, 户数 / 笔数 subtotal rows), with what a
tired clerk does to them; each file is built here and read through the import and the
preview.  What tests/scenarios/test_ledger_import.py and tests/integration/ledger_import cover is
not repeated."""
from __future__ import annotations

from datetime import date
from pathlib import Path

from app.services.ledger_import import import_ledger, preview
from tests.scenarios.helpers import make_id
from tests.workbooks import write_workbook

TODAY = date(2026, 11, 22)
ID1 = make_id("62242119601018092")
ID2 = make_id("62242119700101123")
ID3 = make_id("62242119800101123")
ID4 = make_id("62242119850505123")


def _xlsx(tmp_path: Path, sheets: dict[str, list[list]], *, name: str = "台账.xlsx") -> Path:
    return write_workbook(tmp_path / name, sheets)


def _xls(tmp_path: Path, sheets: dict[str, list[list]], *, name: str = "台账.xls") -> Path:
    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    for title, rows in sheets.items():
        ws = wb.add_sheet(title)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value not in ("", None):
                    ws.write(r, c, value)
    path = tmp_path / name
    wb.save(str(path))
    return path


def _columns(p, sheet: str) -> dict[str, str | None]:
    """Header text → field code, as the preview maps them."""
    lay = next(s.layout for s in p.sheets if s.name == sheet)
    return {c.header: c.field for c in lay.columns}


# ---------------------------------------------------------------------------- 清收任务分解表

TASK_HEADER = ["序号", "村", "组", "借款人", "身份证号", "借据号", "贷款金额", "贷款余额", "已收回金额",
               "包片领导", "驻村干部", "村社干部", "信贷员", "备注"]


def _task_table() -> list[list]:
    """A township's 清收任务分解表: 序号 restarting per village, a 小计 row per village giving
    户数 and 笔数 in the name and loan number columns, a 合计 row, signatures under it."""
    return [
        ["柳林镇不良贷款清收任务分解表"],
        ["填报单位：柳林镇人民政府（盖章）", "", "", "", "", "", "", "单位：元", "", "", "填报日期：2026年11月20日"],
        TASK_HEADER,
        [1, "李家村", "1组", "张三", ID1, "620100100001", 50000, 30000, 0, "王副镇长", "赵干部", "李支书", "钱明", ""],
        [2, "李家村", "2组", "李四", ID2, "620100100002", 20000, 20000, 5000, "王副镇长", "赵干部", "李支书", "钱明", ""],
        ["", "李家村小计", "", "2户", "", "2笔", 70000, 50000, 5000],
        [1, "王家村", "1组", "王五", ID3, "620100100003", 10000, 8000.5, 0, "刘副书记", "孙干部", "周主任", "吴强", ""],
        [2, "王家村", "3组", "赵六", ID4, "620100100004", 10000, 9999.99, 0, "刘副书记", "孙干部", "周主任", "吴强", ""],
        ["", "王家村小计", "", "2户", "", "2笔", 20000, 17999.99, 0],
        ["合计", "", "", "4户", "", "4笔", 90000, 67999.99, 5000],
        ["制表人：张会计", "", "", "审核人：", "", "", "", "联系电话：0931-1234567"],
    ]


def test_subtotal_rows_giving_households_and_loans_counted_are_not_loans(new_db, tmp_path):
    """李家村小计 / 合计 rows that say 2户 / 2笔 where the name and loan number go are
    totals, not a borrower called 2户 with loan 2笔 (which doubled the balance)."""
    for path in (_xlsx(tmp_path, {"柳林镇": _task_table()}), _xls(tmp_path, {"柳林镇": _task_table()})):
        p = preview(path, today=TODAY)
        assert sorted(r.loan_no for r in p.parsed.rows) == [
            "620100100001", "620100100002", "620100100003", "620100100004"]
        assert p.rejected == [] and p.balance_fen == 6800049
        assert p.sheets[0].skipped.get("subtotal") == 3
    r = import_ledger(new_db, path, today=TODAY)
    assert r.loans_imported == 4 and r.balance_fen == 6800049 and r.rows_rejected == []


def test_a_village_cadre_column_is_not_the_village(tmp_path):
    """村社干部 / 村组干部 / 村组长 name people, not villages: on a sheet with no 村 column the
    cadre's name must not become the borrower's village."""
    header = ["序号", "借款人", "身份证号码", "借据号", "贷款余额", "村社干部", "村组干部", "村组长", "驻村干部", "包片领导"]
    rows = [header, [1, "孙七", ID1, "620200100001", 15000, "杨村长", "马组长", "马组长", "", "陈镇长"]]
    p = preview(_xlsx(tmp_path, {"马营镇": rows}), today=TODAY)
    columns = _columns(p, "马营镇")
    assert columns["村社干部"] is None and columns["村组干部"] is None and columns["村组长"] is None
    assert p.parsed.rows[0].village is None
    assert not any("村（社区）" in n for n in p.notes)


def test_the_borrower_and_the_id_number_in_one_cell(new_db, tmp_path):
    """A clerk's column 借款人⏎身份证号 holding "张三 6224…" (a space or a line break between, or
    none): the name is the name, the ID number the ID number."""
    header = ["序号", "村（社区）", "借款人\n身份证号", "借据号", "贷款余额"]
    rows = [header,
            [1, "李家村", f"张三 {ID1}", "620100100011", 30000],
            [2, "李家村", f"李四\n{ID2}", "620100100012", 12000],
            [3, "李家村", f"王五{ID3}", "620100100013", 1234.56]]
    path = _xlsx(tmp_path, {"柳林镇": rows})
    p = preview(path, today=TODAY)
    assert p.problems == []
    assert [(r.name, r.id_number, r.id_ok) for r in p.parsed.rows] == [
        ("张三", ID1, True), ("李四", ID2, True), ("王五", ID3, True)]
    r = import_ledger(new_db, path, today=TODAY)
    assert r.loans_imported == 3 and r.households == 3 and r.balance_fen == 4323456


def test_an_id_number_typed_after_the_name_in_the_borrower_column(new_db, tmp_path):
    """The ledger has an empty 身份证号 column and the clerk typed the number after the name."""
    header = ["借款人", "身份证号", "借据号", "贷款余额"]
    rows = [header, [f"张三 {ID1}", "", "620100100021", 5000], ["李四", ID2, "620100100022", 6000]]
    p = preview(_xlsx(tmp_path, {"柳林镇": rows}), today=TODAY)
    assert [(r.name, r.id_number) for r in p.parsed.rows] == [("张三", ID1), ("李四", ID2)]
    assert [w.code for w in p.warnings] == []


def test_the_day_the_table_was_filled_in_dates_it(tmp_path):
    """填报日期：2026年11月20日 on the 填报单位 line is the table's data date when nothing else
    is said (it was read as undated and dated by the import day)."""
    p = preview(_xlsx(tmp_path, {"柳林镇": _task_table()}), today=TODAY)
    assert p.as_of == date(2026, 11, 20)
    rows = _task_table()
    rows[1][10] += "  数据截至：2026年10月31日"
    p = preview(_xlsx(tmp_path, {"柳林镇": rows}, name="截至.xlsx"), today=TODAY)
    assert p.as_of == date(2026, 10, 31)


def test_a_workbook_kept_one_sheet_per_month_gives_the_latest_months_balances(new_db, tmp_path):
    """1月 / 2月 / 3月: each sheet the whole ledger at that month's end.  The loans were taken
    from 1月 (the oldest balances) and every row of 2月 and 3月 rejected as 借据号重复."""
    def month(balance):
        return [["柳林镇不良贷款台账"], ["序号", "借款人", "身份证号", "借据号", "贷款余额"],
                [1, "张三", ID1, "620100100021", balance], [2, "李四", ID2, "620100100022", 5000]]
    path = _xlsx(tmp_path, {"1月": month(10000), "2月": month(8000), "3月": month(6000)})
    p = preview(path, today=TODAY)
    assert p.rejected == []
    assert {r.loan_no: r.balance_fen for r in p.parsed.rows} == {"620100100021": 600000, "620100100022": 500000}
    assert any("1月" in n and "3月" in n for n in p.notes)
    r = import_ledger(new_db, path, today=TODAY)
    assert r.loans_imported == 2 and r.balance_fen == 1100000 and r.rows_rejected == []


def test_recovered_money_and_category_columns_are_said_not_imported(write_xlsx):
    """A township's 分解表 carries 已收回金额 and a 低保户 mark: neither is imported, and the
    preview says why, so the figures differing from the table surprise nobody."""
    from app.services.ledger_import import preview

    header = ["借款人", "身份证号", "借据号", "贷款余额", "已收回金额", "低保户", "贷款类别"]
    path = write_xlsx({"柳林镇": [header, ["张三", "", "L1", 10000, 2000, "√", "农户小额"]]}, name="分解表.xlsx")
    layout = preview(path).sheets[0].layout
    said = " ".join(layout.notes)
    assert "E列“已收回金额”不导入" in said and "登记为还款" in said
    assert "F列“低保户”不导入" in said and "特殊类别" in said
    assert "贷款类别" not in said


def test_balance_and_amount_lent_the_wrong_way_round_are_pointed_out(write_xlsx):
    from app.services.ledger_import import preview

    header = ["借款人", "借据号", "贷款金额", "贷款余额"]
    swapped = [[f"户{k}", f"L{k}", 3000 + k, 50000] for k in range(6)]       # the clerk's slip
    right = [[f"户{k}", f"L{k}", 50000, 3000 + k] for k in range(6)]
    said = " ".join(preview(write_xlsx({"柳林镇": [header, *swapped]}, name="a.xlsx")).notes)
    assert "标反" in said and "“贷款余额”比“贷款金额”还大" in said
    assert "标反" not in " ".join(preview(write_xlsx({"柳林镇": [header, *right]}, name="b.xlsx")).notes)
