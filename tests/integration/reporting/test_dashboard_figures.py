"""The 工作台's figures (app.services.reporting.dashboard): the summary, the progress points the bulletin's
chart draws (computed for a database with no issue yet, the issues' own points afterwards), and a
one-township database's villages."""
from __future__ import annotations

from datetime import date, timedelta

from app.services.reporting import bulletin, dashboard, summary, township_report
from tests.integration.reporting.conftest import FIRST, SECOND


def _points(points):
    return [(p.as_of, p.recovered_fen, p.task_fen) for p in points]


def test_before_any_issue_the_points_are_summarys_ten_days_apart(small):
    d = dashboard.figures(small, FIRST)
    assert d.summary.to_json() == summary.compute(small, FIRST).to_json()
    days = [FIRST - timedelta(days=20), FIRST - timedelta(days=10), FIRST]
    expected = [(day, summary.compute(small, day).totals.recovered_fen, summary.compute(small, day).totals.task_fen)
                for day in days]
    assert _points(dashboard.progress(small, d.summary)) == expected
    assert expected[-1][1] == 9_000_000 and expected[0][1] == 0
    assert not d.one_township and d.villages == []


def test_after_an_issue_the_points_are_the_bulletins(small):
    bulletin.issue(small, FIRST)
    points = dashboard.progress(small, dashboard.figures(small, SECOND).summary)
    assert _points(points) == _points(bulletin.prepare(small, SECOND).history)
    assert points[-2].issue_no == 1 and points[-1].as_of == SECOND


def test_one_township_shows_its_villages(small):
    from app.db.models import Loan, Unit

    with small.uow("测试员") as uow:         # 石门乡 and its loan go: the database holds one township
        uow.session.query(Loan).filter_by(loan_no="L3").one().deleted = True
        uow.session.query(Unit).filter_by(name="石门乡").one().deleted = True
        uow.commit()
    d = dashboard.figures(small, date(2026, 11, 20))
    assert d.one_township and [t.name for t in d.summary.townships] == ["柳林镇"]
    unit_id = d.summary.townships[0].unit_id
    assert d.villages == township_report.of_township(small, unit_id, date(2026, 11, 20)).villages
    assert sum(v.recovered_fen for v in d.villages) == d.summary.totals.recovered_fen == 5_000_000


def test_amounts_on_each_date_are_summarys_totals(demo_db):
    days = [date(2026, 2, 1), date(2026, 3, 1), date(2026, 6, 15), date(2026, 11, 20), date.today()]
    assert summary.amounts_on(demo_db, days) == [
        (t.task_fen, t.recovered_fen) for t in (summary.compute(demo_db, day).totals for day in days)]
    assert summary.amounts_on(demo_db, []) == []
