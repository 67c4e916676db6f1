"""The command line attributes its changes: to the operator stored on this database, to
``--operator NAME`` (before or after the command), or to ``QINGSHOU_OPERATOR``; and it warns when a
loan's interest is computed at the default rate."""
from __future__ import annotations

import sqlite3

import pytest

from tests.conftest import OPERATOR
from tests.integration.agreements.agreement_helpers import free_households


def last_actor(path, action: str) -> str:
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT actor FROM audit_log WHERE action = ? ORDER BY hlc DESC LIMIT 1",
                            (action,)).fetchone()[0]


def a_loan(path) -> str:
    from app.bootstrap import open_database

    db = open_database(path)
    try:
        return free_households(db)[0][0]
    finally:
        db.dispose()


def test_operator_shows_and_sets_this_laptops_operator(cli, demo_path):
    shown = cli("operator", "--db", demo_path, "--json")
    assert shown.code == 0 and shown.json()["operator"]["name"] == OPERATOR
    assert cli("operator", "--db", demo_path, "李会计").out.strip() == "本机操作员：李会计（已保存）"
    assert cli("operator", "--db", demo_path).out.strip() == "本机操作员：李会计"
    refused = cli("operator", "--db", demo_path, "工作台")
    assert refused.code == 1 and "不是人的姓名" in refused.err
    assert cli("operator", "--db", demo_path, "--json").json()["operator"]["name"] == "李会计"


@pytest.mark.parametrize("argv, env, who", [
    ((), None, OPERATOR),                                              # the stored operator
    (("--operator", "王五"), None, "王五"),                              # after the command
    (("BEFORE", "王五"), None, "王五"),                                  # before it
    ((), "赵六", "赵六"),                                                # the environment
    (("--operator", "钱七"), "赵六", "钱七"),                            # the option wins
])
def test_a_repayment_is_attributed_to_who_the_command_line_names(cli, demo_path, monkeypatch, argv, env, who):
    if env is not None:
        monkeypatch.setenv("QINGSHOU_OPERATOR", env)
    loan = a_loan(demo_path)
    before = ["--operator", argv[1]] if argv[:1] == ("BEFORE",) else []
    after = list(argv) if argv[:1] != ("BEFORE",) else []
    r = cli(*before, "repay", "--db", demo_path, "--loan", loan, "--amount", "10", "--date", "2026-11-20",
            *after, "--json")
    assert r.code == 0, r.err
    assert last_actor(demo_path, "repay") == who


def test_without_any_operator_a_change_is_the_command_lines(new_db):
    from app.services.foundation import operators

    assert operators.current(new_db) is None and operators.command_line_actor(new_db) == "命令行"


def test_quote_and_create_warn_of_a_default_rate_on_stderr(cli, demo_path):
    loan = a_loan(demo_path)
    with sqlite3.connect(demo_path) as conn:
        conn.execute("UPDATE loans SET rate_ppm = NULL WHERE loan_no = ?", (loan,))
    q = cli("agreement", "quote", "--db", demo_path, "--loan", loan, "--as-of", "2026-11-22", "--json")
    assert q.code == 0 and q.json()["warnings"] and q.json()["loans"][0]["rate_source"] == "default"
    assert f"注意：借据号 {loan} 没有合同利率" in q.err and "8.64%" in q.err
    made = cli("agreement", "create", "--db", demo_path, "--loan", loan, "--installments", "2",
               "--first-due", "2027-01-15", "--as-of", "2026-11-22", "--waive-penalty", "all", "--json")
    assert made.code == 0 and "没有合同利率" in made.err and "还没有审批文号" in made.err
    assert made.json()["needs_approval"] is True and made.json()["warnings"]
    signed = cli("agreement", "sign", "--db", demo_path, made.json()["agreement_id"], "--date", "2026-11-25")
    assert signed.code == 1 and "不能签订" in signed.err
