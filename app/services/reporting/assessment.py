"""The monthly assessment (月考核) of a month: townships, villages and responsible people ranked
(the rules are app.domain.assessment's).

The money is the summary's: the loans in scope are ``summary.read`` as of the month's last day
and as of the day before its first, each group added up by ``summary.add_up`` (so a township's
recovered in the month is its line of ``summary --as-of`` at the month's end less its line at the
end of the month before, to the fen).  Villages and people are grouped as the township report
groups them (``township_report.responsibility``).  Nothing is kept: an assessment is made again
from the facts for any month that has ended.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from sqlalchemy import text

from app.db.session import Database
from app.domain.assessment import NO_STAFF, Assessment, HouseholdMonth, Line, Promise, households_in_month, ranked
from app.domain.dates import last_complete_month, month_bounds
from app.domain.errors import InputError
from app.services.reporting import summary
from app.services.reporting.summary import LoanLine
from app.services.reporting.township_report import by_village, find_township, responsibility

# Each query reads the households of the scope: all, or one township's (``_IN``).
_IN = " AND {col} IN (SELECT household_id FROM loans WHERE deleted = 0 AND township_id = :t)"
_VILLAGES = "SELECT h.id, h.village_id, v.name FROM households h LEFT JOIN villages v ON v.id = h.village_id " \
            "WHERE h.deleted = 0"
_ASSIGNMENTS = "SELECT a.household_id, a.loan_id, a.staff_id, a.duty, s.name, s.title FROM assignments a " \
               "LEFT JOIN staff s ON s.id = a.staff_id WHERE a.deleted = 0"
_VISITS = "SELECT household_id, COUNT(*) FROM visits WHERE deleted = 0 AND visited_on >= :first " \
          "AND visited_on <= :last{scope} GROUP BY household_id"
_VISITED = "SELECT DISTINCT household_id FROM visits WHERE deleted = 0 AND visited_on <= :last{scope}"
# Every promise falling due in the month (its promised date, else its next date, as the bulletin
# reads it) and the first repayment on its household's loans from the visit's day to that date.
_PROMISES = """
SELECT p.household_id, p.visited_on, p.due,
  (SELECT MIN(r.paid_on) FROM repayments r JOIN loans l ON l.id = r.loan_id WHERE l.household_id = p.household_id
     AND l.deleted = 0 AND r.deleted = 0 AND r.paid_on >= p.visited_on AND r.paid_on <= p.due)
FROM (SELECT household_id, visited_on, COALESCE(promised_date, next_date) AS due FROM visits
      WHERE deleted = 0 AND outcome = 'promised'{scope}) p
WHERE p.due >= :first AND p.due <= :last
"""


def default_month(today: date | None = None) -> tuple[int, int]:
    """The month an assessment is for unless told: the last one that has ended."""
    return last_complete_month(today or date.today())


def prepare(db: Database, year: int | None = None, month: int | None = None, *, township: str | None = None,
            today: date | None = None) -> Assessment:
    """The assessment of ``year``-``month`` (default: the last month that has ended), of the whole
    database or of one ``township`` (its name)."""
    today = today or date.today()
    if year is None or month is None:
        year, month = default_month(today)
    first, last = month_bounds(year, month)
    if last >= today:
        raise InputError(f"{year}年{month}月还没有结束（到 {last}）；月考核只考核已经结束的月份，"
                         f"如 {default_month(today)[0]}-{default_month(today)[1]:02d}")
    township_id, scope_name = find_township(db, township) if township else (None, None)
    end = summary.read(db, last, township_id=township_id)
    if not end.loans:
        where = scope_name or "本数据库"
        raise InputError(f"截至 {last}，{where}还没有清收任务（没有贷款），{year}年{month}月没有可考核的数字")
    start = summary.read(db, first - timedelta(days=1), township_id=township_id)
    before = {ln.id: ln.recovered_fen for ln in start.loans}   # each loan's recovered the day before the first
    unit = _unit_name(db)
    if scope_name is None:
        scope_name = unit if len(end.names) != 1 or db.identity().role == "district" else next(iter(end.names.values()))
    months, village_of, assignments = _read(db, end, first, last, township_id)
    names = end.names
    by_township: dict[str, list[LoanLine]] = defaultdict(list)
    for ln in end.loans:
        by_township[ln.township_id].append(ln)
    assigned: dict[str, list] = defaultdict(list)
    township_of = {ln.household_id: ln.township_id for ln in end.loans}
    for row in assignments:
        if row[0] in township_of:
            assigned[township_of[row[0]]].append(row)
    townships = ranked(_line(names.get(t, "（未知乡镇）"), mine, before, months, key=t) for t, mine in by_township.items())
    villages, people = [], []
    for t in townships:
        unit_id = t.key
        mine = by_township[unit_id]
        villages += _villages(t.name, mine, before, months, village_of)
        crew, nobody = responsibility(mine, assigned[unit_id])
        people += ranked((_line(n, m, before, months, township=t.name, detail=d) for n, d, m in crew),
                         last=[_line(NO_STAFF, nobody, before, months, township=t.name)] if nobody else [])
    return Assessment(unit_name=unit, scope=scope_name, year=year, month=month, first=first, last=last,
                      totals=_line(scope_name, end.loans, before, months), townships=townships,
                      villages=villages, people=people)


def _read(db: Database, end: summary.Scope, first: date, last: date, township_id: str | None):
    params = {"first": first.isoformat(), "last": last.isoformat(), "t": township_id}
    scope = _IN.format(col="household_id") if township_id else ""
    with db.engine.connect() as conn:
        visits = dict(conn.execute(text(_VISITS.format(scope=scope)), params).all())
        visited = {r[0] for r in conn.execute(text(_VISITED.format(scope=scope)), params)}
        promises = [Promise(h, _day(v), _day(d), _day(p))
                    for h, v, d, p in conn.execute(text(_PROMISES.format(scope=scope)), params)]
        raw = conn.connection.driver_connection   # the sqlite3 cursor: far less overhead for 100,000s of rows
        village_of = {r[0]: (r[1], r[2]) for r in raw.execute(
            _VILLAGES + (_IN.format(col="h.id") if township_id else ""), params)}
        assignments = raw.execute(_ASSIGNMENTS + (_IN.format(col="a.household_id") if township_id else ""),
                                  params).fetchall()
    owed: dict[str, int] = defaultdict(int)
    for ln in end.loans:
        owed[ln.household_id] += ln.task_fen - ln.recovered_fen
    months = households_in_month(owed, visits, visited, (p for p in promises if p.household_id in owed))
    return months, village_of, assignments


def _line(name: str, loans: list[LoanLine], before: dict[str, int], months: dict[str, HouseholdMonth], *,
          township: str = "", detail: str = "", key: str = "") -> Line:
    """A row from its loans: the money by ``summary.add_up`` at the two dates, the work by household."""
    now = summary.add_up(loans)
    then = sum(before.get(ln.id, 0) for ln in loans)   # add_up's recovered (capped), as of the day before
    line = Line(name=name, key=key, township=township, detail=detail, loans=now.loans, households=now.households,
                task_fen=now.task_fen, month_fen=now.recovered_fen - then,
                recovered_fen=now.recovered_fen, settled=now.settled)
    return line.count_households({ln.household_id for ln in loans}, months)


def _villages(township: str, loans: list[LoanLine], before, months, village_of: dict) -> list[Line]:
    per, names = by_village(loans, village_of)
    return ranked(_line(names[k], mine, before, months, township=township, key=k or "") for k, mine in per.items())


def _unit_name(db: Database) -> str:
    ident = db.identity()
    with db.engine.connect() as conn:
        name = conn.execute(text("SELECT name FROM units WHERE id = :id"), {"id": ident.unit_id}).scalar()
    return name or ident.unit_name


def _day(value) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])

