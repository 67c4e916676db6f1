"""Money paid under a signed repayment agreement, entered after the bank's later ledger already
showed it as a lower balance: matched with the bank's report like a plain repayment, each yuan
counted once (``summary --json`` and ``summary.compute``), the loan's balance the bank's, the
agreement's installments paid by the whole amount."""
from __future__ import annotations

import pytest

from tests.scenarios.helpers import make_id, query

HEADER = ["借款人", "身份证号", "借据号", "村", "贷款余额"]
PAID_ON = "2026-10-20"      # paid after the agreement was signed, before the October ledger's date


def _sheet(as_of: str, loans: list[tuple[str, int]]) -> list[list]:
    """柳林镇's sheet; every loan is one household's (one borrower, one ID number)."""
    return [[f"柳林镇不良贷款台账  数据截至：{as_of}"], HEADER,
            *[["张三", make_id("62242119601010001"), no, "李家村", balance] for no, balance in loans]]


def _ledger(cli, db, write_xlsx, as_of: str, loans: list[tuple[str, int]], name: str) -> dict:
    r = cli("import-ledger", write_xlsx({"柳林镇": _sheet(as_of, loans)}, name=name), "--db", db, "--json")
    assert r.code == 0, r.err
    return r.json()


def _signed_agreement(cli, db, *loans: str) -> str:
    made = cli("agreement", "create", "--db", db, *[a for no in loans for a in ("--loan", no)],
               "--installments", "2", "--first-due", "2026-10-20", "--as-of", "2026-10-01", "--json")
    assert made.code == 0, made.err
    agreement = made.json()["agreement_id"]
    assert cli("agreement", "sign", "--db", db, agreement, "--date", "2026-10-01").code == 0
    return agreement


def _pay(cli, db, how: str, agreement: str, yuan: int, loan: str = "L1"):
    if how == "repay":
        r = cli("repay", "--db", db, "--loan", loan, "--amount", str(yuan), "--date", PAID_ON, "--json")
    else:
        r = cli("agreement", "pay", "--db", db, agreement, "--amount", str(yuan), "--date", PAID_ON, "--json")
    assert r.code == 0, r.err
    return r


def _recovered(cli, db) -> str:
    """The recovered figure, from ``summary --json`` and from the service (they must agree)."""
    from app.bootstrap import open_database
    from app.domain.money import yuan_str
    from app.services.reporting.summary import compute

    shown = cli("summary", "--db", db, "--json").json()["totals"]["recovered"]
    opened = open_database(db)
    try:
        assert yuan_str(compute(opened).totals.recovered_fen) == shown
    finally:
        opened.dispose()
    return shown


def _balances(db) -> dict[str, int]:
    return dict(query(db, "SELECT loan_no, balance_fen / 100 FROM loans ORDER BY loan_no"))


def _bank_left(db) -> int:
    """Principal (yuan) the bank's ledgers report that no township repayment explains."""
    return query(db, "SELECT COALESCE(SUM(principal_fen), 0) / 100 FROM repayments "
                     "WHERE source = 'bank' AND deleted = 0")[0][0]


@pytest.mark.parametrize("how", ["repay", "agreement pay"])
@pytest.mark.parametrize("bank_balance, paid, bank_left", [
    (7000, 3000, 0),        # the bank's decrease is this payment
    (7000, 2000, 1000),     # the payment is part of it: the rest stays the bank's
    (8000, 3000, 0),        # the payment is more: 2000 matched, 1000 new money
])
def test_a_payment_under_an_agreement_after_the_banks_decrease_counts_once(
        cli, district_path, write_xlsx, how, bank_balance, paid, bank_left):
    _ledger(cli, district_path, write_xlsx, "2026年9月30日", [("L1", 10000)], "九月.xlsx")
    agreement = _signed_agreement(cli, district_path, "L1")
    _ledger(cli, district_path, write_xlsx, "2026年10月31日", [("L1", bank_balance)], "十月.xlsx")

    _pay(cli, district_path, how, agreement, paid)

    came_back = max(10000 - bank_balance, paid)
    assert _recovered(cli, district_path) == f"{came_back}.00"
    assert _balances(district_path) == {"L1": 10000 - came_back}
    assert _bank_left(district_path) == bank_left
    # the agreement is paid by the whole amount, its installments in order
    shown = cli("agreement", "show", "--db", district_path, agreement, "--json").json()
    assert shown["paid"] == f"{paid}.00"
    matched = min(paid, 10000 - bank_balance)
    said = query(district_path, "SELECT summary FROM audit_log WHERE entity = 'agreements' AND action = 'repay'")
    assert len(said) == 1 and f"其中 {matched}.00 元银行台账已报告收回，不重复计算" in said[0][0]
    # the same ledger read again counts nothing more
    again = _ledger(cli, district_path, write_xlsx, "2026年10月31日", [("L1", bank_balance)], "十月（副本）.xlsx")
    assert again["bank_recovered"] == "0.00"
    assert _recovered(cli, district_path) == f"{came_back}.00"


@pytest.mark.parametrize("how", ["repay", "agreement pay"])
def test_a_payment_under_an_agreement_the_bank_already_showed_paying_off_the_loan_is_accepted(
        cli, district_path, write_xlsx, how):
    _ledger(cli, district_path, write_xlsx, "2026年9月30日", [("L1", 10000)], "九月.xlsx")
    agreement = _signed_agreement(cli, district_path, "L1")
    r = _ledger(cli, district_path, write_xlsx, "2026年10月31日", [("L1", 0)], "十月.xlsx")
    assert r["loans_settled"] == 1

    _pay(cli, district_path, how, agreement, 10000)

    assert _recovered(cli, district_path) == "10000.00"
    assert _balances(district_path) == {"L1": 0} and _bank_left(district_path) == 0
    assert query(district_path, "SELECT stage FROM loans") == [("settled",)]


@pytest.mark.parametrize("how", ["repay", "agreement pay"])
@pytest.mark.parametrize("lower, balances, recovered, bank_left", [
    ("L1", {"L1": 0, "L2": 4000}, "11000.00", 0),      # all the bank's 3000 on L1 is this money
    ("L2", {"L1": 0, "L2": 3000}, "12000.00", 1000),   # 1000 of the bank's 2000 on L2 is
])
def test_a_payment_spread_over_two_loans_is_matched_only_where_the_bank_showed_a_decrease(
        cli, district_path, write_xlsx, how, lower, balances, recovered, bank_left):
    _ledger(cli, district_path, write_xlsx, "2026年9月30日", [("L1", 10000), ("L2", 5000)], "九月.xlsx")
    agreement = _signed_agreement(cli, district_path, "L1", "L2")
    october = {"L1": [("L1", 7000), ("L2", 5000)], "L2": [("L1", 10000), ("L2", 3000)]}[lower]
    _ledger(cli, district_path, write_xlsx, "2026年10月31日", october, "十月.xlsx")

    r = _pay(cli, district_path, how, agreement, 11000)     # principal first: 10000 on L1, 1000 on L2

    if how == "agreement pay":
        assert [(p["loan"], p["principal"]) for p in r.json()["parts"]] == [("L1", "10000.00"), ("L2", "1000.00")]
    assert _recovered(cli, district_path) == recovered
    assert _balances(district_path) == balances
    assert _bank_left(district_path) == bank_left
    assert query(district_path, "SELECT SUM(amount_fen) / 100 FROM repayments "
                                "WHERE source = 'township' AND deleted = 0") == [(11000,)]


def test_a_payment_under_an_agreement_before_the_ledger_that_shows_it_counts_once(cli, district_path, write_xlsx):
    """The other order: entered first, then the bank's ledger shows it."""
    _ledger(cli, district_path, write_xlsx, "2026年9月30日", [("L1", 10000)], "九月.xlsx")
    agreement = _signed_agreement(cli, district_path, "L1")
    _pay(cli, district_path, "agreement pay", agreement, 3000)

    r = _ledger(cli, district_path, write_xlsx, "2026年10月31日", [("L1", 7000)], "十月.xlsx")

    assert r["bank_recovered"] == "0.00" and not r["warnings"]
    assert _recovered(cli, district_path) == "3000.00"
    assert _balances(district_path) == {"L1": 7000}
