"""Agreements on the command line: dates that cannot be, and what a payment does to the loan."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.scenarios.helpers import query, snapshot

TODAY = date.today()
TOMORROW = (TODAY + timedelta(days=1)).isoformat()
NEXT_YEAR = (TODAY + timedelta(days=365)).isoformat()


def _single_loan(path) -> str:
    return query(path, "SELECT loan_no FROM loans l WHERE stage = 'collection' AND balance_fen > 0 "
                       "AND NOT EXISTS (SELECT 1 FROM agreement_loans a WHERE a.loan_id = l.id) "
                       "AND (SELECT COUNT(*) FROM loans x WHERE x.household_id = l.household_id) = 1 "
                       "ORDER BY loan_no LIMIT 1")[0][0]


def _agreement(cli, path, loan_no: str, *, signed: bool) -> dict:
    r = cli("agreement", "create", "--db", path, "--loan", loan_no, "--installments", "1",
            "--frequency", "lump", "--first-due", (TODAY + timedelta(days=30)).isoformat(), "--json")
    assert r.code == 0, r.err
    made = r.json()
    if signed:
        assert cli("agreement", "sign", "--db", path, made["agreement_id"], "--date", TODAY.isoformat()).code == 0
    return made


@pytest.mark.parametrize("day", [TOMORROW, NEXT_YEAR])
def test_an_agreement_cannot_be_signed_on_a_day_still_to_come(cli, demo_path, day):
    made = _agreement(cli, demo_path, _single_loan(demo_path), signed=False)
    before = snapshot(demo_path)
    r = cli("agreement", "sign", "--db", demo_path, made["agreement_id"], "--date", day, "--json")
    assert r.code == 1 and r.out == ""
    assert day in r.err and len(r.err.strip().splitlines()) == 1
    assert snapshot(demo_path) == before


@pytest.mark.parametrize("day", [TOMORROW, NEXT_YEAR])
def test_a_payment_under_an_agreement_cannot_be_dated_in_the_future(cli, demo_path, day):
    made = _agreement(cli, demo_path, _single_loan(demo_path), signed=True)
    before = snapshot(demo_path)
    r = cli("agreement", "pay", "--db", demo_path, made["agreement_id"], "--amount", "100", "--date", day, "--json")
    assert r.code == 1 and r.out == ""
    assert day in r.err
    assert snapshot(demo_path) == before


def test_paying_an_agreement_in_full_settles_its_loan_as_a_repayment_would(cli, demo_path):
    loan_no = _single_loan(demo_path)
    made = _agreement(cli, demo_path, loan_no, signed=True)
    r = cli("agreement", "pay", "--db", demo_path, made["agreement_id"], "--amount", made["total"],
            "--date", TODAY.isoformat(), "--json")
    assert r.code == 0, r.err
    assert r.json()["status"] == "fulfilled"
    assert query(demo_path, "SELECT balance_fen, stage, stage_date FROM loans WHERE loan_no = :n", n=loan_no) == \
        [(0, "settled", TODAY.isoformat())]
    assert query(demo_path, "SELECT COUNT(*) FROM stage_events e JOIN loans l ON l.id = e.loan_id "
                            "WHERE l.loan_no = :n AND e.to_stage = 'settled'", n=loan_no) == [(1,)]
    row = cli("households", "--db", demo_path, "--search", loan_no, "--json").json()["households"][0]
    assert row["outstanding"] == "0.00" and row["stage"] == "settled"


def test_listing_by_a_status_that_does_not_exist_is_bad_usage_not_an_empty_list(cli, demo_path):
    r = cli("agreement", "list", "--db", demo_path, "--status", "signd", "--json")
    assert r.code == 2 and r.out == ""
    assert "signd" in r.err
    r = cli("agreement", "list", "--db", demo_path, "--status", "signed", "--json")
    assert r.code == 0 and r.json()["agreements"]
    assert {a["status"] for a in r.json()["agreements"]} == {"signed"}
