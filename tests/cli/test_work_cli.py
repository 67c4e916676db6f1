"""The command line of the daily work (CLI.md: visit, repay; extras: stage, households, household,
worklist, reindex)."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from app.cli import main

ROOT = Path(__file__).resolve().parents[2]


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def a_loan(path) -> tuple[str, int]:
    import sqlite3
    with sqlite3.connect(path) as conn:
        row = conn.execute(
            "SELECT loan_no, task_amount_fen + interest_fen FROM loans l WHERE stage = 'collection' AND NOT EXISTS "
            "(SELECT 1 FROM repayments r WHERE r.loan_id = l.id) AND NOT EXISTS "
            "(SELECT 1 FROM agreement_loans a WHERE a.loan_id = l.id) ORDER BY loan_no LIMIT 1").fetchone()
    conn.close()
    return row[0], row[1]


def counts(path) -> tuple:
    import sqlite3
    with sqlite3.connect(path) as conn:
        out = tuple(conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
                    for t in ("visits", "repayments", "stage_events", "audit_log"))
    conn.close()
    return out


def test_repay_json(demo_path, capsys):
    loan, _owed = a_loan(demo_path)
    code, out, err = run(capsys, "repay", "--db", str(demo_path), "--loan", loan, "--amount", "1,234.5",
                         "--date", "2026-11-20", "--note", "现金", "--json")
    assert code == 0, err
    j = json.loads(out)
    assert {"repayment_id", "loan", "amount", "outstanding"} <= set(j)
    assert j["loan"] == loan and j["amount"] == "1234.50"
    code, out, _ = run(capsys, "summary", "--db", str(demo_path), "--json")
    assert code == 0


def test_repay_refusals_exit_1_and_write_nothing(demo_path, capsys):
    loan, owed = a_loan(demo_path)
    before = counts(demo_path)
    for args in (["--loan", "NO-SUCH-LOAN", "--amount", "100"],
                 ["--loan", loan, "--amount", "0"],
                 ["--loan", loan, "--amount", "-5"],
                 ["--loan", loan, "--amount", f"{owed / 100 + 1:.2f}"],
                 ["--loan", loan, "--amount", "一百"]):
        code, out, err = run(capsys, "repay", "--db", str(demo_path), *args, "--date", "2026-11-20", "--json")
        assert code == 1, args
        assert out == "" and err.strip() and "Traceback" not in err
    assert counts(demo_path) == before


def test_visit_json_and_outcome_codes(demo_path, capsys):
    loan, _ = a_loan(demo_path)
    for outcome in ("promised", "paid", "refused", "unreachable", "unable", "other", "partial"):
        code, out, err = run(capsys, "visit", "--db", str(demo_path), "--loan", loan, "--date", "2026-11-20",
                             "--outcome", outcome, "--note", "入户", "--next", "2026-12-01", "--json")
        assert code == 0, err
        j = json.loads(out)
        assert j["loan"] == loan and j["visit_id"]


def test_visit_refusals(demo_path, capsys):
    loan, _ = a_loan(demo_path)
    before = counts(demo_path)
    code, _, err = run(capsys, "visit", "--db", str(demo_path), "--loan", "NO-SUCH", "--date", "2026-11-20",
                       "--outcome", "paid", "--json")
    assert code == 1 and "NO-SUCH" in err
    code, _, err = run(capsys, "visit", "--db", str(demo_path), "--loan", loan, "--date", "2026-11-20",
                       "--outcome", "happy")
    assert code == 2 and "未知的走访结果：happy（可用：promised（承诺还款）、paid（当场还款）、" in err, err
    code, _, _ = run(capsys, "visit", "--db", str(demo_path), "--loan", loan, "--date", "2099-01-01",
                     "--outcome", "paid")
    assert code == 1
    assert counts(demo_path) == before


def test_an_unknown_stage_is_refused_naming_the_stages_in_chinese(demo_path, capsys):
    loan, _ = a_loan(demo_path)
    code, _, err = run(capsys, "stage", "--db", str(demo_path), "--loan", loan, "--to", "nowhere")
    assert code == 2 and "未知的清收阶段：nowhere（可用：collection（催收）、suit（诉讼）、" in err, err
    code, _, err = run(capsys, "visit", "void", "--db", str(demo_path), "x", "--reason", "r", "--outcome", "maybe")
    assert code == 2 and "maybe（可用：promised（承诺还款）" in err, err


def test_stage_households_household_worklist(demo_path, capsys, tmp_path):
    loan, _ = a_loan(demo_path)
    code, out, err = run(capsys, "stage", "--db", str(demo_path), "--loan", loan, "--to", "诉讼",
                         "--date", "2026-11-20", "--json")
    assert code == 0, err
    assert json.loads(out)["to"] == "suit"
    code, out, _ = run(capsys, "households", "--db", str(demo_path), "--search", loan, "--json")
    j = json.loads(out)
    assert j["total"] == 1 and j["households"][0]["stages"] == ["suit"]
    hid = j["households"][0]["id"]
    code, out, _ = run(capsys, "households", "--db", str(demo_path), "--stage", "suit", "--sort", "outstanding",
                       "--desc", "--limit", "5", "--json")
    j = json.loads(out)
    assert j["total"] >= 1 and len(j["households"]) <= 5
    code, out, _ = run(capsys, "household", "--db", str(demo_path), "--loan", loan, "--json")
    j = json.loads(out)
    assert j["id"] == hid and j["loans"][0]["loan_no"] == loan and j["suggestions"]
    assert isinstance(j["outstanding"], str)
    code, out, _ = run(capsys, "worklist", "--db", str(demo_path), "--limit", "3", "--json")
    j = json.loads(out)
    assert code == 0 and len(j["overdue"]["households"]) <= 3
    xlsx = tmp_path / "list.xlsx"
    code, out, _ = run(capsys, "households", "--db", str(demo_path), "--search", "z", "--out", str(xlsx), "--json")
    assert code == 0 and xlsx.is_file() and json.loads(out)["rows"] > 0
    code, out, _ = run(capsys, "reindex", "--db", str(demo_path), "--json")
    assert json.loads(out)["households"] == 300
    code, _, err = run(capsys, "households", "--db", str(demo_path), "--village", "没有这个村")
    assert code == 1 and "没有这个村" in err


def test_households_search_says_what_matched_head_of_household_first(demo_path, capsys):
    """``households --search … --json``: ``matched`` per household; the households a name heads
    come before those where it is a guarantor, spouse or heir; the text output says it too."""
    import sqlite3

    with sqlite3.connect(demo_path) as conn:
        name, hid, role = conn.execute(
            "SELECT p.name, p.household_id, p.role FROM persons p JOIN households h ON h.id = p.household_id "
            "WHERE p.role IN ('guarantor', 'spouse', 'heir') AND p.name <> h.head_name "
            "AND p.name IN (SELECT head_name FROM households) ORDER BY p.name LIMIT 1").fetchone()
    conn.close()
    code, out, err = run(capsys, "households", "--db", str(demo_path), "--search", name, "--json")
    assert code == 0, err
    found = json.loads(out)["households"]
    roles = [h["matched"][0]["role"] for h in found]
    assert roles[0] == "head" and roles == sorted(roles, key=lambda r: r != "head")
    theirs = next(h for h in found if h["id"] == hid)
    label = {"guarantor": "担保人", "spouse": "配偶", "heir": "继承人"}[role]
    assert {"role": role, "name": name, "field": "name", "value": name, "label": f"{label} {name}"} in theirs["matched"]
    code, out, _ = run(capsys, "households", "--db", str(demo_path), "--json")
    assert all(h["matched"] == [] for h in json.loads(out)["households"])      # no search, nothing matched
    code, out, _ = run(capsys, "households", "--db", str(demo_path), "--search", name)
    assert f"匹配：{label} {name}" in out and "匹配：户主" in out


def test_reindex_records_the_index_version(demo_path, capsys):
    import sqlite3

    from app.db.search_text import INDEX_VERSION

    with sqlite3.connect(demo_path) as conn:
        conn.execute("DELETE FROM meta WHERE key = 'search_index_version'")
    conn.close()
    code, out, _ = run(capsys, "reindex", "--db", str(demo_path), "--json")
    assert code == 0 and json.loads(out)["households"] == 300
    with sqlite3.connect(demo_path) as conn:
        assert conn.execute("SELECT value FROM meta WHERE key = 'search_index_version'").fetchone() == (INDEX_VERSION,)
    conn.close()


@pytest.mark.slow
def test_as_a_subprocess(demo_path, tmp_path):
    loan, _ = a_loan(demo_path)
    p = subprocess.run([sys.executable, "-m", "app", "repay", "--db", str(demo_path), "--loan", loan,
                        "--amount", "10", "--date", "2026-11-20", "--json"], cwd=ROOT, capture_output=True,
                       text=True, encoding="utf-8")
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["amount"] == "10.00"
    p = subprocess.run([sys.executable, "-m", "app", "repay", "--db", str(demo_path), "--loan", "NOPE",
                        "--amount", "10", "--date", "2026-11-20", "--json"], cwd=ROOT, capture_output=True,
                       text=True, encoding="utf-8")
    assert p.returncode == 1 and p.stdout == "" and "NOPE" in p.stderr


def test_the_household_list_takes_a_capacity_by_its_name_and_names_the_choices(demo_path, capsys):
    code, out, _ = run(capsys, "households", "--db", str(demo_path), "--capacity", "无能力", "--json")
    by_name = json.loads(out)
    code2, out2, _ = run(capsys, "households", "--db", str(demo_path), "--capacity", "unable", "--json")
    assert code == code2 == 0 and by_name == json.loads(out2) and by_name["total"] > 0
    code, _out, err = run(capsys, "households", "--db", str(demo_path), "--capacity", "xyz")
    assert code == 1 and "unable（无能力）" in err and "able（有偿还能力）" in err
