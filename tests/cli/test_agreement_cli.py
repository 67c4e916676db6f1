"""``qingshou agreement …`` as a script uses it: the JSON contract of CLI.md, exit codes, and
refusals that write nothing."""
from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from app.cli import main


@pytest.fixture(autouse=True)
def _days_to_come_have_come(monkeypatch):
    """These tests sign and pay on the schedule's dates, months ahead: let those days have come."""
    from app.services.foundation import work_common

    monkeypatch.setattr(work_common, "current_day", lambda: date(2028, 12, 31))


ROOT = Path(__file__).resolve().parents[2]


def run(capsys, *argv) -> tuple[int, dict | str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    try:
        return code, json.loads(out), err
    except json.JSONDecodeError:
        return code, out, err


def households(path: Path, n: int = 3) -> list[list[str]]:
    with sqlite3.connect(path) as conn:
        rows = conn.execute("""SELECT group_concat(loan_no) FROM loans WHERE balance_fen > 0
                               AND household_id NOT IN (SELECT household_id FROM agreements)
                               GROUP BY household_id HAVING count(*) >= 2 ORDER BY household_id LIMIT ?""",
                            (n,)).fetchall()
    return [sorted(r[0].split(",")) for r in rows]


def rows(path: Path, table: str) -> int:
    with sqlite3.connect(path) as conn:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def create(capsys, db, loans, *extra):
    args = ["agreement", "create", "--db", str(db)]
    for ln in loans:
        args += ["--loan", ln]
    return run(capsys, *args, "--installments", "12", "--first-due", "2027-01-15", "--as-of", "2026-11-22",
               *extra, "--json")


def test_create_prints_the_contracted_json_and_installments_add_up(demo_path, capsys):
    loans = households(demo_path)[0]
    code, out, err = create(capsys, demo_path, loans, "--waive-interest", "1000", "--waive-penalty", "all",
                            "--approval", "减免审批〔2026〕12号")
    assert code == 0, err
    assert {"agreement_id", "loans", "owed", "waived", "total", "installments"} <= set(out)
    assert out["loans"] == loans
    for key in ("owed", "waived", "total"):
        assert isinstance(out[key], str) and Decimal(out[key]).as_tuple().exponent == -2
    assert Decimal(out["owed"]) - Decimal(out["waived"]) == Decimal(out["total"])
    assert [i["no"] for i in out["installments"]] == list(range(1, 13))
    assert out["installments"][0]["due"] == "2027-01-15"
    assert sum(Decimal(i["amount"]) for i in out["installments"]) == Decimal(out["total"])
    assert Decimal(out["waived_interest"]) == Decimal("1000.00")


@pytest.mark.parametrize("case", ["unknown", "two_households", "waive_too_much", "bad_rate", "bad_amount"])
def test_a_refused_create_exits_1_with_one_chinese_line_and_writes_nothing(demo_path, capsys, case):
    a, b = households(demo_path, 2)
    loans, extra = {
        "unknown": (a + ["999999999999"], []),
        "two_households": ([a[0], b[0]], []),
        "waive_too_much": (a, ["--waive-interest", "99999999"]),
        "bad_rate": (a, ["--rate", "8.64"]),
        "bad_amount": (a, ["--waive-penalty", "一千元"]),
    }[case]
    before = [rows(demo_path, t) for t in ("agreements", "installments", "agreement_loans")]
    code, out, err = create(capsys, demo_path, loans, *extra)
    assert code == 1 and out == ""
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert any("\u4e00" <= ch <= "\u9fff" for ch in err)
    assert [rows(demo_path, t) for t in ("agreements", "installments", "agreement_loans")] == before


def test_missing_first_due_is_bad_usage(demo_path, capsys):
    code, _, err = run(capsys, "agreement", "create", "--db", str(demo_path), "--loan", households(demo_path)[0][0],
                       "--installments", "3", "--json")
    assert code == 2 and "--first-due" in err


def test_custom_dates_and_amounts_on_the_command_line(demo_path, capsys):
    loans = households(demo_path)[0]
    code, out, err = run(capsys, "agreement", "create", "--db", str(demo_path), "--loan", loans[0],
                         "--dates", "2027-08-20,2027-10-31", "--amounts", "1000,rest", "--as-of", "2026-11-22",
                         "--json")
    assert code == 0, err
    assert [(i["due"], i["amount"]) for i in out["installments"]][0] == ("2027-08-20", "1000.00")
    assert out["frequency"] == "custom"


def test_print_sign_pay_receipt_show_list_cancel(demo_path, capsys, tmp_path):
    loans = households(demo_path)[0]
    _, made, _ = create(capsys, demo_path, loans)
    ag = made["agreement_id"]
    code, out, err = run(capsys, "agreement", "pdf", "--db", str(demo_path), ag, "--out", str(tmp_path / "a.pdf"),
                         "--json")
    assert code == 0, err and (tmp_path / "a.pdf").stat().st_size > 10_000
    assert out["kind"] == "agreement"
    code, out, _ = run(capsys, "agreement", "pdf", "--db", str(demo_path), made["number"], "--kind", "sheet",
                       "--out", str(tmp_path / "s.pdf"))
    assert code == 0 and (tmp_path / "s.pdf").read_bytes()[:5] == b"%PDF-"
    code, out, _ = run(capsys, "agreement", "sign", "--db", str(demo_path), ag, "--date", "2026-11-25", "--json")
    assert (code, out["status"], out["signed_on"]) == (0, "signed", "2026-11-25")
    code, paid, err = run(capsys, "agreement", "pay", "--db", str(demo_path), ag, "--amount", "1,500.50",
                          "--date", "2027-01-10", "--json")
    assert code == 0, err
    assert paid["amount"] == "1500.50" and paid["receipt_no"].startswith("SJ20270110-")
    code, out, _ = run(capsys, "agreement", "pdf", "--db", str(demo_path), ag, "--kind", "receipt",
                       "--out", str(tmp_path / "r.pdf"), "--json")
    assert code == 0 and out["receipt_no"] == paid["receipt_no"]
    code, out, _ = run(capsys, "agreement", "show", "--db", str(demo_path), ag, "--as-of", "2027-01-10", "--json")
    assert out["paid"] == "1500.50" and sum(Decimal(i["paid"]) for i in out["installments"]) == Decimal("1500.50")
    assert out["standing"]["state"] == "signed"
    code, out, _ = run(capsys, "agreement", "list", "--db", str(demo_path), "--json")
    assert ag in {a["agreement_id"] for a in out["agreements"]}
    code, out, _ = run(capsys, "agreement", "list", "--db", str(demo_path), "--broken", "--as-of", "2027-04-01",
                       "--json")
    assert ag in {a["agreement_id"] for a in out["agreements"]}
    code, out, _ = run(capsys, "agreement", "cancel", "--db", str(demo_path), ag, "--reason", "测试", "--json")
    assert out["status"] == "cancelled"
    code, _, err = run(capsys, "agreement", "pay", "--db", str(demo_path), ag, "--amount", "10", "--date",
                       "2027-01-11")
    assert code == 1 and "已作废" in err


def test_quote_shows_the_breakdown_without_writing(demo_path, capsys):
    loans = households(demo_path)[0]
    before = rows(demo_path, "audit_log")
    code, out, _ = run(capsys, "agreement", "quote", "--db", str(demo_path), *sum((["--loan", x] for x in loans), []),
                       "--as-of", "2026-11-22", "--json")
    assert code == 0 and [ln["loan"] for ln in out["loans"]] == loans
    assert Decimal(out["owed"]) == sum(Decimal(ln["owed"]) for ln in out["loans"])
    assert rows(demo_path, "audit_log") == before


def test_the_installed_command_line_runs_as_a_separate_program(demo_path, tmp_path):
    loans = households(demo_path)[0]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-m", "app", "agreement", "create", "--db", str(demo_path),
                           "--loan", loans[0], "--installments", "3", "--first-due", "2027-01-15", "--json"],
                          capture_output=True, cwd=ROOT, env=env)
    assert proc.returncode == 0, proc.stderr.decode("utf-8")
    out = json.loads(proc.stdout.decode("utf-8"))
    assert sum(Decimal(i["amount"]) for i in out["installments"]) == Decimal(out["total"])
