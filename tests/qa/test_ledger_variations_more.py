"""Ledgers as bank and township staff really make them, beyond the sample and the variations
already covered (tests/integration/ledger, tests/qa/test_ledger_import.py): each test builds
its file here and imports it the way a clerk does."""
from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from app.domain.errors import InputError
from app.services.ledger_import import import_ledger

from tests.qa.helpers import make_id, query, snapshot

TODAY = date(2026, 11, 22)
ID1 = make_id("62242119601018092")
ID2 = make_id("62242119700101123")
ID3 = make_id("62242119800101123")


def _xlsx(tmp_path: Path, sheets: dict[str, list[list]], *, merges: dict[str, list[str]] | None = None,
          name: str = "台账.xlsx") -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
        for rng in (merges or {}).get(title, []):
            ws.merge_cells(rng)
    path = tmp_path / name
    wb.save(path)
    return path


def _townships_of_loans(path) -> dict[str, int]:
    return dict(query(path, "SELECT u.name, COUNT(*) FROM loans l JOIN units u ON u.id = l.township_id GROUP BY u.name"))


# ---------------------------------------------------------------------------- cells merged down

def test_a_borrowers_name_id_and_village_merged_down_over_their_loans(cli, district_path, tmp_path):
    header = ["序号", "村", "借款人", "身份证号", "借据号", "贷款余额"]
    rows = [header,
            [1, "李家村", "张三", ID1, "620100100001", 10000],
            [2, None, None, None, "620100100002", 20000],
            [3, None, "李四", ID2, "620100100003", 5000],
            [4, "王家村", "王五", ID3, "620100100004", 500],
            [5, None, None, None, "620100100005", 600]]
    path = _xlsx(tmp_path, {"柳林镇": rows},
                 merges={"柳林镇": ["B2:B4", "C2:C3", "D2:D3", "B5:B6", "C5:C6", "D5:D6"]})
    r = cli("import-ledger", path, "--db", district_path, "--json")
    assert r.code == 0, r.err
    out = r.json()
    assert out["loans_imported"] == 5 and out["rows_rejected"] == []
    assert out["households"] == 3
    villages = dict(query(district_path, "SELECT l.loan_no, v.name FROM loans l JOIN households h ON h.id = l.household_id"
                                         " JOIN villages v ON v.id = h.village_id"))
    assert villages["620100100003"] == "李家村" and villages["620100100005"] == "王家村"


def test_a_balance_merged_over_two_loans_is_not_given_to_both(new_db, tmp_path):
    header = ["借款人", "身份证号", "借据号", "贷款余额"]
    rows = [header, ["张三", ID1, "620100100001", 30000], ["张三", ID1, "620100100002", None]]
    path = _xlsx(tmp_path, {"柳林镇": rows}, merges={"柳林镇": ["D2:D3"]})
    r = import_ledger(new_db, path, today=TODAY)
    assert r.balance_fen == 3000000
    assert [(x.row, x.reason) for x in r.rows_rejected] == [(3, "bad_balance")]


# ---------------------------------------------------------------------------- a second table below the first

def test_a_summary_table_below_the_ledger_is_not_imported_as_loans(cli, district_path, tmp_path):
    header = ["借款人", "身份证号", "借据号", "贷款余额"]
    rows = [header, ["张三", ID1, "620100100001", 10000], ["李四", ID2, "620100100002", 20000],
            ["合计", "", "", 30000], [], [],
            ["按五级分类汇总"], ["项目", "户数", "笔数", "余额"], ["可疑", 2, 2, 30000], ["损失", 0, 0, 0],
            [], ["制表人：", "王芳", "审核人：", "李明"], ["填报日期：", "2026年11月1日"]]
    path = _xlsx(tmp_path, {"柳林镇": rows})
    r = cli("import-ledger", path, "--db", district_path, "--json")
    assert r.code == 0, r.err
    out = r.json()
    assert out["loans_imported"] == 2 and out["balance_total"] == "30000.00"
    assert out["rows_rejected"] == []
    assert any("另一张表" in n and "第 8 行" in n for n in out["notes"])


def test_rows_of_the_ledger_after_a_repeated_header_are_still_read(new_db, tmp_path):
    header = ["借款人", "身份证号", "借据号", "贷款余额"]
    rows = [header, ["张三", ID1, "620100100001", 10000], ["本页合计", "", "", 10000],
            ["项目", "户数", "笔数", "余额"], ["可疑", 1, 1, 10000],
            header, ["李四", ID2, "620100100002", 20000], ["", "", "", ""], ["王五", ID3, "", 300]]
    r = import_ledger(new_db, _xlsx(tmp_path, {"柳林镇": rows}), today=TODAY)
    assert r.loans_imported == 2 and r.balance_fen == 3000000
    # a loan row with no loan number after the table went on is still rejected, not hidden
    assert [(x.row, x.reason) for x in r.rows_rejected] == [(9, "missing_loan_no")]


# ---------------------------------------------------------------------------- townships in a 乡镇 column

def test_one_township_written_two_ways_in_the_township_column_is_one_township(cli, district_path, tmp_path):
    header = ["乡镇", "借款人", "身份证号", "借据号", "贷款余额"]
    rows = [header, ["柳林", "张三", ID1, "620100100001", 100], ["柳林镇", "李四", ID2, "620100100002", 100],
            ["马营镇人民政府", "王五", ID3, "620100100003", 100], ["马营镇", "赵六", ID3, "620100100004", 100]]
    path = _xlsx(tmp_path, {"Sheet1": rows})
    r = cli("import-ledger", path, "--db", district_path, "--json")
    assert r.code == 0, r.err
    assert sorted(r.json()["townships"]) == ["柳林镇", "马营镇"]
    assert _townships_of_loans(district_path) == {"柳林镇": 2, "马营镇": 2}


def test_a_township_laptop_keeps_its_loans_when_the_column_leaves_out_zhen(cli, tmp_path):
    db = tmp_path / "柳林镇.db"
    assert cli("init", "--db", db, "--role", "township", "--unit", "柳林镇").code == 0
    header = ["乡镇", "借款人", "身份证号", "借据号", "贷款余额"]
    rows = [header, ["柳林", "张三", ID1, "620100100001", 100], ["马营", "王五", ID3, "620100100003", 100]]
    r = cli("import-ledger", _xlsx(tmp_path, {"Sheet1": rows}), "--db", db, "--json")
    assert r.code == 0, r.err
    assert r.json()["loans_imported"] == 1 and r.json()["townships"] == ["柳林镇"]


# ---------------------------------------------------------------------------- 万 without 元

@pytest.mark.parametrize("title, header", [([], "贷款余额（万）"), ([], "贷款余额\n(万)"), ([["单位：万"]], "贷款余额"),
                                           ([["清收台账", "", "", "金额单位:万"]], "余额")])
def test_wan_alone_is_ten_thousand_yuan(new_db, tmp_path, title, header):
    rows = title + [["借款人", "身份证号", "借据号", header], ["张三", ID1, "620100100001", 1.5]]
    r = import_ledger(new_db, _xlsx(tmp_path, {"柳林镇": rows}), today=TODAY)
    assert r.balance_fen == 1500000


# ---------------------------------------------------------------------------- files that are not what their name says

def test_an_xlsx_file_named_xls_is_read(cli, district_path, tmp_path):
    good = _xlsx(tmp_path, {"柳林镇": [["借款人", "身份证号", "借据号", "贷款余额"], ["张三", ID1, "620100100001", 100]]})
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


def test_a_truncated_download_is_called_incomplete(new_db, tmp_path):
    good = _xlsx(tmp_path, {"柳林镇": [["借款人", "身份证号", "借据号", "贷款余额"], ["张三", ID1, "620100100001", 100]]})
    cut = tmp_path / "台账（不完整）.xlsx"
    cut.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    with pytest.raises(InputError, match="不完整"):
        import_ledger(new_db, cut, today=TODAY)
