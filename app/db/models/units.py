"""Units (district, townships), villages, staff, local users and the database's own metadata."""
from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, SyncMixin


class Meta(Base):
    """Key/value facts about this database: its role, own unit, device, clock."""

    __tablename__ = "meta"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Unit(SyncMixin, Base):
    """The district office or a township (乡镇 / 街道)."""

    __tablename__ = "units"
    name: Mapped[str] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # "district" | "township"
    parent_id: Mapped[str | None] = mapped_column(ForeignKey("units.id"), default=None)
    code: Mapped[str | None] = mapped_column(String(32), default=None)


class Village(SyncMixin, Base):
    """A village or community (村 / 社区) of a township."""

    __tablename__ = "villages"
    township_id: Mapped[str] = mapped_column(ForeignKey("units.id"), index=True)
    name: Mapped[str] = mapped_column(String(64))

    # One village of a name per township (its id is made from the two, app.db.ids); a deleted
    # one comes back rather than being made again.  Migration 0009.
    __table_args__ = (Index("uq_villages_township_name", "township_id", "name", unique=True),)


class Staff(SyncMixin, Base):
    """A named person who carries responsibility: leaders, resident cadres, village cadres,
    loan officers.  Not necessarily a user of the program."""

    __tablename__ = "staff"
    unit_id: Mapped[str | None] = mapped_column(ForeignKey("units.id"), default=None, index=True)
    name: Mapped[str] = mapped_column(String(32), index=True)
    title: Mapped[str | None] = mapped_column(String(32), default=None)
    phone: Mapped[str | None] = mapped_column(String(32), default=None)
    organisation: Mapped[str | None] = mapped_column(String(64), default=None)


class User(SyncMixin, Base):
    """A local user of this laptop, with a role (see the trust roadmap).  Never travels
    (``LOCAL_TABLES``): today the operator whose name goes on receipts and into the audit log
    (``app.services.foundation.operators``); later sign-in with a password hash."""

    __tablename__ = "users"
    unit_id: Mapped[str | None] = mapped_column(ForeignKey("units.id"), default=None)
    username: Mapped[str] = mapped_column(String(32), unique=True)
    display_name: Mapped[str] = mapped_column(String(32))
    role: Mapped[str] = mapped_column(String(16), default="staff")  # admin | staff | viewer
    password_hash: Mapped[str | None] = mapped_column(String(200), default=None)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
