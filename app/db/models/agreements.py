"""Repayment agreements (还款协议), the loans they cover and their installments.

A signed agreement is never edited in place: a change makes a new version
(``previous_id`` points at the old one, which is marked ``superseded``).
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import BigInteger, Boolean, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, SyncMixin

# Statuses of an agreement in force: measured against repayments; a loan is in one at most.
IN_FORCE = ("signed", "broken", "fulfilled")


class Agreement(SyncMixin, Base):
    __tablename__ = "agreements"
    household_id: Mapped[str] = mapped_column(ForeignKey("households.id"), index=True)
    number: Mapped[str] = mapped_column(String(32), index=True)  # human reference, e.g. 柳林-2026-0012
    version: Mapped[int] = mapped_column(Integer, default=1)
    previous_id: Mapped[str | None] = mapped_column(ForeignKey("agreements.id"), default=None)
    # draft | printed | signed | fulfilled | broken | cancelled | superseded
    status: Mapped[str] = mapped_column(String(16), default="draft")
    as_of: Mapped[date] = mapped_column(Date)  # the date "what is owed" was computed for
    signed_on: Mapped[date | None] = mapped_column(Date, default=None)
    principal_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    interest_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    penalty_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    waived_interest_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    waived_penalty_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    total_fen: Mapped[int] = mapped_column(BigInteger, default=0)  # owed - waived
    # Order a repayment pays the parts, e.g. "penalty,interest,principal".
    allocation_order: Mapped[str] = mapped_column(String(64), default="principal,interest,penalty")
    frequency: Mapped[str] = mapped_column(String(16), default="monthly")  # lump | monthly | quarterly | custom
    interest_rate_ppm: Mapped[int | None] = mapped_column(Integer, default=None)
    penalty_rate_ppm: Mapped[int | None] = mapped_column(Integer, default=None)
    approval_ref: Mapped[str | None] = mapped_column(String(64), default=None)
    conditions: Mapped[str | None] = mapped_column(Text, default=None)
    grace_days: Mapped[int] = mapped_column(Integer, default=30)
    void_after_missed: Mapped[int] = mapped_column(Integer, default=2)
    note: Mapped[str | None] = mapped_column(Text, default=None)
    # The terms as printed (rendered from the district's template when the agreement was
    # made), so a signed agreement prints the same words after the template changes.
    terms_text: Mapped[str | None] = mapped_column(Text, default=None)


class AgreementLoan(SyncMixin, Base):
    """One loan covered by an agreement, with what it owed on the agreement date."""

    __tablename__ = "agreement_loans"
    agreement_id: Mapped[str] = mapped_column(ForeignKey("agreements.id"), index=True)
    loan_id: Mapped[str] = mapped_column(ForeignKey("loans.id"), index=True)
    principal_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    interest_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    penalty_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    # How interest_fen and penalty_fen were reached (None on rows made before 0002a):
    # interest_fen = ledger_interest_fen + accrued_interest_fen - interest paid since accrued_from;
    # penalty_fen = accrued_penalty_fen - penalty paid since accrued_from.
    accrued_from: Mapped[date | None] = mapped_column(Date, default=None)  # the ledger's date
    ledger_interest_fen: Mapped[int | None] = mapped_column(BigInteger, default=None)
    accrued_interest_fen: Mapped[int | None] = mapped_column(BigInteger, default=None)
    accrued_penalty_fen: Mapped[int | None] = mapped_column(BigInteger, default=None)
    rate_ppm: Mapped[int | None] = mapped_column(Integer, default=None)          # used for interest
    penalty_rate_ppm: Mapped[int | None] = mapped_column(Integer, default=None)  # used for penalty
    interest_suspended: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    # "contract" | "default" (no contract rate known: the district's default) | "set" (None before 0005)
    rate_source: Mapped[str | None] = mapped_column(String(8), default=None)


class Installment(SyncMixin, Base):
    __tablename__ = "installments"
    agreement_id: Mapped[str] = mapped_column(ForeignKey("agreements.id"), index=True)
    no: Mapped[int] = mapped_column(Integer)
    due_date: Mapped[date] = mapped_column(Date, index=True)
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    paid_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    note: Mapped[str | None] = mapped_column(Text, default=None)
