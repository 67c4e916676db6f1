"""The 工作台's kept figures are not recalled after a merge brought work in (the district) or a
task package brought the district's back (a laptop): the merge moves the change mark."""
from __future__ import annotations

from datetime import date

from app.services.recovery.repayments import record_repayment
from app.services.reporting import dashboard_cache
from app.sync.export import write_work_package
from app.sync.merge import merge_files

PASS = "看板口令"


def test_a_merged_repayment_makes_the_kept_figures_stale(world, tmp_path):
    district, (laptop, _other) = world
    today = date.today()
    kept = dashboard_cache.compute(district, today)
    assert dashboard_cache.remember(district, kept)
    with laptop.sqlite() as conn:
        loan_no = conn.execute("SELECT loan_no FROM loans WHERE deleted = 0 ORDER BY loan_no LIMIT 1").fetchone()[0]
    record_repayment(laptop, amount_fen=12_345, loan_no=loan_no, paid_on=today)
    package = write_work_package(laptop, tmp_path / "l1.qspkg").path
    assert dashboard_cache.recall(district, today) is not None
    [result] = merge_files(district, [package]).files
    assert result.status == "merged", result
    assert dashboard_cache.recall(district, today) is None
    now = dashboard_cache.compute(district, today)
    assert now.summary.totals.recovered_fen == kept.summary.totals.recovered_fen + 12_345
