"""The worklist (工作台): today's follow-ups, overdue ones, broken promises, households never
visited, and progress by village and by responsible person as of a date.

Progress uses the summary's definitions (``app.services.summary``): the task amount fixed
when a loan entered the task list, recovered = principal repaid up to the date, each loan
counted once per village or person.  The lists read the household index for today (or
later); for a past date they are worked out from the facts up to that date, with the same
definitions (``app.domain.followup``).
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from sqlalchemy import text as sql

from app.db.search_index import FOLLOWUP_DUE_SQL, NEVER_VISITED_SQL, PROMISE_BROKEN_SQL, states_as_of
from app.db.session import Database
from app.domain.followup import followup_due, promise_broken
from app.domain.money import yuan_str
from app.domain.stages import DUTY_NAMES, DutyRole
from app.services import households
from app.services.households import HouseholdFilter, HouseholdRow
from app.services.summary import _LOANS_AS_OF, rate, rate_number  # the summary's own definitions


@dataclass(frozen=True)
class WorkList:
    total: int
    items: list[HouseholdRow]     # at most ``limit`` of them

    def to_json(self, as_of: date) -> dict:
        return {"total": self.total, "households": [_item_json(r, as_of) for r in self.items]}


@dataclass(frozen=True)
class Progress:
    id: str | None
    name: str
    detail: str            # the village's township, or the person's title and duties
    households: int = 0
    loans: int = 0
    task_fen: int = 0
    recovered_fen: int = 0
    settled: int = 0

    @property
    def outstanding_fen(self) -> int:
        return self.task_fen - self.recovered_fen

    @property
    def rate(self) -> Decimal:
        return rate(self.recovered_fen, self.task_fen)

    def to_json(self) -> dict:
        return {"id": self.id, "name": self.name, "detail": self.detail, "households": self.households,
                "loans": self.loans, "task_amount": yuan_str(self.task_fen), "recovered": yuan_str(self.recovered_fen),
                "outstanding": yuan_str(self.outstanding_fen), "recovery_rate": rate_number(self.rate),
                "loans_settled": self.settled}


@dataclass(frozen=True)
class Worklist:
    as_of: date
    due_today: WorkList
    overdue: WorkList
    broken_promises: WorkList
    never_visited: WorkList
    by_village: list[Progress]
    by_staff: list[Progress]

    def to_json(self) -> dict:
        return {"as_of": self.as_of.isoformat(),
                "due_today": self.due_today.to_json(self.as_of), "overdue": self.overdue.to_json(self.as_of),
                "broken_promises": self.broken_promises.to_json(self.as_of),
                "never_visited": self.never_visited.to_json(self.as_of),
                "by_village": [p.to_json() for p in self.by_village],
                "by_staff": [p.to_json() for p in self.by_staff]}


def _item_json(r: HouseholdRow, as_of: date) -> dict:
    return {"household_id": r.id, "name": r.head_name, "village": r.village, "group": r.group_name,
            "phone": r.phone, "outstanding": yuan_str(r.outstanding_fen),
            "last_visit": r.last_visit_on.isoformat() if r.last_visit_on else None,
            "next_date": r.next_date.isoformat() if r.next_date else None,
            "days_overdue": (as_of - r.next_date).days if r.next_date and r.next_date < as_of else 0,
            "promise_date": r.promise_date.isoformat() if r.promise_date else None,
            "promised": yuan_str(r.promise_fen) if r.promise_fen else None,
            "responsible": r.responsible}


# The four lists: (condition on the index, order) — the index path.
_LISTS = {
    "due_today": ("i.next_date = :as_of", "i.outstanding_fen DESC, i.sort_name"),
    "overdue": ("i.next_date < :as_of", "i.next_date, i.outstanding_fen DESC, i.sort_name"),
    "broken_promises": (PROMISE_BROKEN_SQL, "i.promise_date, i.outstanding_fen DESC, i.sort_name"),
    "never_visited": (NEVER_VISITED_SQL, "i.outstanding_fen DESC, i.sort_name"),
}
assert "next_date" in FOLLOWUP_DUE_SQL  # due_today + overdue = follow-up due


def compute(db: Database, as_of: date | None = None, *, township_id: str | None = None,
            staff_id: str | None = None, limit: int = 100) -> Worklist:
    """The worklist as of a date (default today), for a township and/or a responsible person."""
    day = as_of or date.today()
    scope = HouseholdFilter(township_id=township_id, staff_id=staff_id, as_of=day)
    if day >= date.today():
        lists = _lists_from_index(db, scope, limit)
    else:
        lists = _lists_from_facts(db, scope, limit)
    return Worklist(day, *lists, _by_village(db, day, township_id, staff_id), _by_staff(db, day, township_id, staff_id))


def _lists_from_index(db: Database, scope: HouseholdFilter, limit: int) -> list[WorkList]:
    where, params = households._conditions(scope)
    where.append("i.outstanding_fen > 0")
    out = []
    with households._read(db) as conn:
        for cond, order in _LISTS.values():
            w = " AND ".join(where + [cond])
            total = conn.execute(sql(f"SELECT COUNT(*) FROM household_index i WHERE {w}"), params).scalar_one()
            found = [r[0] for r in conn.execute(
                sql(f"SELECT i.household_id FROM household_index i WHERE {w} ORDER BY {order} LIMIT :limit"),
                {**params, "limit": limit})]
            out.append((total, found))
    return [WorkList(total, households.rows(db, found, scope.as_of)) for total, found in out]


def _lists_from_facts(db: Database, scope: HouseholdFilter, limit: int) -> list[WorkList]:
    day = scope.day()
    where, params = households._conditions(HouseholdFilter(township_id=scope.township_id, staff_id=scope.staff_id))
    with households._read(db) as conn:
        ids = [r[0] for r in conn.execute(sql(
            "SELECT i.household_id FROM household_index i WHERE 1 = 1" + households._and(where)), params)]
        states = states_as_of(conn, day, ids)
    live = [st for st in states.values() if st["outstanding_fen"] > 0]
    name = {st["household_id"]: st["sort_name"] for st in live}
    picks = {
        "due_today": ([s for s in live if s["next_date"] == day],
                      lambda s: (-s["outstanding_fen"], name[s["household_id"]])),
        "overdue": ([s for s in live if s["next_date"] is not None and s["next_date"] < day],
                    lambda s: (s["next_date"], -s["outstanding_fen"], name[s["household_id"]])),
        "broken_promises": ([s for s in live if promise_broken(s["promise_date"], s["paid_after_promise_on"], day)],
                            lambda s: (s["promise_date"], -s["outstanding_fen"], name[s["household_id"]])),
        "never_visited": ([s for s in live if s["last_visit_on"] is None],
                          lambda s: (-s["outstanding_fen"], name[s["household_id"]])),
    }
    out = []
    for key in _LISTS:
        chosen, order = picks[key]
        chosen = sorted(chosen, key=order)
        rows = {r.id: r for r in households.rows(db, [s["household_id"] for s in chosen[:limit]], day)}
        items = []
        for st in chosen[:limit]:
            r = rows.get(st["household_id"])
            if r is not None:
                items.append(replace(
                    r, loans=st["loans"], task_fen=st["task_fen"], recovered_fen=st["recovered_fen"],
                    outstanding_fen=st["outstanding_fen"], last_visit_on=st["last_visit_on"],
                    last_outcome=st["last_outcome"], next_date=st["next_date"],
                    followup_due=followup_due(st["next_date"], day),
                    promise_broken=promise_broken(st["promise_date"], st["paid_after_promise_on"], day),
                    promise_date=st["promise_date"], promise_fen=st["promise_fen"]))
        out.append(WorkList(len(chosen), items))
    return out


def _scope_sql(township_id: str | None, staff_id: str | None) -> tuple[str, dict]:
    where, params = [], {}
    if township_id:
        where.append("s.township_id = :township_id")
        params["township_id"] = township_id
    if staff_id:
        where.append("s.household_id IN (SELECT household_id FROM assignments WHERE staff_id = :staff_id "
                     "AND deleted = 0)")
        params["staff_id"] = staff_id
    return (" WHERE " + " AND ".join(where)) if where else "", params


def _by_village(db: Database, day: date, township_id: str | None, staff_id: str | None) -> list[Progress]:
    where, params = _scope_sql(township_id, staff_id)
    stmt = _LOANS_AS_OF + f"""
SELECT h.village_id, v.name, u.name, COUNT(DISTINCT s.household_id), COUNT(*), SUM(s.task), SUM(s.rec),
       SUM(CASE WHEN s.rec >= s.task THEN 1 ELSE 0 END)
FROM scope s JOIN households h ON h.id = s.household_id
LEFT JOIN villages v ON v.id = h.village_id LEFT JOIN units u ON u.id = s.township_id
{where}
GROUP BY h.village_id
"""
    with db.engine.connect() as conn:
        rows = conn.execute(sql(stmt), {"as_of": day.isoformat(), **params}).all()
    out = [Progress(r[0], r[1] or "（未分村）", r[2] or "", r[3], r[4], r[5] or 0, r[6] or 0, r[7] or 0) for r in rows]
    out.sort(key=lambda p: (-p.rate, -p.recovered_fen, p.detail, p.name))
    return out


def _by_staff(db: Database, day: date, township_id: str | None, staff_id: str | None) -> list[Progress]:
    where, params = _scope_sql(township_id, staff_id)
    stmt = _LOANS_AS_OF + f"""
, sc AS (SELECT * FROM scope s{where}),
resp AS (
    SELECT a.staff_id, a.duty, sc.id AS loan_id FROM assignments a JOIN sc ON a.loan_id = sc.id
    WHERE a.deleted = 0
    UNION
    SELECT a.staff_id, a.duty, sc.id FROM assignments a
    JOIN sc ON a.loan_id IS NULL AND a.household_id = sc.household_id WHERE a.deleted = 0
), per AS (SELECT DISTINCT staff_id, loan_id FROM resp),
duties AS (SELECT staff_id, group_concat(DISTINCT duty) AS d FROM resp GROUP BY staff_id)
SELECT p.staff_id, st.name, st.title, du.d,
       COUNT(DISTINCT sc.household_id), COUNT(*), SUM(sc.task), SUM(sc.rec),
       SUM(CASE WHEN sc.rec >= sc.task THEN 1 ELSE 0 END)
FROM per p JOIN sc ON sc.id = p.loan_id JOIN staff st ON st.id = p.staff_id
JOIN duties du ON du.staff_id = p.staff_id
GROUP BY p.staff_id
"""
    with db.engine.connect() as conn:
        rows = conn.execute(sql(stmt), {"as_of": day.isoformat(), **params}).all()
    order = {d.value: i for i, d in enumerate(DutyRole)}
    out = []
    for r in rows:
        duties = sorted(set((r[3] or "").split(",")) - {""}, key=lambda d: order.get(d, 9))
        names = [r[2] or ""] + [DUTY_NAMES.get(d, d) for d in duties]
        detail = "、".join(x for x in dict.fromkeys(names) if x)
        out.append(Progress(r[0], r[1], detail, r[4], r[5], r[6] or 0, r[7] or 0, r[8] or 0))
    out.sort(key=lambda p: (-p.rate, -p.recovered_fen, p.name))
    return out
