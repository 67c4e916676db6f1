"""What this database has seen of each device's packages (sequence gaps are reported)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import UUID, Base


class DeviceSequence(Base):
    __tablename__ = "device_sequences"
    unit_id: Mapped[str] = mapped_column(UUID, primary_key=True)
    device: Mapped[str] = mapped_column(String(64), primary_key=True)
    last_sequence: Mapped[int] = mapped_column(Integer, default=0)
    missing: Mapped[str | None] = mapped_column(String(400), default=None)  # e.g. "3,4"
    last_package_id: Mapped[str | None] = mapped_column(UUID, default=None)
    seen_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    # The laptop's own change sequence up to which this database has received everything: a
    # later task package confirms it, and the laptop's next work package starts above it.
    confirmed_change: Mapped[int | None] = mapped_column(Integer, default=None)
    # the change sequence the last package reached: the gaps below it are filled only when the
    # district has everything up to it (confirmed_change >= last_upto)
    last_upto: Mapped[int | None] = mapped_column(Integer, default=None)


class SyncPeer(Base):
    """A party whose packages this database trusts, and how to write to it (local, never travels).

    On a township laptop: its district (``kind="district"``), learnt from the task package it was
    set up from. At the district: every enrolled township laptop (``kind="device"``).
    """

    __tablename__ = "sync_peers"
    unit_id: Mapped[str] = mapped_column(UUID, primary_key=True)
    device: Mapped[str] = mapped_column(String(64), primary_key=True)   # "district" for the district
    kind: Mapped[str] = mapped_column(String(16))                       # district | device
    name: Mapped[str | None] = mapped_column(String(64), default=None)  # "柳林镇 二号机"
    verify_key: Mapped[str] = mapped_column(String(64))                 # Ed25519, base64
    recipient: Mapped[str] = mapped_column(String(128))                 # age public key
    enrolled_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)


class SyncEnrolment(Base):
    """(District) the secret a township's task packages carry, with which its laptops prove they
    were set up from one (``app.sync.crypto.enrol_proof``).  Local, never travels."""

    __tablename__ = "sync_enrolments"
    unit_id: Mapped[str] = mapped_column(UUID, primary_key=True)
    secret: Mapped[str] = mapped_column(String(64))                      # base64
    made_at: Mapped[datetime] = mapped_column(DateTime)
    task_sequence: Mapped[int] = mapped_column(Integer, default=0)      # task packages written so far
