"""Merging the conflict list a package carries: one conflict is one row wherever it was found.

A field conflict's id is a uuid5 of what was lost (``merge.conflict_id``: the row, the field
group, the lost value's stamp), so the same conflict found at the district and on a laptop is
one row, and the lists merge by id, each column by what it is:

* **facts** — the entity, the field, the lost value and its stamp: the same on every side;
* **where it was found** — ``found_on``, the computers whose merge listed it: a union;
* **its state** — open, withdrawn (``deleted``: a later change was made on top of the lost
  value) or resolved (``resolution`` kept or lost, ``resolved_by``, ``resolved_at``) — has its own
  clock ``state_hlc`` and settles as a lattice: resolved beats withdrawn beats open, and between
  two of one kind the later stamp wins. So a resolution made at the district reaches the laptops
  and one made on a laptop reaches the district, two resolutions settle on the later, and a
  withdrawn conflict stays withdrawn when an older copy of it comes back open;
* **its kept side** — what the field holds now while it is open (the later ``kept_hlc`` of the
  two), and what was kept when it was resolved once it is (the resolving side's).

Then every open conflict the package brought or changed is brought up to what its field holds
here, as if it had been listed before the field's later changes arrived (``FieldMerge.follow``):
its kept side follows a later winner, or it is withdrawn when that winner was made on top of the
lost value. So the list is the same whichever packages come first.
"""
from __future__ import annotations

import json
from typing import Callable

from sqlalchemy import text
from sqlalchemy.engine import Connection

from app.sync import rows, scope
from app.sync.fields_merge import FieldMerge, _found, _Side

_STATE = ("resolved", "deleted", "resolution", "resolved_by", "resolved_at", "state_hlc")
_KEPT = ("kept_value", "kept_hlc")


def _rank(row: dict) -> tuple[int, str]:
    """Where a conflict's state stands: resolved > withdrawn > open, then the later stamp."""
    return (2 if row.get("resolved") else 1 if row.get("deleted") else 0), row.get("state_hlc") or ""


def settle(local: dict, remote: dict) -> dict:
    """The columns of ``local`` that change when it meets ``remote`` (the same conflict)."""
    out: dict = {}
    lr, rr = _rank(local), _rank(remote)
    state = remote if rr > lr else local
    for c in _STATE:
        if c in remote and state.get(c) != local.get(c):
            out[c] = state.get(c)
    if lr != rr and state["resolved"]:
        kept = state                       # what the one who settled it saw kept
    else:
        kept = remote if (remote.get("kept_hlc") or "") > (local.get("kept_hlc") or "") else local
    for c in _KEPT:
        if kept.get(c) != local.get(c):
            out[c] = kept.get(c)
    if "found_on" in remote:
        on = _found(local.get("found_on"), *(json.loads(remote["found_on"]) if remote.get("found_on") else ()))
        if on != local.get("found_on"):
            out["found_on"] = on
    if (remote.get("hlc") or "") > (local.get("hlc") or ""):
        out["hlc"] = remote["hlc"]
    if out and state is remote:
        out.update({c: remote[c] for c in ("updated_at", "updated_by") if c in remote})
    return out


def merge(conn: Connection, cols: list[str], inserted: set[str], *, township: str, from_township: bool,
          result, in_scope: Callable[[], str] | None = None) -> set[str]:
    """Merges ``pkg.conflicts`` into ``main.conflicts`` (the new ones, ``inserted``, are in already);
    returns the ids it changed.  ``in_scope``: gives the condition for the township's conflicts
    (``scope.condition("conflicts", "main.")``, or the merge's, reading the lists it made)."""
    names = [c for c in cols if c != "id"]
    select = ", ".join([f"m.{c}" for c in names] + [f"p.{c}" for c in names])
    n = len(names)
    changed: set[str] = set()
    # Only conflicts both sides have are settled: none (most packages), nothing to build.  The
    # package's rows outside (CROSS JOIN), and the scope not used to drive the join (``+m.id``):
    # SQLite otherwise built every township id list the condition names to walk the district's
    # conflicts by them, ~35 ms a package even for an empty list (bench/RESULTS.md, 2026-12-04).
    if conn.exec_driver_sql("SELECT 1 FROM pkg.conflicts p CROSS JOIN main.conflicts m ON m.id = p.id "
                            "LIMIT 1").first() is None:
        rows_in = []
    else:
        condition = in_scope() if in_scope is not None else scope.condition("conflicts", "main.")
        rows_in = conn.execute(text(
            f"SELECT m.id, {select} FROM pkg.conflicts p CROSS JOIN main.conflicts m ON m.id = p.id "
            f"WHERE +m.id IN (SELECT id FROM main.conflicts WHERE {condition})"), {"township": township}).all()
    for row in rows_in:
        local, remote = dict(zip(names, row[1:1 + n])), dict(zip(names, row[1 + n:]))
        updates = settle(local, remote)
        if updates:
            sets = ", ".join(f"{c} = :{c}" for c in updates)
            conn.execute(text(f"UPDATE main.conflicts SET {sets} WHERE id = :_id"), {**updates, "_id": row[0]})
            changed.add(row[0])
    follow(conn, inserted | changed, township=township, from_township=from_township, result=result)
    return changed


def follow(conn: Connection, ids: set[str], *, township: str, from_township: bool, result) -> None:
    """The open ones of these conflicts brought up to what their fields hold here."""
    if not ids:
        return
    merges: dict[str, FieldMerge] = {}
    for cid, entity, entity_id, field, kept_value, kept_hlc, lost_value, lost_hlc in conn.execute(text(
            "SELECT id, entity, entity_id, field, kept_value, kept_hlc, lost_value, lost_hlc FROM main.conflicts "
            "WHERE id IN (SELECT value FROM json_each(:ids)) AND resolved = 0 AND deleted = 0 "
            "AND field NOT LIKE 'rule:%' ORDER BY entity, entity_id, id"), {"ids": json.dumps(sorted(ids))}).all():
        group = next((g for g in rows.groups(entity) if g.name == field), None) if entity in scope.TOWNSHIP_ROWS \
            else None
        if group is None:
            continue
        fm = merges.get(entity)
        if fm is None:
            cols = [r[1] for r in conn.exec_driver_sql(f"PRAGMA main.table_info({entity})")]
            fm = merges[entity] = FieldMerge(conn, entity, cols, township=township, from_township=from_township,
                                             result=result)
        found = conn.execute(text(
            f"SELECT {', '.join(group.columns)}, field_hlc, hlc FROM main.{entity} WHERE id = :id"),
            {"id": entity_id}).first()
        if found is None:
            continue
        values = dict(zip(group.columns, found))
        now = _Side(values, json.loads(found[-2] or "{}"), found[-1] or "")
        stamp = now.stamp(group)
        if stamp > (kept_hlc or ""):
            fm.follow(cid, entity_id, group, values, stamp, kept=(kept_value, kept_hlc), lost=(lost_value, lost_hlc))
