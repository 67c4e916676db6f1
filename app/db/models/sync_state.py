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
