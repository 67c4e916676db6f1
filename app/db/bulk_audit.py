"""Bulk updates that are stamped and audited field by field, as the unit of work's listener
does for the ORM: the old values are read first (one ``SELECT … WHERE id IN`` per chunk), rows
whose values do not change are left alone, the changed fields' groups get the write's stamp in
``field_hlc``, and one audit entry per changed row (``{field: [old, new]}``) is written with one
``executemany``."""
from __future__ import annotations

import json
import uuid
from typing import Any, Iterable, Mapping

from sqlalchemy import Boolean

from app.db.bulk import _converter, insert_rows, update_rows
from app.db.fields import groups_changed, stamp_fields
from app.db.models import AuditEntry

_IN_CHUNK = 900   # below SQLite's 999 bound parameters of older builds


def _audit_value(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def update_audited(uow, model, rows: Iterable[Mapping[str, Any]], *, const: Mapping[str, Any]) -> int:
    """UPDATE ``model``'s rows (dicts with the same keys, ``id`` among them) where a value
    changes; ``const``: the sync stamp (``hlc``, ``seq``, ``updated_at``, ``updated_by``).
    Returns the number of rows changed."""
    rows = list(rows)
    if not rows:
        return 0
    s = uow.session
    table = model.__table__
    conn = s.connection()
    dialect = conn.dialect
    keys = [k for k in rows[0] if k != "id"]
    convs = {k: c for k in keys if (c := _converter(table.c[k], dialect))}
    bools = {k for k in keys if isinstance(table.c[k].type, Boolean)}
    cols = ", ".join(f'"{k}"' for k in keys)
    old: dict[str, tuple] = {}
    ids = [r["id"] for r in rows]
    for start in range(0, len(ids), _IN_CHUNK):
        part = ids[start:start + _IN_CHUNK]
        sql = f'SELECT id, field_hlc, {cols} FROM "{table.name}" WHERE id IN ({", ".join("?" * len(part))})'
        for r in conn.exec_driver_sql(sql, tuple(part)):
            old[r[0]] = r[1:]
    hlc = const["hlc"]
    changed_rows, entries = [], []
    clocks: dict[tuple, str] = {}    # (field_hlc before, groups) → after: most rows share both
    h = uuid.uuid4().hex
    prefix = f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-"   # entry ids: one random prefix, counted up
    for r in rows:
        before = old.get(r["id"])
        if before is None:
            continue
        changes = {}
        for i, k in enumerate(keys, start=1):
            new = r[k]
            stored = convs[k](new) if k in convs and new is not None else new
            was = before[i]
            if k in bools:
                was = None if was is None else bool(was)
                stored = None if stored is None else bool(stored)
            if was != stored:
                changes[k] = [was, _audit_value(new)]
        if not changes:
            continue
        key = (before[0], frozenset(groups_changed(table.name, changes)))
        after = clocks.get(key)
        if after is None:
            after = clocks[key] = stamp_fields(before[0], key[1], hlc) if key[1] else before[0]
        changed_rows.append({**r, "field_hlc": after})
        action = "delete" if changes.get("deleted") == [False, True] else "update"
        entries.append({"id": f"{prefix}{len(entries) + 1:012x}", "entity_id": r["id"], "action": action,
                        "changes": json.dumps(changes, ensure_ascii=False)})
    update_rows(s, model, changed_rows, const=const)
    ident = uow.db.identity()
    insert_rows(s, AuditEntry, entries, const={
        "at": const["updated_at"], "hlc": hlc, "actor": uow.actor, "unit_id": ident.unit_id,
        "device": ident.device, "entity": table.name, "seq": const.get("seq") or uow.take_seq()})
    return len(changed_rows)
