"""Declarative base, naming convention and the columns every travelling row carries."""
from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Boolean, DateTime, Integer, MetaData, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Named constraints, so Alembic batch mode on SQLite can drop and recreate them.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def new_id() -> str:
    return str(uuid.uuid4())


UUID = String(36)


class SyncMixin:
    """Columns for rows that travel between laptops and the district.

    * ``id``: a UUID made where the row was born, so rows from 36 townships never collide.
    * ``origin_unit`` / ``origin_device``: where the row was born.
    * ``hlc``: hybrid-logical-clock stamp of the last change (see ``app.domain.clock``),
      set automatically on every insert and update by the session listener.
    * ``seq``: the local change sequence of the unit of work that last wrote the row here (one
      per unit of work, from ``meta.seq_last``): the export watermark, "rows with seq > N".
    * ``field_hlc``: JSON ``{"*": insert stamp, "<field or group>": stamp of its last change}``
      (``app.db.fields`` declares the fields and groups), so a merge can keep both of two edits
      of different fields of one row.
    * ``updated_at``: wall-clock time of the last change (for people; merges use ``hlc``).
    * ``deleted``: a tombstone.  Rows are never removed, so a deletion can travel.
    """

    id: Mapped[str] = mapped_column(UUID, primary_key=True, default=new_id)
    origin_unit: Mapped[str | None] = mapped_column(UUID, default=None)
    origin_device: Mapped[str | None] = mapped_column(String(64), default=None)
    created_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    updated_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    updated_by: Mapped[str | None] = mapped_column(String(64), default=None)
    hlc: Mapped[str | None] = mapped_column(String(96), default=None, index=True)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    seq: Mapped[int | None] = mapped_column(Integer, default=None, index=True)
    field_hlc: Mapped[str | None] = mapped_column(Text, default=None)


class FactMixin(SyncMixin):
    """Append-only facts (visits, repayments, stage moves, audit entries).

    Facts are never edited: a mistaken one is voided (``deleted`` with a reason) and a
    corrected one recorded, so every laptop's facts can all be kept when merged.
    """

    void_reason: Mapped[str | None] = mapped_column(String(200), default=None)


def include_name(name, type_, _parent) -> bool:
    """What Alembic's autogenerate compares: not the FTS5 search table and its shadow tables,
    which migration 0004 makes by hand."""
    return not (type_ == "table" and name and name.startswith("household_search_fts"))
