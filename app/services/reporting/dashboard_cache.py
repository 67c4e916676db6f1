"""The 工作台's last figures, kept in the database they describe, so the window paints them at
start without reading every loan again — only while they are provably still the figures.

What is kept (``meta['dashboard_figures']``, JSON): the figures of one date, the database's
**change mark** read before they were computed, and their **horizon**.

* The mark: the device id (a restored backup gets a new one), the local change sequence and the
  clock's last stamp (every unit of work that writes a travelling row — a visit, a repayment, a
  ledger import, a merge — moves them: ``app.db.clock_store``), the schema's revision, this
  program's version and this format's.  Any write since, and the figures are not used.
* The horizon: the earliest date after the figures' date on which any fact they count falls (a
  repayment's ``paid_on``, a loan's ``task_date``, a category's ``since``, a visit's
  ``visited_on``; compared as the figures compare them, ISO text).  Figures as of D are the
  figures as of any later day before the horizon, so yesterday's serve today when nothing dated
  in between exists.

A figure recalled from here is checked again: the 工作台 computes it afresh once it has painted
(``settle``) and shows the new one if they differ (a write that moved no mark would be a bug, and
is logged as one).  Nothing here is Qt; the window and its tests call it.
"""
from __future__ import annotations

import json
import logging
import sqlite3
from dataclasses import asdict
from datetime import date
from decimal import Decimal

from app import __version__
from app.db.session import Database
from app.domain.township_report import Line
from app.services.reporting.dashboard import Dashboard, figures
from app.services.reporting.summary import CategoryFigures, Figures, Summary, TownshipFigures

log = logging.getLogger(__name__)

KEY = "dashboard_figures"
FORMAT = 1
_MARK_KEYS = ("device", "seq_last", "hlc_last")
_HORIZON = """
SELECT MIN(d) FROM (
    SELECT MIN(paid_on) AS d FROM repayments WHERE paid_on > :d
    UNION ALL SELECT MIN(task_date) FROM loans WHERE task_date > :d
    UNION ALL SELECT MIN(since) FROM category_tags WHERE since > :d
    UNION ALL SELECT MIN(visited_on) FROM visits WHERE visited_on > :d
)
"""
_BUSY_MS = 200      # storing is a courtesy: a database busy with a merge is not waited for


def mark_of(conn: sqlite3.Connection) -> dict[str, str | None]:
    """The database's change mark now (see the module's docstring)."""
    meta = dict(conn.execute(f"SELECT key, value FROM meta WHERE key IN ({', '.join('?' * len(_MARK_KEYS))})",
                             _MARK_KEYS).fetchall())
    try:
        schema = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.OperationalError:
        schema = None
    return {**{k: meta.get(k) for k in _MARK_KEYS}, "schema": schema[0] if schema else None,
            "program": __version__, "format": str(FORMAT)}


def compute(db: Database, as_of: date) -> Dashboard:
    """``dashboard.figures`` with the change mark read before them (so a write while they are
    computed leaves them unusable for ``remember``, never wrongly usable)."""
    with db.sqlite() as conn:
        mark = mark_of(conn)
    found = figures(db, as_of)
    found.mark = mark
    return found


def recall(db: Database, today: date) -> Dashboard | None:
    """The kept figures, as of ``today``, if nothing they count changed since; else None."""
    try:
        with db.sqlite() as conn:
            row = conn.execute("SELECT value FROM meta WHERE key = ?", (KEY,)).fetchone()
            if row is None:
                return None
            kept = json.loads(row[0])
            mark = mark_of(conn)
        if kept.get("mark") != mark:
            return None
        as_of, horizon, day = kept["as_of"], kept.get("horizon"), today.isoformat()
        if day < as_of or (horizon is not None and day >= horizon):
            return None
        found = _decode(kept["figures"], today)
    except (sqlite3.Error, ValueError, KeyError, TypeError) as exc:
        log.warning("the kept figures of %s could not be read: %s", db.path, exc)
        return None
    found.mark, found.recalled = mark, True
    return found


def remember(db: Database, found: Dashboard) -> bool:
    """Keep ``found`` (made by :func:`compute`) for the next start; False when it was not kept
    (no mark, recalled figures, or the database busy or read-only)."""
    if found.mark is None or found.recalled:
        return False
    as_of = found.summary.as_of.isoformat()
    try:
        with db.sqlite() as conn:
            horizon = conn.execute(_HORIZON, {"d": as_of}).fetchone()[0]
            value = json.dumps({"mark": found.mark, "as_of": as_of, "horizon": None if horizon is None else str(horizon),
                                "figures": _encode(found)}, ensure_ascii=False)
            waits = conn.execute("PRAGMA busy_timeout").fetchone()[0]
            conn.execute(f"PRAGMA busy_timeout = {_BUSY_MS}")
            try:
                with conn:
                    conn.execute("INSERT INTO meta (key, value) VALUES (?, ?) "
                                 "ON CONFLICT(key) DO UPDATE SET value = excluded.value", (KEY, value))
            finally:      # the connection may be the engine's: its other users wait as before
                conn.execute(f"PRAGMA busy_timeout = {int(waits)}")
    except sqlite3.Error as exc:
        log.info("the figures of %s were not kept: %s", db.path, exc)
        return False
    return True


def settle(db: Database, shown: Dashboard) -> Dashboard | None:
    """After ``shown`` is painted: keep it, or, if it was recalled, compute the figures afresh and
    keep those. Returns the fresh figures when they differ from what is shown, else None."""
    if not shown.recalled:
        remember(db, shown)
        return None
    fresh = compute(db, shown.summary.as_of)
    if fresh == shown:      # what is kept still holds (its date may be older: its horizon says till when)
        return None
    remember(db, fresh)
    log.warning("the kept figures of %s were not the database's (a write moved no change mark)", db.path)
    return fresh


def forget(db: Database) -> None:
    """Drop the kept figures (tests, and the bench's start without them)."""
    with db.sqlite() as conn, conn:
        conn.execute("DELETE FROM meta WHERE key = ?", (KEY,))


# -- the figures as JSON ---------------------------------------------------------------------------
def _encode(found: Dashboard) -> dict:
    s = found.summary
    return {"totals": asdict(s.totals), "townships": [asdict(t) for t in s.townships],
            "categories": [asdict(c) for c in s.categories], "groups": [asdict(c) for c in s.groups],
            "villages": [{**asdict(v), "rate": str(v.rate)} for v in found.villages]}


def _decode(data: dict, as_of: date) -> Dashboard:
    summary = Summary(as_of=as_of, totals=Figures(**data["totals"]),
                      townships=[TownshipFigures(**t) for t in data["townships"]],
                      categories=[CategoryFigures(**c) for c in data["categories"]],
                      groups=[CategoryFigures(**c) for c in data["groups"]])
    villages = [Line(**{**v, "rate": Decimal(v["rate"])}) for v in data["villages"]]
    return Dashboard(summary=summary, villages=villages)
