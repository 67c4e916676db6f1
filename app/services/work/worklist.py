"""The worklist (工作台): today's follow-ups, overdue ones, broken promises, households never
visited, and progress by village and by responsible person as of a date.

Progress uses the summary's definitions (``app.services.reporting.summary``): the task amount fixed
when a loan entered the task list, recovered = principal repaid up to the date (capped at the
task amount), settled when recovered ≥ task, each loan counted once per village or person;
the tests check that the villages add up to ``summary.compute`` exactly.  The lists read the household index for today (or
later); for a past date they are worked out from the facts up to that date, with the same
definitions (``app.domain.followup``).  The lists hold only households still in collection:
a settled or written-off household needs no follow-up.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import Mapping

from sqlalchemy import text as sql

from app.db.search_index import FOLLOWUP_DUE_SQL, IN_COLLECTION_SQL, NEVER_VISITED_SQL, PROMISE_BROKEN_SQL, states_as_of
from app.db.session import Database
from app.domain.errors import InputError
from app.domain.followup import followup_due, in_collection, promise_broken
from app.domain.money import yuan_str
from app.domain.stages import DUTY_NAMES, DutyRole
from app.services import agreements, households
from app.services.agreements.views import AgreementDue
from app.services.households import HouseholdFilter, HouseholdRow, listing
from app.services.reporting.summary import RecoveryMixin, rate_number


@dataclass(frozen=True)
class WorkList:
    total: int
    items: list[HouseholdRow]     # at most ``limit`` of them

    def to_json(self, as_of: date) -> dict:
        return {"total": self.total, "households": [_item_json(r, as_of) for r in self.items]}


@dataclass(frozen=True)
class Progress(RecoveryMixin):
    id: str | None
    name: str
    detail: str            # the village's township, or the person's title and duties
    households: int = 0
    loans: int = 0
    task_fen: int = 0
    recovered_fen: int = 0
    settled: int = 0

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
    # Signed agreements with an installment unpaid beyond the grace period, longest overdue first.
    broken_agreements: list[AgreementDue] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"as_of": self.as_of.isoformat(),
                "broken_agreements": [d.to_json() for d in self.broken_agreements],
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

# Another order for a list (a column header in the window, --sort on the command line): the
# whole list is sorted before the first ``limit`` are taken.  key -> SQL over the index i,
# villages v and units u.  Households without a value come last either way; ties go by name.
SORTS: dict[str, tuple[str, ...]] = {
    "name": ("i.sort_name",),
    "township": ("u.name", "v.name"),
    "village": ("v.name", "COALESCE(i.group_name, '')"),
    "outstanding": ("i.outstanding_fen",),
    "last_visit": ("i.last_visit_on",),
    "next_date": ("i.next_date",),
    "days_overdue": ("i.next_date",),     # more days overdue = an earlier follow-up date
    "promise_date": ("i.promise_date",),
    "stage": ("i.stage_rank",),
}
Sorts = Mapping[str, tuple[str, bool]]   # list key -> (sort key, descending)


def _check_sorts(sorts: Sorts | None) -> dict[str, tuple[str, bool]]:
    out = {}
    for key, (sort, descending) in (sorts or {}).items():
        if key not in _LISTS:
            raise InputError(f"没有“{key}”这张清单（可用：{'、'.join(_LISTS)}）")
        if sort not in SORTS:
            raise InputError(f"不能按“{sort}”排序（可用：{'、'.join(SORTS)}）")
        out[key] = ("next_date", not descending) if sort == "days_overdue" else (sort, bool(descending))
    return out


def compute(db: Database, as_of: date | None = None, *, township_id: str | None = None,
            staff_id: str | None = None, limit: int = 100, sorts: Sorts | None = None) -> Worklist:
    """The worklist as of a date (default today), for a township and/or a responsible person.
    ``sorts`` gives a list another order than its own ({"overdue": ("outstanding", True)})."""
    day = as_of or date.today()
    scope = HouseholdFilter(township_id=township_id, staff_id=staff_id, as_of=day)
    orders = _check_sorts(sorts)
    households.prepare(db)  # an upgraded database gets its index here (cheap when complete)
    broken = _broken_agreements(db, day, scope)
    if day >= date.today():
        return Worklist(day, *_lists_from_index(db, scope, limit, orders),
                        *progress(db, day, township_id=township_id, staff_id=staff_id), broken)
    states = _states(db, scope, day)   # worked out once for the lists and the progress
    villages, staff = progress(db, day, township_id=township_id, staff_id=staff_id, _states=states)
    return Worklist(day, *_lists_from_facts(db, scope, limit, states, orders), villages, staff, broken)


def work_list(db: Database, key: str, as_of: date | None = None, *, township_id: str | None = None,
              staff_id: str | None = None, sort: str | None = None, descending: bool = False,
              limit: int = 100) -> WorkList:
    """One of the four lists (``due_today`` …), in its own order or sorted by ``sort``."""
    if key not in _LISTS:
        raise InputError(f"没有“{key}”这张清单（可用：{'、'.join(_LISTS)}）")
    day = as_of or date.today()
    scope = HouseholdFilter(township_id=township_id, staff_id=staff_id, as_of=day)
    orders = _check_sorts({key: (sort, descending)} if sort else None)
    households.prepare(db)
    if day >= date.today():
        return _lists_from_index(db, scope, limit, orders, keys=(key,))[0]
    return _lists_from_facts(db, scope, limit, None, orders, keys=(key,))[0]


def _order_sql(sort: str, descending: bool) -> str:
    exprs = SORTS[sort]
    d = " DESC" if descending else ""
    return f"({exprs[0]}) IS NULL, " + ", ".join(e + d for e in exprs) + ", i.sort_name, i.household_id"


def _broken_agreements(db: Database, day: date, scope: HouseholdFilter) -> list[AgreementDue]:
    """Broken agreements of the households in scope (a township, a responsible person)."""
    broken = agreements.broken_agreements(db, day)
    if broken and (scope.township_id or scope.staff_id):
        where, params = listing._conditions(
            HouseholdFilter(township_id=scope.township_id, staff_id=scope.staff_id))
        with listing.reading(db) as conn:
            inside = {r[0] for r in conn.execute(sql(
                "SELECT i.household_id FROM household_index i WHERE 1 = 1" + listing._and(where)), params)}
        broken = [d for d in broken if d.household_id in inside]
    return broken


def _states(db: Database, scope: HouseholdFilter, day: date) -> dict[str, dict]:
    """Every household in scope as of ``day``, from the facts (see ``states_as_of``)."""
    where, params = listing._conditions(HouseholdFilter(township_id=scope.township_id, staff_id=scope.staff_id))
    with listing.reading(db) as conn:
        if not where:
            return states_as_of(conn, day)
        ids = [r[0] for r in conn.execute(sql(
            "SELECT i.household_id FROM household_index i WHERE 1 = 1" + listing._and(where)), params)]
        return states_as_of(conn, day, ids)


def _lists_from_index(db: Database, scope: HouseholdFilter, limit: int, orders: dict | None = None,
                      keys: tuple[str, ...] = tuple(_LISTS)) -> list[WorkList]:
    where, params = listing._conditions(scope)
    where.append(IN_COLLECTION_SQL)   # a settled or written-off household needs no follow-up
    out = []
    with listing.reading(db) as conn:
        for key in keys:
            cond, order = _LISTS[key]
            join = ""
            if orders and key in orders:
                order = _order_sql(*orders[key])
                join = " LEFT JOIN villages v ON v.id = i.village_id LEFT JOIN units u ON u.id = i.township_id"
            w = " AND ".join(where + [cond])
            total = conn.execute(sql(f"SELECT COUNT(*) FROM household_index i WHERE {w}"), params).scalar_one()
            found = [r[0] for r in conn.execute(
                sql(f"SELECT i.household_id FROM household_index i{join} WHERE {w} ORDER BY {order} LIMIT :limit"),
                {**params, "limit": limit})]
            out.append((total, found))
    return [WorkList(total, households.rows(db, found, scope.as_of)) for total, found in out]


def _lists_from_facts(db: Database, scope: HouseholdFilter, limit: int, states: dict[str, dict] | None = None,
                      orders: dict | None = None, keys: tuple[str, ...] = tuple(_LISTS)) -> list[WorkList]:
    day = scope.day()
    if states is None:
        states = _states(db, scope, day)
    live = [st for st in states.values() if in_collection(st["outstanding_fen"], [st["stage"]])]
    with listing.reading(db) as conn:   # the list's own name order
        sort_names = dict(conn.execute(sql("SELECT household_id, sort_name FROM household_index")).all())
    name = {st["household_id"]: sort_names.get(st["household_id"], st["sort_name"]) for st in live}
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
    values = _state_values(db) if orders else {}
    out = []
    for key in keys:
        chosen, order = picks[key]
        if orders and key in orders:
            chosen = _sorted_states(chosen, *orders[key], name, values)
        else:
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


def _state_values(db: Database) -> dict:
    with listing.reading(db) as conn:
        villages, units, _staff = _names(conn)
    return {
        "name": lambda s, n: n,
        "township": lambda s, n: None if units.get(s["township_id"]) is None
        else (units[s["township_id"]], villages.get(s["village_id"])),
        "village": lambda s, n: None if villages.get(s["village_id"]) is None
        else (villages[s["village_id"]], s["group_name"] or ""),
        "outstanding": lambda s, n: s["outstanding_fen"],
        "last_visit": lambda s, n: s["last_visit_on"],
        "next_date": lambda s, n: s["next_date"],
        "promise_date": lambda s, n: s["promise_date"],
        "stage": lambda s, n: s["stage_rank"],
    }


def _sorted_states(chosen: list[dict], sort: str, descending: bool, name: dict, values: dict) -> list[dict]:
    """``_order_sql``'s order over states: by the value (missing ones last), then by name."""
    value = values[sort]
    base = sorted(chosen, key=lambda s: (name[s["household_id"]], s["household_id"]))
    have = [s for s in base if value(s, name[s["household_id"]]) is not None]
    missing = [s for s in base if value(s, name[s["household_id"]]) is None]
    have.sort(key=lambda s: _none_first(value(s, name[s["household_id"]])), reverse=descending)
    return have + missing


def _none_first(value):
    """A sort key where a missing part of a tuple sorts first, as SQL's NULL does."""
    if isinstance(value, tuple):
        return tuple((v is not None, v if v is not None else "") for v in value)
    return value


def progress(db: Database, as_of: date | None = None, *, township_id: str | None = None,
             staff_id: str | None = None, _states: dict | None = None) -> tuple[list[Progress], list[Progress]]:
    """Progress by village and by responsible person as of a date (the summary's rules).

    Today (or later) it adds up the household index; for a past date it works from the facts
    up to that date (slower: seconds with 100,000 households).
    """
    day = as_of or date.today()
    scope = HouseholdFilter(township_id=township_id, staff_id=staff_id)
    with listing.reading(db) as conn:
        if day >= date.today():
            villages, staff = _progress_from_index(conn, scope)
        else:
            villages, staff = _progress_from_facts(conn, scope, day, _states)
    villages.sort(key=lambda p: (-p.rate, -p.recovered_fen, p.detail, p.name))
    staff.sort(key=lambda p: (-p.rate, -p.recovered_fen, p.name))
    return villages, staff


def _names(conn) -> tuple[dict, dict, dict]:
    villages = dict(conn.execute(sql("SELECT id, name FROM villages")).all())
    units = dict(conn.execute(sql("SELECT id, name FROM units")).all())
    staff = {r[0]: (r[1], r[2]) for r in conn.execute(sql("SELECT id, name, title FROM staff"))}
    return villages, units, staff


def _staff_detail(title: str | None, duties: str | None) -> str:
    order = {d.value: i for i, d in enumerate(DutyRole)}
    codes = sorted(set((duties or "").split(",")) - {""}, key=lambda d: order.get(d, 9))
    names = [title or ""] + [DUTY_NAMES.get(d, d) for d in codes]
    return "、".join(x for x in dict.fromkeys(names) if x)


def _progress_from_index(conn, scope: HouseholdFilter) -> tuple[list[Progress], list[Progress]]:
    where, params = listing._conditions(scope)
    cond = listing._and(where)
    vnames, unames, snames = _names(conn)
    villages = [Progress(r[1], vnames.get(r[1], "（未分村）"), unames.get(r[0], ""), r[2], r[3] or 0, r[4] or 0,
                         r[5] or 0, r[6] or 0)
                for r in conn.execute(sql(
                    "SELECT i.township_id, i.village_id, COUNT(*), SUM(i.loans), SUM(i.task_fen), "
                    "SUM(i.recovered_fen), SUM(i.loans_settled) FROM household_index i "
                    f"WHERE i.loans > 0{cond} GROUP BY i.township_id, i.village_id"), params)]
    join = " JOIN household_index i ON i.seq = hs.seq" if where else ""
    staff = []
    for r in conn.execute(sql(
            "SELECT hs.staff_id, group_concat(hs.duties, ''), COUNT(*), SUM(hs.loans), SUM(hs.task_fen), "
            f"SUM(hs.recovered_fen), SUM(hs.loans_settled) FROM household_staff hs{join} "
            f"WHERE hs.loans > 0{cond} GROUP BY hs.staff_id"), params):
        name, title = snames.get(r[0], ("（已删除）", None))
        staff.append(Progress(r[0], name, _staff_detail(title, r[1]), r[2], r[3] or 0, r[4] or 0, r[5] or 0, r[6] or 0))
    return villages, staff


def _progress_from_facts(conn, scope: HouseholdFilter, day: date,
                         states: dict | None = None) -> tuple[list[Progress], list[Progress]]:
    if states is None:
        where, params = listing._conditions(scope)
        ids = [r[0] for r in conn.execute(sql("SELECT i.household_id FROM household_index i WHERE 1 = 1"
                                              + listing._and(where)), params)]
        states = states_as_of(conn, day, ids)
    vnames, unames, snames = _names(conn)
    per_village: dict[tuple, list[int]] = {}
    per_staff: dict[str, list] = {}
    for st in states.values():
        if st["loans"] > 0:
            v = per_village.setdefault((st["township_id"], st["village_id"]), [0, 0, 0, 0, 0])
            for i, key in enumerate(("loans", "task_fen", "recovered_fen", "loans_settled"), start=1):
                v[i] += st[key]
            v[0] += 1
        for share in st["staff"]:
            if share["loans"] > 0:
                p = per_staff.setdefault(share["staff_id"], [0, 0, 0, 0, 0, ""])
                p[0] += 1
                for i, key in enumerate(("loans", "task_fen", "recovered_fen", "loans_settled"), start=1):
                    p[i] += share[key]
                p[5] += share["duties"]
    villages = [Progress(v_id, vnames.get(v_id, "（未分村）"), unames.get(t_id, ""), *vals)
                for (t_id, v_id), vals in per_village.items()]
    staff = []
    for sid, (hh, loans, task, rec, settled, duties) in per_staff.items():
        name, title = snames.get(sid, ("（已删除）", None))
        staff.append(Progress(sid, name, _staff_detail(title, duties), hh, loans, task, rec, settled))
    return villages, staff
