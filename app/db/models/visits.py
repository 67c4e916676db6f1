"""Visits to households (入户走访) and what came of them."""
from __future__ import annotations

from datetime import date

from sqlalchemy import BigInteger, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import UUID, Base, FactMixin


class Visit(FactMixin, Base):
    __tablename__ = "visits"
    household_id: Mapped[str] = mapped_column(ForeignKey("households.id"), index=True)
    loan_id: Mapped[str | None] = mapped_column(ForeignKey("loans.id"), default=None, index=True)
    visited_on: Mapped[date] = mapped_column(Date, index=True)
    visitors: Mapped[str | None] = mapped_column(String(200), default=None)  # who went
    method: Mapped[str] = mapped_column(String(16), default="home")  # domain.stages.VisitMethod
    outcome: Mapped[str] = mapped_column(String(16))                 # domain.stages.VisitOutcome
    promised_fen: Mapped[int | None] = mapped_column(BigInteger, default=None)
    promised_date: Mapped[date | None] = mapped_column(Date, default=None)
    next_date: Mapped[date | None] = mapped_column(Date, default=None, index=True)
    note: Mapped[str | None] = mapped_column(Text, default=None)
    # A correction names the visit it replaces, which is voided (app.services.work.corrections).
    corrects_id: Mapped[str | None] = mapped_column(UUID, default=None, index=True)
