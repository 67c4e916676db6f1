"""``qingshou report``: the Word document read back with python-docx (title, headings, fonts, page,
the sentence with the numbers, the table rows), the workbook with openpyxl, the PDF's text — every
figure against ``summary --as-of`` and ``worklist --as-of`` of the command line — and the
refusals of ``--out`` (as ``bulletin --out``: no folder made, no file replaced)."""
from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from openpyxl import load_workbook

from tests.cli.helpers import run_cli

D = "2026-11-20"
HEADINGS = ["一、完成情况", "二、特殊不良贷款情况", "三、工作中存在的困难问题及意见建议", "四、下一步工作打算",
            "附表1　各村（社区）清收情况", "附表2　各责任人清收情况"]


def _fen(yuan) -> int:
    return int(Decimal(str(yuan)) * 100)


def _wan(yuan: str) -> str:
    return f"{(Decimal(yuan) / 10000).quantize(Decimal('0.01'), ROUND_HALF_UP):.2f}"


def _pct(rate: float) -> str:
    return f"{Decimal(str(rate)) * 100:.2f}%"


def _me(name: str) -> str:
    return "我" + next((s for s in ("街道", "镇", "乡") if name.endswith(s)), "镇")


def _repaid(db: Path, township: str, day: str) -> int:
    """Loans of the township with some principal back by the day (含部分还款), straight from SQLite."""
    with sqlite3.connect(db) as conn:
        return conn.execute(
            "SELECT COUNT(*) FROM loans l JOIN units u ON u.id = l.township_id "
            "WHERE u.name = ? AND l.deleted = 0 AND l.task_date <= ? AND "
            "(SELECT COALESCE(SUM(r.principal_fen), 0) FROM repayments r WHERE r.loan_id = l.id AND r.deleted = 0 "
            "AND r.paid_on <= ?) > 0", (township, day, day)).fetchone()[0]


def _pdf_text(path) -> str:
    return subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", str(path), "-"], capture_output=True,
                          check=True).stdout.decode("utf-8")


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _line_with(text: str, *parts: str) -> bool:
    pattern = r"\s+".join(re.escape(p) for p in parts)
    return any(re.search(pattern, line) for line in text.splitlines())


@pytest.fixture
def figures(capsys, demo_path):
    s = run_cli(capsys, "summary", "--db", demo_path, "--as-of", D, "--json").json()
    work = {t["name"]: run_cli(capsys, "worklist", "--db", demo_path, "--township", t["name"], "--as-of", D,
                               "--limit", 1, "--json").json() for t in s["townships"]}
    return s, work


def _progress_sentence(t: dict, repaid: int) -> str:
    me = _me(t["name"])
    return (f"{me}目前有清收任务{t['loans']}笔、{_wan(t['task_amount'])}万元。截至2026年11月20日，{me}已清收{repaid}笔"
            f"（含部分还款）、{_wan(t['recovered'])}万元，剩余清收金额{_wan(t['outstanding'])}万元，"
            f"清收率{_pct(t['recovery_rate'])}。")


def _style_font(doc, name: str) -> str:
    rfonts = doc.styles[name].element.rPr.find(qn("w:rFonts"))
    assert not any(k.endswith("Theme") or k.endswith("theme") for k in rfonts.attrib), rfonts.attrib   # no theme font
    return rfonts.get(qn("w:eastAsia"))


def test_the_word_document_reads_back(capsys, demo_path, figures, tmp_path):
    s, work = figures
    for t in s["townships"]:
        out = tmp_path / f"{t['name']}.docx"
        r = run_cli(capsys, "report", "--db", demo_path, "--township", t["name"], "--as-of", D, "--out", out)
        assert r.code == 0, r.err
        assert r.out.strip() == f"已生成{t['name']}情况汇报（截至 {D}）：{out}"
        doc = Document(str(out))
        paras = doc.paragraphs
        assert paras[0].style.name == "Title" and paras[0].text == f"{t['name']}不良贷款清收工作情况汇报"
        assert paras[1].text == "（截至2026年11月20日）"
        assert [p.text for p in paras if p.style.name == "Heading 1"] == HEADINGS
        body = [p.text for p in paras]
        assert _progress_sentence(t, _repaid(demo_path, t["name"], D)) in body
        assert f"其中已结清{t['loans_settled']}笔。{_me(t['name'])}共有借款户{t['households']}户，" in \
            body[body.index(_progress_sentence(t, _repaid(demo_path, t["name"], D))) + 1]
        assert any(p.startswith("（九）“大额抵押贷款”。") for p in body)

        categories, villages, people = doc.tables
        assert [c.text for c in categories.rows[0].cells] == ["类别", "笔数", "户数", "任务金额", "已清收", "清收率"]
        rows = [[c.text for c in row.cells] for row in villages.rows]
        assert rows[0] == ["序号", "村（社区）", "笔数", "户数", "任务金额", "已清收", "清收率", "已结清笔数", "已走访户数"]
        assert rows[-1][1:8] == ["合计", str(t["loans"]), str(t["households"]), _wan(t["task_amount"]),
                                 _wan(t["recovered"]), _pct(t["recovery_rate"]), str(t["loans_settled"])]
        w = work[t["name"]]
        assert [row[1:8] for row in rows[1:-1]] == [
            [v["name"], str(v["loans"]), str(v["households"]), _wan(v["task_amount"]), _wan(v["recovered"]),
             _pct(v["recovery_rate"]), str(v["loans_settled"])] for v in w["by_village"]]
        staff = [[c.text for c in row.cells] for row in people.rows][1:]
        assert sorted(row[1:9] for row in staff) == sorted(   # (the order of full ties is the report's own)
            [p["name"], p["detail"], str(p["loans"]), str(p["households"]), _wan(p["task_amount"]),
             _wan(p["recovered"]), _pct(p["recovery_rate"]), str(p["loans_settled"])] for p in w["by_staff"])
        rates = [Decimal(row[7].rstrip("%")) for row in staff]
        assert rates == sorted(rates, reverse=True) and [row[0] for row in staff] == [
            str(i) for i in range(1, len(staff) + 1)]
        assert sum(int(row[-1]) for row in rows[1:-1]) == int(rows[-1][-1])   # households visited add up

    # an official document's page, fonts for East Asian text, a header row that repeats
    sec = doc.sections[0]
    mm = [round(x.mm, 1) for x in (sec.page_width, sec.page_height, sec.top_margin, sec.bottom_margin,
                                     sec.left_margin, sec.right_margin)]   # (stored in twips)
    assert mm == [210, 297, 37, 35, 28, 26]
    assert _style_font(doc, "Normal") == "仿宋" and _style_font(doc, "Heading 1") == "黑体"
    assert _style_font(doc, "Title") == "宋体" and _style_font(doc, "汇报表格") == "宋体"
    assert villages.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert doc.core_properties.title == f"{t['name']}不良贷款清收工作情况汇报"
    assert "PAGE" in doc.sections[0].footer._element.xml


def test_the_workbook_reads_back(capsys, demo_path, figures, tmp_path):
    s, work = figures
    t = s["townships"][-1]
    out = tmp_path / "汇报.xlsx"
    r = run_cli(capsys, "report", "--db", demo_path, "--township", t["name"], "--as-of", D, "--out", out, "--json")
    assert r.code == 0, r.err
    j = r.json()
    assert j == {"out": str(out), "township": t["name"], "as_of": D, "loans": t["loans"],
                 "task_amount": t["task_amount"], "recovered": t["recovered"], "outstanding": t["outstanding"],
                 "recovery_rate": t["recovery_rate"], "loans_settled": t["loans_settled"]}
    wb = load_workbook(out)
    assert wb.sheetnames == ["完成情况", "特殊类别", "各村（社区）", "各责任人"]
    ws = wb["完成情况"]
    assert ws["A1"].value == f"{t['name']}不良贷款清收工作情况汇报　完成情况"
    assert ws.freeze_panes == "A4" and int(ws.page_setup.paperSize) == 9
    row = [c.value for c in ws[4]]
    assert row[:3] == [t["name"], t["loans"], t["households"]]
    assert [_fen(v) for v in row[3:6]] == [_fen(t["task_amount"]), _fen(t["recovered"]), _fen(t["outstanding"])]
    assert row[6] == pytest.approx(t["recovery_rate"]) and row[8] == t["loans_settled"]
    assert row[7] == _repaid(demo_path, t["name"], D)
    assert ws["D4"].number_format == "#,##0.00" and ws["G4"].number_format == "0.00%"
    assert any(_progress_sentence(t, row[7]) == c.value for c in ws["A"])

    villages = [list(x) for x in wb["各村（社区）"].iter_rows(min_row=4, values_only=True) if x[1]]
    total = villages[-1]
    assert total[1] == "合计" and [_fen(v) for v in total[4:7]] == [
        _fen(t["task_amount"]), _fen(t["recovered"]), _fen(t["outstanding"])]
    by_village = work[t["name"]]["by_village"]
    assert [(v[1], v[2], v[3], _fen(v[4]), _fen(v[5]), v[9]) for v in villages[:-1]] == [
        (v["name"], v["loans"], v["households"], _fen(v["task_amount"]), _fen(v["recovered"]), v["loans_settled"])
        for v in by_village]
    assert sum(_fen(v[5]) for v in villages[:-1]) == _fen(t["recovered"])   # adds up in Excel to the fen
    people = [list(x) for x in wb["各责任人"].iter_rows(min_row=4, values_only=True) if x[1]]
    assert sorted((p[1], p[2], p[3], _fen(p[5]), _fen(p[6])) for p in people) == sorted(
        (p["name"], p["detail"], p["loans"], _fen(p["task_amount"]), _fen(p["recovered"]))
        for p in work[t["name"]]["by_staff"])
    cats = [x for x in wb["特殊类别"].iter_rows(min_row=4, values_only=True) if x[1] is not None]
    assert cats[0][0] == "公职人员贷款" and len(cats) == 9 + 2 + 4


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_the_pdf_text_has_the_figures(capsys, demo_path, figures, tmp_path):
    s, work = figures
    t = s["townships"][0]
    out = tmp_path / "汇报.pdf"
    assert run_cli(capsys, "report", "--db", demo_path, "--township", t["name"], "--as-of", D, "--out", out).code == 0
    text = _pdf_text(out)
    flat = _flat(text)
    assert f"{t['name']}不良贷款清收工作情况汇报" in flat and "（截至2026年11月20日）" in flat
    assert _progress_sentence(t, _repaid(demo_path, t["name"], D)) in flat
    assert "三、工作中存在的困难问题" not in flat   # the sections the township writes are in the Word form only
    assert _line_with(text, "合计", str(t["loans"]), str(t["households"]), _wan(t["task_amount"]),
                      _wan(t["recovered"]), _pct(t["recovery_rate"]), str(t["loans_settled"]))
    for v in work[t["name"]]["by_village"]:
        assert _line_with(text, v["name"], str(v["loans"]), str(v["households"]), _wan(v["task_amount"]),
                          _wan(v["recovered"]), _pct(v["recovery_rate"])), v["name"]
    for p in work[t["name"]]["by_staff"]:
        assert _line_with(text, p["name"], p["detail"], str(p["loans"]), str(p["households"]),
                          _wan(p["task_amount"]), _wan(p["recovered"]), _pct(p["recovery_rate"])), p["name"]
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    assert fonts and all(" yes yes yes " in f for f in fonts), fonts   # embedded, subset, with unicode


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None or shutil.which("pdftotext") is None,
                    reason="LibreOffice (soffice) not installed")
def test_libreoffice_opens_the_word_document(capsys, demo_path, figures, tmp_path):
    """A word processor reads the form: converted to PDF by LibreOffice, its text has the
    sentence and the tables (the program's own font made available to it for the Chinese)."""
    s, _work = figures
    t = s["townships"][0]
    out = tmp_path / "汇报.docx"
    assert run_cli(capsys, "report", "--db", demo_path, "--township", t["name"], "--as-of", D, "--out", out).code == 0
    fonts = Path(__file__).resolve().parents[2] / "resources" / "fonts"
    conf = tmp_path / "fonts.conf"
    conf.write_text('<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
                    '<include ignore_missing="yes">/etc/fonts/fonts.conf</include>'
                    f'<dir>{fonts}</dir><cachedir>{tmp_path / "fc"}</cachedir></fontconfig>', encoding="utf-8")
    env = dict(os.environ, FONTCONFIG_FILE=str(conf), HOME=str(tmp_path))
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path / 'lo'}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path / "pdf"), str(out)], env=env, capture_output=True, timeout=240, check=True)
    flat = _flat(_pdf_text(tmp_path / "pdf" / "汇报.pdf"))
    assert _progress_sentence(t, _repaid(demo_path, t["name"], D)) in flat
    assert "附表1各村（社区）清收情况" in flat and "附表2各责任人清收情况" in flat and "合计" in flat


# -- refusals ----------------------------------------------------------------------------------
def _files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@pytest.mark.parametrize("suffix", [".docx", ".pdf", ".xlsx"])
def test_a_missing_folder_is_refused_and_not_made(cli, demo_path, tmp_path, suffix):
    out = tmp_path / "没有这个文件夹" / f"汇报{suffix}"
    r = cli("report", "--db", demo_path, "--township", "柳林镇", "--out", out)
    assert r.code == 1 and "文件夹不存在" in r.err and "不会新建文件夹" in r.err and "没有生成情况汇报" in r.err, r.err
    assert not out.parent.exists() and r.out == ""


@pytest.mark.parametrize("suffix", [".docx", ".pdf", ".xlsx"])
def test_an_existing_file_is_never_replaced(cli, demo_path, tmp_path, suffix):
    out = tmp_path / f"已有{suffix}"
    out.write_bytes(b"precious")
    before = demo_path.read_bytes()
    r = cli("report", "--db", demo_path, "--township", "柳林镇", "--out", out)
    assert r.code == 1 and "不会覆盖" in r.err and str(out) in r.err, r.err
    assert out.read_bytes() == b"precious" and demo_path.read_bytes() == before


@pytest.mark.parametrize("argv, words", [
    (["--township", "柳林镇", "--out", "汇报.doc"], "只能保存为 .docx、.pdf 或 .xlsx"),
    (["--township", "柳林", "--out", "汇报.docx"], "没有名为“柳林”的乡镇（是不是：柳林镇？）"),
    (["--township", "柳林镇", "--out", "汇报.pdf", "--as-of", "2999-01-01"], "在今天之后"),
    (["--township", "柳林镇", "--out", "汇报.xlsx", "--as-of", "2026-01-01"], "还没有清收任务"),
])
def test_refused_with_one_chinese_line_and_nothing_written(cli, demo_path, tmp_path, argv, words):
    argv = [tmp_path / a if a.startswith("汇报") else a for a in argv]
    before = demo_path.read_bytes()
    r = cli("report", "--db", demo_path, *argv)
    assert r.code == 1 and words in r.err and "\n" not in r.err.strip() and r.out == "", r.err
    assert demo_path.read_bytes() == before
    assert [n for n in _files(tmp_path) if n.startswith("汇报")] == []   # no file, no .part


def test_bad_usage_exits_2(cli, demo_path, tmp_path):
    r = cli("report", "--db", demo_path, "--out", tmp_path / "汇报.docx")
    assert r.code == 2 and "--township" in r.err
    r = cli("report", "--db", demo_path, "--township", "柳林镇", "--out", tmp_path / "汇报.docx", "--as-of", "11/20")
    assert r.code == 2 and "日期格式不对" in r.err
    assert _files(tmp_path) == ["demo.db"]
