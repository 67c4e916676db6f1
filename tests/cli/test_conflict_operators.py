"""The conflict list says who made each side of a conflict: the operator of the change (its audit
entry travels with it), then the computer, then when — in ``conflicts --json`` ("operator" in
"kept" and "lost") and in the plain list."""
from __future__ import annotations

import json
import sqlite3

import pytest

from tests.scenarios.sync_helpers import PASSPHRASE, District, loans_of


@pytest.fixture
def district(cli, demo_path, tmp_path, monkeypatch):
    monkeypatch.setenv("QINGSHOU_PASSPHRASE", PASSPHRASE)
    return District(cli, demo_path, tmp_path)


def test_each_side_of_a_field_conflict_names_its_operator(district):
    one, two = district.laptop("柳林镇", "一号机"), district.laptop("柳林镇", "二号机")
    loan = loans_of(one.db, n=1)[0]
    district.run("household", "edit", "--db", one.db, "--loan", loan, "--phone", "13900000001", "--operator", "张三")
    district.run("household", "edit", "--db", two.db, "--loan", loan, "--phone", "13900000002", "--operator", "李四")
    district.merge(district.export(two), district.export(one))
    listed = json.loads(district.run("conflicts", "--db", district.db, "--json").out)["conflicts"]
    assert len(listed) == 1
    kept, lost = listed[0]["kept"], listed[0]["lost"]
    assert (kept["value"], kept["operator"], kept["device"]) == ("13900000002", "李四", "二号机")
    assert (lost["value"], lost["operator"], lost["device"]) == ("13900000001", "张三", "一号机")
    assert kept["at"] and lost["at"]                 # the fields there before are all still there
    text = district.run("conflicts", "--db", district.db).out
    assert f"保留：13900000002（李四，柳林镇 二号机，{kept['at']}）" in text
    assert f"被覆盖：13900000001（张三，柳林镇 一号机，{lost['at']}）" in text


def test_a_rule_breach_names_who_recorded_the_latest_payment(district):
    """Two laptops' payments together pass the task: one side is the task amount (the bank's
    figure, nobody's change), the other the payments, as of the latest of them."""
    one, two = district.laptop("柳林镇", "一号机"), district.laptop("柳林镇", "二号机")
    conn = sqlite3.connect(one.db)
    loan, task = conn.execute(
        "SELECT loan_no, task_amount_fen FROM loans l WHERE balance_fen = task_amount_fen AND task_amount_fen > 100000 "
        "AND id NOT IN (SELECT loan_id FROM repayments) AND id NOT IN (SELECT loan_id FROM agreement_loans) "
        "AND EXISTS (SELECT 1 FROM units u WHERE u.id = l.township_id AND u.name = '柳林镇') ORDER BY loan_no"
    ).fetchone()
    conn.close()
    amount = f"{task * 6 // 1000}.00"                  # 60% each: together more than owed
    district.run("repay", "--db", one.db, "--loan", loan, "--amount", amount, "--date", "2026-11-21",
                 "--operator", "张三")
    district.run("repay", "--db", two.db, "--loan", loan, "--amount", amount, "--date", "2026-11-22",
                 "--operator", "李四")
    district.merge(district.export(one), district.export(two))
    listed = [c for c in json.loads(district.run("conflicts", "--db", district.db, "--json").out)["conflicts"]
              if c["rule"]]
    assert len(listed) == 1
    kept, lost = listed[0]["kept"], listed[0]["lost"]
    assert kept["operator"] is None and kept["device"] is None
    assert (lost["operator"], lost["device"]) == ("李四", "二号机")
    assert "（李四，柳林镇 二号机，" in district.run("conflicts", "--db", district.db).out


def test_a_change_made_at_the_district_names_its_operator_and_the_district(district):
    laptop = district.laptop("柳林镇", "一号机")
    loan = loans_of(laptop.db, n=1)[0]
    district.run("household", "edit", "--db", laptop.db, "--loan", loan, "--phone", "13900000001", "--operator", "张三")
    district.run("household", "edit", "--db", district.db, "--loan", loan, "--phone", "13900000009",
                 "--operator", "王五")       # later, without having seen the laptop's
    district.merge(district.export(laptop))
    (conflict,) = json.loads(district.run("conflicts", "--db", district.db, "--json").out)["conflicts"]
    assert (conflict["kept"]["value"], conflict["kept"]["operator"]) == ("13900000009", "王五")
    assert (conflict["lost"]["value"], conflict["lost"]["operator"]) == ("13900000001", "张三")
    district_name = sqlite3.connect(district.db).execute("SELECT value FROM meta WHERE key = 'unit_name'").fetchone()[0]
    assert f"保留：13900000009（王五，{district_name}" in district.run("conflicts", "--db", district.db).out
