"""Merging one editable table field group by field group.

For each row both sides have, and each field group (``app.sync.rows.groups``): the value with
the later stamp wins. Stamps come from the row's field clocks (``field_hlc``: ``{"*": insert
stamp, group or field: stamp of its last change}``), falling back to the row's own ``hlc``.
The losing value, when it differs, goes to the conflict list — unless the winner's change was
made *on top of* it (walking the winner's changes back through the audit log, each naming the
value it replaced, reaches the losing value): then nothing was lost, it was simply replaced.
So two laptops editing different fields both keep their edit; two editing the same field leave
one conflict, the same whichever order their packages arrive in: an open conflict's kept side is
what the field holds now (a third computer's later change that wins becomes it), and a winner
made on top of a listed lost value takes that conflict off the list. A group the sender does not
own, or a derived one, is not taken (and a derived one the merge recomputes, ``rows.RECOMPUTED``,
is not reported either).  The list is kept where a merge found it (it does not travel): a
laptop's unseen change that a task package's newer value beat is listed on that laptop.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Connection

from app.sync import rows


@dataclass
class _Side:
    values: dict[str, Any]
    stamps: dict[str, str]
    hlc: str

    def stamp(self, group: rows.Group) -> str:
        for key in (group.name, *group.columns):
            if key in self.stamps:
                return self.stamps[key]
        return self.stamps.get("*") or self.hlc or ""


class FieldMerge:
    def __init__(self, conn: Connection, table: str, cols: list[str], *, township: str, from_township: bool,
                 result) -> None:
        self.conn, self.table, self.cols = conn, table, cols
        self.township, self.from_township, self.result = township, from_township, result
        self.has_clocks = "field_hlc" in cols
        present = set(cols)
        self.groups = [g for g in rows.groups(table) if set(g.columns) <= present]
        self.refused: dict[str, int] = {}

    def run(self) -> set[str]:
        changed: set[str] = set()
        for local, remote, row_id in self._pairs():
            if self._merge_row(row_id, local, remote):
                changed.add(row_id)
        for name, n in sorted(self.refused.items()):
            self.result.refused_changes.append(f"{self.table}.{name}：{n} 处修改不归发来的一方管，未合并")
        return changed

    def _pairs(self):
        names = [c for c in self.cols if c != "id"]
        select = ", ".join([f"m.{c}" for c in names] + [f"p.{c}" for c in names])
        differ = "m.hlc IS NOT p.hlc" + (" OR m.field_hlc IS NOT p.field_hlc" if self.has_clocks else "")
        # the package's rows outside (CROSS JOIN keeps that order): a delta is a few rows of a big table
        sql = (f"SELECT m.id, {select} FROM pkg.{self.table} p CROSS JOIN main.{self.table} m ON m.id = p.id "
               f"WHERE {differ}")
        n = len(names)
        for row in self.conn.exec_driver_sql(sql):
            yield self._side(names, row[1:1 + n]), self._side(names, row[1 + n:]), row[0]

    def _side(self, names: list[str], values) -> _Side:
        data = dict(zip(names, values))
        stamps = json.loads(data.get("field_hlc") or "{}") if self.has_clocks else {}
        return _Side(data, stamps, data.get("hlc") or "")

    def _merge_row(self, row_id: str, local: _Side, remote: _Side) -> bool:
        updates: dict[str, Any] = {}
        stamps = dict(local.stamps)
        for group in self.groups:
            if group.owner == "derived" and self.table in rows.RECOMPUTED:
                continue          # recomputed from the facts after the merge (a balance after a repayment)
            ls, rs = local.stamp(group), remote.stamp(group)
            lv = tuple(local.values[c] for c in group.columns)
            rv = tuple(remote.values[c] for c in group.columns)
            if lv == rv:
                if rs > ls and self.has_clocks:
                    stamps[group.name] = rs
                continue
            if not self._may_take(group) or rs == ls:
                # not the sender's to change; or one stamp with two values (the file was edited by hand)
                if rs >= ls:
                    self.refused[group.name] = self.refused.get(group.name, 0) + 1
                continue
            if rs > ls:
                updates.update(dict(zip(group.columns, rv)))
                stamps[group.name] = rs
                self._keep_up(row_id, group, remote.values, rs)
                if not self._replaced(row_id, rs, group, remote.values, lv, ls):
                    self._conflict(row_id, group, kept=(rv, rs), lost=(lv, ls))
            elif not self._replaced(row_id, ls, group, local.values, rv, rs):
                self._conflict(row_id, group, kept=(lv, ls), lost=(rv, rs))
        if not updates and stamps == local.stamps:
            return False
        newest = max(local.hlc, remote.hlc)
        if updates and remote.hlc > local.hlc:
            updates.update({c: remote.values[c] for c in ("updated_at", "updated_by") if c in remote.values})
        if self.has_clocks:
            updates["field_hlc"] = json.dumps(stamps, sort_keys=True)
        updates["hlc"] = newest
        sets = ", ".join(f"{c} = :{c}" for c in updates)
        self.conn.execute(text(f"UPDATE main.{self.table} SET {sets} WHERE id = :_id"), {**updates, "_id": row_id})
        return True

    def _may_take(self, group: rows.Group) -> bool:
        if group.owner == "derived":
            return False
        return group.owner == "township" if self.from_township else True

    def _replaced(self, row_id: str, stamp: str, group: rows.Group, winner: dict, loser_values: tuple,
                  loser_stamp: str) -> bool:
        """Whether the winning value stamped ``stamp`` descends from the losing one: walking the
        winner's changes back through the audit log (each names the value it replaced, and the
        change before it is the latest earlier one that set that value) reaches ``loser_values``
        before ``loser_stamp``.  Several steps, not one: a laptop that changed a phone twice
        replaced the district's number knowingly, whichever of its packages arrives first."""
        history = self._history(row_id)
        current = {c: winner[c] for c in group.columns}
        seen: set[str] = set()
        while stamp > loser_stamp and stamp not in seen:
            seen.add(stamp)
            found = history.get(stamp)
            if found is None or found[0] == "insert" or not found[1]:
                return False          # unknown history, or both sides made the row: nothing replaced knowingly
            changes = found[1]
            olds = {c: changes[c][0] if c in changes else current[c] for c in group.columns}
            if all(_same(olds[c], v) for c, v in zip(group.columns, loser_values)):
                return True
            stamp = self._before(history, stamp, group, olds)
            current = olds
        return False

    def _history(self, row_id: str) -> dict[str, tuple[str, dict]]:
        """The row's audit entries on both sides, by stamp: ``{hlc: (action, {field: [old, new]})}``."""
        found: dict[str, tuple[str, dict]] = {}
        for schema in ("main", "pkg"):
            for hlc, action, changes in self.conn.execute(text(
                    f"SELECT hlc, action, changes FROM {schema}.audit_log WHERE entity = :t AND entity_id = :id "
                    "AND hlc IS NOT NULL"), {"t": self.table, "id": row_id}):
                if hlc not in found:
                    found[hlc] = (action, json.loads(changes) if changes else {})
        return found

    @staticmethod
    def _before(history: dict[str, tuple[str, dict]], stamp: str, group: rows.Group, values: dict) -> str:
        """The stamp of the latest change before ``stamp`` that left the group at ``values``
        (``""`` when none: the value came with the row).  An update's entry holds ``[old, new]``
        per field it changed; an insert's holds the values the row was made with (a field left
        empty is not written down), so the row's making left the group at those."""
        for hlc in sorted((h for h in history if h < stamp), reverse=True):
            action, changes = history[hlc]
            if action == "insert":
                made = {c: changes.get(c) for c in group.columns}
                if all(_same(made[c], values[c]) for c in group.columns):
                    return hlc
                continue
            touched = [c for c in group.columns if c in changes]
            if touched and all(_same(changes[c][1], values[c]) for c in touched):
                return hlc
        return ""

    def _keep_up(self, row_id: str, group: rows.Group, winner: dict, stamp: str) -> None:
        """The open conflicts of the group say what it holds now, so the list is the same whichever
        package came first: a later change that wins (a third computer's) becomes their kept side;
        one made on top of a listed lost value (its own laptop's next change) takes it off the list,
        as if that package had come first."""
        values = tuple(winner[c] for c in group.columns)
        for conflict_id, lost_hlc, lost_value in self.conn.execute(text(
                "SELECT id, lost_hlc, lost_value FROM main.conflicts WHERE entity = :e AND entity_id = :eid "
                "AND field = :f AND resolved = 0 AND deleted = 0 AND kept_hlc < :kh"),
                {"e": self.table, "eid": row_id, "f": group.name, "kh": stamp}).all():
            if self._replaced(row_id, stamp, group, winner, _untext(lost_value, len(group.columns)), lost_hlc):
                self.conn.execute(text("DELETE FROM main.conflicts WHERE id = :id"), {"id": conflict_id})
            else:
                self.conn.execute(text("UPDATE main.conflicts SET kept_value = :kv, kept_hlc = :kh, hlc = :kh "
                                       "WHERE id = :id"), {"kv": _text(values), "kh": stamp, "id": conflict_id})

    def _conflict(self, row_id: str, group: rows.Group, *, kept: tuple, lost: tuple) -> None:
        from app.sync.merge import conflict_id

        (kept_values, kept_stamp), (lost_values, lost_stamp) = kept, lost
        self.conn.execute(text(
            "INSERT OR IGNORE INTO main.conflicts (id, entity, entity_id, field, kept_value, kept_hlc, lost_value, "
            "lost_hlc, resolved, deleted, hlc, created_at, updated_at, updated_by) VALUES (:id, :e, :eid, :f, :kv, :kh, "
            ":lv, :lh, 0, 0, :kh, :now, :now, 'merge')"),
            {"id": conflict_id(self.table, row_id, group.name, lost_stamp), "e": self.table, "eid": row_id,
             "f": group.name, "kv": _text(kept_values), "kh": kept_stamp, "lv": _text(lost_values), "lh": lost_stamp,
             "now": datetime.now().replace(microsecond=0).isoformat(sep=" ")})
        self.result.conflicts += 1


def _norm(value: Any) -> Any:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def _same(audit_value: Any, db_value: Any) -> bool:
    a, b = _norm(audit_value), _norm(db_value)
    if a == b:
        return True
    return a is not None and b is not None and str(a) == str(b)


def _untext(stored: str | None, n: int) -> tuple:
    """The values ``_text`` wrote: one text as it is, anything else a JSON list."""
    if stored is not None and stored.startswith("["):
        try:
            values = json.loads(stored)
        except ValueError:
            values = None
        if isinstance(values, list) and len(values) == n:
            return tuple(values)
    return (stored,) + (None,) * (n - 1)


def _text(values: tuple) -> str:
    return values[0] if len(values) == 1 and isinstance(values[0], str) else json.dumps(
        [_norm(v) for v in values], ensure_ascii=False, default=str)
