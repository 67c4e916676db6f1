"""What the window's filters and forms offer (villages, people, what a loan owes) and the list of
recent visits for the 走访 page."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from app.domain.errors import InputError
from app.services import households
from app.services.households import HouseholdFilter
from app.services.recovery import repayments
from app.services.work import choices, visit_list, visits


def test_villages_and_staff_are_the_ones_the_list_can_filter_by(demo_db):
    villages = choices.villages(demo_db)
    assert villages and len({v.id for v in villages}) == len(villages)
    total = sum(households.count(demo_db, HouseholdFilter(village_id=v.id)) for v in villages)
    assert total == households.count(demo_db, HouseholdFilter())        # every household is in one
    townships = choices.townships(demo_db)
    assert {v.parent_id for v in villages} == {t.id for t in townships}
    assert all(v.detail for v in villages)                               # the township's name
    staff = choices.staff(demo_db)
    assert staff and all(households.count(demo_db, HouseholdFilter(staff_id=s.id)) > 0 for s in staff[:10])
    assert {s.id for s in staff} <= {s.id for s in choices.all_staff(demo_db)}
    assert staff[0].label.startswith(staff[0].name)


def test_owed_is_what_the_repayment_service_checks_against(demo_db, one):
    owed = choices.owed_by_loan(demo_db, [one["loan_id"], "no-such-loan"])
    assert list(owed) == [one["loan_id"]]
    assert owed[one["loan_id"]].principal_fen == one["task_fen"]
    with pytest.raises(InputError):
        repayments.record_repayment(demo_db, loan_id=one["loan_id"], amount_fen=owed[one["loan_id"]].total_fen + 1)
    repayments.record_repayment(demo_db, loan_id=one["loan_id"], amount_fen=owed[one["loan_id"]].total_fen)
    assert choices.owed_by_loan(demo_db, [one["loan_id"]])[one["loan_id"]].total_fen == 0


def test_recent_visits_newest_first_within_the_dates(demo_db, one):
    today = date.today()
    found = visit_list.recent(demo_db, date_from=today - timedelta(days=30), date_to=today)
    days = [v.visited_on for v in found.rows]
    assert days == sorted(days, reverse=True) and all(today - timedelta(days=30) <= d <= today for d in days)
    assert found.total == len(found.rows)
    visits.record_visit(demo_db, household_id=one["household_id"], outcome="拒绝", visitors="王五")
    after = visit_list.recent(demo_db, date_from=today, date_to=today)
    assert after.rows[0].household_id == one["household_id"] and after.rows[0].outcome_name == "拒绝"
    refused = visit_list.recent(demo_db, outcome="refused", limit=5)
    assert len(refused.rows) <= 5 < refused.total and {v.outcome for v in refused.rows} == {"refused"}
    with pytest.raises(InputError):
        visit_list.recent(demo_db, outcome="nonsense")
