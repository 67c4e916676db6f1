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
is not reported either).  The list travels (``app.sync.conflict_merge``): a laptop's unseen change
that a task package's newer value beat is listed on that laptop and reaches the district with its
next work package. A withdrawn conflict stays as a tombstone (``deleted``, ``resolution =
"withdrawn"``, ``state_hlc`` the stamp of the change made on top of the lost value), so the union
of two lists does not bring it back; withdrawals and kept sides moved are audited.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Connection

from app.db.base import new_id
from app.sync import rows

_READ_AHEAD = 256      # rows whose audit histories are read in one statement


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
        self.written: dict[str, frozenset[str]] = {}   # the columns ``run`` wrote, per row it changed
        self._histories: tuple[str, dict[str, tuple[str, dict]]] | None = None   # (row, its history): one read a row
        self._coming: dict[str, int] = {}       # the rows ``run`` merges, by their place in its order
        self._order: list[str] = []
        self._read: dict[str, dict[str, tuple[str, dict]]] = {}   # histories read ahead for them
        self._here: tuple[str | None, str | None] | None = None

    def run(self) -> set[str]:
        changed: set[str] = set()
        pairs = list(self._pairs())
        order = [row_id for _local, _remote, row_id in pairs]
        self._coming = {row_id: i for i, row_id in enumerate(order)}
        self._order = order
        for local, remote, row_id in pairs:
            if self._merge_row(row_id, local, remote):
                changed.add(row_id)
        self._coming, self._order, self._read = {}, [], {}
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
        self._histories = None          # the row's audit history is read once, when first needed
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
        self.written[row_id] = frozenset(updates)
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
        return self.replaced_at(row_id, stamp, group, winner, loser_values, loser_stamp) is not None

    def replaced_at(self, row_id: str, stamp: str, group: rows.Group, winner: dict, loser_values: tuple,
                    loser_stamp: str) -> str | None:
        """``_replaced``'s walk: the stamp of the change that replaced ``loser_values`` (None when
        the winner does not descend from them)."""
        history = self._history(row_id)
        current = {c: winner[c] for c in group.columns}
        seen: set[str] = set()
        while stamp > loser_stamp and stamp not in seen:
            seen.add(stamp)
            found = history.get(stamp)
            if found is None or found[0] == "insert" or not found[1]:
                return None          # unknown history, or both sides made the row: nothing replaced knowingly
            changes = found[1]
            olds = {c: changes[c][0] if c in changes else current[c] for c in group.columns}
            if all(_same(olds[c], v) for c, v in zip(group.columns, loser_values)):
                return stamp
            stamp = self._before(history, stamp, group, olds)
            current = olds
        return None

    def _history(self, row_id: str) -> dict[str, tuple[str, dict]]:
        """The row's audit entries on both sides, by stamp: ``{hlc: (action, {field: [old, new]})}``.
        Read once per row (every group and every open conflict of the row walks the same history;
        what the merge itself audits meanwhile is about the conflict list, not the row)."""
        if self._histories is not None and self._histories[0] == row_id:
            return self._histories[1]
        if row_id not in self._read and row_id in self._coming:
            # read ahead for this row and the next ones ``run`` merges, two statements a batch, not
            # two a row (≈0.2 ms a row of a delta's phone numbers).  Nothing the merge writes meanwhile
            # is about these rows: its own entries are about the conflict list, the package's audit
            # log is merged after every table it is about.
            at = self._coming[row_id]
            self._read.update(self._read_histories(self._order[at:at + _READ_AHEAD]))
        found = self._read.pop(row_id, None)
        if found is None:
            found = self._read_histories([row_id])[row_id]
        self._histories = (row_id, found)
        return found

    def _read_histories(self, row_ids: list[str]) -> dict[str, dict[str, tuple[str, dict]]]:
        """``_history`` of each of these rows: main's entries first, then the package's, the first
        entry of a stamp kept, each side's entries of a row in the order they were written."""
        out: dict[str, dict[str, tuple[str, dict]]] = {row_id: {} for row_id in row_ids}
        ids = json.dumps(row_ids)
        for schema in ("main", "pkg"):
            for row_id, hlc, action, changes in self.conn.execute(text(
                    f"SELECT entity_id, hlc, action, changes FROM {schema}.audit_log WHERE entity = :t "
                    "AND entity_id IN (SELECT value FROM json_each(:ids)) AND hlc IS NOT NULL "
                    "ORDER BY entity_id, rowid"), {"t": self.table, "ids": ids}):
                found = out[row_id]
                if hlc not in found:
                    found[hlc] = (action, json.loads(changes) if changes else {})
        return out

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
        one made on top of a listed lost value (its own laptop's next change) withdraws it, as if
        that package had come first. Both are audited. (A settled one stays as it was settled.)"""
        for conflict_id, kept_value, kept_hlc, lost_hlc, lost_value in self.conn.execute(text(
                "SELECT id, kept_value, kept_hlc, lost_hlc, lost_value FROM main.conflicts WHERE entity = :e "
                "AND entity_id = :eid AND field = :f AND resolved = 0 AND deleted = 0 AND kept_hlc < :kh"),
                {"e": self.table, "eid": row_id, "f": group.name, "kh": stamp}).all():
            self.follow(conflict_id, row_id, group, winner, stamp, kept=(kept_value, kept_hlc),
                        lost=(lost_value, lost_hlc))

    def follow(self, conflict_id: str, row_id: str, group: rows.Group, winner: dict, stamp: str, *,
               kept: tuple[str | None, str | None], lost: tuple[str | None, str | None]) -> None:
        """An open conflict of ``row_id``'s ``group``, whose field now holds ``winner`` stamped
        ``stamp`` (later than its kept side): withdrawn, when that change descends from the lost
        value; else the field's value becomes its kept side."""
        lost_value, lost_hlc = lost
        made_on = self.replaced_at(row_id, stamp, group, winner, _untext(lost_value, len(group.columns)),
                                   lost_hlc or "")
        label = f"{self.table}.{group.name}（{row_id}）"
        if made_on is not None:
            self.conn.execute(text(
                "UPDATE main.conflicts SET deleted = 1, resolution = 'withdrawn', state_hlc = :s, "
                "hlc = max(coalesce(hlc, ''), :s) WHERE id = :id"), {"s": made_on, "id": conflict_id})
            self._audit(conflict_id, "withdraw", made_on, {"deleted": [False, True]},
                        f"冲突撤销：{label} 后来的修改是在被覆盖的值（{lost_value}）之上改的，没有丢失")
        else:
            values = _text(tuple(winner[c] for c in group.columns))
            self.conn.execute(text("UPDATE main.conflicts SET kept_value = :kv, kept_hlc = :kh, "
                                   "hlc = max(coalesce(hlc, ''), :kh) WHERE id = :id"),
                              {"kv": values, "kh": stamp, "id": conflict_id})
            self._audit(conflict_id, "keep_up", stamp, {"kept_value": [kept[0], values], "kept_hlc": [kept[1], stamp]},
                        f"冲突的保留值随后来的修改更新：{label} {kept[0]} → {values}")
        self.result.conflict_rows.add(conflict_id)

    def here(self) -> tuple[str | None, str | None]:
        """This computer's unit and device (what its merges write down)."""
        if self._here is None:
            meta = dict(self.conn.execute(text(
                "SELECT key, value FROM main.meta WHERE key IN ('unit_id', 'device')")).all())
            self._here = (meta.get("unit_id"), meta.get("device"))
        return self._here

    def _audit(self, conflict_id: str, action: str, stamp: str, changes: dict, summary: str) -> None:
        """An entry of the audit log (which travels) for what the merge did to a conflict; stamped
        with the change that caused it (``app.sync.conflicts`` names no one after these)."""
        unit, device = self.here()
        self.conn.execute(text(
            "INSERT INTO main.audit_log (id, at, hlc, actor, unit_id, device, action, entity, entity_id, changes, "
            "summary) VALUES (:id, :at, :h, 'merge', :u, :d, :a, 'conflicts', :c, :ch, :s)"),
            {"id": new_id(), "at": _now(), "h": stamp, "u": unit, "d": device, "a": action, "c": conflict_id,
             "ch": json.dumps(changes, ensure_ascii=False, default=str), "s": summary})

    def _conflict(self, row_id: str, group: rows.Group, *, kept: tuple, lost: tuple) -> None:
        from app.sync.merge import conflict_id

        (kept_values, kept_stamp), (lost_values, lost_stamp) = kept, lost
        unit, device = self.here()
        cid = conflict_id(self.table, row_id, group.name, lost_stamp)
        found = self.conn.execute(text("SELECT found_on FROM main.conflicts WHERE id = :id"), {"id": cid}).first()
        if found is not None:        # listed before (here, or elsewhere and brought here): found here too
            on = _found(found[0], device)
            if on != found[0]:
                self.conn.execute(text("UPDATE main.conflicts SET found_on = :f WHERE id = :id"), {"f": on, "id": cid})
                self.result.conflict_rows.add(cid)
            return           # (not counted again: a file's ``conflicts`` are the ones it listed first)
        self.conn.execute(text(
            "INSERT INTO main.conflicts (id, entity, entity_id, field, kept_value, kept_hlc, lost_value, "
            "lost_hlc, resolved, deleted, hlc, created_at, updated_at, updated_by, origin_unit, origin_device, "
            "found_on) VALUES (:id, :e, :eid, :f, :kv, :kh, :lv, :lh, 0, 0, :kh, :now, :now, 'merge', :u, :d, :on)"),
            {"id": cid, "e": self.table, "eid": row_id,
             "f": group.name, "kv": _text(kept_values), "kh": kept_stamp, "lv": _text(lost_values), "lh": lost_stamp,
             "now": _now(), "u": unit, "d": device, "on": _found(None, device)})
        self.result.conflicts += 1
        self.result.conflict_rows.add(cid)


def _now() -> str:
    return datetime.now().replace(microsecond=0).isoformat(sep=" ")


def _found(stored: str | None, *devices: str | None) -> str | None:
    """``found_on`` with ``devices`` added: a sorted JSON list of device ids."""
    try:
        have = set(json.loads(stored)) if stored else set()
    except ValueError:
        have = set()
    have |= {d for d in devices if d}
    return json.dumps(sorted(have)) if have else None


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
