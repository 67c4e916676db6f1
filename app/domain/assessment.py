"""The monthly assessment (月考核): what one month's assessment prints, as plain data (filled by
app.services.reporting.assessment; written by app.reports.assessment_*), and the rules it is judged by.

"每月对各乡镇进行一次考核评比，各乡镇每月对各村社进行一次考核评比": townships, villages and
responsible people, each row for one calendar month [first day, last day]:

* task, cumulative recovered and rate at the month's end, and *recovered in the month*: the
  summary's recovered as of the last day minus the summary's recovered as of the day before
  the first (the end of the month before), loan by loan, so a repayment on the 1st counts in
  its month and each township's figure is ``summary --as-of`` of the two days subtracted;
* *visits made*: visits (not voided) dated in the month to the row's households;
* *never visited*: the row's households still owing money at the month's end with no visit
  recorded on or before it;
* *promises falling due*: every visit with outcome ``promised`` whose promised date (its next
  date when none was written, as the bulletin reads it) falls in the month.  Each is judged by
  app.domain.followup's rule on the day after it fell due, with the repayments up to the
  promised date: **kept** when a repayment came in on any of the household's loans from the day
  of the visit to the promised date, **broken** when none did.

Rates are percentages with one decimal, rounded half up once from the amounts (not from a rate
already rounded).  Ranks: by that rate, highest first; equal rates by the amount recovered in the
month, then the cumulative amount, then the name (pinyin order).  Villages and people are ranked
within their township; the loans no one answers for are a row of their own, last.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Iterable, Mapping, NamedTuple

from app.domain import pinyin
from app.domain.followup import promise_broken
from app.domain.money import percent
from app.domain.township_report import NO_STAFF, NO_VILLAGE  # noqa: F401  (the same rows as the report's)


class Promise(NamedTuple):
    """One promise to pay: a ``promised`` visit, the day it falls due, and the first repayment
    on the household's loans from the visit's day up to that day (None: none)."""

    household_id: str
    visited_on: date
    due: date
    paid_on: date | None


def kept(p: Promise) -> bool:
    """Whether the promise was kept: not broken by app.domain.followup's rule on the day after
    it fell due (the repayments counted are those up to the promised date)."""
    return not promise_broken(p.due, p.paid_on, p.due + timedelta(days=1))


@dataclass(frozen=True)
class HouseholdMonth:
    """A household's work in the month."""

    visits: int = 0          # visits made in the month
    visited: bool = False    # some visit on or before the month's last day
    owes: bool = True        # money still owed at the month's end
    kept: int = 0            # promises falling due in the month, kept
    broken: int = 0          # and broken

    @property
    def never_visited(self) -> bool:
        return self.owes and not self.visited


def households_in_month(owed: Mapping[str, int], visits: Mapping[str, int], visited: set[str],
                        promises: Iterable[Promise]) -> dict[str, HouseholdMonth]:
    """Each household's month from its outstanding at the month's end (``owed``: household id →
    fen), its visits in the month, whether it was ever visited by the end, and its promises;
    only the households with something to count (a household left out counts nothing)."""
    judged: dict[str, list[int]] = {}
    for p in promises:
        counts = judged.setdefault(p.household_id, [0, 0])
        counts[0 if kept(p) else 1] += 1
    out = {}
    for h, fen in owed.items():
        m = HouseholdMonth(visits=visits.get(h, 0), visited=h in visited, owes=fen > 0,
                           kept=judged.get(h, (0, 0))[0], broken=judged.get(h, (0, 0))[1])
        if m.visits or m.never_visited or m.kept or m.broken:   # the others add nothing to a row
            out[h] = m
    return out


@dataclass
class Line:
    """One row: the district (or the township) as a whole, a township, a village or a person."""

    name: str
    key: str = ""            # the township's, village's or person's id ("" for a whole or a rest)
    township: str = ""       # the township a village or a person belongs to
    detail: str = ""         # a person's title and duties
    loans: int = 0
    households: int = 0
    task_fen: int = 0
    month_fen: int = 0       # recovered in the month
    recovered_fen: int = 0   # recovered by the month's end (cumulative)
    settled: int = 0         # loans recovered in full by the month's end
    visits: int = 0
    never_visited: int = 0
    kept: int = 0
    broken: int = 0
    rank: int = 0

    @property
    def outstanding_fen(self) -> int:
        return self.task_fen - self.recovered_fen

    @property
    def rate(self) -> Decimal:
        """Recovered at the month's end as a percentage of the task, one decimal."""
        return percent(self.recovered_fen, self.task_fen, 1)

    @property
    def promises(self) -> int:
        return self.kept + self.broken

    def count_households(self, household_ids: Iterable[str], months: Mapping[str, HouseholdMonth]) -> "Line":
        """Visits, never visited and promises of these households into this row."""
        for h in household_ids:
            m = months.get(h)
            if m is None:
                continue
            self.visits += m.visits
            self.never_visited += m.never_visited
            self.kept += m.kept
            self.broken += m.broken
        return self


def ranked(lines: Iterable[Line], *, last: Iterable[Line] = ()) -> list[Line]:
    """The rows in rank order, numbered from 1; ``last`` (the loans nobody answers for) after
    them, unnumbered."""
    out = sorted(lines, key=lambda x: (-x.rate, -x.month_fen, -x.recovered_fen, pinyin.full(x.name), x.name,
                                       x.detail))
    for i, x in enumerate(out, start=1):
        x.rank = i
    return out + list(last)


@dataclass
class Assessment:
    unit_name: str           # the database's unit: who issues it
    scope: str               # whose assessment: the district, or one township
    year: int
    month: int
    first: date
    last: date
    totals: Line
    townships: list[Line]    # ranked
    villages: list[Line]     # townships in rank order, each one's villages ranked within it
    people: list[Line]       # likewise
    made_at: datetime = field(default_factory=lambda: datetime.now().replace(microsecond=0))

    @property
    def title(self) -> str:
        return f"{self.scope}不良贷款清收工作{self.month}月考核情况"

    @property
    def issuer(self) -> str:
        return f"{self.unit_name}不良贷款清收工作领导小组办公室"

    @property
    def one_township(self) -> bool:
        return len(self.townships) == 1

    def villages_of(self, township: str) -> list[Line]:
        return [v for v in self.villages if v.township == township]

    def people_of(self, township: str) -> list[Line]:
        return [p for p in self.people if p.township == township]
