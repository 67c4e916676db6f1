"""What a bank ledger's import left for a person to check (台账核实): one row per thing said.

The import writes a row for each warning it gave on a row of the ledger (whatever its code:
a name or village that differs from this computer's, an ID number that is wrong or cut off,
a date that cannot be …), for each loan of the ledger's townships it no longer lists, and
for each loan whose lower balance it counted as money the bank reports recovered.  A person
marks a row as checked (核实) on the household page or on the command line; the mark, who
made it and when, is a change of its own (stamped, audited, travelling like any other).
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, SyncMixin


class ImportFollowup(SyncMixin, Base):
    __tablename__ = "import_followups"
    import_id: Mapped[str] = mapped_column(ForeignKey("ledger_imports.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))        # a warning code, or missing_from_ledger / bank_*
    loan_no: Mapped[str | None] = mapped_column(String(64), default=None, index=True)
    loan_id: Mapped[str | None] = mapped_column(ForeignKey("loans.id"), default=None)
    household_id: Mapped[str | None] = mapped_column(ForeignKey("households.id"), default=None, index=True)
    as_of: Mapped[date | None] = mapped_column(Date, default=None)   # the date the ledger's figures are of
    sheet: Mapped[str | None] = mapped_column(String(64), default=None)
    row: Mapped[int | None] = mapped_column(Integer, default=None)   # as Excel numbers it
    message: Mapped[str] = mapped_column(Text)                       # what the ledger said, in words
    imported: Mapped[bool] = mapped_column(Boolean, default=True)    # False: the row was left out
    checked_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    checked_by: Mapped[str | None] = mapped_column(String(64), default=None)
    check_note: Mapped[str | None] = mapped_column(Text, default=None)
