"""The bulletin's figures, hand-computed on a small district, and kept issues."""
from __future__ import annotations

import json
import sqlite3
from datetime import date
from decimal import Decimal

import pytest

from app.domain.errors import InputError
from app.services.recovery.repayments import record_repayment
from app.services.reporting import bulletin, summary
from tests.integration.reporting.conftest import FIRST, SECOND


def _by_name(b):
    return {t.name: t for t in b.townships}


def test_first_bulletin_ranks_townships_by_rate_and_by_amount(small):
    b = bulletin.issue(small, FIRST, actor="王主任")
    assert (b.year, b.issue_no, b.as_of, b.unit_name) == (2026, 1, FIRST, "示范区")
    assert b.title == "关于全区不良贷款清收工作进展情况的通报（第1期）"
    t = b.totals
    assert (t.task_fen, t.recovered_fen, t.outstanding_fen, t.rate) == (150_000_000, 9_000_000, 141_000_000,
                                                                      Decimal("0.0600"))
    liulin, shimen = _by_name(b)["柳林镇"], _by_name(b)["石门乡"]
    assert [x.name for x in b.townships] == ["石门乡", "柳林镇"]           # 40.00 % before 3.57 %
    assert [x.name for x in b.by_amount] == ["柳林镇", "石门乡"]           # 50,000 before 40,000
    assert (shimen.rate, shimen.rank, shimen.amount_rank) == (Decimal("0.4000"), 1, 2)
    assert (liulin.rate, liulin.rank, liulin.amount_rank) == (Decimal("0.0357"), 2, 1)
    # a first issue has nothing to compare with
    assert liulin.delta_recovered_fen is None and liulin.rank_change is None and b.no_progress == []
    # the large loan L2: no repayment, no visit
    assert [x.loan_no for x in b.large_loans] == ["L2"] and liulin.large_untouched == 1
    assert shimen.broken_promises == 0          # the promised day (11-12) has not passed on 11-10


def test_second_bulletin_says_what_changed_since_the_printed_one(small):
    bulletin.issue(small, FIRST)
    record_repayment(small, amount_fen=70_000_000, loan_no="L2", paid_on=date(2026, 11, 15))
    b = bulletin.issue(small, SECOND, high=Decimal("0.50"), low=Decimal("0.45"))
    assert b.issue_no == 2 and (b.prev_issue_no, b.prev_as_of) == (1, FIRST)
    liulin, shimen = _by_name(b)["柳林镇"], _by_name(b)["石门乡"]
    assert [x.name for x in b.townships] == ["柳林镇", "石门乡"]
    assert liulin.recovered_fen == 75_000_000 and liulin.rate == Decimal("0.5357")
    assert liulin.delta_recovered_fen == 70_000_000 and liulin.delta_rate_points == Decimal("50.0000")
    assert (liulin.rank_change, shimen.rank_change) == (1, -1)
    assert shimen.delta_recovered_fen == 0 and [x.name for x in b.no_progress] == ["石门乡"]
    assert b.totals.delta_recovered_fen == 70_000_000
    assert [x.name for x in b.above] == ["柳林镇"] and [x.name for x in b.below] == ["石门乡"]
    assert b.large_loans == [] and liulin.large_untouched == 0
    assert shimen.broken_promises == 1 and b.broken_promises == 1     # promised 11-12, nothing came
    # freshness: 柳林镇's last repayment 11-15 (5 days), 石门乡's last visit 11-06 (14 days)
    assert (liulin.freshness.days, liulin.freshness.stale, liulin.freshness.basis) == (5, False, "facts")
    assert (shimen.freshness.days, shimen.freshness.stale) == (14, True)
    assert [x.name for x in b.stale] == ["石门乡"]
    wider = bulletin.prepare(small, date(2026, 11, 21), stale_days=15)
    assert _by_name(wider)["石门乡"].freshness.stale is False
    # the history of the chart: the first issue as printed, then this one
    assert [(p.as_of, p.recovered_fen, p.issue_no) for p in b.history][-2:] == [
        (FIRST, 9_000_000, 1), (SECOND, 79_000_000, 2)]


def test_default_thresholds_are_the_speechs(small):
    b = bulletin.prepare(small, FIRST)
    assert (b.high, b.low) == (Decimal("0.60"), Decimal("0.30"))
    assert b.above == [] and [x.name for x in b.below] == ["柳林镇"]
    with pytest.raises(InputError, match="界限"):
        bulletin.prepare(small, FIRST, high=Decimal("0.2"), low=Decimal("0.3"))


def test_comparison_is_with_what_was_printed_not_a_recomputation(small):
    bulletin.issue(small, FIRST)
    # a repayment recorded late, dated before the first bulletin
    record_repayment(small, amount_fen=1_000_000, loan_no="L3", paid_on=date(2026, 11, 8))
    b = bulletin.prepare(small, SECOND)
    shimen = _by_name(b)["石门乡"]
    assert shimen.prev_recovered_fen == 4_000_000 and shimen.delta_recovered_fen == 1_000_000
    # the first issue reprinted is the same issue with its figures as printed
    again = bulletin.issue(small, FIRST)
    assert again.reprint and again.issue_no == 1 and _by_name(again)["石门乡"].recovered_fen == 4_000_000
    assert len(bulletin.issued(small)) == 1


def test_an_earlier_date_than_the_last_issue_is_refused(small):
    bulletin.issue(small, SECOND)
    with pytest.raises(InputError, match="不能再发截至更早日期"):
        bulletin.issue(small, FIRST)
    assert [n for _, n, _ in bulletin.issued(small)] == [1]


def test_issue_numbers_start_again_each_year(small):
    old = bulletin.issue(small, date(2025, 12, 25))          # before the task list: all zero
    assert (old.year, old.issue_no, old.totals.task_fen) == (2025, 1, 0)
    assert bulletin.issue(small, FIRST).issue_no == 1
    second = bulletin.issue(small, SECOND)
    assert (second.issue_no, second.prev_year, second.prev_issue_no) == (2, 2026, 1)
    assert [(y, n) for y, n, _ in bulletin.issued(small)] == [(2025, 1), (2026, 1), (2026, 2)]


def test_a_date_after_today_is_refused(small):
    from datetime import timedelta

    with pytest.raises(InputError, match="在今天之后"):
        bulletin.prepare(small, date.today() + timedelta(days=1))


def test_every_figure_agrees_with_summary_as_of(demo_db):
    day = date(2026, 11, 20)
    b = bulletin.prepare(demo_db, day)
    s = summary.compute(demo_db, day).to_json()
    assert s["totals"]["recovered"] == f"{b.totals.recovered_fen / 100:.2f}"
    assert s["totals"]["task_amount"] == f"{b.totals.task_fen / 100:.2f}"
    assert s["totals"]["loans_settled"] == b.totals.settled
    assert [(x["name"], x["recovered"], x["rank"]) for x in s["townships"]] == [
        (x.name, f"{x.recovered_fen / 100:.2f}", x.rank) for x in b.townships]
    assert [(c["name"], c["loans"], c["task_amount"], c["recovered"]) for c in s["category_groups"]] == [
        (c.name, c.loans, f"{c.task_fen / 100:.2f}", f"{c.recovered_fen / 100:.2f}") for c in b.categories]


def test_a_database_before_bulletins_upgrades_and_issues(tmp_path):
    from app.bootstrap import open_database
    from app.db.migrate import current_revision, head_revision
    from app.services.foundation.setup import initialise
    from tests.migration_undo import before_0016

    path = tmp_path / "old.db"
    db = open_database(path)
    initialise(db, role="district", unit_name="示范区")
    db.dispose()
    with sqlite3.connect(path) as c:    # as revision 0009 left it: no bulletins, no sync trust
        c.executescript("DROP TABLE bulletins; DROP TABLE sync_peers; DROP TABLE sync_enrolments; "
                        "ALTER TABLE device_sequences DROP COLUMN confirmed_change; "
                        "ALTER TABLE ledger_balances DROP COLUMN as_of; "
                        "DROP INDEX ix_household_search_keys_seq; DROP INDEX ix_repayments_agreement_id; "   # (0015)
                        + before_0016() + "UPDATE alembic_version SET version_num = '0009';")
    c.close()
    db = open_database(path, backup_dir=tmp_path / "backups")
    try:
        assert current_revision(db.engine) == head_revision()
        b = bulletin.issue(db, FIRST)
        assert b.issue_no == 1 and b.townships == []
        with db.engine.connect() as conn:
            kept = json.loads(conn.exec_driver_sql("SELECT figures_json FROM bulletins").scalar_one())
        assert kept["issue_no"] == 1 and kept["as_of"] == "2026-11-10"
    finally:
        db.dispose()


def test_once_packages_arrive_freshness_is_the_last_package(small):
    from datetime import datetime

    from app.db.models import SyncPackage

    liulin_id = next(t.unit_id for t in bulletin.prepare(small, SECOND).townships if t.name == "柳林镇")
    with small.uow() as uow:
        uow.session.add(SyncPackage(package_id="P1", direction="in", kind="work", unit_id=liulin_id,
                                    device="d1", sequence=1, at=datetime(2026, 11, 3, 9, 30)))
        uow.commit()
    b = bulletin.prepare(small, SECOND)
    liulin, shimen = _by_name(b)["柳林镇"], _by_name(b)["石门乡"]
    assert (liulin.freshness.basis, liulin.freshness.last_on, liulin.freshness.days) == ("package", date(2026, 11, 3), 17)
    assert liulin.freshness.stale and "数据包" in liulin.freshness.label
    assert shimen.freshness.basis == "no_package" and shimen.freshness.stale
    assert shimen.freshness.label == "尚未收到数据包"
    # the kept issue keeps what it said
    kept = bulletin.issue(small, SECOND)
    assert bulletin.prepare(small, SECOND).townships == kept.townships
