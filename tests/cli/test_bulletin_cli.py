"""``qingshou bulletin``: every figure of the PDF (extracted text) and of the workbook (read back)
agrees with ``summary --as-of`` to the fen; 较上期 after a second issue; issue, reprint, preview."""
from __future__ import annotations

import re
import shutil
import subprocess
from decimal import ROUND_HALF_UP, Decimal

import pytest
from openpyxl import load_workbook

from tests.cli.helpers import run_cli

D1, D2 = "2026-11-10", "2026-11-20"


def _fen(yuan: str) -> int:
    return int(Decimal(yuan) * 100)


def _wan(yuan: str) -> Decimal:
    return (Decimal(yuan) / 10000).quantize(Decimal("0.01"), ROUND_HALF_UP)


def _d(value) -> Decimal | None:
    """A number read back from the workbook (a float) as the 2-decimal figure it shows."""
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.01"))


def _comma(yuan: str) -> str:
    return f"{Decimal(yuan):,.2f}"


def _pct(rate: float) -> str:
    return f"{Decimal(str(rate)) * 100:.2f}%"


def _pdf_text(path) -> str:
    return subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", str(path), "-"], capture_output=True,
                          check=True).stdout.decode("utf-8")


def _line_with(text: str, *parts: str) -> bool:
    pattern = r"\s+".join(re.escape(p) for p in parts)
    return any(re.search(pattern, line) for line in text.splitlines())


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_every_figure_in_the_pdf_is_summarys(capsys, demo_path, tmp_path):
    s = run_cli(capsys, "summary", "--db", demo_path, "--as-of", D2, "--json").json()
    out = tmp_path / "通报.pdf"
    r = run_cli(capsys, "bulletin", "--db", demo_path, "--out", out, "--as-of", D2)
    assert r.code == 0, r.err
    assert "第1期" in r.out
    text = _pdf_text(out)
    assert "关于全区不良贷款清收工作进展情况的通报" in text and "（第1期）" in text
    assert "示范区不良贷款清收工作领导小组办公室" in text and "2026年11月20日" in text
    t = s["totals"]
    assert (f"共收回不良贷款总额为{_wan(t['recovered']):,.2f}万元，占任务的{_pct(t['recovery_rate'])}"
            in text.replace("\n", "").replace(" ", ""))
    assert _line_with(text, "全区", str(t["loans"]), str(t["households"]), _comma(t["task_amount"]),
                      _comma(t["recovered"]), _comma(t["outstanding"]), str(t["loans_settled"]))
    for tw in s["townships"]:
        # the ranking (万元) and the detail (yuan to the fen)
        assert _line_with(text, str(tw["rank"]), tw["name"], f"{_wan(tw['task_amount']):,.2f}",
                          f"{_wan(tw['recovered']):,.2f}", _pct(tw["recovery_rate"])), tw["name"]
        assert _line_with(text, tw["name"], str(tw["loans"]), str(tw["households"]), _comma(tw["task_amount"]),
                          _comma(tw["recovered"]), _comma(tw["outstanding"]), str(tw["loans_settled"])), tw["name"]
    for c in s["category_groups"]:
        assert _line_with(text, str(c["loans"]), str(c["households"]), f"{_wan(c['task_amount']):,.2f}",
                          f"{_wan(c['recovered']):,.2f}"), c["name"]
    top = s["townships"][0]
    assert f"清收任务完成比例最高的前3个乡镇{top['name']}" in text.replace("\n", "").replace(" ", "")


def test_every_figure_in_the_workbook_is_summarys(capsys, demo_path, tmp_path):
    s = run_cli(capsys, "summary", "--db", demo_path, "--as-of", D2, "--json").json()
    out = tmp_path / "通报.xlsx"
    assert run_cli(capsys, "bulletin", "--db", demo_path, "--out", out, "--as-of", D2).code == 0
    wb = load_workbook(out)
    assert wb.sheetnames == ["按清收率排名", "按清收金额排名", "特殊类别", "需要关注", "各乡镇明细"]
    ws = wb["按清收率排名"]
    assert ws.freeze_panes == "A4" and int(ws.page_setup.paperSize) == 9   # A4
    assert ws["A1"].value.startswith("关于全区不良贷款清收工作进展情况的通报（第1期）")
    rows = [r for r in ws.iter_rows(min_row=4, values_only=True)]
    n = len(s["townships"])
    for row, tw in zip(rows, s["townships"]):
        assert (row[0], row[1], _d(row[2]), _d(row[3]), row[4]) == (
            tw["rank"], tw["name"], _wan(tw["task_amount"]), _wan(tw["recovered"]), pytest.approx(tw["recovery_rate"]))
        assert ws.cell(row=4, column=3).number_format == "#,##0.00"
    assert (rows[n][1], _d(rows[n][2]), _d(rows[n][3])) == (
        "全区", _wan(s["totals"]["task_amount"]), _wan(s["totals"]["recovered"]))
    by_amount = sorted(s["townships"], key=lambda x: (-_fen(x["recovered"]), x["name"]))
    got = [(r[1], _d(r[2])) for r in wb["按清收金额排名"].iter_rows(min_row=4, values_only=True)]
    assert got == [(x["name"], _wan(x["recovered"])) for x in by_amount]
    detail = {r[0]: r for r in wb["各乡镇明细"].iter_rows(min_row=4, values_only=True)}
    for tw in s["townships"] + [dict(s["totals"], name="全区")]:
        r = detail[tw["name"]]
        assert (r[1], r[2]) == (tw["loans"], tw["households"])
        assert [_fen(str(v)) for v in r[3:6]] == [_fen(tw["task_amount"]), _fen(tw["recovered"]),
                                                  _fen(tw["outstanding"])]
        assert r[7] == tw["loans_settled"]
    cats = [r for r in wb["特殊类别"].iter_rows(min_row=4, values_only=True)]
    assert [(r[0], r[1], _d(r[3]), _d(r[4])) for r in cats] == [
        (c["name"], c["loans"], _wan(c["task_amount"]), _wan(c["recovered"])) for c in s["category_groups"]]


def test_the_second_issue_compares_with_the_first(capsys, demo_path, tmp_path):
    first = tmp_path / "1.xlsx"
    assert run_cli(capsys, "bulletin", "--db", demo_path, "--out", first, "--as-of", D1).code == 0
    s1 = run_cli(capsys, "summary", "--db", demo_path, "--as-of", D1, "--json").json()
    s2 = run_cli(capsys, "summary", "--db", demo_path, "--as-of", D2, "--json").json()
    second = tmp_path / "2.xlsx"
    r = run_cli(capsys, "bulletin", "--db", demo_path, "--out", second, "--as-of", D2, "--json")
    assert r.json()["issue"] == 2 and r.json()["status"] == "issued" and r.json()["previous_as_of"] == D1
    wb = load_workbook(second)
    before = {x["name"]: x for x in s1["townships"]}
    detail = {r[0]: r for r in wb["各乡镇明细"].iter_rows(min_row=4, values_only=True)}
    ranking = {r[1]: r for r in wb["按清收率排名"].iter_rows(min_row=4, values_only=True) if r[0]}
    for tw in s2["townships"]:
        old = before[tw["name"]]
        assert _fen(str(detail[tw["name"]][8])) == _fen(old["recovered"])
        assert _fen(str(detail[tw["name"]][9])) == _fen(tw["recovered"]) - _fen(old["recovered"])
        moved = old["rank"] - tw["rank"]
        assert ranking[tw["name"]][7] == (f"↑{moved}" if moved > 0 else f"↓{-moved}" if moved < 0 else "持平")
        points = (Decimal(str(tw["recovery_rate"])) - Decimal(str(old["recovery_rate"]))) * 100
        assert _d(ranking[tw["name"]][6]) == points.quantize(Decimal("0.01"))


def test_issue_reprint_preview_and_refusals(capsys, demo_path, tmp_path):
    r = run_cli(capsys, "bulletin", "--db", demo_path, "--out", tmp_path / "p.pdf", "--as-of", D1, "--preview",
                "--json")
    assert r.json()["status"] == "preview" and r.json()["issue"] == 1
    assert run_cli(capsys, "bulletin", "--db", demo_path, "--out", tmp_path / "a.pdf", "--as-of", D2,
                   "--json").json()["issue"] == 1                      # the preview took no number
    again = run_cli(capsys, "bulletin", "--db", demo_path, "--out", tmp_path / "a.xlsx", "--as-of", D2, "--json")
    assert again.json()["status"] == "reprint" and again.json()["issue"] == 1
    earlier = run_cli(capsys, "bulletin", "--db", demo_path, "--out", tmp_path / "old.pdf", "--as-of", D1)
    assert earlier.code == 1 and "不能再发截至更早日期" in earlier.err and not (tmp_path / "old.pdf").exists()
    wrong = run_cli(capsys, "bulletin", "--db", demo_path, "--out", tmp_path / "x.docx")
    assert wrong.code == 1 and ".pdf 或 .xlsx" in wrong.err
    bad = run_cli(capsys, "bulletin", "--db", demo_path, "--out", tmp_path / "y.pdf", "--high", "150")
    assert bad.code == 2
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix in (".pdf", ".xlsx")) == ["a.pdf", "a.xlsx", "p.pdf"]


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_the_second_pdf_says_what_changed_and_embeds_its_font(capsys, demo_path, tmp_path):
    assert run_cli(capsys, "bulletin", "--db", demo_path, "--out", tmp_path / "1.pdf", "--as-of", D1).code == 0
    s1 = run_cli(capsys, "summary", "--db", demo_path, "--as-of", D1, "--json").json()
    s2 = run_cli(capsys, "summary", "--db", demo_path, "--as-of", D2, "--json").json()
    out = tmp_path / "2.pdf"
    assert run_cli(capsys, "bulletin", "--db", demo_path, "--out", out, "--as-of", D2).code == 0
    text = _pdf_text(out)
    flat = text.replace("\n", "").replace(" ", "")
    grown = _wan(s2["totals"]["recovered"]) - _wan(s1["totals"]["recovered"])
    delta = (Decimal(_fen(s2["totals"]["recovered"]) - _fen(s1["totals"]["recovered"])) / 1_000_000).quantize(
        Decimal("0.01"), ROUND_HALF_UP)
    assert abs(grown - delta) <= Decimal("0.01")
    assert f"较上期（第1期，截至2026年11月10日）增加{delta:,.2f}万元" in flat
    assert "（第2期）" in text
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True).stdout
    assert "WenQuanYiMicroHei" in fonts and "Times" not in fonts and "Helvetica" not in fonts
    assert all(" yes " in line for line in fonts.splitlines()[2:] if line.strip())   # every font embedded


def test_a_township_database_may_preview_the_bulletin_but_not_issue_it(capsys, demo_path, tmp_path, monkeypatch):
    monkeypatch.setenv("QINGSHOU_PASSPHRASE", "x")
    task = tmp_path / "t.qstask"
    assert run_cli(capsys, "tasks", "--db", demo_path, "--township", "柳林镇", "--out", task).code == 0
    laptop = tmp_path / "t.db"
    assert run_cli(capsys, "init", "--db", laptop, "--from-task", task, "--device", "一号机").code == 0
    out = tmp_path / "通报.pdf"
    r = run_cli(capsys, "bulletin", "--db", laptop, "--out", out, "--as-of", D2)
    assert r.code == 1 and "十天一通报由区县发布：这是乡镇的数据库（柳林镇）" in r.err and "--preview" in r.err
    assert not out.exists() and "Traceback" not in r.err
    r = run_cli(capsys, "bulletin", "--db", laptop, "--out", out, "--as-of", D2, "--preview")
    assert r.code == 0 and "预览（未发布）" in r.out and out.is_file()
    from datetime import date

    from app.bootstrap import open_database
    from app.domain.errors import InputError
    from app.services.reporting import bulletin

    db = open_database(laptop)
    try:
        assert bulletin.issued(db) == []
        with pytest.raises(InputError, match="由区县发布"):   # the service refuses too, not only the CLI
            bulletin.issue(db, date.fromisoformat(D2))
        assert bulletin.issued(db) == []
    finally:
        db.dispose()
