"""``qingshou import-ledger``: the CLI.md contract (JSON fields, exit codes, nothing written
when refused)."""
from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from app.cli import main

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "tests" / "data" / "ledger-sample"


@pytest.fixture
def db_path(tmp_path) -> Path:
    path = tmp_path / "district.db"
    assert main(["init", "--db", str(path), "--role", "district", "--unit", "示范区"]) == 0
    return path


def _snapshot(path: Path) -> dict[str, int]:
    con = sqlite3.connect(path)
    try:
        tables = [t for (t,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {t: con.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}
    finally:
        con.close()


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "app", *args], cwd=ROOT, capture_output=True, text=True,
                          encoding="utf-8", timeout=120)


def test_json_output_follows_the_contract(db_path, capsys):
    capsys.readouterr()
    code = main(["import-ledger", str(SAMPLE / "ledger.xlsx"), "--db", str(db_path), "--json"])
    out = capsys.readouterr().out
    assert code == 0
    data = json.loads(out)
    assert (data["loans_imported"], data["loans_updated"], data["loans_unchanged"]) == (223, 0, 0)
    assert data["households"] == 146 and data["balance_total"] == "58006179.00"
    assert len(data["rows_rejected"]) == 21 and len(data["warnings"]) == 6
    assert set(data["rows_rejected"][0]) >= {"sheet", "row", "reason", "message"}
    assert {"sheet": "柳林镇", "row": 12, "reason": "bad_balance", "message": "贷款余额不是数字：待核实",
            "loan_no": "620100100189"} in data["rows_rejected"]
    assert set(data["warnings"][0]) >= {"sheet", "row", "code", "message"}
    assert {w["code"] for w in data["warnings"]} == {"id_checksum", "id_mangled"}
    assert data["loans_missing"] == [] and data["bank_recovered"] == "0.00"

    code = main(["import-ledger", str(SAMPLE / "update.xlsx"), "--db", str(db_path), "--json"])
    later = json.loads(capsys.readouterr().out)
    assert code == 0 and later["bank_recovered"] == "9820877.00" and later["loans_settled"] == 22
    assert later["balance_total"] == "48185302.00"


def test_human_output_and_error_report(db_path, tmp_path, capsys):
    report = tmp_path / "退回.xlsx"
    code = main(["import-ledger", str(SAMPLE / "ledger.xlsx"), "--db", str(db_path), "--error-report", str(report)])
    out = capsys.readouterr().out
    assert code == 0
    assert "新增 223 笔" in out and "未导入 21 行" in out and "柳林镇 第 12 行：贷款余额不是数字：待核实" in out
    assert report.exists()


@pytest.mark.parametrize("content", [b"PK\x03\x04garbage", b"", "序号,借款人\n1,张三\n".encode("gbk")])
def test_an_unreadable_file_exits_1_and_writes_nothing(db_path, tmp_path, content):
    bad = tmp_path / "台账.xlsx"
    bad.write_bytes(content)
    before = _snapshot(db_path)
    result = _run("import-ledger", str(bad), "--db", str(db_path), "--json")
    assert result.returncode == 1
    assert result.stdout == ""
    message = result.stderr.strip()
    assert "\n" not in message and "台账.xlsx" in message and "Traceback" not in message
    assert _snapshot(db_path) == before


def test_a_file_with_no_table_exits_1_and_writes_nothing(db_path, tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.title = "填表说明"
    wb.active.append(["本表由农商银行风险管理部提供"])
    wb.create_sheet("Sheet2").append([1, 2, 3])
    path = tmp_path / "说明.xlsx"
    wb.save(path)
    before = _snapshot(db_path)
    result = _run("import-ledger", str(path), "--db", str(db_path))
    assert result.returncode == 1
    assert "没有找到贷款台账表格" in result.stderr
    assert _snapshot(db_path) == before


def test_a_missing_file_or_database_exits_1(db_path, tmp_path, capsys):
    assert main(["import-ledger", str(tmp_path / "nope.xlsx"), "--db", str(db_path)]) == 1
    assert "找不到文件" in capsys.readouterr().err
    missing_db = tmp_path / "none.db"
    assert main(["import-ledger", str(SAMPLE / "ledger.xlsx"), "--db", str(missing_db)]) == 1
    assert not missing_db.exists()


def test_township_flag_for_a_ledger_that_does_not_say(db_path, tmp_path, capsys):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["借款人", "身份证号", "借据号", "贷款余额"])
    wb.active.append(["张三", "622421196010180921", "620100100021", 3615])
    path = tmp_path / "无乡镇.xlsx"
    wb.save(path)
    before = _snapshot(db_path)
    assert main(["import-ledger", str(path), "--db", str(db_path)]) == 1
    assert "--township" in capsys.readouterr().err
    assert _snapshot(db_path) == before
    assert main(["import-ledger", str(path), "--db", str(db_path), "--township", "柳林镇", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["townships"] == ["柳林镇"]


def test_bad_usage_exits_2():
    assert _run("import-ledger").returncode == 2


def test_a_ledger_in_wan_that_says_so_nowhere_is_refused_until_unit_says_which(db_path, tmp_path, capsys):
    """The command line cannot ask: importing as 元 would fix the task amounts 10,000 times too
    small for good (a later import does not change them), so it refuses and names --unit."""
    from tests.hostile_workbooks import loan_rows, write_xlsx
    from tests.scenarios.helpers import snapshot

    rows = loan_rows(8)
    for k, row in enumerate(rows):
        row[3], row[4] = 1.5 + k / 4, 5.0          # 万元, said nowhere
    path = write_xlsx(tmp_path / "台账.xlsx", rows)
    copy = write_xlsx(tmp_path / "台账2.xlsx", rows, sheet="马营镇")
    before = snapshot(db_path)
    capsys.readouterr()
    assert main(["import-ledger", str(path), "--db", str(db_path)]) == 1
    err = capsys.readouterr().err
    assert "工作表“柳林镇”：金额没有注明单位" in err and "--unit 万元" in err and "台账没有导入" in err
    assert snapshot(db_path) == before

    assert main(["import-ledger", str(path), "--db", str(db_path), "--unit", "元", "--json"]) == 0
    said = json.loads(capsys.readouterr().out)      # the person said 元: taken as said, no question
    assert not [w for w in said["warnings"] if w["code"] == "unit_unstated"]
    assert main(["import-ledger", str(copy), "--db", str(db_path), "--unit", "万元", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["warnings"] == [w for w in data["warnings"] if w["code"] != "unit_unstated"]
    assert data["balance_total"] == f"{sum(int(r[3] * 10_000) for r in rows)}.00"
