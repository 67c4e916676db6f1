"""Replay mode of the unit of work: applying rows that come from elsewhere (a merge, [7]) with
their own stamps.

    with db.uow(actor, replay=Provenance(package_id, unit, device)) as uow:
        uow.session.add(row)     # row.hlc / field_hlc / origin_* as the package gives them
        uow.commit()

The listener keeps the ``hlc``, ``field_hlc`` and origin columns the caller set (on an insert;
on an update, when the caller set ``hlc``), folds every incoming stamp into this database's
clock (``observe``; a stamp more than 7 days ahead of this laptop's clock refuses the whole
unit of work before anything is written), gives each row a fresh local ``seq`` (so it can be
relayed further) and audits it as ``merge`` with its provenance.  Facts stay immutable.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import inspect

from app.db.fields import stamp_fields
from app.db.models import AuditEntry


@dataclass(frozen=True)
class Provenance:
    package_id: str
    unit: str
    device: str

    def sentence(self) -> str:
        return f"合并自数据包 {self.package_id}（单位 {self.unit}，设备 {self.device}）"


def _stamps(obj) -> list[str]:
    out = [obj.hlc] if obj.hlc else []
    if obj.field_hlc:
        out.extend(v for v in json.loads(obj.field_hlc).values() if v)
    return out


def fold_in(uow, new: list, dirty: list, now: datetime) -> set[int]:
    """Which of the flushed rows are replayed (their stamps kept), after every stamp they carry
    has been checked for drift and then observed."""
    rows = [o for o in new if o.hlc] + [o for o, _ in dirty if inspect(o).attrs.hlc.history.has_changes() and o.hlc]
    clock = uow.clock()
    stamps = [st for o in rows for st in _stamps(o)]
    for st in stamps:          # all refused or all taken: nothing moves before every one is checked
        clock.check_drift(st)
    for st in stamps:
        clock.observe(st)
    p = uow.replay
    for o in rows:
        o.origin_unit = o.origin_unit or p.unit
        o.origin_device = o.origin_device or p.device
        o.field_hlc = o.field_hlc or stamp_fields(None, ("*",), o.hlc)
        o.updated_by = o.updated_by or uow.actor
        o.created_at = o.created_at or now
        o.updated_at = o.updated_at or now
        o.seq = uow.take_seq()
        if o.deleted is None:
            o.deleted = False
    return {id(o) for o in rows}


def applied(uow, ident, obj, changes: dict, now: datetime) -> AuditEntry:
    """The audit entry of one replayed row: action ``merge``, with where it came from."""
    p = uow.replay
    record = {**changes, "_merge": {"package_id": p.package_id, "unit": p.unit, "device": p.device,
                                    "hlc": obj.hlc}}
    return AuditEntry(
        at=now, hlc=uow.clock().now(), actor=uow.actor, unit_id=ident.unit_id, device=ident.device,
        action="merge", entity=obj.__tablename__, entity_id=obj.id,
        changes=json.dumps(record, ensure_ascii=False, default=_json_default), summary=p.sentence(),
        seq=uow.take_seq())


def _json_default(value: Any) -> str:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)
