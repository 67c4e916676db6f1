"""对账 on a real database (app.services.reporting.reconcile): ledgers imported as a user imports them and
repayments recorded and voided through the services, each loan's outcome worked out by hand; the
shipped sample ledgers against ``summary``; the demo (no ledger readings) checks nothing."""
from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from app.domain.errors import NotFound
from app.domain.reconcile import AMOUNTS_DIFFER, BALANCE_ROSE, IN_BANK_NOT_RECORDED, RECORDED_NOT_IN_BANK
from app.services.ledger_import import import_ledger
from app.services.recovery.repayments import record_repayment
from app.services.reporting import reconcile, summary
from app.services.work.corrections import void_repayment
from tests.integration.ledger_import.ledger_files import HEADER, loan_row
from tests.workbooks import write_workbook

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "ledger-sample"
TODAY = date(2026, 10, 15)
JUN, JUL, AUG = date(2026, 6, 30), date(2026, 7, 31), date(2026, 8, 31)


def no(n: int) -> str:
    return f"62010010{n:04d}"


def _ledger(tmp_path, name: str, as_of: str, rows: dict[int, int], shimen: dict[int, int] | None = None):
    """A ledger of 柳林镇 (and 石门乡): loan n (its own household) with a balance in yuan."""
    sheets = {"柳林镇": [["清收任务清单（柳林镇）"], [f"单位：元  数据截至：{as_of}"], HEADER,
                        *[loan_row(n, name=f"户主{n}", balance=b) for n, b in rows.items()]]}
    if shimen:
        sheets["石门乡"] = [["清收任务清单（石门乡）"], [f"单位：元  数据截至：{as_of}"], HEADER,
                         *[loan_row(n, name=f"户主{n}", balance=b, village="石门村") for n, b in shimen.items()]]
    return write_workbook(tmp_path / name, sheets)


def _repay(db, n: int, yuan: int, on: date):
    return record_repayment(db, loan_no=no(n), amount_fen=yuan * 100, paid_on=on)


@pytest.fixture
def two_ledgers(new_db, tmp_path):
    """柳林镇's loans 1–9 and 11 at 10,000.00 on 06-30; on 07-31 (a second file of that date, imported
    later, corrects loan 8): 1 7,000 with 3,000 recorded → agrees; 2 unchanged with 2,000 recorded;
    3 6,000 with nothing; 4 5,000 with 3,000; 5 8,000 with 5,000 recorded, then corrected to 2,000;
    6 unchanged with 1,000 recorded and voided; 7 unchanged, 1,000 paid on 08-05 (after the last
    ledger); 8 9,000 then 8,000 with 2,000; 9 11,000; 11 9,000 with 1,000 paid on 06-30, the first
    ledger's date.  Loan 12 is new on 07-31 at 5,000 (石门乡), read in an older ledger of 05-31 too."""
    db = new_db
    first = {n: 10_000 for n in (1, 2, 3, 4, 5, 6, 7, 8, 9, 11)}
    import_ledger(db, _ledger(tmp_path, "jun.xlsx", "2026年6月30日", first), today=TODAY)
    _repay(db, 11, 1_000, JUN)
    _repay(db, 1, 3_000, date(2026, 7, 10))
    _repay(db, 2, 2_000, date(2026, 7, 10))
    _repay(db, 4, 3_000, date(2026, 7, 15))
    wrong = _repay(db, 5, 5_000, date(2026, 7, 5))
    void_repayment(db, wrong.repayment_id, reason="金额录错", amount_fen=2_000_00)
    void_repayment(db, _repay(db, 6, 1_000, date(2026, 7, 6)).repayment_id, reason="记错了借据号")
    _repay(db, 8, 2_000, date(2026, 7, 20))
    second = {1: 7_000, 2: 10_000, 3: 6_000, 4: 5_000, 5: 8_000, 6: 10_000, 7: 10_000, 8: 9_000, 9: 11_000, 11: 9_000}
    import_ledger(db, _ledger(tmp_path, "jul.xlsx", "2026年7月31日", second, {12: 5_000}), today=TODAY)
    import_ledger(db, _ledger(tmp_path, "jul-更正.xlsx", "2026年7月31日", {8: 8_000}), today=TODAY)
    import_ledger(db, _ledger(tmp_path, "may.xlsx", "2026年5月31日", {}, {12: 6_000}), today=TODAY)
    _repay(db, 7, 1_000, date(2026, 8, 5))
    return db


def _by_loan(r) -> dict[str, list]:
    out: dict[str, list] = {}
    for d in r.differences:
        out.setdefault(d.loan_no, []).append(d)
    return out


def test_each_loan_as_worked_out_by_hand(two_ledgers):
    r = reconcile.prepare(two_ledgers)
    assert r.scope == "示范区" and r.loans_checked == 11 and r.total.loans_without_ledger == 0
    got = {loan: [(d.start, d.end, d.kind, d.recorded_fen, d.drop_fen, d.loan_difference_fen) for d in ds]
           for loan, ds in _by_loan(r).items()}
    assert got == {
        no(2): [(JUN, JUL, RECORDED_NOT_IN_BANK, 2_000_00, 0, 2_000_00)],
        no(3): [(JUN, JUL, IN_BANK_NOT_RECORDED, 0, 4_000_00, -4_000_00)],
        no(4): [(JUN, JUL, AMOUNTS_DIFFER, 3_000_00, 5_000_00, -2_000_00)],
        no(9): [(JUN, JUL, BALANCE_ROSE, 0, -1_000_00, 1_000_00)],
        # paid on the first ledger's date, the bank booked it in the next period: a matter of dates
        no(11): [(None, JUN, RECORDED_NOT_IN_BANK, 1_000_00, 0, 0), (JUN, JUL, IN_BANK_NOT_RECORDED, 0, 1_000_00, 0)],
    }
    # 1 agrees; 5: the voided 5,000 counts nowhere, its correction does; 6: voided, nothing left;
    # 8: the later file of 07-31 wins (with the first, 1,000 against 2,000 would differ);
    # 12: one reading on its task date, the older ledger is history
    assert not {no(n) for n in (1, 5, 6, 7, 8)} & set(got) and "620100100012" not in got
    (p,) = r.pending
    assert (p.loan_no, p.last_ledger, p.repayments, p.principal_fen, p.first) == (no(7), JUL, 1, 1_000_00,
                                                                                  date(2026, 8, 5))
    assert [t.name for t in r.townships] == ["柳林镇", "石门乡"]
    liulin, shimen = r.townships
    assert (liulin.loans_checked, liulin.loans_differing, shimen.loans_checked, shimen.loans_differing) == (10, 5, 1, 0)
    # every interval's amounts: recorded 3,000+2,000+3,000+2,000+2,000+1,000; drops 3,000+4,000+5,000+2,000+2,000
    # −1,000+1,000 (and 12's none)
    assert (liulin.recorded_fen, liulin.drop_fen) == (13_000_00, 16_000_00)
    assert r.total.counts == {RECORDED_NOT_IN_BANK: 2, IN_BANK_NOT_RECORDED: 2, AMOUNTS_DIFFER: 1, BALANCE_ROSE: 1}
    # by township, village, household (pinyin), loan, date
    assert [d.household for d in r.differences] == ["户主11", "户主11", "户主2", "户主3", "户主4", "户主9"]
    assert {d.village for d in r.differences} == {"李家村"}


def test_the_next_ledger_checks_what_was_pending(two_ledgers, tmp_path):
    import_ledger(two_ledgers, _ledger(tmp_path, "aug.xlsx", "2026年8月31日", {7: 9_000}), today=TODAY)
    r = reconcile.prepare(two_ledgers)
    assert r.pending == [] and no(7) not in _by_loan(r)
    # the loans the August ledger no longer lists keep their last reading: nothing new for them
    assert len(r.differences) == 6


def test_one_township(two_ledgers):
    r = reconcile.prepare(two_ledgers, "石门乡")
    assert (r.scope, r.loans_checked, r.differences, r.pending) == ("石门乡", 1, [], [])
    assert [t.name for t in r.townships] == ["石门乡"]
    with pytest.raises(NotFound, match="没有名为“石门”的乡镇（是不是：石门乡？）"):
        reconcile.prepare(two_ledgers, "石门")


def test_progress_is_reported_and_may_stop_the_work(two_ledgers):
    seen = []
    reconcile.prepare(two_ledgers, progress=lambda done, total, words: seen.append((done, total, words)))
    assert seen[0] == (0, 0, "正在读取贷款……") and seen[-1] == (11, 11, "对账完成")

    class Stop(Exception):
        pass

    def stop(done, total, words):
        raise Stop

    with pytest.raises(Stop):
        reconcile.prepare(two_ledgers, progress=stop)


def test_the_sample_ledgers_every_drop_is_the_banks_recovery(new_db):
    """No township repayment: each loan whose balance fell is one in_bank_not_recorded row, and
    the drops add up to what ``summary`` counts recovered (the bank's reported recovery)."""
    truth = json.loads((SAMPLES / "truth.json").read_text(encoding="utf-8"))
    import_ledger(new_db, SAMPLES / "ledger.xlsx", today=date(2026, 12, 1))
    import_ledger(new_db, SAMPLES / "update.xlsx", today=date(2026, 12, 1))
    r = reconcile.prepare(new_db)
    s = summary.compute(new_db, date(2026, 12, 1))
    assert r.loans_checked == truth["loans_valid"] == s.totals.loans
    assert {d.kind for d in r.differences} == {IN_BANK_NOT_RECORDED}
    assert sum(d.drop_fen for d in r.differences) == r.total.drop_fen == s.totals.recovered_fen
    assert Decimal(r.total.drop_fen) / 100 == Decimal(truth["after_update"]["bank_reported_recovered"])
    for t in s.townships:
        line = next(x for x in r.townships if x.name == t.name)
        assert (line.loans_checked, line.drop_fen) == (t.loans, t.recovered_fen)

    # a township records one of those drops: that row goes, summary's figure stays
    d = r.differences[0]
    record_repayment(new_db, loan_no=d.loan_no, amount_fen=d.drop_fen, paid_on=date(2026, 11, 20))
    again = reconcile.prepare(new_db)
    assert d.loan_no not in _by_loan(again) and len(again.differences) == len(r.differences) - 1
    assert again.total.recorded_fen == d.drop_fen
    assert summary.compute(new_db, date(2026, 12, 1)).totals.recovered_fen == s.totals.recovered_fen


def test_the_demo_has_no_ledger_readings_and_checks_nothing(demo_db):
    r = reconcile.prepare(demo_db)
    s = summary.compute(demo_db, date.today())
    assert (r.loans_checked, r.differences, r.pending) == (0, [], [])
    assert r.total.loans_without_ledger == s.totals.loans
    assert "没有银行台账余额，未核对" in r.sentence()
