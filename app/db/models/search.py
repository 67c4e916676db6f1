"""The household list's index: one derived row per live household, for search and the list.

Nothing here travels between laptops and nothing here is a fact: every row is rebuilt from
households, persons, loans, repayments, visits, category tags and assignments by
``app.db.search_index.refresh_search``, which every writer of those tables calls for the
households it touched (in the same unit of work).  Deleting this table's rows loses nothing.

* ``household_index``: what the list shows, filters and sorts by, without aggregating
  100,000 households' loans, repayments and visits on every keystroke; and ``text``, the
  search text (names, pinyin initials, ID numbers, phones, IOU numbers).
* ``household_staff``: the responsible people of each household with the figures of the loans
  they answer for (progress by responsible person, the "responsible person" filter).
* ``household_search_keys``: every suffix of every name and every set of initials, so a 1- or
  2-character query is an index range scan (the trigram index cannot answer those); and the
  head of household's own short queries with the sort name, so the heads such a query finds
  come out of one range in name order (see ``app.db.search_text``).
* ``household_search_fts`` (made by migration 0004, not a model): an FTS5 trigram index on
  ``household_index.text`` (external content, rowid = ``seq``) for 3+ character queries.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import BigInteger, Date, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base


class HouseholdIndex(Base):
    __tablename__ = "household_index"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)  # stable rowid, also the FTS rowid
    household_id: Mapped[str] = mapped_column(String(36), unique=True)
    township_id: Mapped[str] = mapped_column(String(36), index=True)
    village_id: Mapped[str | None] = mapped_column(String(36), default=None, index=True)
    group_name: Mapped[str | None] = mapped_column(String(32), default=None)
    head_name: Mapped[str] = mapped_column(String(64))
    sort_name: Mapped[str] = mapped_column(String(200), index=True)  # full pinyin, then the name
    capacity: Mapped[str] = mapped_column(String(16), index=True)
    categories: Mapped[str] = mapped_column(Text, default="")      # ",deceased,imprisoned,"
    stages: Mapped[str] = mapped_column(String(120), default="")   # ",collection,suit,"
    stage: Mapped[str | None] = mapped_column(String(16), default=None)  # the least advanced one
    stage_rank: Mapped[int] = mapped_column(Integer, default=0)
    loans: Mapped[int] = mapped_column(Integer, default=0)
    loans_settled: Mapped[int] = mapped_column(Integer, default=0)  # recovered ≥ task (summary's rule)
    task_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    recovered_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    outstanding_fen: Mapped[int] = mapped_column(BigInteger, default=0, index=True)
    last_visit_on: Mapped[date | None] = mapped_column(Date, default=None, index=True)
    last_outcome: Mapped[str | None] = mapped_column(String(16), default=None)
    next_date: Mapped[date | None] = mapped_column(Date, default=None, index=True)
    promise_visit_on: Mapped[date | None] = mapped_column(Date, default=None)
    promise_date: Mapped[date | None] = mapped_column(Date, default=None, index=True)
    promise_fen: Mapped[int | None] = mapped_column(BigInteger, default=None)
    paid_after_promise_on: Mapped[date | None] = mapped_column(Date, default=None)
    last_paid_on: Mapped[date | None] = mapped_column(Date, default=None)
    text: Mapped[str] = mapped_column(Text, default="")


class HouseholdStaff(Base):
    """Who answers for which household, with the figures of the loans they answer for there
    (all its loans for a household-level duty, the named ones for a loan-level duty)."""

    __tablename__ = "household_staff"
    staff_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, index=True)
    duties: Mapped[str] = mapped_column(String(80), default="")   # ",leader,loan_officer,"
    loans: Mapped[int] = mapped_column(Integer, default=0)
    loans_settled: Mapped[int] = mapped_column(Integer, default=0)
    task_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    recovered_fen: Mapped[int] = mapped_column(BigInteger, default=0)

    __table_args__ = {"sqlite_with_rowid": False}


class HouseholdSearchKey(Base):
    __tablename__ = "household_search_keys"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    # keyed (key, seq) for the prefix search; refreshing a household deletes its keys by seq
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, index=True)

    __table_args__ = {"sqlite_with_rowid": False}
