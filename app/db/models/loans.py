"""Loans, their stage history, repayments and the bank ledgers they came from."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import UUID, Base, FactMixin, SyncMixin


class Loan(SyncMixin, Base):
    """One loan, keyed by the bank's IOU number (借据号).  Money is integer fen."""

    __tablename__ = "loans"
    loan_no: Mapped[str] = mapped_column(String(64), unique=True)
    household_id: Mapped[str] = mapped_column(ForeignKey("households.id"), index=True)
    borrower_id: Mapped[str | None] = mapped_column(ForeignKey("persons.id"), default=None)
    township_id: Mapped[str] = mapped_column(ForeignKey("units.id"), index=True)
    issue_date: Mapped[date | None] = mapped_column(Date, default=None)
    due_date: Mapped[date | None] = mapped_column(Date, default=None)
    principal_fen: Mapped[int | None] = mapped_column(BigInteger, default=None)   # 贷款金额
    # The balance when the loan entered the campaign's task list; never changes afterwards.
    task_amount_fen: Mapped[int] = mapped_column(BigInteger)
    task_date: Mapped[date] = mapped_column(Date)                 # when it entered the task list
    balance_fen: Mapped[int] = mapped_column(BigInteger)          # today's principal balance
    interest_fen: Mapped[int] = mapped_column(BigInteger, default=0)  # 欠息 per the latest ledger
    ledger_date: Mapped[date | None] = mapped_column(Date, default=None)  # as-of date of that ledger
    # Annual contract rate in millionths (8.64% = 86400); None when unknown.
    rate_ppm: Mapped[int | None] = mapped_column(Integer, default=None)
    five_class: Mapped[str | None] = mapped_column(String(8), default=None)   # 五级分类
    guarantee: Mapped[str | None] = mapped_column(String(32), default=None)   # 担保方式
    bank_branch: Mapped[str | None] = mapped_column(String(64), default=None)
    loan_officer: Mapped[str | None] = mapped_column(String(32), default=None)
    stage: Mapped[str] = mapped_column(String(16), default="collection")  # domain.stages.Stage
    stage_date: Mapped[date | None] = mapped_column(Date, default=None)
    interest_suspended: Mapped[bool] = mapped_column(Boolean, default=False)  # 停息挂账
    # Missing from the latest bank ledger: listed for review, never deleted.
    missing_from_ledger: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str | None] = mapped_column(Text, default=None)

    __table_args__ = (Index("ix_loans_township_stage", "township_id", "stage"),)


class StageEvent(FactMixin, Base):
    """A move of a loan from one collection stage to another, with its date."""

    __tablename__ = "stage_events"
    loan_id: Mapped[str] = mapped_column(ForeignKey("loans.id"), index=True)
    from_stage: Mapped[str | None] = mapped_column(String(16), default=None)
    to_stage: Mapped[str] = mapped_column(String(16))
    on_date: Mapped[date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text, default=None)


class Repayment(FactMixin, Base):
    """Money that came back on a loan.

    ``source`` is ``township`` (recorded here) or ``bank`` (a lower balance in a later bank
    ledger that no township record explains): the bank's rows are a projection, derived from the
    ledgers' readings by ``app.db.bank_recovery`` on every computer, never sent in a package.  ``principal_fen`` is what reduced the balance
    and counts as recovered; interest and penalty paid are kept apart.
    """

    __tablename__ = "repayments"
    loan_id: Mapped[str] = mapped_column(ForeignKey("loans.id"), index=True)
    paid_on: Mapped[date] = mapped_column(Date, index=True)
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    principal_fen: Mapped[int] = mapped_column(BigInteger)
    interest_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    penalty_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    source: Mapped[str] = mapped_column(String(16), default="township")
    agreement_id: Mapped[str | None] = mapped_column(ForeignKey("agreements.id"), default=None, index=True)
    ledger_import_id: Mapped[str | None] = mapped_column(ForeignKey("ledger_imports.id"), default=None)
    receipt_no: Mapped[str | None] = mapped_column(String(32), default=None)
    note: Mapped[str | None] = mapped_column(Text, default=None)
    # A correction (冲正) names the repayment it replaces, which is voided (app.services.work.corrections).
    corrects_id: Mapped[str | None] = mapped_column(UUID, default=None, index=True)

    __table_args__ = (Index("ix_repayments_loan_date", "loan_id", "paid_on"),)


class LedgerImport(SyncMixin, Base):
    """One bank ledger file read into this database."""

    __tablename__ = "ledger_imports"
    file_name: Mapped[str] = mapped_column(String(260))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    as_of: Mapped[date | None] = mapped_column(Date, default=None)  # 数据截至
    imported_at: Mapped[datetime] = mapped_column(DateTime)
    summary_json: Mapped[str | None] = mapped_column(Text, default=None)


class LedgerBalance(Base):
    """What one ledger said of one loan: the history behind reconciliation."""

    __tablename__ = "ledger_balances"
    import_id: Mapped[str] = mapped_column(ForeignKey("ledger_imports.id"), primary_key=True)
    loan_id: Mapped[str] = mapped_column(ForeignKey("loans.id"), primary_key=True)
    # the reading's date: its sheet's (a workbook may hold an older sheet), else the file's
    as_of: Mapped[date | None] = mapped_column(Date, default=None)
    balance_fen: Mapped[int] = mapped_column(BigInteger)
    interest_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    sheet: Mapped[str | None] = mapped_column(String(64), default=None)
    row: Mapped[int | None] = mapped_column(Integer, default=None)
