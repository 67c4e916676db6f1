"""The 工作台's kept figures (app.services.reporting.dashboard_cache): recalled at the next start
only while they are the database's — any write, a restore, another schema or program, or a dated
fact that the new day brings in makes the start compute them again — and checked afresh after."""
from __future__ import annotations

import sqlite3
from datetime import date

import pytest

from app.bootstrap import open_database
from app.services.recovery.repayments import record_repayment
from app.services.reporting import dashboard, dashboard_cache
from tests.integration.reporting.conftest import FIRST, SECOND


def _keep(db, day=SECOND):
    found = dashboard_cache.compute(db, day)
    assert dashboard_cache.remember(db, found)
    return found


def test_kept_figures_are_recalled_equal_to_the_computed_ones(small):
    found = _keep(small)
    again = dashboard_cache.recall(small, SECOND)
    assert again is not None and again.recalled
    assert again == found == dashboard.figures(small, SECOND)
    assert again.summary.to_json() == found.summary.to_json()
    assert dashboard_cache.settle(small, again) is None      # afresh, they are the same


def test_a_one_township_database_keeps_its_villages(small):
    from app.db.models import Loan, Unit

    with small.uow("测试员") as uow:
        uow.session.query(Loan).filter_by(loan_no="L3").one().deleted = True
        uow.session.query(Unit).filter_by(name="石门乡").one().deleted = True
        uow.commit()
    found = _keep(small)
    again = dashboard_cache.recall(small, SECOND)
    assert again.one_township and again.villages == found.villages and again.villages


def test_any_write_since_makes_them_stale(small):
    from app.services.households.edit import HouseholdEdit, edit_household

    _keep(small)
    record_repayment(small, amount_fen=100, loan_no="L2", paid_on=FIRST)
    assert dashboard_cache.recall(small, SECOND) is None
    _keep(small)
    edit_household(small, HouseholdEdit(add_categories=["低保户"]), "测试员", loan_no="L1")
    assert dashboard_cache.recall(small, SECOND) is None
    # and what is computed now counts the new repayment and (from today, its date) the category
    now = dashboard_cache.compute(small, date.today())
    assert now.summary.totals.recovered_fen == 9_000_100
    assert [c.name for c in now.summary.categories if c.loans] == ["低保户贷款"]


def test_a_later_day_recalls_them_until_a_dated_fact_falls_due(small):
    record_repayment(small, amount_fen=200, loan_no="L2", paid_on=date(2026, 11, 25))  # dated ahead
    _keep(small, SECOND)
    assert dashboard_cache.recall(small, date(2026, 11, 24)).summary.as_of == date(2026, 11, 24)
    assert dashboard_cache.recall(small, date(2026, 11, 25)) is None   # that repayment counts from then
    assert dashboard_cache.recall(small, FIRST) is None                # nor for an earlier day


def test_a_day_with_nothing_dated_later_recalls_them_for_good(small):
    _keep(small, SECOND)
    later = dashboard_cache.recall(small, date(2027, 3, 1))
    assert later is not None and later == dashboard.figures(small, date(2027, 3, 1))


def test_a_restored_backup_does_not_recall_the_figures_kept_after_it(small, tmp_path):
    from app.services.foundation.backup import backup, restore

    path = small.path
    copy = tmp_path / "backup.db"
    backup(small, copy)
    _keep(small)                     # kept after the backup was taken …
    record_repayment(small, amount_fen=300, loan_no="L2", paid_on=FIRST)
    _keep(small)                     # … and again, with the new repayment
    small.dispose()
    restore(path, copy)
    restored = open_database(path)
    try:
        assert dashboard_cache.recall(restored, SECOND) is None
    finally:
        restored.dispose()


def test_another_program_or_schema_does_not_recall_them(small, monkeypatch):
    _keep(small)
    monkeypatch.setattr(dashboard_cache, "__version__", "9.9.9")
    assert dashboard_cache.recall(small, SECOND) is None
    monkeypatch.undo()
    assert dashboard_cache.recall(small, SECOND) is not None
    with small.sqlite() as conn, conn:
        conn.execute("UPDATE alembic_version SET version_num = '0000'")
    assert dashboard_cache.recall(small, SECOND) is None


def test_damaged_kept_figures_are_ignored(small):
    _keep(small)
    with small.sqlite() as conn, conn:
        conn.execute("UPDATE meta SET value = '{\"mark\": 1' WHERE key = ?", (dashboard_cache.KEY,))
    assert dashboard_cache.recall(small, SECOND) is None


def test_figures_that_were_kept_wrongly_are_replaced_once_checked(small, caplog):
    """The safety net: a write that moved no change mark (a bug) is caught by the check afresh."""
    _keep(small)
    with small.sqlite() as conn, conn:   # behind the program's back: no unit of work, no mark moved
        conn.execute("UPDATE loans SET task_amount_fen = task_amount_fen + 100 WHERE loan_no = 'L1'")
    shown = dashboard_cache.recall(small, SECOND)
    assert shown is not None              # not detectable from the mark …
    fresh = dashboard_cache.settle(small, shown)
    assert fresh is not None and fresh.summary.totals.task_fen == shown.summary.totals.task_fen + 100
    assert "were not the database's" in caplog.text
    assert dashboard_cache.recall(small, SECOND) == fresh     # … and what is kept now is right


def test_a_busy_database_is_not_waited_for(small):
    found = dashboard_cache.compute(small, SECOND)
    other = sqlite3.connect(small.path)
    try:
        other.execute("BEGIN IMMEDIATE")
        assert dashboard_cache.remember(small, found) is False
    finally:
        other.rollback()
        other.close()
    assert dashboard_cache.recall(small, SECOND) is None
    assert dashboard_cache.remember(small, found)


def test_figures_computed_while_a_write_landed_are_not_recalled(small, monkeypatch):
    real = dashboard.figures

    def figures_then_a_write(db, as_of=None):
        found = real(db, as_of)
        record_repayment(db, amount_fen=400, loan_no="L2", paid_on=FIRST)   # lands after they were read
        return found

    monkeypatch.setattr(dashboard_cache, "figures", figures_then_a_write)
    found = dashboard_cache.compute(small, SECOND)
    assert dashboard_cache.remember(small, found)
    assert dashboard_cache.recall(small, SECOND) is None


@pytest.mark.parametrize("recalled", [False, True])
def test_settle_keeps_what_was_computed(small, recalled):
    found = dashboard_cache.compute(small, SECOND)
    if recalled:
        dashboard_cache.remember(small, found)
        found = dashboard_cache.recall(small, SECOND)
    assert dashboard_cache.settle(small, found) is None
    assert dashboard_cache.recall(small, SECOND) == found


def test_a_ledger_import_makes_them_stale(new_db, tmp_path):
    from app.services.ledger_import import import_ledger
    from tests.integration.ledger_import.ledger_files import HEADER, loan_row
    from tests.workbooks import write_workbook

    def ledger(name: str, as_of: str, balances: dict[int, int]):
        rows = [loan_row(n, name=f"户主{n}", balance=b) for n, b in balances.items()]
        return write_workbook(tmp_path / name, {"柳林镇": [["清收任务清单（柳林镇）"], [f"单位：元  数据截至：{as_of}"],
                                                            HEADER, *rows]})

    today = date(2026, 10, 15)
    import_ledger(new_db, ledger("jun.xlsx", "2026年6月30日", {1: 10_000, 2: 10_000}), today=today)
    kept = _keep(new_db, today)
    import_ledger(new_db, ledger("jul.xlsx", "2026年7月31日", {1: 7_000, 2: 10_000}), today=today)
    assert dashboard_cache.recall(new_db, today) is None
    now = dashboard_cache.compute(new_db, today)
    assert now.summary.totals.recovered_fen == kept.summary.totals.recovered_fen + 300_000   # the bank's drop
