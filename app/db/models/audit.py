"""The audit log, merged sync packages and the conflict list."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import UUID, Base, SyncMixin, new_id


class AuditEntry(Base):
    """Who changed what, when, from which laptop.  Append-only; travels with packages."""

    __tablename__ = "audit_log"
    id: Mapped[str] = mapped_column(UUID, primary_key=True, default=new_id)
    at: Mapped[datetime] = mapped_column(DateTime, index=True)
    hlc: Mapped[str | None] = mapped_column(String(96), default=None, index=True)  # the clock resumes from its max
    actor: Mapped[str] = mapped_column(String(64))           # user name or "system"
    unit_id: Mapped[str | None] = mapped_column(UUID, default=None)
    device: Mapped[str | None] = mapped_column(String(64), default=None)
    action: Mapped[str] = mapped_column(String(32))          # insert | update | delete | import | ...
    entity: Mapped[str] = mapped_column(String(32), index=True)  # table name
    entity_id: Mapped[str | None] = mapped_column(String(64), default=None, index=True)
    changes: Mapped[str | None] = mapped_column(Text, default=None)  # JSON {field: [old, new]}
    summary: Mapped[str | None] = mapped_column(Text, default=None)  # a sentence for people
    # the local change sequence of the unit of work that wrote it here (as SyncMixin's): a work
    # package carries the entries above what the district confirmed; None (an entry some writer
    # wrote without one) always travels
    seq: Mapped[int | None] = mapped_column(Integer, default=None, index=True)


class SyncPackage(Base):
    """A package written or merged here (see the sync roadmap)."""

    __tablename__ = "sync_packages"
    package_id: Mapped[str] = mapped_column(UUID, primary_key=True)
    direction: Mapped[str] = mapped_column(String(8))        # out | in
    kind: Mapped[str] = mapped_column(String(16))            # task | work
    unit_id: Mapped[str | None] = mapped_column(UUID, default=None)
    device: Mapped[str | None] = mapped_column(String(64), default=None)
    sequence: Mapped[int | None] = mapped_column(Integer, default=None)
    sha256: Mapped[str | None] = mapped_column(String(64), default=None)
    at: Mapped[datetime] = mapped_column(DateTime)
    file_name: Mapped[str | None] = mapped_column(String(260), default=None)


class Conflict(SyncMixin, Base):
    """A field two people changed: the later value won, the other waits for review here.

    Field conflicts travel (``app.sync.conflict_merge``): what was lost (``lost_value`` at
    ``lost_hlc``, in the id) is a fact; the kept side follows the field's later winner while the
    conflict is open; its state — open, withdrawn (``deleted``: a later change was made on top of
    the lost value) or resolved (how, by whom, when) — has its own clock ``state_hlc``. Rule
    breaches (``field = "rule:…"``) stay where they were found (each database rechecks)."""

    __tablename__ = "conflicts"
    entity: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[str] = mapped_column(UUID, index=True)
    field: Mapped[str] = mapped_column(String(64))
    kept_value: Mapped[str | None] = mapped_column(Text, default=None)
    kept_hlc: Mapped[str | None] = mapped_column(String(96), default=None)
    lost_value: Mapped[str | None] = mapped_column(Text, default=None)
    lost_hlc: Mapped[str | None] = mapped_column(String(96), default=None)
    resolved: Mapped[bool] = mapped_column(Boolean, default=False)
    # the computers whose merge listed it (JSON list of device ids, sorted; a union as it travels)
    found_on: Mapped[str | None] = mapped_column(Text, default=None)
    # the stamp of its last state change (withdrawn or resolved; None while open as found)
    state_hlc: Mapped[str | None] = mapped_column(String(96), default=None)
    resolution: Mapped[str | None] = mapped_column(String(16), default=None)   # kept | lost | withdrawn
    resolved_by: Mapped[str | None] = mapped_column(String(64), default=None)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
