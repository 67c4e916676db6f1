"""A new user walking README and CLI.md end to end on a ledger of their own: what went wrong."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.scenarios.helpers import make_id

HEADER = ["序号", "村别", "组别", "借款人名称", "身份证", "电话", "借据号码", "放款日期", "到期日",
          "合同金额（元）", "贷款余额（元）", "欠息（元）", "担保方式", "备注"]


def _ledger(write_xlsx) -> Path:
    def row(n, village, name, body17, loan_no, balance):
        return [n, village, "1组", name, make_id(body17).lower(), "13900001111", loan_no, "2016-05-01",
                "2019-05-01", balance, balance, 100, "信用", None]

    top = [["不良贷款清收任务表"], ["数据截至：2026年10月31日  单位：元"], HEADER]
    return write_xlsx({
        "青峰镇": top + [row(1, "上坪村", "马三宝", "62040219750801369", "700200300765", 12000),
                        row(2, "河湾村", "黄金贵", "62040219680611660", "700200300816", 1234567.89)],
        "白河乡": top + [row(1, "石桥村", "卫国庆", "62040219680918234", "700200300442", 5100)],
    })


@pytest.fixture
def walked(cli, district_path, write_xlsx) -> Path:
    r = cli("import-ledger", _ledger(write_xlsx), "--db", district_path, "--json")
    assert r.code == 0, r.err
    assert r.json()["loans_imported"] == 3
    return district_path


# -- filters name what they could not find -------------------------------------------------

@pytest.mark.parametrize("flag, value, kind", [("--township", "白河", "乡镇"), ("--village", "石桥", "村"),
                                               ("--staff", "张三", "责任人")])
def test_a_filter_name_that_is_not_found_says_what_kind_of_name_it_was(cli, walked, flag, value, kind):
    r = cli("households", "--db", walked, flag, value)
    assert r.code == 1
    assert kind in r.err and value in r.err, r.err


def test_a_township_filter_with_a_shortened_name_suggests_the_full_one(cli, walked):
    r = cli("worklist", "--db", walked, "--township", "白河")
    assert r.code == 1
    assert "白河乡" in r.err, r.err


# -- backup files stay single files ---------------------------------------------------------

def test_restoring_leaves_no_extra_files_beside_the_backup(cli, walked, tmp_path):
    stick = tmp_path / "U盘"
    stick.mkdir()
    assert cli("backup", "--db", walked, "--out", stick / "备份.db").code == 0
    again = cli("backup", "--db", walked, "--out", stick / "备份.db")  # an existing file is never replaced
    assert again.code == 1 and "不会覆盖" in again.err
    r = cli("restore", "--db", tmp_path / "恢复.db", stick / "备份.db")
    assert r.code == 0, r.err
    assert sorted(p.name for p in stick.iterdir()) == ["备份.db"]


# -- output to a reader that went away --------------------------------------------------------

def test_output_piped_to_a_reader_that_stops_early_does_not_claim_the_operation_failed(walked, tmp_path):
    """``qingshou repay … | head -c 1``: the repayment is written; no message says it was not."""
    script = ("import sys\nfrom app.cli import main\n"
              "sys.exit(main(sys.argv[1:]))\n")
    proc = subprocess.Popen(
        [sys.executable, "-c", script, "repay", "--db", str(walked), "--loan", "700200300442", "--amount", "100",
         "--date", "2026-11-20"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=Path(__file__).resolve().parents[2],
        env={**__import__("os").environ, "QINGSHOU_HOME": str(tmp_path / "home")})
    proc.stdout.close()  # the reader is gone before anything is printed
    err = proc.stderr.read().decode("utf-8", "replace")
    code = proc.wait(timeout=120)
    assert "操作未完成" not in err and "Traceback" not in err and "Exception ignored" not in err, err
    assert code == 0
    from tests.scenarios.helpers import query
    assert query(walked, "SELECT COUNT(*) FROM repayments") == [(1,)]


# -- the program speaks Chinese in its help and usage lines ----------------------------------

def test_usage_errors_and_help_are_in_chinese(cli):
    r = cli("repay", "--amont", "1")
    assert r.code == 2
    assert "usage:" not in r.err and "用法" in r.err, r.err
    r = cli("repay", "-h")
    assert r.code == 0
    for english in ("usage:", "options:", "show this help message"):
        assert english not in r.out, r.out


# -- the error report never replaces the bank's ledger ----------------------------------------

@pytest.mark.parametrize("report_name", ["台账.xlsx", "台账.xls", "台账"])
def test_an_error_report_named_like_the_ledger_is_refused_and_the_ledger_is_kept(cli, district_path, write_xlsx,
                                                                              report_name):
    ledger = _ledger(write_xlsx)  # 台账.xlsx
    before = ledger.read_bytes()
    r = cli("import-ledger", ledger, "--db", district_path, "--error-report", ledger.with_name(report_name))
    assert r.code == 1
    assert "台账没有导入" in r.err, r.err
    assert ledger.read_bytes() == before
    assert cli("summary", "--db", district_path, "--json").json()["totals"]["loans"] == 0


# -- large sums stay on one line in the printed forms -----------------------------------------

@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext not installed")
def test_sums_over_a_million_are_printed_whole_not_broken_across_lines(cli, district_path, write_xlsx, tmp_path):
    """A large mortgage loan: 台账欠息 1,234,567.89 and 合计 11,189,333.32 in the forms' narrow
    columns were broken after "1,234,567.8" and "11,189,333.3"."""
    top = [["数据截至：2026年10月31日  单位：元"], HEADER]
    ledger = write_xlsx({"青峰镇": top + [[1, "河湾村", "1组", "黄金贵", make_id("62040219680611660"), "13900002222",
                                          "700200300816", "2014-01-10", "2018-01-01", 9876543.21, 9876543.21,
                                          1234567.89, "抵押", None]]})
    assert cli("import-ledger", ledger, "--db", district_path).code == 0
    r = cli("agreement", "create", "--db", district_path, "--loan", "700200300816", "--installments", "36",
            "--first-due", "2026-12-31", "--as-of", "2026-11-22", "--json")
    assert r.code == 0, r.err
    created = r.json()
    assert created["owed"] == "11189333.32"
    for kind in ("agreement", "sheet"):
        out = tmp_path / f"{kind}.pdf"
        assert cli("agreement", "pdf", "--db", district_path, created["agreement_id"], "--kind", kind,
                   "--out", out).code == 0
        text = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", str(out), "-"], capture_output=True,
                              check=True).stdout.decode("utf-8")
        table_lines = [ln for ln in text.splitlines() if "9,876,543.21" in ln]
        assert table_lines, text
        assert all("1,234,567.89" in ln for ln in table_lines), "\n".join(table_lines)
        assert any("11,189,333.32" in ln for ln in table_lines), "\n".join(table_lines)


def test_an_error_report_without_xlsx_does_not_silently_replace_another_workbook(cli, district_path, write_xlsx,
                                                                                tmp_path):
    """``--error-report 退回.txt`` is saved as 退回.xlsx: an existing 退回.xlsx is not replaced unasked."""
    ledger = _ledger(write_xlsx)
    other = write_xlsx({"十月": [["上个月退回银行的行"]]}, name="退回.xlsx")
    before = other.read_bytes()
    r = cli("import-ledger", ledger, "--db", district_path, "--error-report", tmp_path / "退回.txt")
    assert r.code == 1 and "退回.xlsx" in r.err, r.err
    assert other.read_bytes() == before
    r = cli("import-ledger", ledger, "--db", district_path, "--error-report", tmp_path / "新退回", "--json")
    assert r.code == 0, r.err
    assert r.json()["error_report"] == str(tmp_path / "新退回.xlsx")
