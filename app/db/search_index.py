"""Keeping the household list's index (``household_index`` and its search tables) up to date.

Every writer of households, persons, loans, repayments, visits, category tags or assignments calls

    refresh_search(uow.session, [household_id, ...])    # the households it touched
    refresh_search(uow.session)                          # or everything, after a bulk write
    forget(uow.session, [household_id, ...])            # or, for a bulk load: rebuilt on next read

inside its unit of work, before ``commit()``: the index then changes with the facts or not at
all.  ``ensure_index`` repairs households that have no row (a database from before this
index, or a writer that forgot) and rebuilds an index built another way (``meta``
``search_index_version`` differs from ``search_text.INDEX_VERSION``); it is run when the list
opens.  What a row's search text holds is ``app.db.search_text``.

Why these tables (measured with 100,000 households, see bench/RESULTS.md, household search): summing
loans, repayments and visits per household takes 0.3–0.9 s, far too slow for a list that
filters and sorts as you type, so the list reads one derived row per household.
Search has three paths, chosen by the query:

* 3+ characters (and 2+ letters of initials, which become ``^zs``): the FTS5 trigram index;
* 1–2 characters of a name or 1 letter of initials: a range scan of
  ``household_search_keys`` (every suffix of every name, every set of initials), because
  the trigram index silently finds nothing for such short queries;
* 1–2 characters with a digit: ``instr`` over every row's text (a full scan, rarely useful).

All three agree with ``instr(text, needle) > 0`` on the row's text, which the list uses to
walk the name index when a query matches most households, and ``TextMatch.own_sql`` tells
rows found by the household's own tokens (head of household, loans) from the others.
"""
from __future__ import annotations

import json
from collections import defaultdict
from datetime import date
from typing import Iterable

from sqlalchemy import text as sql
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from app.db.search_text import (  # noqa: F401
    INDEX_VERSION,
    MARK,
    SEP,
    Source,
    TextMatch,
    name_keys,
    normalise_query,
    plan_query,
    search_text,
    sources,
)
from app.domain import pinyin
from app.domain.followup import VisitFact, visit_state
from app.domain.stages import STAGE_ORDER

_CHUNK = 500
_STAGE_RANK = {s.value: i for i, s in enumerate(STAGE_ORDER)}
_VERSION_KEY = "search_index_version"   # in ``meta``: the INDEX_VERSION the index was built with

# The household list's filters on the index, as of :as_of (app.domain.followup defines them).
# ``stage`` is the least advanced stage of a household's loans, an active one when there is any.
IN_COLLECTION_SQL = "(i.outstanding_fen > 0 AND i.stage IS NOT NULL AND i.stage NOT IN ('settled', 'written_off'))"
FOLLOWUP_DUE_SQL = f"({IN_COLLECTION_SQL} AND i.next_date IS NOT NULL AND i.next_date <= :as_of)"
PROMISE_BROKEN_SQL = (f"({IN_COLLECTION_SQL} AND i.promise_date IS NOT NULL AND i.promise_date < :as_of AND "
                      "(i.paid_after_promise_on IS NULL OR i.paid_after_promise_on > :as_of))")
NEVER_VISITED_SQL = "(i.last_visit_on IS NULL)"


# -- building rows -------------------------------------------------------------------------
def staff_shares(loans: list[dict], assignments: Iterable[tuple[str, str | None, str]]) -> list[dict]:
    """Per responsible person of one household: the loans they answer for and their figures.

    A household-level duty covers every loan; a loan-level duty its loan; each loan counts
    once per person.  Figures follow the summary's rules (recovered capped at the task amount,
    settled when recovered ≥ task).
    """
    people: dict[str, tuple[list[str], set[str | None]]] = {}
    for staff_id, loan_id, duty in assignments:
        duties, covered = people.setdefault(staff_id, ([], set()))
        if duty not in duties:
            duties.append(duty)
        covered.add(loan_id)
    if not people:
        return []
    figures = {ln["id"]: (ln["task_fen"], min(ln["recovered_fen"], ln["task_fen"])) for ln in loans}
    whole = (len(figures), sum(1 for t, r in figures.values() if r >= t),
             sum(t for t, _r in figures.values()), sum(r for _t, r in figures.values()))
    out = []
    for staff_id, (duties, covered) in people.items():
        if None in covered:
            n, settled, task, rec = whole
        else:
            mine = [figures[i] for i in covered if i in figures]
            n, settled = len(mine), sum(1 for t, r in mine if r >= t)
            task, rec = sum(t for t, _r in mine), sum(r for _t, r in mine)
        out.append({"staff_id": staff_id, "duties": "," + ",".join(duties) + ",", "loans": n,
                    "loans_settled": settled, "task_fen": task, "recovered_fen": rec})
    return out


def build_row(hh: dict, persons: list[dict], loans: list[dict], tags: list[str],
              visits: list[VisitFact], paid_dates: list[date],
              assignments: Iterable[tuple[str, str | None, str]] = (), *,
              search: bool = True) -> tuple[dict, list[str], list[dict]]:
    """One ``household_index`` row (without ``seq``), its search keys and its responsible
    people's shares (``household_staff`` rows without ``seq``).  ``search=False`` leaves the
    search text and keys empty (figures only)."""
    # "\x01" sorts before the space between syllables: 郭贵 (guo gui) before 郭桂兰 (guo gui lan)
    sort_name = f"{pinyin.full(hh['head_name']) if search else ''}\x01{hh['head_name']}"[:200]
    text, keys = "", []
    if search:
        text = search_text(sources(hh, persons, [ln["loan_no"] for ln in loans if ln["loan_no"]]))
        keys = name_keys(hh["head_name"], dict.fromkeys(p["name"] for p in persons if p["name"]), sort_name)

    stages = sorted({ln["stage"] for ln in loans}, key=lambda s: _STAGE_RANK.get(s, 99))
    active = [s for s in stages if s not in ("settled", "written_off")]
    stage = (active or stages or [None])[0]
    capped = [(ln["task_fen"], min(ln["recovered_fen"], ln["task_fen"])) for ln in loans]
    task = sum(t for t, _r in capped)
    recovered = sum(r for _t, r in capped)
    state = visit_state(visits, paid_dates)
    row = {
        "household_id": hh["id"], "township_id": hh["township_id"], "village_id": hh["village_id"],
        "group_name": hh.get("group_name"), "head_name": hh["head_name"],
        "sort_name": sort_name,
        "capacity": hh.get("capacity") or "unknown",
        "categories": ("," + ",".join(sorted(set(tags))) + ",") if tags else "",
        "stages": ("," + ",".join(stages) + ",") if stages else "",
        "stage": stage, "stage_rank": _STAGE_RANK.get(stage, 99) if stage else 99,
        "loans": len(loans), "task_fen": task, "recovered_fen": recovered,
        "loans_settled": sum(1 for t, r in capped if r >= t),
        "outstanding_fen": task - recovered,
        "last_visit_on": state.last_visit_on, "last_outcome": state.last_outcome,
        "next_date": state.next_date, "promise_visit_on": state.promise_visit_on,
        "promise_date": state.promise_date, "promise_fen": state.promise_fen,
        "paid_after_promise_on": state.paid_after_promise_on, "last_paid_on": state.last_paid_on,
        "text": text,
    }
    return row, keys, staff_shares(loans, assignments)


def _d(value) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _in(ids: list[str] | None, column: str) -> tuple[str, dict]:
    if ids is None:
        return "", {}
    names = {f"h{i}": v for i, v in enumerate(ids)}
    return f" AND {column} IN ({', '.join(':' + n for n in names)})", names


def _fetch(conn, stmt: str, params: dict):
    """Rows straight from the sqlite3 cursor of ``conn``'s transaction (much less overhead than
    SQLAlchemy rows when reading every household)."""
    raw = conn.connection.driver_connection
    return raw.execute(stmt, params)


def _persons(conn, where: str, params: dict) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = defaultdict(list)
    for r in _fetch(conn, "SELECT household_id, name, id_number, phone, role FROM persons "
                          "WHERE deleted = 0" + where + " ORDER BY household_id, rowid", params):
        out[r[0]].append({"name": r[1], "id_number": r[2], "phone": r[3], "role": r[4]})
    return out


def found_by(conn, household_ids: list[str]) -> dict[str, list[Source]]:
    """What each of these households can be found by (``search_text.sources``), from the facts:
    the same sources its search text is built from."""
    out: dict[str, list[Source]] = {}
    for i in range(0, len(household_ids), _CHUNK):
        w, p = _in(household_ids[i:i + _CHUNK], "household_id")
        persons = _persons(conn, w, p)
        loans: dict[str, list[str]] = defaultdict(list)
        for hid, no in _fetch(conn, "SELECT household_id, loan_no FROM loans WHERE deleted = 0" + w, p):
            if no:
                loans[hid].append(no)
        w, p = _in(household_ids[i:i + _CHUNK], "id")
        for hid, head, idno, phone in _fetch(
                conn, "SELECT id, head_name, head_id_number, phone FROM households WHERE deleted = 0" + w, p):
            out[hid] = sources({"head_name": head, "head_id_number": idno, "phone": phone}, persons[hid], loans[hid])
    return out


def _gather(conn, ids: list[str] | None, as_of: date | None = None, *,
            search: bool = True) -> list[tuple[dict, list[str], list[dict]]]:
    """Index rows for live households among ``ids`` (all when None), from the facts
    (up to ``as_of`` when given)."""
    upto_v = " AND visited_on <= :as_of" if as_of else ""
    upto_r = " AND r.paid_on <= :as_of" if as_of else ""
    base = {"as_of": as_of.isoformat()} if as_of else {}
    w, p = _in(ids, "id")
    cols = ("id", "township_id", "village_id", "group_name", "head_name", "head_id_number", "phone", "capacity")
    hhs = [dict(zip(cols, r)) for r in _fetch(conn, f"SELECT {', '.join(cols)} FROM households WHERE deleted = 0" + w, p)]
    if not hhs:
        return []
    w, p = _in(ids, "household_id")
    persons = _persons(conn, w, p) if search else defaultdict(list)
    tags: dict[str, list[str]] = defaultdict(list)
    for r in _fetch(conn, "SELECT household_id, code FROM category_tags WHERE deleted = 0" + w, p):
        tags[r[0]].append(r[1])
    assigns: dict[str, list[tuple]] = defaultdict(list)
    for r in _fetch(conn, "SELECT household_id, staff_id, loan_id, duty FROM assignments WHERE deleted = 0" + w, p):
        assigns[r[0]].append((r[1], r[2], r[3]))
    visits: dict[str, list[VisitFact]] = defaultdict(list)
    for r in _fetch(conn, "SELECT household_id, visited_on, hlc, outcome, next_date, promised_date, promised_fen "
                          "FROM visits WHERE deleted = 0" + upto_v + w, {**p, **base}):
        visits[r[0]].append(VisitFact(_d(r[1]), r[2] or "", r[3], _d(r[4]), _d(r[5]), r[6]))
    w, p = _in(ids, "l.household_id")
    loans: dict[str, list[dict]] = defaultdict(list)
    for r in _fetch(conn,
                    "SELECT l.household_id, l.loan_no, l.stage, l.task_amount_fen, l.id, "
                    " (SELECT COALESCE(SUM(r.principal_fen), 0) FROM repayments r "
                    "  WHERE r.loan_id = l.id AND r.deleted = 0" + upto_r + ") "
                    "FROM loans l WHERE l.deleted = 0" + (" AND l.task_date <= :as_of" if as_of else "") + w,
                    {**p, **base}):
        loans[r[0]].append({"loan_no": r[1], "stage": r[2], "task_fen": r[3] or 0, "id": r[4],
                            "recovered_fen": r[5] or 0})
    paid: dict[str, list[date]] = defaultdict(list)
    for r in _fetch(conn, "SELECT l.household_id, r.paid_on FROM repayments r JOIN loans l ON l.id = r.loan_id "
                          "WHERE r.deleted = 0 AND l.deleted = 0" + upto_r + w, {**p, **base}):
        paid[r[0]].append(_d(r[1]))
    return [build_row(h, persons[h["id"]], loans[h["id"]], tags[h["id"]], visits[h["id"]], paid[h["id"]],
                      assigns[h["id"]], search=search) for h in hhs]


def states_as_of(conn, as_of: date, household_ids: list[str] | None = None) -> dict[str, dict]:
    """Index rows computed from the facts up to ``as_of`` (for reports on a past date), each
    with its ``staff`` shares."""
    out: dict[str, dict] = {}
    ids = None if household_ids is None else list(household_ids)
    chunks = [None] if ids is None else [ids[i:i + _CHUNK] for i in range(0, len(ids), _CHUNK)]
    for chunk in chunks:
        for row, _keys, staff in _gather(conn, chunk, as_of, search=False):
            out[row["household_id"]] = {**row, "staff": staff}
    return out


# -- writing --------------------------------------------------------------------------------
_COLUMNS = ("household_id", "township_id", "village_id", "group_name", "head_name", "sort_name",
            "capacity", "categories", "stages", "stage", "stage_rank", "loans", "loans_settled", "task_fen",
            "recovered_fen", "outstanding_fen", "last_visit_on", "last_outcome", "next_date",
            "promise_visit_on", "promise_date", "promise_fen", "paid_after_promise_on",
            "last_paid_on", "text")
_INSERT = (f"INSERT INTO household_index (seq, {', '.join(_COLUMNS)}) "
           f"VALUES (:seq, {', '.join(':' + c for c in _COLUMNS)})")
_DATES = ("last_visit_on", "next_date", "promise_visit_on", "promise_date", "paid_after_promise_on", "last_paid_on")


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


_STAFF_COLUMNS = ("staff_id", "seq", "duties", "loans", "loans_settled", "task_fen", "recovered_fen")
_STAFF_INSERT = (f"INSERT INTO household_staff ({', '.join(_STAFF_COLUMNS)}) "
                 f"VALUES ({', '.join(':' + c for c in _STAFF_COLUMNS)})")
_FTS_ADD = "INSERT INTO household_search_fts (rowid, text) VALUES (:seq, :text)"
_KEY_INSERT = "INSERT INTO household_search_keys (key, seq) VALUES (:key, :seq)"
_FTS_DEL = "INSERT INTO household_search_fts (household_search_fts, rowid, text) VALUES ('delete', :seq, :text)"


def _connection(target: Session | Connection) -> Connection:
    if isinstance(target, Session):
        target.flush()
        return target.connection()
    return target


def refresh_search(target: Session | Connection, household_ids: Iterable[str] | None = None, *,
                   same_names: Iterable[str] = ()) -> int:
    """Recompute the index rows of these households (all of them when None).

    Runs in the caller's transaction (a ``Session`` of a unit of work, or a ``Connection``)
    and never commits.  Households that are deleted or gone lose their row.  Returns the
    number of rows written.

    ``same_names``: those of the households whose search text cannot have changed — none of
    their household row, people or loans was written (a merge that brought only visits,
    payments or agreements for them): their figures are recomputed, their text, sort name and
    search keys kept as the index has them (building the text is half the cost of a row).
    """
    conn = _connection(target)
    if household_ids is None:
        return _rebuild_all(conn)
    ids = list(dict.fromkeys(h for h in household_ids if h))
    same = frozenset(same_names)
    if len(ids) > 2000:
        indexed = conn.execute(sql("SELECT COUNT(*) FROM household_index")).scalar_one()
        # Rewriting only what differs costs about what a rebuild does per household (10,086 of
        # 40,000: 2.7 s against 14 s for the rebuild; bench/RESULTS.md, USB-stick sync), and
        # holds a chunk in memory, not every row: start afresh only for (nearly) all of them.
        if len(ids) * 10 > indexed * 9:
            return _rebuild_all(conn)
    written = 0
    for i in range(0, len(ids), _CHUNK):
        written += _refresh_chunk(conn, ids[i:i + _CHUNK], same)
    return written


def _rebuild_all(conn) -> int:
    conn.execute(sql("DELETE FROM household_search_keys"))
    conn.execute(sql("DELETE FROM household_staff"))
    conn.execute(sql("DELETE FROM household_index"))
    conn.execute(sql("INSERT INTO household_search_fts (household_search_fts) VALUES ('delete-all')"))
    rows, keys, staff = [], [], []
    for seq, (row, row_keys, shares) in enumerate(_gather(conn, None), start=1):
        rows.append({"seq": seq, **row})
        keys += [{"key": k, "seq": seq} for k in row_keys]
        staff += [{"seq": seq, **share} for share in shares]
    raw = conn.connection.driver_connection   # plain executemany: ~3x faster for 100,000 rows
    raw.executemany(_INSERT, [{**r, **{k: _iso(r[k]) for k in _DATES}} for r in rows])
    raw.executemany("INSERT INTO household_search_keys (key, seq) VALUES (:key, :seq)", keys)
    raw.executemany(_STAFF_INSERT, staff)
    conn.execute(sql("INSERT INTO household_search_fts (household_search_fts) VALUES ('rebuild')"))
    conn.execute(sql("INSERT OR REPLACE INTO meta (key, value) VALUES (:k, :v)"),
                 {"k": _VERSION_KEY, "v": INDEX_VERSION})
    return len(rows)


def built_with(target: Session | Connection) -> str | None:
    """The ``INDEX_VERSION`` this database's index was built with (None: before versions)."""
    conn = _connection(target)
    return conn.execute(sql("SELECT value FROM meta WHERE key = :k"), {"k": _VERSION_KEY}).scalar_one_or_none()


def _drop(conn, rows) -> None:
    """Remove index rows given as (seq, text) pairs, with their search entries — a chunk at a
    time (the search keys are keyed (key, seq); before their index on seq, migration 0015, a
    delete by seq read the whole table: 20 s for 2,000 households of a 36,500 district one by one)."""
    rows = list(rows)
    if not rows:
        return
    conn.execute(sql(_FTS_DEL), [{"seq": seq, "text": text} for seq, text in rows])
    seqs = {"seqs": json.dumps([seq for seq, _ in rows])}
    for table in ("household_search_keys", "household_staff", "household_index"):
        conn.execute(sql(f"DELETE FROM {table} WHERE seq IN (SELECT value FROM json_each(:seqs))"), seqs)


def forget(target: Session | Connection, household_ids: Iterable[str]) -> int:
    """Drop the index rows of these households, to be rebuilt by ``ensure_index`` when the list
    is next read.  For bulk writers (a ledger of 100,000 loans): building every row inside
    the import would double its time, while a missing row can never show stale figures.
    Returns the number of rows dropped."""
    conn = _connection(target)
    ids = list(dict.fromkeys(h for h in household_ids if h))
    dropped = 0
    for i in range(0, len(ids), _CHUNK):
        w, p = _in(ids[i:i + _CHUNK], "household_id")
        rows = conn.execute(sql("SELECT seq, text FROM household_index WHERE 1 = 1" + w), p).all()
        _drop(conn, rows)
        dropped += len(rows)
    return dropped


def _refresh_chunk(conn, ids: list[str], same_names: frozenset[str] = frozenset()) -> int:
    """The index rows of these households made equal to what ``_gather`` builds from the facts,
    writing only what differs: a row's changed columns (a merge's visits change a few figures),
    its full-text entry only when its text changed, its search keys and staff shares only those
    added or gone.  (Deleting and writing back every row with its ~12 keys cost ~0.6 ms a
    household, most of a merge of first packages; bench/RESULTS.md, USB-stick sync.)
    ``same_names``: see ``refresh_search``."""
    raw = conn.connection.driver_connection    # plain sqlite3 in the caller's transaction
    w, p = _in(ids, "household_id")
    old = {r[1]: r for r in raw.execute(
        f"SELECT seq, {', '.join(_COLUMNS)} FROM household_index WHERE 1 = 1" + w, p)}
    # Before the old rows go: a new household must not take the number of one being rewritten.
    next_seq = raw.execute("SELECT COALESCE(MAX(seq), 0) FROM household_index").fetchone()[0] + 1
    text_at, sort_at = _COLUMNS.index("text") + 1, _COLUMNS.index("sort_name") + 1
    figures = [h for h in ids if h in same_names and h in old]
    full = [h for h in ids if h not in same_names or h not in old]
    built = _gather(conn, full) if full else []
    kept = frozenset(figures)
    for row, _keys, _shares in _gather(conn, figures, search=False) if figures else ():
        was = old[row["household_id"]]
        row["text"], row["sort_name"] = was[text_at], was[sort_at]
        built.append((row, None, _shares))     # None: the search keys stay as they are
    seqs = {"seqs": json.dumps([r[0] for hid, r in old.items() if hid not in kept])}
    old_keys: dict[int, set[str]] = defaultdict(set)
    old_staff: dict[int, dict[str, tuple]] = defaultdict(dict)
    for seq, key in raw.execute(
            "SELECT seq, key FROM household_search_keys WHERE seq IN (SELECT value FROM json_each(:seqs))", seqs):
        old_keys[seq].add(key)
    seqs = {"seqs": json.dumps([r[0] for r in old.values()])}
    for r in raw.execute(f"SELECT {', '.join(_STAFF_COLUMNS)} FROM household_staff "
                         "WHERE seq IN (SELECT value FROM json_each(:seqs))", seqs):
        old_staff[r[1]][r[0]] = r
    live = {row["household_id"] for row, _keys, _shares in built}
    _drop(conn, [(r[0], r[text_at]) for hid, r in old.items() if hid not in live])
    inserts, fts_del, fts_add, key_del, key_add, staff_del, staff_put = [], [], [], [], [], [], []
    updates: dict[tuple[str, ...], list[dict]] = defaultdict(list)
    for row, keys, shares in built:
        values = {**row, **{k: _iso(row[k]) for k in _DATES}}
        was = old.get(row["household_id"])
        if was is None:
            seq, next_seq = next_seq, next_seq + 1
            inserts.append({"seq": seq, **values})
            fts_add.append({"seq": seq, "text": values["text"]})
        else:
            seq = was[0]
            changed = tuple(c for i, c in enumerate(_COLUMNS, start=1) if was[i] != values[c])
            if changed:
                updates[changed].append({"seq": seq, **{c: values[c] for c in changed}})
            if "text" in changed:
                fts_del.append({"seq": seq, "text": was[text_at]})
                fts_add.append({"seq": seq, "text": values["text"]})
        if keys is not None:
            have = old_keys.get(seq, set())
            want = set(keys)
            key_del += [{"key": k, "seq": seq} for k in have - want]
            key_add += [{"key": k, "seq": seq} for k in want - have]
        staff_was = old_staff.get(seq, {})
        for share in shares:
            put = {"seq": seq, **share}
            if staff_was.get(share["staff_id"]) != tuple(put[c] for c in _STAFF_COLUMNS):
                staff_put.append(put)
        gone = staff_was.keys() - {share["staff_id"] for share in shares}
        staff_del += [{"staff_id": staff_id, "seq": seq} for staff_id in gone]
    # the full-text entries first: a 'delete' names the text the entry was made from
    for statement, params in ((_FTS_DEL, fts_del),
                              ("DELETE FROM household_search_keys WHERE key = :key AND seq = :seq", key_del),
                              ("DELETE FROM household_staff WHERE staff_id = :staff_id AND seq = :seq", staff_del),
                              (_INSERT, inserts)):
        if params:
            raw.executemany(statement, params)
    for changed, params in updates.items():
        raw.executemany(f"UPDATE household_index SET {', '.join(f'{c} = :{c}' for c in changed)} "
                        "WHERE seq = :seq", params)
    for statement, params in ((_FTS_ADD, fts_add), (_KEY_INSERT, key_add),
                              (_STAFF_INSERT.replace("INSERT INTO", "INSERT OR REPLACE INTO"), staff_put)):
        if params:
            raw.executemany(statement, params)
    return len(built)


def ensure_index(target: Session | Connection, *, full_check: bool = False) -> int:
    """Give every live household an index row and drop rows of deleted ones.

    Cheap when the counts agree (two counts; ``full_check`` compares row by row anyway);
    rebuilds everything when most rows are missing (a database upgraded from before the
    index) or the index was built another way (an older ``INDEX_VERSION``).  Returns the
    rows written.
    """
    conn = _connection(target)
    live = conn.execute(sql("SELECT COUNT(*) FROM households WHERE deleted = 0")).scalar_one()
    indexed = conn.execute(sql("SELECT COUNT(*) FROM household_index")).scalar_one()
    if (live or indexed) and built_with(conn) != INDEX_VERSION:
        return _rebuild_all(conn)
    if live == indexed and not full_check:
        return 0
    missing = [r[0] for r in conn.execute(sql(
        "SELECT h.id FROM households h WHERE h.deleted = 0 AND NOT EXISTS "
        "(SELECT 1 FROM household_index i WHERE i.household_id = h.id)"))]
    stale = [r[0] for r in conn.execute(sql(
        "SELECT i.household_id FROM household_index i LEFT JOIN households h ON h.id = i.household_id "
        "WHERE h.id IS NULL OR h.deleted = 1"))]
    if not missing and not stale:
        return 0
    if len(missing) > indexed:
        return _rebuild_all(conn)
    return refresh_search(conn, missing + stale)
