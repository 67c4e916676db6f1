"""``qingshou assess``: the month's figures of ``--json`` against ``summary --as-of`` at the two month
ends, the PDF's text and fonts, the workbook read back, a township laptop's own assessment, and the
refusals (as ``bulletin``: bad month, another suffix, a missing folder, not a database)."""
from __future__ import annotations

import re
import shutil
import subprocess
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.cli.helpers import run_cli

MONTH, START, END = "2026-10", "2026-09-30", "2026-10-31"


def _fen(yuan) -> int:
    return int(Decimal(str(yuan)) * 100)


def _wan(yuan: str) -> str:
    return f"{(Decimal(yuan) / 10000).quantize(Decimal('0.01'), ROUND_HALF_UP):,.2f}"


def _pct(recovered: str, task: str) -> str:
    return f"{(Decimal(recovered) * 100 / Decimal(task)).quantize(Decimal('0.1'), ROUND_HALF_UP)}%"


def _pdf_text(path) -> str:
    return subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", str(path), "-"], capture_output=True,
                          check=True).stdout.decode("utf-8")


def _line_with(text: str, *parts: str) -> bool:
    pattern = r"\s+".join(re.escape(p) for p in parts)
    return any(re.search(pattern, line) for line in text.splitlines())


@pytest.fixture
def figures(capsys, demo_path, tmp_path):
    r = run_cli(capsys, "assess", "--db", demo_path, "--month", MONTH, "--out", tmp_path / "月考核.xlsx", "--json")
    assert r.code == 0, r.err
    end = run_cli(capsys, "summary", "--db", demo_path, "--as-of", END, "--json").json()
    start = run_cli(capsys, "summary", "--db", demo_path, "--as-of", START, "--json").json()
    return r.json(), end, start


def test_json_is_summary_at_the_month_end_less_the_end_before(figures, tmp_path):
    j, end, start = figures
    assert (j["month"], j["first"], j["last"], j["unit"], j["scope"]) == (MONTH, "2026-10-01", END, "示范区", "示范区")
    before = {t["name"]: t for t in start["townships"]}
    mine = {t["name"]: t for t in j["townships"]}
    assert sorted(mine) == sorted(t["name"] for t in end["townships"])
    for t in end["townships"]:
        m = mine[t["name"]]
        assert _fen(m["recovered_in_month"]) == _fen(t["recovered"]) - _fen(before[t["name"]]["recovered"])
        assert (m["loans"], m["households"], m["task_amount"], m["recovered"], m["outstanding"]) == (
            t["loans"], t["households"], t["task_amount"], t["recovered"], t["outstanding"])
        assert m["recovery_rate"] == t["recovery_rate"] and m["rate_shown"] == _pct(t["recovered"], t["task_amount"])
        assert m["promises_due"] == m["promises_kept"] + m["promises_broken"]
    total = j["totals"]
    assert _fen(total["recovered_in_month"]) == _fen(end["totals"]["recovered"]) - _fen(start["totals"]["recovered"])
    assert [t["rank"] for t in j["townships"]] == list(range(1, len(j["townships"]) + 1))
    for t in j["townships"]:
        villages = [v for v in j["villages"] if v["township"] == t["name"]]
        assert sum(_fen(v["recovered_in_month"]) for v in villages) == _fen(t["recovered_in_month"])
        assert sum(v["visits"] for v in villages) == t["visits"]
        assert all(p["detail"] is not None for p in j["people"] if p["township"] == t["name"])


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_the_pdf_has_the_figures_and_embeds_its_font(capsys, demo_path, figures, tmp_path):
    j, _end, _start = figures
    out = tmp_path / "月考核.pdf"
    r = run_cli(capsys, "assess", "--db", demo_path, "--month", MONTH, "--out", out)
    assert r.code == 0 and r.out.strip() == f"已生成示范区不良贷款清收工作10月考核情况：{out}", r.err
    text = _pdf_text(out)
    flat = re.sub(r"\s+", "", text)
    assert "示范区不良贷款清收工作10月考核情况" in flat and "（2026年10月1日至10月31日）" in flat
    assert flat.count("示范区不良贷款清收工作领导小组办公室") >= 2   # under the title and signed at the end
    t = j["totals"]
    assert (f"10月，全区共收回不良贷款{_wan(t['recovered_in_month'])}万元（含银行台账报告的收回）" in flat
            and f"占清收任务{_wan(t['task_amount'])}万元的{t['rate_shown']}" in flat)
    assert f"本月到期的还款承诺{t['promises_due']}个，按期兑现{t['promises_kept']}个，未兑现{t['promises_broken']}个" in flat
    for x in j["townships"] + j["villages"]:
        assert _line_with(text, str(x["rank"]), x["name"], str(x["loans"]), str(x["households"]),
                          _wan(x["task_amount"]), _wan(x["recovered_in_month"]), _wan(x["recovered"]), x["rate_shown"],
                          str(x["visits"]), str(x["never_visited"]), str(x["promises_kept"]),
                          str(x["promises_broken"])), x["name"]
    assert _line_with(text, "合计", str(t["loans"]), str(t["households"]), _wan(t["task_amount"]))
    for p in j["people"]:
        assert _line_with(text, p["name"], p["detail"], str(p["loans"]), str(p["households"]), _wan(p["task_amount"]),
                          _wan(p["recovered_in_month"]), _wan(p["recovered"]), p["rate_shown"]), p["name"]
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    assert fonts and all("WenQuanYiMicroHei" in f and " yes yes yes " in f for f in fonts), fonts
    sizes = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True, check=True).stdout
    assert "595.276 x 841.89 pts (A4)" in sizes


def test_the_workbook_reads_back(figures, tmp_path):
    j, _end, _start = figures
    wb = load_workbook(tmp_path / "月考核.xlsx")
    assert wb.sheetnames == ["乡镇排名", "村社", "责任人"]
    for ws in wb:
        assert ws.freeze_panes == "A4" and int(ws.page_setup.paperSize) == 9 and ws.page_setup.orientation == "landscape"
        assert ws.auto_filter.ref.startswith("A3:") and ws.print_title_rows == "$3:$3"
        assert ws.column_dimensions["B"].width >= 6
    ws = wb["乡镇排名"]
    assert ws["A1"].value == "示范区不良贷款清收工作10月考核情况　乡镇排名"
    rows = [r for r in ws.iter_rows(min_row=4, values_only=True)]
    for row, t in zip(rows, j["townships"] + [dict(j["totals"], rank=None, name="合计")]):
        assert row[:4] == (t["rank"], t["name"], t["loans"], t["households"])
        assert [f"{Decimal(str(v)):,.2f}" for v in row[4:7]] == [
            _wan(t["task_amount"]), _wan(t["recovered_in_month"]), _wan(t["recovered"])]
        assert f"{Decimal(str(row[7])) * 100:.1f}%" == t["rate_shown"]
        assert row[8:] == (t["visits"], t["never_visited"], t["promises_due"], t["promises_kept"], t["promises_broken"])
    assert ws["E4"].number_format == "#,##0.00" and ws["H4"].number_format == "0.0%" and ws["E4"].data_type == "n"
    villages = [r for r in wb["村社"].iter_rows(min_row=4, values_only=True)]
    assert [(v[0], v[1], v[2], _fen(v[5]), _fen(v[6]), _fen(v[7])) for v in villages] == [
        (v["township"], v["rank"], v["name"], _fen(v["task_amount"]), _fen(v["recovered_in_month"]), _fen(v["recovered"]))
        for v in j["villages"]]   # yuan to the fen
    people = [r for r in wb["责任人"].iter_rows(min_row=4, values_only=True) if r[2]]
    assert [(p[0], p[2], p[3], _fen(p[7])) for p in people] == [
        (p["township"], p["name"], p["detail"], _fen(p["recovered_in_month"])) for p in j["people"]]


def test_a_township_laptop_assesses_its_own_township(cli, demo_path, tmp_path, monkeypatch):
    monkeypatch.setenv("QINGSHOU_PASSPHRASE", "柳林-冬季清收")
    assert cli("tasks", "--db", demo_path, "--township", "柳林镇", "--out", tmp_path / "柳林镇.qstask").code == 0
    laptop = tmp_path / "laptop.db"
    assert cli("init", "--db", laptop, "--from-task", tmp_path / "柳林镇.qstask", "--device", "一号机").code == 0
    own = cli("assess", "--db", laptop, "--month", MONTH, "--out", tmp_path / "乡镇.pdf", "--json")
    assert own.code == 0, own.err
    there = cli("assess", "--db", demo_path, "--month", MONTH, "--township", "柳林镇", "--out", tmp_path / "区.pdf",
                "--json").json()
    mine = own.json()
    assert mine["scope"] == "柳林镇" and mine["unit"] == "柳林镇" and there["scope"] == "柳林镇" and there["unit"] == "示范区"
    assert mine["townships"] == there["townships"] and mine["villages"] == there["villages"]
    assert mine["people"] == there["people"] and mine["totals"] | {"name": ""} == there["totals"] | {"name": ""}
    if shutil.which("pdftotext"):
        assert "柳林镇不良贷款清收工作10月考核情况" in re.sub(r"\s+", "", _pdf_text(tmp_path / "乡镇.pdf"))


# -- refusals ----------------------------------------------------------------------------------
@pytest.mark.parametrize("argv, code, words", [
    (["--month", "2026-13", "--out", "考核.pdf"], 2, "月份应为 1 到 12"),
    (["--month", "十月", "--out", "考核.pdf"], 2, "无法识别的月份"),
    (["--month", "2999-01", "--out", "考核.pdf"], 1, "还没有结束"),
    (["--month", "2026-01", "--out", "考核.xlsx"], 1, "还没有清收任务"),
    (["--month", MONTH, "--out", "考核.docx"], 1, "只能保存为 .pdf 或 .xlsx"),
    (["--month", MONTH, "--out", "没有这个文件夹/考核.pdf"], 1, "文件夹不存在"),
    (["--month", MONTH, "--out", "考核.pdf", "--township", "柳林"], 1, "没有名为“柳林”的乡镇（是不是：柳林镇？）"),
])
def test_refused_with_one_chinese_line_and_nothing_written(cli, demo_path, tmp_path, argv, code, words):
    argv = [tmp_path / a if a.startswith(("考核", "没有这个")) else a for a in argv]
    before = demo_path.read_bytes()
    r = cli("assess", "--db", demo_path, *argv)
    assert r.code == code and words in r.err and r.out == "", r.err
    if code == 1:
        assert "\n" not in r.err.strip()
    assert demo_path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["demo.db"]   # no file, no .part, no folder


def test_an_existing_file_is_kept_and_a_file_that_is_no_database_refused(cli, demo_path, tmp_path):
    out = tmp_path / "已有.pdf"
    out.write_bytes(b"precious")
    r = cli("assess", "--db", demo_path, "--month", MONTH, "--out", out)
    assert r.code == 1 and "不会覆盖" in r.err and out.read_bytes() == b"precious"
    other = tmp_path / "别的.db"
    other.write_bytes(b"not a database at all" * 100)
    r = cli("assess", "--db", other, "--month", MONTH, "--out", tmp_path / "考核.pdf")
    assert r.code == 1 and str(other) in r.err and "\n" not in r.err.strip(), r.err
    assert not (tmp_path / "考核.pdf").exists() and other.read_bytes() == b"not a database at all" * 100
    assert Path(tmp_path / "考核.pdf.part").exists() is False
