"""The household list (借款户): search as you type, filters, sorting, rows for a lazy table.

Made for a window that keeps only ids (like Anki's browser); through the package's face
(``from app.services import households``):

    total = households.count(db, f)                      # the row count
    page = households.page(db, f, "name", limit=200)     # or: the first ids and the count at once
    ids = households.ids(db, f, "outstanding", True)     # every id, in order
    rows = households.rows(db, ids[i:i + 100])           # display fields for the rows in view
                                                         # (app.services.households.list_rows)

Everything reads the derived ``household_index`` (see app/db/search_index.py), never the
facts themselves, so that 100,000 households stay quick; call ``prepare(db)`` once when the
list opens to fill in any household the index does not have yet.  The household page is
``app.services.households.detail``, its edits ``changes``.
"""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Iterator

from sqlalchemy import text as sql

from app.db.search_index import (
    FOLLOWUP_DUE_SQL,
    NEVER_VISITED_SQL,
    PROMISE_BROKEN_SQL,
    TextMatch,
    ensure_index,
    plan_query,
)
from app.db.session import Database
from app.domain.categories import BY_CODE as CATEGORY_BY_CODE
from app.domain.errors import InputError
from app.domain.stages import Capacity, Stage
from app.services.households.search import own_first, walks_own_first

# Sortable columns: key -> SQL over household_index i (and villages v).
SORT_KEYS: dict[str, str] = {
    "name": "i.sort_name",
    "township": "u.name",
    "village": "v.name",
    "group": "i.group_name",
    "loans": "i.loans",
    "task": "i.task_fen",
    "recovered": "i.recovered_fen",
    "outstanding": "i.outstanding_fen",
    "stage": "i.stage_rank",
    "capacity": "CASE i.capacity " + " ".join(
        f"WHEN '{c.value}' THEN {n}" for n, c in enumerate(Capacity)) + " ELSE 99 END",
    "categories": "i.categories",
    "last_visit": "i.last_visit_on",
    "next_date": "i.next_date",
}
# A text query matching at least this share of all households walks the name index.
_BROAD = 1 / 50


@dataclass(frozen=True)
class HouseholdFilter:
    """What the list shows.  Empty fields do not filter.  ``as_of`` (default today) is the
    date "follow-up due" and "promise broken" are judged on; the list is meant for today."""

    text: str = ""
    village_id: str | None = None
    category: str | None = None
    stage: str | None = None
    staff_id: str | None = None
    capacity: str | None = None
    followup_due: bool = False
    promise_broken: bool = False
    never_visited: bool = False
    township_id: str | None = None
    as_of: date | None = None
    # 台账核实: households with an item of a ledger import not yet checked ("any", or one kind;
    # see app.services.ledger_import.followup)
    import_followup: str | None = None

    def day(self) -> date:
        return self.as_of or date.today()


@dataclass(frozen=True)
class IdPage:
    total: int
    ids: list[str]


# -- reading --------------------------------------------------------------------------------
@contextmanager
def reading(db: Database) -> Iterator:
    with db.engine.connect() as conn:
        # The list reads the same few megabytes over and over: keep them in SQLite's cache.
        conn.exec_driver_sql("PRAGMA cache_size=-65536")
        yield conn


def prepare(db: Database) -> int:
    """Fill in index rows that are missing (run once when the list opens)."""
    with db.engine.begin() as conn:
        return ensure_index(conn)


def _check_code(value: str | None, allowed, what: str) -> str | None:
    if value in (None, ""):
        return None
    if value not in allowed:
        raise InputError(f"未知的{what}：{value}")
    return value


def _conditions(f: HouseholdFilter) -> tuple[list[str], dict]:
    where, params = [], {"as_of": f.day().isoformat()}
    if f.township_id:
        where.append("i.township_id = :f_township")
        params["f_township"] = f.township_id
    if f.village_id:
        where.append("i.village_id = :f_village")
        params["f_village"] = f.village_id
    if _check_code(f.category, CATEGORY_BY_CODE, "特殊类别"):
        where.append("instr(i.categories, :f_category) > 0")
        params["f_category"] = f",{f.category},"
    if _check_code(f.stage, {s.value for s in Stage}, "清收阶段"):
        where.append("instr(i.stages, :f_stage) > 0")
        params["f_stage"] = f",{f.stage},"
    if _check_code(f.capacity, {c.value for c in Capacity}, "还款能力"):
        where.append("i.capacity = :f_capacity")
        params["f_capacity"] = f.capacity
    if f.staff_id:
        where.append("i.seq IN (SELECT seq FROM household_staff WHERE staff_id = :f_staff)")
        params["f_staff"] = f.staff_id
    if f.followup_due:
        where.append(FOLLOWUP_DUE_SQL)
    if f.promise_broken:
        where.append(PROMISE_BROKEN_SQL)
    if f.never_visited:
        where.append(NEVER_VISITED_SQL)
    if f.import_followup:
        kind = "" if f.import_followup == "any" else " AND f.kind = :f_followup"
        where.append("EXISTS (SELECT 1 FROM import_followups f WHERE f.household_id = i.household_id "
                     f"AND f.deleted = 0 AND f.checked_at IS NULL{kind})")
        params["f_followup"] = f.import_followup
    return where, params


def _and(where: list[str]) -> str:
    return (" AND " + " AND ".join(where)) if where else ""


def _count(conn, f: HouseholdFilter, match: TextMatch | None) -> int:
    return _counts(conn, f, match)[0]


def _counts(conn, f: HouseholdFilter, match: TextMatch | None) -> tuple[int, bool]:
    """The count, and whether the text alone matches most households ("broad")."""
    where, params = _conditions(f)
    if match is None:
        return conn.execute(sql("SELECT COUNT(*) FROM household_index i WHERE 1 = 1" + _and(where)),
                            params).scalar_one(), True
    params.update(match.params())
    seqs = match.seq_sql()
    if seqs is None:
        return conn.execute(sql("SELECT COUNT(*) FROM household_index i "
                                "WHERE instr(i.text, :q_needle) > 0" + _and(where)), params).scalar_one(), True
    matched = conn.execute(sql(f"SELECT COUNT(*) FROM ({seqs})"), params).scalar_one()
    broad = matched >= _everyone(conn) * _BROAD
    if not where or not matched:
        return matched, broad
    if broad:
        # Most rows match the text: let the other conditions pick the rows, then test the text.
        return conn.execute(sql("SELECT COUNT(*) FROM household_index i "
                                "WHERE instr(i.text, :q_needle) > 0" + _and(where)), params).scalar_one(), broad
    return conn.execute(sql(f"SELECT COUNT(*) FROM ({seqs}) m CROSS JOIN household_index i ON i.seq = m.seq "
                            "WHERE 1 = 1" + _and(where)), params).scalar_one(), broad


def _everyone(conn) -> int:
    """About how many households there are (the highest row number: instant)."""
    return conn.execute(sql("SELECT COALESCE(MAX(seq), 0) FROM household_index")).scalar_one()


def count(db: Database, f: HouseholdFilter) -> int:
    """How many households the filter shows."""
    with reading(db) as conn:
        return _count(conn, f, plan_query(f.text))


def _order(sort_key: str, descending: bool) -> str:
    if sort_key not in SORT_KEYS:
        raise InputError(f"不能按“{sort_key}”排序")
    d = " DESC" if descending else ""
    expr = SORT_KEYS[sort_key]
    if sort_key == "next_date":  # households with no follow-up date last, either way
        return f"(i.next_date IS NULL), i.next_date{d}, i.sort_name{d}, i.seq{d}"
    if sort_key == "village":
        return f"v.name{d}, i.group_name{d}, i.sort_name{d}, i.seq{d}"
    if sort_key == "township":
        return f"u.name{d}, v.name{d}, i.group_name{d}, i.sort_name{d}, i.seq{d}"
    if sort_key == "name":
        return f"i.sort_name{d}, i.seq{d}"
    return f"{expr}{d}, i.sort_name{d}, i.seq{d}"


def _ids(conn, f: HouseholdFilter, sort_key: str, descending: bool, limit: int | None, offset: int,
         match: TextMatch | None, counted: tuple[int, bool] | None) -> list[str]:
    """The ordered ids.  The plan depends on how many rows match (``counted`` from ``_counts``):
    when most households match, walk the name index and stop after the page; when few do,
    start from them and sort them.  In name order a search lists the households it found by
    their own head of household or loans first, then those found by someone else in them."""
    where, params = _conditions(f)
    order = _order(sort_key, descending)
    join = " LEFT JOIN villages v ON v.id = i.village_id" if sort_key in ("village", "township") else ""
    if sort_key == "township":
        join += " LEFT JOIN units u ON u.id = i.township_id"
    tail = f" ORDER BY {order}"
    if limit is not None:
        tail += " LIMIT :limit OFFSET :offset"
        params.update(limit=int(limit), offset=max(0, int(offset)))
    by_name = sort_key == "name"
    if by_name and (match is not None or where):
        total, broad = counted if counted is not None else _counts(conn, f, match)
        many = total >= _everyone(conn) * _BROAD
    else:
        total, broad, many = 0, False, False
    if match is None:
        hint = " INDEXED BY ix_household_index_sort_name" if many else ""
        stmt = f"SELECT i.household_id FROM household_index i{hint}{join} WHERE 1 = 1{_and(where)}{tail}"
        return [r[0] for r in conn.execute(sql(stmt), params)]
    params.update(match.params())
    seqs = match.seq_sql()
    if by_name and many and walks_own_first(match, total, _everyone(conn)):
        return own_first(conn, match, _and(where), params, order, limit, offset)
    if by_name:     # the households found by their own head of household or loans first
        tail = tail.replace(" ORDER BY ", f" ORDER BY (NOT {match.own_sql()}), ", 1)
    if seqs is None or (by_name and broad and where):
        # The text matches most rows but the other conditions few: they pick the rows
        # (``|| ''`` keeps SQLite from walking the name index instead).
        order_expr = tail.replace("i.sort_name", "(i.sort_name || '')") if by_name else tail
        stmt = f"SELECT i.household_id FROM household_index i{join} WHERE instr(i.text, :q_needle) > 0" \
               f"{_and(where)}{order_expr}"
    elif by_name:
        # Few rows match: start from them (CROSS JOIN keeps that order), then sort.
        stmt = (f"SELECT i.household_id FROM ({seqs}) m CROSS JOIN household_index i ON i.seq = m.seq"
                f"{join} WHERE 1 = 1{_and(where)}{tail}")
    else:
        stmt = f"SELECT i.household_id FROM household_index i{join} WHERE i.seq IN ({seqs}){_and(where)}{tail}"
    return [r[0] for r in conn.execute(sql(stmt), params)]


def ids(db: Database, f: HouseholdFilter, sort_key: str = "name", descending: bool = False, *,
        limit: int | None = None, offset: int = 0) -> list[str]:
    """The ids the filter shows, in order (all of them, or ``limit`` from ``offset``)."""
    with reading(db) as conn:
        return _ids(conn, f, sort_key, descending, limit, offset, plan_query(f.text), None)


def page(db: Database, f: HouseholdFilter, sort_key: str = "name", descending: bool = False, *,
         limit: int | None = 200, offset: int = 0) -> IdPage:
    """The count and one page of ids in one go (what search-as-you-type needs)."""
    match = plan_query(f.text)
    with reading(db) as conn:
        counted = _counts(conn, f, match)
        found = _ids(conn, f, sort_key, descending, limit, offset, match, counted) if counted[0] else []
    return IdPage(counted[0], found)


def filter_from_labels(db: Database, *, text: str = "", village: str | None = None,
                       township: str | None = None, staff: str | None = None, **codes) -> HouseholdFilter:
    """A filter from names people type (village, township, staff by name) — for the command line."""
    ids_: dict[str, str | None] = {"village_id": None, "township_id": None, "staff_id": None}
    with reading(db) as conn:
        for key, kind, value, table in (("township_id", "乡镇", township, "units"),
                                        ("village_id", "村", village, "villages"),
                                        ("staff_id", "责任人", staff, "staff")):
            if value:
                found = [r[0] for r in conn.execute(
                    sql(f"SELECT id FROM {table} WHERE name = :v AND deleted = 0"), {"v": value})]
                if not found:
                    near = [r[0] for r in conn.execute(sql(
                        f"SELECT DISTINCT name FROM {table} WHERE instr(name, :v) > 0 AND deleted = 0 "
                        "ORDER BY name LIMIT 5"), {"v": value})]
                    raise InputError(f"找不到{kind}“{value}”" + (f"（是不是：{'、'.join(near)}？）" if near else ""))
                if len(found) > 1:
                    raise InputError(f"有 {len(found)} 个同名的“{value}”，请在窗口中选择")
                ids_[key] = found[0]
    return HouseholdFilter(text=text, **ids_, **codes)
