"""Follow-up due and promise broken: one definition for the list, the worklist and reports."""
from datetime import date

from app.domain.followup import VisitFact, followup_due, promise_broken, visit_state

D = date


def v(day, outcome, *, next_date=None, promised=None, fen=None, order=""):
    return VisitFact(day, order, outcome, next_date, promised, fen)


def test_never_visited():
    s = visit_state([], [])
    assert s.never_visited and s.last_visit_on is None and s.promise_date is None


def test_latest_visit_gives_the_follow_up_date():
    s = visit_state([v(D(2026, 5, 1), "refused", next_date=D(2026, 5, 10)),
                     v(D(2026, 6, 1), "other", next_date=D(2026, 7, 1))], [])
    assert s.last_visit_on == D(2026, 6, 1) and s.next_date == D(2026, 7, 1)
    assert not followup_due(s.next_date, D(2026, 6, 30))
    assert followup_due(s.next_date, D(2026, 7, 1))


def test_same_day_visits_are_ordered_by_when_they_were_recorded():
    s = visit_state([v(D(2026, 6, 1), "other", next_date=D(2026, 6, 5), order="0002"),
                     v(D(2026, 6, 1), "refused", next_date=D(2026, 6, 9), order="0001")], [])
    assert s.last_outcome == "other" and s.next_date == D(2026, 6, 5)


def test_promise_broken_when_nothing_was_paid_by_the_promised_date():
    s = visit_state([v(D(2026, 5, 1), "promised", promised=D(2026, 6, 1), fen=100000)], [])
    assert not promise_broken(s.promise_date, s.paid_after_promise_on, D(2026, 6, 1))  # not yet past
    assert promise_broken(s.promise_date, s.paid_after_promise_on, D(2026, 6, 2))


def test_a_repayment_after_the_promise_keeps_it():
    s = visit_state([v(D(2026, 5, 1), "promised", promised=D(2026, 6, 1))], [D(2026, 5, 20)])
    assert not promise_broken(s.promise_date, s.paid_after_promise_on, D(2026, 7, 1))


def test_a_repayment_before_the_promise_visit_does_not_count():
    s = visit_state([v(D(2026, 5, 1), "promised", promised=D(2026, 6, 1))], [D(2026, 4, 20)])
    assert promise_broken(s.promise_date, s.paid_after_promise_on, D(2026, 7, 1))


def test_a_repayment_after_the_date_looked_at_does_not_count():
    s = visit_state([v(D(2026, 5, 1), "promised", promised=D(2026, 6, 1))], [D(2026, 8, 1)])
    assert promise_broken(s.promise_date, s.paid_after_promise_on, D(2026, 7, 1))
    assert not promise_broken(s.promise_date, s.paid_after_promise_on, D(2026, 8, 1))


def test_the_latest_promise_counts_even_after_a_later_refusal():
    s = visit_state([v(D(2026, 5, 1), "promised", promised=D(2026, 5, 20)),
                     v(D(2026, 6, 1), "refused")], [])
    assert s.last_outcome == "refused"
    assert promise_broken(s.promise_date, s.paid_after_promise_on, D(2026, 6, 2))
