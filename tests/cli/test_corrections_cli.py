"""``repay void`` / ``visit void`` on the command line: 冲正 a repayment typed wrong, 作废 a visit,
with a reason, optionally recording the corrected one; refusals exit 1 (or 2) and write nothing."""
from __future__ import annotations

import sqlite3

import pytest

from tests.scenarios.helpers import snapshot


def a_big_loan(path) -> tuple[str, int]:
    with sqlite3.connect(path) as conn:
        row = conn.execute(
            "SELECT loan_no, task_amount_fen FROM loans l WHERE stage = 'collection' AND task_amount_fen >= 3000000 "
            "AND NOT EXISTS (SELECT 1 FROM repayments r WHERE r.loan_id = l.id) AND NOT EXISTS "
            "(SELECT 1 FROM agreement_loans a WHERE a.loan_id = l.id) ORDER BY loan_no LIMIT 1").fetchone()
    conn.close()
    return row[0], row[1]


def recovered(cli, db) -> str:
    r = cli("summary", "--db", db, "--json")
    assert r.code == 0, r.err
    return r.json()["totals"]["recovered"]


def test_repay_void_with_the_corrected_amount(cli, demo_path):
    loan, task = a_big_loan(demo_path)
    before = recovered(cli, demo_path)
    wrong = cli("repay", "--db", demo_path, "--loan", loan, "--amount", "20000", "--date", "2026-11-20", "--json")
    assert wrong.code == 0, wrong.err
    rid = wrong.json()["repayment_id"]
    r = cli("repay", "void", "--db", demo_path, rid, "--reason", "多录了一个零", "--amount", "2000", "--json")
    assert r.code == 0, r.err
    j = r.json()
    assert j["voided"] == [rid] and j["reason"] == "多录了一个零" and j["amount"] == "20000.00"
    assert j["corrected"]["amount"] == "2000.00" and j["corrected"]["date"] == "2026-11-20"
    assert j["outstanding"] == f"{(task - 200_000) / 100:.2f}" and j["corrected_id"]
    assert float(recovered(cli, demo_path)) == pytest.approx(float(before) + 2000)
    page = cli("household", "--db", demo_path, "--loan", loan, "--json").json()
    assert [r["amount"] for r in page["repayments"]] == ["2000.00"]
    struck = [t for t in page["timeline"] if t["voided"]]
    assert len(struck) == 1 and struck[0]["ref_id"] == rid and "多录了一个零" in struck[0]["detail"]
    again = cli("repay", "void", "--db", demo_path, rid, "--reason", "再来一次")
    assert again.code == 1 and "已经冲正" in again.err


def test_repay_void_writes_amounts_as_repay_does(cli, demo_path):
    loan, task = a_big_loan(demo_path)                      # 30,000 yuan or more: thousands separators
    r = cli("repay", "--db", demo_path, "--loan", loan, "--amount", "1000", "--date", "2026-11-20")
    assert r.code == 0, r.err
    shown = r.out.split("尚欠本金 ")[1].split(" 元")[0]
    assert "," in shown, r.out
    rid = cli("repay", "--db", demo_path, "--loan", loan, "--amount", "300", "--date", "2026-11-20",
              "--json").json()["repayment_id"]
    r = cli("repay", "void", "--db", demo_path, rid, "--reason", "重复登记")
    assert r.code == 0, r.err
    assert f"尚欠本金 {shown} 元" in r.out, r.out         # the same money formatting as repay's


def test_db_and_json_may_stand_before_void_and_the_words_say_what_was_done(cli, demo_path):
    loan, _task = a_big_loan(demo_path)
    rid = cli("repay", "--db", demo_path, "--loan", loan, "--amount", "300", "--date", "2026-11-20",
              "--json").json()["repayment_id"]
    r = cli("repay", "--db", demo_path, "void", rid, "--reason", "重复登记")
    assert r.code == 0, r.err
    assert r.out.startswith("已冲正还款 300.00 元") and loan in r.out
    rid = cli("repay", "--db", demo_path, "--loan", loan, "--amount", "400", "--date", "2026-11-20",
              "--json").json()["repayment_id"]
    r = cli("repay", "--db", demo_path, "--json", "void", rid, "--reason", "重复登记")
    assert r.code == 0 and r.json()["voided"] == [rid] and r.json()["corrected"] is None


@pytest.mark.parametrize("argv, code, said", [
    (["void", "NO-SUCH-ID", "--reason", "录错"], 1, "找不到这笔还款"),
    (["void", "{rid}", "--reason", " "], 1, "请填写冲正原因"),
    (["void", "{rid}"], 2, "--reason"),
    (["void", "--reason", "录错"], 2, "还款编号"),
    (["void", "{rid}", "--reason", "录错", "--amount", "一百"], 1, "金额"),
    (["void", "{rid}", "--reason", "录错", "--amount", "999999999"], 1, "超过"),
    (["void", "{rid}", "--reason", "录错", "--date", "2099-01-01"], 1, "不能晚于今天"),
    (["--amount", "100", "void", "{rid}", "--reason", "录错"], 2, "写在了 void 前面"),
    ([], 2, "缺少必需的参数"),
])
def test_repay_void_refusals_change_nothing(cli, demo_path, argv, code, said):
    loan, _task = a_big_loan(demo_path)
    rid = cli("repay", "--db", demo_path, "--loan", loan, "--amount", "500", "--date", "2026-11-20",
              "--json").json()["repayment_id"]
    before = snapshot(demo_path)
    r = cli("repay", "--db", demo_path, *[a.replace("{rid}", rid) for a in argv])
    assert r.code == code and said in r.err and r.out == "" and "Traceback" not in r.err
    assert snapshot(demo_path) == before


def test_visit_void_and_record_the_corrected_one(cli, demo_path):
    loan, _task = a_big_loan(demo_path)
    v = cli("visit", "--db", demo_path, "--loan", loan, "--date", "2026-11-18", "--outcome", "refused",
            "--visitors", "王五", "--json")
    assert v.code == 0, v.err
    vid = v.json()["visit_id"]
    r = cli("visit", "void", "--db", demo_path, vid, "--reason", "结果选错", "--outcome", "promised",
            "--promised-amount", "1,000", "--promised-date", "2026-11-30", "--json")
    assert r.code == 0, r.err
    j = r.json()
    assert j["voided"] == [vid] and j["kind"] == "visit" and j["corrected"]["date"] == "2026-11-18"
    page = cli("household", "--db", demo_path, "--loan", loan, "--json").json()
    latest = page["visits"][0]
    assert (latest["id"], latest["outcome"], latest["visitors"], latest["promised"], latest["corrects_id"]) == (
        j["corrected_id"], "promised", "王五", "1000.00", vid)
    assert vid not in [x["id"] for x in page["visits"]]
    before = snapshot(demo_path)
    assert cli("visit", "void", "--db", demo_path, vid, "--reason", "再作废").code == 1
    assert cli("visit", "--db", demo_path, "--outcome", "paid", "void", j["corrected_id"], "--reason", "x").code == 2
    assert cli("visit", "--db", demo_path, "--loan", loan, "--outcome", "paid").code == 2    # no --date
    assert snapshot(demo_path) == before


def test_void_by_loan_number_takes_the_latest_one_recorded(cli, demo_path):
    loan, _task = a_big_loan(demo_path)
    first = cli("repay", "--db", demo_path, "--loan", loan, "--amount", "300", "--date", "2026-11-19",
                "--json").json()["repayment_id"]
    latest = cli("repay", "--db", demo_path, "--loan", loan, "--amount", "3000", "--date", "2026-11-18",
                 "--json").json()["repayment_id"]
    r = cli("repay", "void", "--db", demo_path, "--loan", loan, "--reason", "多录了一个零", "--amount", "30", "--json")
    assert r.code == 0, r.err
    assert r.json()["voided"] == [latest] and r.json()["corrected"]["amount"] == "30.00"
    page = cli("household", "--db", demo_path, "--loan", loan, "--json").json()
    assert sorted(x["amount"] for x in page["repayments"]) == ["30.00", "300.00"]
    assert first in {x["id"] for x in page["repayments"]}
    visit = cli("visit", "--db", demo_path, "--loan", loan, "--date", "2026-11-20", "--outcome", "promised",
                "--next", "2026-12-06", "--json").json()["visit_id"]
    v = cli("visit", "void", "--db", demo_path, "--loan", loan, "--reason", "结果选错", "--outcome", "refused", "--json")
    assert v.code == 0, v.err
    assert v.json()["voided"] == [visit]


def test_void_needs_either_an_id_or_a_loan_number(cli, demo_path):
    loan, _task = a_big_loan(demo_path)
    before = snapshot(demo_path)
    neither = cli("repay", "void", "--db", demo_path, "--reason", "x")
    both = cli("visit", "void", "--db", demo_path, "some-id", "--loan", loan, "--reason", "x")
    none_yet = cli("visit", "void", "--db", demo_path, "--loan", loan, "--reason", "x")
    assert neither.code == 2 and both.code == 2 and "只写一个" in neither.err
    assert none_yet.code == 1 and "没有可以作废的走访" in none_yet.err
    assert snapshot(demo_path) == before
