"""Issued district bulletins (十天一通报): what was printed, so the next issue compares with it."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import UUID, Base, new_id


class Bulletin(Base):
    """One issue: its number within the year of ``as_of`` (第N期), and the figures as printed
    (``figures_json``, app.services.reporting.bulletin_figures).  Issued at the district; never travels."""

    __tablename__ = "bulletins"
    id: Mapped[str] = mapped_column(UUID, primary_key=True, default=new_id)
    year: Mapped[int] = mapped_column(Integer)
    issue_no: Mapped[int] = mapped_column(Integer)
    as_of: Mapped[date] = mapped_column(Date, unique=True)
    issued_at: Mapped[datetime] = mapped_column(DateTime)
    issued_by: Mapped[str | None] = mapped_column(String(64), default=None)
    figures_json: Mapped[str] = mapped_column(Text)

    __table_args__ = (UniqueConstraint("year", "issue_no", name="uq_bulletins_year_issue_no"),)
