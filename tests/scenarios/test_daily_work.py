"""visit / repay / stage as a township clerk uses them, and how they meet the bank's ledgers."""
from __future__ import annotations

from datetime import date

import pytest

from tests.scenarios.helpers import make_id, query, snapshot

TODAY = date.today()
HEADER = ["借款人", "身份证号", "借据号", "贷款余额", "欠息"]


def _ledger(write_xlsx, name: str, as_of: str, loans: list[tuple[str, int, int]]):
    rows = [[f"柳林镇不良贷款台账  数据截至：{as_of}"], HEADER]
    rows += [[f"户{no}", make_id(f"6224211960101{int(no[1:]):04d}"), no, balance, interest]
             for no, balance, interest in loans]
    return write_xlsx({"柳林镇": rows}, name=name)


def _fresh_loan(path) -> tuple[str, str]:
    """A collection-stage loan with nothing repaid and no agreement: (loan number, task date)."""
    return query(path, "SELECT loan_no, task_date FROM loans l WHERE stage = 'collection' AND balance_fen > 0 "
                       "AND NOT EXISTS (SELECT 1 FROM repayments r WHERE r.loan_id = l.id) "
                       "AND NOT EXISTS (SELECT 1 FROM agreement_loans a WHERE a.loan_id = l.id) "
                       "ORDER BY loan_no LIMIT 1")[0]


@pytest.mark.parametrize("source", ["demo", "ledger"])
def test_a_stage_move_dated_before_the_loan_entered_the_task_list_is_refused(cli, demo_path, district_path,
                                                                             write_xlsx, source):
    path = demo_path
    if source == "ledger":   # loans read from a bank ledger have no stage date of their own
        path = district_path
        cli("import-ledger", _ledger(write_xlsx, "九月.xlsx", "2026年9月30日", [("L1", 10000, 0)]), "--db", path)
    loan_no, task_date = _fresh_loan(path)
    before = snapshot(path)
    r = cli("stage", "--db", path, "--loan", loan_no, "--to", "suit", "--date", "2001-01-01", "--json")
    assert r.code == 1 and r.out == ""
    assert loan_no in r.err and task_date in r.err
    assert snapshot(path) == before


def test_a_township_repayment_entered_after_the_ledger_that_already_showed_it_counts_once(
        cli, district_path, write_xlsx):
    """The clerk hands the money to the bank on 10-20 but types it in only after the bank's
    October ledger (which shows the lower balance) has been imported."""
    assert cli("import-ledger", _ledger(write_xlsx, "九月.xlsx", "2026年9月30日", [("L1", 10000, 0), ("L2", 10000, 0)]),
               "--db", district_path, "--json").code == 0
    r = cli("import-ledger", _ledger(write_xlsx, "十月.xlsx", "2026年10月31日", [("L1", 7000, 0), ("L2", 10000, 0)]),
            "--db", district_path, "--json")
    assert r.code == 0 and r.json()["bank_recovered"] == "3000.00"

    r = cli("repay", "--db", district_path, "--loan", "L1", "--amount", "3000", "--date", "2026-10-20", "--json")

    assert r.code == 0, r.err
    assert r.json()["outstanding"] == "7000.00"           # what the bank says, not 4000
    totals = cli("summary", "--db", district_path, "--json").json()["totals"]
    assert totals["recovered"] == "3000.00" and totals["outstanding"] == "17000.00"
    assert query(district_path, "SELECT balance_fen FROM loans WHERE loan_no = 'L1'") == [(700000,)]
    # the next ledger, still 7000: nothing more recovered, nothing to check
    r = cli("import-ledger", _ledger(write_xlsx, "十一月.xlsx", "2026年11月15日", [("L1", 7000, 0), ("L2", 10000, 0)]),
            "--db", district_path, "--json")
    assert r.code == 0 and r.json()["bank_recovered"] == "0.00"
    assert not [w for w in r.json()["warnings"] if w["code"] == "balance_higher"]
    assert cli("summary", "--db", district_path, "--json").json()["totals"]["recovered"] == "3000.00"


def test_a_late_repayment_larger_than_the_bank_decrease_counts_the_rest_once(cli, district_path, write_xlsx):
    cli("import-ledger", _ledger(write_xlsx, "九月.xlsx", "2026年9月30日", [("L1", 10000, 0)]), "--db", district_path)
    cli("import-ledger", _ledger(write_xlsx, "十月.xlsx", "2026年10月31日", [("L1", 8000, 0)]), "--db", district_path)
    r = cli("repay", "--db", district_path, "--loan", "L1", "--amount", "3000", "--date", "2026-10-20", "--json")
    assert r.code == 0, r.err
    assert r.json()["outstanding"] == "7000.00"
    assert cli("summary", "--db", district_path, "--json").json()["totals"]["recovered"] == "3000.00"


def test_a_repayment_dated_after_the_ledger_is_new_money(cli, district_path, write_xlsx):
    cli("import-ledger", _ledger(write_xlsx, "九月.xlsx", "2026年9月30日", [("L1", 10000, 0)]), "--db", district_path)
    cli("import-ledger", _ledger(write_xlsx, "十月.xlsx", "2026年10月31日", [("L1", 7000, 0)]), "--db", district_path)
    r = cli("repay", "--db", district_path, "--loan", "L1", "--amount", "1000", "--date", "2026-11-05", "--json")
    assert r.code == 0 and r.json()["outstanding"] == "6000.00"
    assert cli("summary", "--db", district_path, "--json").json()["totals"]["recovered"] == "4000.00"
