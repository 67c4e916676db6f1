"""Unit of work: one user action, one transaction, all written or nothing.

    with db.uow(actor="张三") as uow:
        ...  # use uow.session
        uow.commit()

Leaving the block without ``commit()`` (or by an exception) rolls everything back.  Every
insert and update of a travelling row is stamped (unit, device, clock, time, user) and
written to the audit log by the ``before_flush`` listener below; bulk Core writes call
``uow.stamp()`` for the same columns and ``uow.audit()`` for one summary entry.
"""
from __future__ import annotations

import json
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from app.db import replay
from app.db.base import FactMixin, SyncMixin, new_id
from app.db.fields import groups_changed, stamp_fields
from app.db.models import AuditEntry
from app.db.replay import Provenance  # noqa: F401  (db.uow(actor, replay=Provenance(...)))
from app.domain.clock import HybridClock
from app.domain.errors import DatabaseError

if TYPE_CHECKING:
    from app.db.session import Database

_SKIP_AUDIT_FIELDS = {"hlc", "updated_at", "updated_by", "created_at", "seq", "field_hlc"}


class UnitOfWork:
    def __init__(self, db: "Database", actor: str = "system", *, replay=None):
        self.db = db
        self.actor = actor
        self.replay = replay          # a Provenance: rows applied from elsewhere keep their stamps
        self.session: Session | None = None
        self.seq: int | None = None   # this unit of work's change sequence, once it writes a travelling row
        self._clock: HybridClock | None = None
        self._committed = False

    def __enter__(self) -> "UnitOfWork":
        self.session = Session(self.db.engine, expire_on_commit=False, autoflush=True)
        self.session.info["uow"] = self
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        assert self.session is not None
        try:
            if not self._committed:
                # The clock is kept: it only moves forward, so no stamp of this work is issued again.
                self.session.rollback()
        finally:
            self.session.close()

    # -- the clock ----------------------------------------------------------------
    def clock(self) -> HybridClock:
        """The database's clock, brought past anything committed (by any program) so far."""
        assert self.session is not None
        if self._clock is None:
            self._clock = self.db.clocks.begin(self.session)
        return self._clock

    def take_seq(self) -> int:
        """This unit of work's one change sequence (taken at its first travelling write)."""
        assert self.session is not None
        if self.seq is None:
            self.seq = self.db.clocks.next_seq(self.session)
        return self.seq

    # -- helpers ----------------------------------------------------------------
    def stamp(self) -> dict:
        """The sync columns for rows written in bulk (Core inserts) in this unit of work."""
        assert self.session is not None
        ident = self.db.identity()
        now = datetime.now().replace(microsecond=0)
        return {
            "origin_unit": ident.unit_id,
            "origin_device": ident.device,
            "created_at": now,
            "updated_at": now,
            "updated_by": self.actor,
            "hlc": (hlc := self.clock().now()),
            "field_hlc": stamp_fields(None, ("*",), hlc),
            "seq": self.take_seq(),
            "deleted": False,
        }

    def audit(self, action: str, entity: str, entity_id: str | None = None,
              summary: str | None = None, changes: dict | None = None) -> None:
        assert self.session is not None
        ident = self.db.identity()
        self.session.add(AuditEntry(
            at=datetime.now().replace(microsecond=0),
            hlc=self.clock().now(),
            actor=self.actor, unit_id=ident.unit_id, device=ident.device,
            action=action, entity=entity, entity_id=entity_id,
            changes=json.dumps(changes, ensure_ascii=False, default=_json_default) if changes else None,
            summary=summary, seq=self.take_seq(),
        ))

    def commit(self) -> None:
        assert self.session is not None
        try:
            # (projections of what this unit of work touched are refreshed here, before the final flush)
            self.session.flush()     # the final flush issues the last stamps ...
            if self._clock is not None:   # ... so the clock is persisted after it
                self.db.clocks.persist(self.session, self.seq)
            self.session.commit()
        except Exception as exc:  # translate the ones a user can act on
            _raise_user_facing(exc)
            raise
        self._committed = True


def _json_default(value: Any) -> str:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)


def _raise_user_facing(exc: Exception) -> None:
    text = str(exc).lower()
    if "database is locked" in text:
        raise DatabaseError("数据库正被另一个程序使用，请关闭其他窗口后重试") from exc
    if "readonly" in text or "read-only" in text:
        raise DatabaseError("数据库文件是只读的，无法保存") from exc
    if "disk is full" in text or "database or disk is full" in text:
        raise DatabaseError("磁盘已满，无法保存；请清理磁盘后重试") from exc


@event.listens_for(Session, "before_flush")
def _stamp_and_audit(session: Session, _ctx, _instances) -> None:
    uow: UnitOfWork | None = session.info.get("uow")
    if uow is None:
        return
    ident = uow.db.identity()
    now = datetime.now().replace(microsecond=0)
    entries: list[AuditEntry] = []
    new = [obj for obj in session.new if isinstance(obj, SyncMixin)]
    dirty = []
    for obj in session.dirty:
        if isinstance(obj, SyncMixin) and session.is_modified(obj) and (changes := _changes(obj)):
            if isinstance(obj, FactMixin):
                _refuse_fact_edit(obj, changes)
            dirty.append((obj, changes))
    for obj in session.deleted:
        if isinstance(obj, SyncMixin):
            raise DatabaseError("内部错误：同步数据行不能物理删除，请标记为已删除")
    replayed: set[int] = set()
    if uow.replay is not None:
        replayed = replay.fold_in(uow, new, dirty, now)
    for obj in new:
        if id(obj) in replayed:
            entries.append(replay.applied(uow, ident, obj, _values(obj), now))
            continue
        obj.origin_unit = obj.origin_unit or ident.unit_id
        obj.origin_device = obj.origin_device or ident.device
        obj.created_at = obj.created_at or now
        obj.updated_at = now
        obj.updated_by = uow.actor
        obj.hlc = uow.clock().now()
        obj.field_hlc = stamp_fields(None, ("*",), obj.hlc)
        obj.seq = uow.take_seq()
        if obj.deleted is None:
            obj.deleted = False
        if obj.id is None:
            obj.id = new_id()
        entries.append(_entry(uow, ident, obj, "insert", _values(obj), now, obj.hlc))
    for obj, changes in dirty:
        if id(obj) in replayed:
            entries.append(replay.applied(uow, ident, obj, changes, now))
            continue
        obj.updated_at = now
        obj.updated_by = uow.actor
        obj.hlc = uow.clock().now()
        obj.seq = uow.take_seq()
        groups = groups_changed(obj.__tablename__, changes)
        if groups:
            obj.field_hlc = stamp_fields(obj.field_hlc, groups, obj.hlc)
        action = "delete" if changes.get("deleted") == [False, True] else "update"
        entries.append(_entry(uow, ident, obj, action, changes, now, obj.hlc))
    session.add_all(entries)


# What may change on a fact row once written: it is voided, never edited (app.services.work.corrections
# records the corrected fact).  The stamp columns are the listener's own.
_FACT_MUTABLE = {"deleted", "void_reason"}


def _refuse_fact_edit(obj, changes: dict) -> None:
    edited = sorted(set(changes) - _FACT_MUTABLE)
    if edited:
        raise DatabaseError(
            f"内部错误：{obj.__tablename__} 表的记录（{obj.id}）一经保存不能修改，只能作废后重新登记；"
            f"被改动的字段：{'、'.join(edited)}")


def _entry(uow, ident, obj, action, changes, now, hlc) -> AuditEntry:
    return AuditEntry(
        at=now, hlc=hlc, actor=uow.actor, unit_id=ident.unit_id, device=ident.device,
        action=action, entity=obj.__tablename__, entity_id=obj.id,
        changes=json.dumps(changes, ensure_ascii=False, default=_json_default), seq=uow.take_seq(),
    )


def _values(obj) -> dict:
    out = {}
    for attr in inspect(obj).mapper.column_attrs:
        if attr.key in _SKIP_AUDIT_FIELDS:
            continue
        value = getattr(obj, attr.key)
        if value is not None:
            out[attr.key] = value
    return out


def _changes(obj) -> dict:
    state = inspect(obj)
    out: dict[str, list] = {}
    for attr in state.mapper.column_attrs:
        if attr.key in _SKIP_AUDIT_FIELDS:
            continue
        hist = state.attrs[attr.key].history
        if hist.has_changes():
            old = hist.deleted[0] if hist.deleted else None
            new = hist.added[0] if hist.added else None
            if old != new:
                out[attr.key] = [old, new]
    return out
