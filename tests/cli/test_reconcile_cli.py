"""``qingshou reconcile``: the shipped sample ledgers imported as the README imports them, a few
repayments recorded with ``repay``; the ``--json`` shape of the contract, the workbook read back
with openpyxl (sheets, headers, amounts to the fen, Chinese labels, the page), the refusals of
``--out`` and of the database (as ``report --out``: no folder made, no file replaced)."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.cli.helpers import run_cli

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
KINDS = {"recorded_not_in_bank", "in_bank_not_recorded", "amounts_differ", "balance_rose"}


def _fen(yuan) -> int:
    return int(Decimal(str(yuan)) * 100)


@pytest.fixture
def district(capsys, tmp_path):
    """The district database of the README with both sample ledgers (10-31 and 11-30), before any
    repayment: each of the 64 loans whose balance fell is the bank's alone."""
    db = tmp_path / "区县.db"
    assert run_cli(capsys, "init", "--db", db, "--role", "district", "--unit", "示范区").code == 0
    for name in ("台账示例.xlsx", "台账示例-一个月后.xlsx"):
        assert run_cli(capsys, "import-ledger", SAMPLES / name, "--db", db, "--json").code == 0
    return db


@pytest.fixture
def recorded(cli, district):
    """Then 柳林镇's records: the first drop recorded in full, the second half of it, 100.00 on a
    loan whose balance did not move, and 50.00 after the last ledger."""
    before = cli("reconcile", "--db", district, "--out", district.parent / "之前.xlsx", "--json").json()["differences"]
    full, half = before[0], before[1]
    still = next(n for n in _loan_numbers(district) if n not in {d["loan"] for d in before})
    for loan, amount, day in ((full["loan"], full["bank_reported"], "2026-11-10"),
                              (half["loan"], str((Decimal(half["bank_reported"]) / 2).quantize(Decimal("0.01"))), "2026-11-12"),
                              (still, "100.00", "2026-11-15"), (still, "50.00", "2026-12-01")):
        r = cli("repay", "--db", district, "--loan", loan, "--amount", amount, "--date", day, "--json")
        assert r.code == 0, r.err
    return district, before, full, half, still


def _loan_numbers(db: Path) -> list[str]:
    import sqlite3

    with sqlite3.connect(db) as conn:
        return [r[0] for r in conn.execute("SELECT loan_no FROM loans ORDER BY loan_no")]


def test_the_json_has_the_contracts_fields(cli, recorded, tmp_path):
    db, before, full, half, still = recorded
    out = tmp_path / "对账.xlsx"
    r = cli("reconcile", "--db", db, "--out", out, "--json")
    assert r.code == 0 and r.err == "", r.err
    j = r.json()
    assert j["out"] == str(out) and out.is_file()
    assert j["loans_checked"] == 223 and isinstance(j["differences"], list)
    for d in j["differences"]:
        assert {"loan", "kind", "township_recorded", "bank_reported"} <= set(d) and d["kind"] in KINDS
        for k in ("township_recorded", "bank_reported", "difference", "loan_difference"):
            assert isinstance(d[k], str) and Decimal(d[k]) == Decimal(d[k]).quantize(Decimal("0.01")), d
    by_loan = {d["loan"]: d for d in j["differences"]}
    assert full["loan"] not in by_loan and len(j["differences"]) == len(before)   # one gone, one new
    assert by_loan[half["loan"]]["kind"] == "amounts_differ"
    assert abs(_fen(by_loan[half["loan"]]["township_recorded"]) * 2 - _fen(half["bank_reported"])) <= 1
    assert {k: by_loan[still][k] for k in ("kind", "township_recorded", "bank_reported", "from", "to")} == {
        "kind": "recorded_not_in_bank", "township_recorded": "100.00", "bank_reported": "0.00",
        "from": "2026-10-31", "to": "2026-11-30"}
    assert j["kinds"] == {"recorded_not_in_bank": 1, "in_bank_not_recorded": len(before) - 2, "amounts_differ": 1,
                          "balance_rose": 0}
    assert j["pending"] == [{"loan": still, "township": by_loan[still]["township"], "last_ledger": "2026-11-30",
                             "repayments": 1, "township_recorded": "50.00", "first": "2026-12-01",
                             "last": "2026-12-01"}]
    assert sum(t["loans_checked"] for t in j["townships"]) == 223
    assert j["bank_reported"] == "9820877.00"   # the sample's bank_reported_recovered: every drop, once


def test_the_workbook_reads_back(cli, recorded, tmp_path):
    db, *_ = recorded
    out = tmp_path / "对账.xlsx"
    j = cli("reconcile", "--db", db, "--out", out, "--json").json()
    wb = load_workbook(out)
    assert wb.sheetnames == ["差异", "汇总", "待核对"]

    ws = wb["差异"]
    assert ws["A1"].value == "示范区不良贷款对账表　差异" and "核对贷款 223 笔" in ws["A2"].value
    assert [c.value for c in ws[3]] == ["乡镇", "村（社区）", "户主", "借据号", "期间起（上期台账）", "期间止（本期台账）",
                                        "乡镇登记本金（元）", "银行台账减少（元）", "差额（元）", "至最近一期累计差额（元）",
                                        "类别", "请核对"]
    rows = [list(x) for x in ws.iter_rows(min_row=4, max_row=3 + len(j["differences"]), values_only=True)]
    assert [(r[3], _fen(r[6]), _fen(r[7]), _fen(r[8]), _fen(r[9])) for r in rows] == [
        (d["loan"], _fen(d["township_recorded"]), _fen(d["bank_reported"]), _fen(d["difference"]),
         _fen(d["loan_difference"])) for d in j["differences"]]
    assert [(r[0], r[1], r[2], r[4].date().isoformat(), r[5].date().isoformat()) for r in rows] == [
        (d["township"], d["village"], d["household"], d["from"], d["to"]) for d in j["differences"]]
    names = {"recorded_not_in_bank": "乡镇有记录、台账未减少", "in_bank_not_recorded": "台账减少、乡镇无记录",
             "amounts_differ": "金额不符"}
    assert [r[10] for r in rows] == [names[d["kind"]] for d in j["differences"]]
    checks = {r[10]: r[11] for r in rows}
    assert checks["乡镇有记录、台账未减少"].startswith("乡镇登记了还款，这一期银行台账余额没有减少")
    assert "向银行核实" in checks["台账减少、乡镇无记录"] and "漏登" in checks["金额不符"]
    assert all(isinstance(r[6], (int, float)) for r in rows)              # numbers, not text
    assert ws["G4"].number_format == "#,##0.00" and ws["E4"].number_format == "yyyy-mm-dd"
    assert ws.freeze_panes == "A4" and ws.auto_filter.ref == f"A3:L{3 + len(rows)}"
    assert int(ws.page_setup.paperSize) == 9 and ws.page_setup.orientation == "landscape"
    assert ws.print_title_rows == "$3:$3" and ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.column_dimensions["L"].width >= 40 and ws.column_dimensions["A"].width >= 10   # Chinese text fits
    assert ws["L4"].alignment.wrap_text

    ws = wb["汇总"]
    header = [c.value for c in ws[3]]
    assert header[:6] == ["乡镇", "核对贷款笔数", "有差异的贷款笔数", "乡镇登记本金（元）", "银行台账减少（元）", "差额（元）"]
    assert "金额不符（处）" in header and header[-3:] == ["待下期核对（笔）", "待下期核对本金（元）", "无台账未核对（笔）"]
    lines = [list(x) for x in ws.iter_rows(min_row=4, max_row=4 + len(j["townships"]), values_only=True)]
    assert [x[0] for x in lines] == [t["name"] for t in j["townships"]] + ["合计"]
    assert [(x[1], x[2], _fen(x[3]), _fen(x[4])) for x in lines[:-1]] == [
        (t["loans_checked"], t["loans_differing"], _fen(t["township_recorded"]), _fen(t["bank_reported"]))
        for t in j["townships"]]
    total = lines[-1]
    assert (total[1], _fen(total[4])) == (223, _fen("9820877.00")) and ws[4 + len(j["townships"])][0].font.bold
    assert total[header.index("金额不符（处）")] == 1 and _fen(total[header.index("待下期核对本金（元）")]) == 5000

    ws = wb["待核对"]
    assert [c.value for c in ws[3]][:7] == ["乡镇", "村（社区）", "户主", "借据号", "最近一期台账日", "此后登记笔数",
                                            "此后登记本金（元）"]
    (p,) = j["pending"]
    row = [c.value for c in ws[4]]
    assert (row[3], row[4].date().isoformat(), row[5], _fen(row[6])) == (p["loan"], "2026-11-30", 1, 5000)
    assert wb.properties.title == "示范区不良贷款对账表"


def test_the_human_output_and_one_township(cli, district, tmp_path):
    out = tmp_path / "对账.xlsx"
    r = cli("reconcile", "--db", district, "--out", out)
    assert r.code == 0 and r.out.splitlines() == [
        f"已生成示范区对账表：{out}", "核对贷款 223 笔，有差异的 64 笔、共 64 处（台账减少、乡镇无记录 64 处）。"]
    j = cli("reconcile", "--db", district, "--out", tmp_path / "柳林镇.xlsx", "--township", "柳林镇", "--json").json()
    assert j["scope"] == "柳林镇" and [t["name"] for t in j["townships"]] == ["柳林镇"]
    assert j["loans_checked"] == 53 and {d["township"] for d in j["differences"]} == {"柳林镇"}


def test_a_database_without_ledgers_checks_nothing(cli, demo_path, tmp_path):
    r = cli("reconcile", "--db", demo_path, "--out", tmp_path / "对账.xlsx", "--json")
    assert r.code == 0 and r.json()["loans_checked"] == 0 and r.json()["differences"] == []
    ws = load_workbook(tmp_path / "对账.xlsx")["差异"]
    assert ws["A4"].value.startswith("（没有差异")


# -- refusals ----------------------------------------------------------------------------------
def _files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_a_missing_folder_is_refused_and_not_made(cli, demo_path, tmp_path):
    out = tmp_path / "没有这个文件夹" / "对账.xlsx"
    r = cli("reconcile", "--db", demo_path, "--out", out)
    assert r.code == 1 and "文件夹不存在" in r.err and "不会新建文件夹" in r.err and "没有生成对账表" in r.err, r.err
    assert not out.parent.exists() and r.out == ""


def test_an_existing_file_is_never_replaced(cli, demo_path, tmp_path):
    out = tmp_path / "已有.xlsx"
    out.write_bytes(b"precious")
    before = demo_path.read_bytes()
    r = cli("reconcile", "--db", demo_path, "--out", out)
    assert r.code == 1 and "不会覆盖" in r.err and str(out) in r.err, r.err
    assert out.read_bytes() == b"precious" and demo_path.read_bytes() == before


@pytest.mark.parametrize("argv, words", [
    (["--out", "对账.xls"], "对账表只能保存为 .xlsx 文件"),
    (["--out", "对账.pdf"], "对账表只能保存为 .xlsx 文件"),
    (["--out", "对账.xlsx", "--township", "柳林"], "没有名为“柳林”的乡镇（是不是：柳林镇？）"),
])
def test_refused_with_one_chinese_line_and_nothing_written(cli, demo_path, tmp_path, argv, words):
    argv = [tmp_path / a if a.startswith("对账") else a for a in argv]
    before = demo_path.read_bytes()
    r = cli("reconcile", "--db", demo_path, *argv)
    assert r.code == 1 and words in r.err and "\n" not in r.err.strip() and r.out == "", r.err
    assert demo_path.read_bytes() == before
    assert [n for n in _files(tmp_path) if n.startswith("对账")] == []   # no file, no .part


@pytest.mark.parametrize("make, words", [
    (lambda p: None, "数据库文件不存在"),
    (lambda p: p.write_text("不是数据库", encoding="utf-8"), "不是清收工作台的数据库文件"),
    (lambda p: p.write_bytes(b""), "数据库尚未初始化"),
])
def test_no_database_or_not_one_of_ours_is_refused(cli, tmp_path, make, words):
    db = tmp_path / "x.db"
    make(db)
    r = cli("reconcile", "--db", db, "--out", tmp_path / "对账.xlsx")
    assert r.code == 1 and words in r.err and "\n" not in r.err.strip(), r.err
    assert not (tmp_path / "对账.xlsx").exists() and not (tmp_path / "对账.xlsx.part").exists()


def test_bad_usage_exits_2(cli, demo_path, tmp_path):
    r = cli("reconcile", "--db", demo_path)
    assert r.code == 2 and "--out" in r.err
    assert _files(tmp_path) == ["demo.db"]
