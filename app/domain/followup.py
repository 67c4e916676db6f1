"""Where a household stands with its visits: last visit, next follow-up, the latest promise.

One definition, used by the household list's index (as of today) and by reports as of a
past date (the same function over the facts up to that date):

* the *latest visit* is the one with the latest ``visited_on``; on the same day, the one
  recorded last (its clock stamp);
* *follow-up due* on a date: the latest visit's ``next_date`` is on or before that date;
* *promise broken* on a date: the latest visit whose outcome is ``promised`` has a
  ``promised_date`` before that date, and no repayment came in on any of the household's
  loans from the day of that visit up to that date;
* both only while the household is *in collection*: it still owes money and at least one of
  its loans is neither settled (结清) nor written off (核销).  A settled or written-off
  household needs no follow-up, whatever its last visit said.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Iterable, NamedTuple


class VisitFact(NamedTuple):
    visited_on: date
    order: str              # tie-break on the same day: the clock stamp (hlc), later sorts last
    outcome: str
    next_date: date | None
    promised_date: date | None
    promised_fen: int | None


@dataclass(frozen=True)
class VisitState:
    visits: int = 0
    last_visit_on: date | None = None
    last_outcome: str | None = None
    next_date: date | None = None
    promise_visit_on: date | None = None
    promise_date: date | None = None
    promise_fen: int | None = None
    paid_after_promise_on: date | None = None  # first repayment on or after the promise visit
    last_paid_on: date | None = None

    @property
    def never_visited(self) -> bool:
        return self.visits == 0


def visit_state(visits: Iterable[VisitFact], paid_dates: Iterable[date]) -> VisitState:
    """The state from a household's (non-void) visits and the dates of its repayments.

    Pass only facts up to a date to get the state as of that date.
    """
    ordered = sorted(visits, key=lambda v: (v.visited_on, v.order or ""))
    paid = sorted(paid_dates)
    if not ordered:
        return VisitState(last_paid_on=paid[-1] if paid else None)
    last = ordered[-1]
    promise = next((v for v in reversed(ordered) if v.outcome == "promised"), None)
    paid_after = None
    if promise is not None:
        paid_after = next((d for d in paid if d >= promise.visited_on), None)
    return VisitState(
        visits=len(ordered),
        last_visit_on=last.visited_on,
        last_outcome=last.outcome,
        next_date=last.next_date,
        promise_visit_on=promise.visited_on if promise else None,
        promise_date=promise.promised_date if promise else None,
        promise_fen=promise.promised_fen if promise else None,
        paid_after_promise_on=paid_after,
        last_paid_on=paid[-1] if paid else None,
    )


CLOSED_STAGES = frozenset({"settled", "written_off"})


def in_collection(outstanding_fen: int, stages: Iterable[str | None]) -> bool:
    """Whether a household is still followed up: money owed and a loan not settled or written off."""
    return outstanding_fen > 0 and any(s and s not in CLOSED_STAGES for s in stages)


def followup_due(next_date: date | None, as_of: date) -> bool:
    return next_date is not None and next_date <= as_of


def promise_broken(promise_date: date | None, paid_after_promise_on: date | None, as_of: date) -> bool:
    return (promise_date is not None and promise_date < as_of
            and (paid_after_promise_on is None or paid_after_promise_on > as_of))


def days_between(earlier: date | None, later: date) -> int | None:
    return None if earlier is None else (later - earlier).days
