"""Writing a parsed ledger into the database, inside the caller's unit of work.

``LedgerWriter`` reads what the database already holds (``state``), plans the rows of new loans
with their households, borrowers, villages, loan officers and categories (``new_loans``) and the
changes to loans already known (``updates``), and writes them: new rows with bulk statements
every ``FLUSH_ROWS`` ledger rows (see ``app.db.bulk``), changes stamped and audited field by
field; the caller adds one summary audit entry.
"""
from __future__ import annotations

import json
import uuid
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import date, datetime
from operator import itemgetter
from typing import TYPE_CHECKING

from sqlalchemy import text

from app.db import bank_recovery, ids
from app.db.bulk import indexes_suspended, insert_rows, page_cache
from app.db.bulk_audit import update_audited
from app.db.models import (
    Assignment,
    CategoryTag,
    Household,
    LedgerBalance,
    LedgerImport,
    Loan,
    Person,
    Staff,
    StageEvent,
    Village,
)
from app.domain.progress import Steps
from app.domain.stages import DutyRole, PersonRole, Stage
from app.ledger.parse import ParsedLedger
from app.ledger.rows import RowWarning
from app.services.ledger_import.new_loans import NewLoans
from app.services.ledger_import.state import HeldState
from app.services.ledger_import.updates import KnownLoans

# From this many new loans, and more than the database already holds, indexes are built
# after the load rather than row by row (measured: ~1.5 s less for 100,000 loans).
BULK_REINDEX_MIN = 20_000
_BULK_TABLES = ("households", "persons", "loans", "assignments")
# Planned rows are written every this many ledger rows, so memory stays flat.
FLUSH_ROWS = 10_000
# SQLite's page cache during the write (the default 2 MB spills pages to the WAL and reads
# them back; measured: ~0.4 s less for 100,000 loans).
PAGE_CACHE_MB = 64
_SORTED = {Household: itemgetter("id"), Person: itemgetter("id"), Loan: itemgetter("id"),
           Assignment: itemgetter("id"), LedgerBalance: itemgetter("loan_id")}

if TYPE_CHECKING:   # ledger_updates imports this module: the name only, for the annotation
    from app.services.ledger_import.updates import MissingLoan


@dataclass
class WriteCounts:
    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    households_new: int = 0
    household_ids: set[str] = field(default_factory=set)
    new_household_ids: set[str] = field(default_factory=set)   # made by this import
    bank_recovered_fen: int = 0
    settled: int = 0
    older: int = 0                       # loans a newer ledger had already given figures for
    newest_before: date | None = None    # the date of that newer ledger
    older_dates: set[date] = field(default_factory=set)   # the dates of this file's older data
    interest_carried: int = 0            # known loans whose 欠息 the ledger did not give
    missing: list[MissingLoan] = field(default_factory=list)
    warnings: list[RowWarning] = field(default_factory=list)
    townships: list[str] = field(default_factory=list)


def _new_ids():
    """Ids of the rows that are this import's own events (the import itself, the bank's
    repayments, stage moves; rows with a natural key take theirs from ``app.db.ids``): UUIDs that share a random prefix and count up, so that the
    primary-key B-trees are appended to instead of split all over (inserts ~15% faster).
    They are as unique as uuid4 across laptops: 80 random bits per import."""
    h = uuid.uuid4().hex   # the prefix keeps uuid4's version and variant digits
    prefix = f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-"
    n = 0
    while True:
        n += 1
        yield f"{prefix}{n:012x}"


class LedgerWriter(HeldState, NewLoans, KnownLoans):
    """One import's writing: ``run()`` once, then ``summary_json`` with the result."""

    def __init__(self, uow, parsed: ParsedLedger, *, as_of: date, today: date, steps: Steps,
                 share: tuple[float, float] = (50, 100)):
        self.uow = uow
        self.s = uow.session
        self.parsed = parsed
        self.as_of = as_of
        self.fact_date = min(as_of, today)   # a fact cannot be dated after the day it is recorded
        self.today = today
        # Each sheet is as of its own date (a workbook may hold one township's older sheet);
        # a sheet that gives none is as of the file's.
        self.sheet_dates: dict[str, date] = {s.name: s.layout.as_of or as_of for s in parsed.tables}
        # All sheets of one date (nearly always): new loans take it from the statement, not per row.
        self.one_date = set(self.sheet_dates.values()) <= {as_of}
        self.township_dates: dict[str, date] = {}   # township → the latest date its rows are as of
        for r in parsed.rows:
            d = self.sheet_dates.get(r.sheet, as_of)
            if d > self.township_dates.get(r.township, date.min):
                self.township_dates[r.township] = d
        self.steps = steps
        self.share = share
        self.stamp = uow.stamp()
        self.ids = _new_ids()
        self.names = ids.of(self.s)   # ids of rows with a natural key (the same on every laptop)
        self.import_id = self.names.unused(self.names.ledger_import(parsed.sha256),
                                           ids.in_session(self.s, LedgerImport))
        self.counts = WriteCounts()
        self.derive_ids: set[str] = set()   # known loans this ledger read: their bank recovery is derived again
        # Values every new row of a table shares: bound once, not per row.
        self.shared: dict[type, dict] = {
            Loan: {"task_date": self.fact_date, "ledger_date": as_of, "stage": Stage.COLLECTION.value},
            Person: {"role": PersonRole.BORROWER.value},
            Assignment: {"duty": DutyRole.LOAN_OFFICER.value, "since": self.fact_date},
            CategoryTag: {"since": self.fact_date},
            LedgerBalance: {"import_id": self.import_id},
        }
        # rows to write
        self.new: dict[type, list[dict]] = {m: [] for m in (Village, Staff, Household, Person, Loan,
                                                            LedgerBalance, Assignment, CategoryTag,
                                                            StageEvent)}
        self.loan_updates: list[dict] = []
        self.household_reviews: dict[str, dict] = {}
        self._pending_households: dict[str, dict] = {}   # id → row not yet written
        self.retired_assignments: list[dict] = []
        self.matched_numbers: set[str] = set()   # known loans a row matched under another spelling
        self._stripped: dict[str, str] | None = None   # loan number without leading zeros → known number
        self.tagged: set[tuple[str, str]] = set()   # (household, category) the ledger's remarks tagged
        self.interest_paid: dict[date, dict[str, int]] = {}   # interest repaid since each loan's ledger date
        self.township_names: dict[str, str | None] = {}   # township id → name, of loans listed elsewhere

    # ------------------------------------------------------------------ the whole job
    def run(self) -> WriteCounts:
        lo, hi = self.share
        self._townships()
        self.steps.report(lo, "正在读取数据库中已有的贷款")
        self._load_state()
        insert_rows(self.s, LedgerImport, [{"id": self.import_id, "file_name": self.parsed.file_name[:260],
                                            "sha256": self.parsed.sha256, "as_of": self.as_of,
                                            "imported_at": datetime.now().replace(microsecond=0)}],
                    const=self.stamp)
        rows = self.parsed.rows
        new_loans = sum(1 for r in rows if r.loan_no not in self.loans)
        bulk = new_loans >= BULK_REINDEX_MIN and new_loans >= len(self.loans)
        with page_cache(self.s, PAGE_CACHE_MB), \
                indexes_suspended(self.s, _BULK_TABLES) if bulk else nullcontext():
            total = max(1, len(rows))
            for k, row in enumerate(rows):
                known = self.loans.get(row.loan_no)
                if known is None and self.loans:
                    known = self._same_loan_without_zeros(row)
                if known is None:
                    self._new_loan(row)
                else:
                    self._known_loan(row, known)
                if k % FLUSH_ROWS == FLUSH_ROWS - 1:
                    self.steps.report(lo + (hi - lo) * 0.9 * k / total, "正在写入数据库")
                    self._flush()
            self._missing()
            self._flush()
            self._write_updates()
            # The bank's reported recovery of the loans read before, from all their readings.
            change = bank_recovery.derive(self.s.connection(), self.derive_ids, self.today)
            self.s.expire_all()
            self.counts.bank_recovered_fen = max(0, change.added_fen)
            self.steps.report(lo + (hi - lo) * 0.9, "正在整理索引" if bulk else "正在保存")
        self.steps.report(hi, "正在保存")
        return self.counts

    # ------------------------------------------------------------------ writing
    def _flush(self) -> None:
        """Write the new rows planned so far, parents before children, and forget them."""
        self.steps.check()
        for model in (Village, Staff, Household, Person, Loan, Assignment, CategoryTag, StageEvent, LedgerBalance):
            rows = self.new[model]
            if model in _SORTED:   # ids from keys are spread all over: inserted in order, the
                rows.sort(key=_SORTED[model])   # primary-key index is filled page by page
            insert_rows(self.s, model, rows, const={**self.stamp, **self.shared.get(model, {})})
            self.new[model] = []
        self._pending_households.clear()

    def _write_updates(self) -> None:
        changed = {k: self.stamp[k] for k in ("updated_at", "updated_by", "hlc", "seq")}
        # Stamped and audited field by field (old and new values), one executemany per table.
        for rows in _group_by_keys(self.loan_updates).values():
            update_audited(self.uow, Loan, rows, const=changed)
        for rows in _group_by_keys(list(self.household_reviews.values())).values():
            update_audited(self.uow, Household, rows, const=changed)
        update_audited(self.uow, Assignment, self.retired_assignments, const=changed)
        update_audited(self.uow, Village, self.revived_villages, const=changed)

    def summary_json(self, result_json: dict) -> None:
        self.s.execute(text("UPDATE ledger_imports SET summary_json = :j WHERE id = :i"),
                       {"j": json.dumps(result_json, ensure_ascii=False), "i": self.import_id})


def _group_by_keys(rows: list[dict]) -> dict[tuple, list[dict]]:
    out: dict[tuple, list[dict]] = {}
    for r in rows:
        out.setdefault(tuple(sorted(r)), []).append(r)
    return out
