"""Households, the people in them, their special categories and named responsibility."""
from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, SyncMixin


class Household(SyncMixin, Base):
    """A borrowing household (借款户): the unit of 一户一策 and of visits."""

    __tablename__ = "households"
    township_id: Mapped[str] = mapped_column(ForeignKey("units.id"), index=True)
    village_id: Mapped[str | None] = mapped_column(ForeignKey("villages.id"), default=None, index=True)
    group_name: Mapped[str | None] = mapped_column(String(32), default=None)  # 村民小组
    head_name: Mapped[str] = mapped_column(String(64))        # the main borrower's name, for lists
    head_id_number: Mapped[str | None] = mapped_column(String(32), default=None, index=True)
    phone: Mapped[str | None] = mapped_column(String(64), default=None)
    address: Mapped[str | None] = mapped_column(String(200), default=None)
    pinyin_initials: Mapped[str | None] = mapped_column(String(64), default=None, index=True)
    capacity: Mapped[str] = mapped_column(String(16), default="unknown")  # domain.stages.Capacity
    capacity_reason: Mapped[str | None] = mapped_column(Text, default=None)
    # Grouped by name and village because the ID number was unusable: a person should confirm.
    needs_review: Mapped[bool] = mapped_column(Boolean, default=False)
    review_note: Mapped[str | None] = mapped_column(String(200), default=None)
    note: Mapped[str | None] = mapped_column(Text, default=None)


class Person(SyncMixin, Base):
    """Someone in or tied to a household: borrower, co-borrower, guarantor, heir …"""

    __tablename__ = "persons"
    household_id: Mapped[str] = mapped_column(ForeignKey("households.id"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(16), default="borrower")  # domain.stages.PersonRole
    id_number: Mapped[str | None] = mapped_column(String(32), default=None, index=True)
    id_problem: Mapped[str | None] = mapped_column(String(16), default=None)  # checksum | mangled | ...
    phone: Mapped[str | None] = mapped_column(String(64), default=None)
    is_deceased: Mapped[bool] = mapped_column(Boolean, default=False)
    is_imprisoned: Mapped[bool] = mapped_column(Boolean, default=False)
    is_unreachable: Mapped[bool] = mapped_column(Boolean, default=False)
    release_date: Mapped[date | None] = mapped_column(Date, default=None)  # when imprisoned
    note: Mapped[str | None] = mapped_column(Text, default=None)


class CategoryTag(SyncMixin, Base):
    """A special category on a household (all its loans) or on one loan."""

    __tablename__ = "category_tags"
    household_id: Mapped[str] = mapped_column(ForeignKey("households.id"), index=True)
    loan_id: Mapped[str | None] = mapped_column(ForeignKey("loans.id"), default=None, index=True)
    code: Mapped[str] = mapped_column(String(32))  # domain.categories code
    note: Mapped[str | None] = mapped_column(String(200), default=None)
    since: Mapped[date | None] = mapped_column(Date, default=None)

    __table_args__ = (Index("ix_category_tags_code_household", "code", "household_id"),)


class Assignment(SyncMixin, Base):
    """Named responsibility: who answers for a loan (or a whole household) in which role."""

    __tablename__ = "assignments"
    household_id: Mapped[str] = mapped_column(ForeignKey("households.id"), index=True)
    loan_id: Mapped[str | None] = mapped_column(ForeignKey("loans.id"), default=None, index=True)
    staff_id: Mapped[str] = mapped_column(ForeignKey("staff.id"), index=True)
    duty: Mapped[str] = mapped_column(String(16))  # domain.stages.DutyRole
    since: Mapped[date | None] = mapped_column(Date, default=None)
