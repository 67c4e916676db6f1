"""Writing a parsed ledger into the database, inside the caller's unit of work.

New loans come with their households (grouped by the borrower's ID number; by name and
village where the ID is unusable, flagged for review), borrowers, villages, loan officers
and the categories the ledger shows (a large mortgage; 已故 / 服刑 … after a name).  Loans
already known are updated as ``app.services.ledger_import.updates`` says.  Everything is written
with bulk statements (see ``app.db.bulk``), stamped, and summarised in one audit entry by
the caller.
"""
from __future__ import annotations

import json
import uuid
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import date, datetime
from operator import itemgetter
from typing import TYPE_CHECKING

from sqlalchemy import bindparam, text

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
from app.domain.categories import LARGE_MORTGAGE_FEN
from app.domain.pinyin import initials
from app.domain.progress import Steps
from app.domain.stages import DutyRole, PersonRole, Stage
from app.ledger.parse import ParsedLedger
from app.ledger.rows import LedgerRow, RowWarning
from app.services.foundation import setup
from app.services.ledger_import.updates import KnownLoans

REVIEW_NOTES = {
    "checksum": "身份证号校验位不对，按姓名和村归户，请核实",
    "mangled": "身份证号被Excel截断，按姓名和村归户，请核实",
    "empty": "台账没有身份证号，按姓名和村归户，请核实",
}
# From this many new loans, and more than the database already holds, indexes are built
# after the load rather than row by row (measured: ~1.5 s less for 100,000 loans).
BULK_REINDEX_MIN = 20_000
_BULK_TABLES = ("households", "persons", "loans", "assignments")
# Planned rows are written every this many ledger rows, so memory stays flat.
FLUSH_ROWS = 10_000
# SQLite's page cache during the write (the default 2 MB spills pages to the WAL and reads
# them back; measured: ~0.4 s less for 100,000 loans).
PAGE_CACHE_MB = 64
_OFFICER = DutyRole.LOAN_OFFICER.value
_SORTED = {Household: itemgetter("id"), Person: itemgetter("id"), Loan: itemgetter("id"),
           Assignment: itemgetter("id"), LedgerBalance: itemgetter("loan_id")}
_DEFAULT_REVIEW_NOTE = "身份证号无法使用，按姓名和村归户，请核实"
# What a bank writes after a borrower's name (app.ledger.values.split_name_remark), as the
# special category it points to: tagged on a new loan's household for a visit to confirm.
REMARK_CATEGORIES = {"已故": "deceased", "已死亡": "deceased", "死亡": "deceased", "去世": "deceased",
                     "已去世": "deceased", "病故": "deceased", "亡故": "deceased", "服刑": "imprisoned",
                     "在押": "imprisoned", "服刑中": "imprisoned", "失联": "unreachable",
                     "下落不明": "unreachable", "诉讼": "litigation", "已诉讼": "litigation"}

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


class LedgerWriter(KnownLoans):
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

    # ------------------------------------------------------------------ state already here
    def _townships(self) -> None:
        names = sorted({r.township for r in self.parsed.rows})
        self.township_ids = {name: setup.township(self.uow, name).id for name in names}
        self.township_id_set = set(self.township_ids.values())
        self.counts.townships = names

    def _rows_ids(self, sql: str, **params) -> list[str]:
        return [r[0] for r in self._rows(sql, **params)]

    def _rows_add(self, taken: set[str], sql: str, **params):
        """The rows of ``sql``, their ids (first column) added to ``taken``."""
        for r in self._rows(sql, **params):
            taken.add(r[0])
            yield r

    def _rows(self, sql: str, **params) -> list:
        stmt = text(sql)
        if "tids" in params:
            stmt = stmt.bindparams(bindparam("tids", expanding=True))
        return self.s.execute(stmt, params).all()

    def _load_state(self) -> None:
        tids = list(self.township_ids.values())
        self.loans: dict[str, object] = {}   # loan number → row (attributes named as the columns)
        for r in self._rows(
                "SELECT l.loan_no, l.id, l.household_id, l.township_id, l.task_amount_fen, l.balance_fen,"
                " l.interest_fen, l.ledger_date, l.principal_fen, l.issue_date, l.due_date, l.rate_ppm,"
                " l.five_class, l.guarantee, l.bank_branch, l.loan_officer, l.missing_from_ledger, l.stage,"
                " l.deleted, COALESCE(p.name, h.head_name, '') AS borrower, v.name AS village"
                " FROM loans l LEFT JOIN persons p ON p.id = l.borrower_id"
                " LEFT JOIN households h ON h.id = l.household_id LEFT JOIN villages v ON v.id = h.village_id"):
            self.loans[r.loan_no] = r
        # The newest ledger each township's loans were updated from (ISO text compares as dates).
        self.township_newest: dict[str, str] = {}
        for r in self.loans.values():
            if r.ledger_date and r.ledger_date > self.township_newest.get(r.township_id, ""):
                self.township_newest[r.township_id] = r.ledger_date
        self.recovered_all: dict[str, int] = {}
        self.recovered_by: dict[date, dict[str, int]] = {}   # principal recovered up to each sheet date
        if self.loans:
            dates = sorted(set(self.sheet_dates.values()) | {self.as_of})
            cases = ", ".join(f"SUM(CASE WHEN paid_on <= :d{k} THEN principal_fen ELSE 0 END)" for k in range(len(dates)))
            by = [self.recovered_by.setdefault(d, {}) for d in dates]
            for loan_id, all_fen, *upto in self._rows(
                    f"SELECT loan_id, SUM(principal_fen), {cases} FROM repayments WHERE deleted = 0 GROUP BY loan_id",
                    **{f"d{k}": d.isoformat() for k, d in enumerate(dates)}):
                self.recovered_all[loan_id] = all_fen or 0
                for k, fen in enumerate(upto):
                    by[k][loan_id] = fen or 0
        # The ids already used by rows of each kind (deleted ones too), so that a key that comes
        # again (a deleted row, a namesake) takes its next id (app.db.ids.Ids.unused).
        self.taken_loans: set[str] = {r.id for r in self.loans.values()}
        self.villages: dict[tuple[str, str], str] = {}
        self.taken_villages: set[str] = set()
        self.deleted_villages: dict[tuple[str, str], str] = {}   # one of a name comes back
        self.revived_villages: list[dict] = []
        for vid, t, name, gone in self._rows("SELECT id, township_id, name, deleted FROM villages"):
            self.taken_villages.add(vid)
            if t in self.township_id_set:
                (self.deleted_villages if gone else self.villages)[(t, name)] = vid
        village_names = {vid: name for (_t, name), vid in self.villages.items()}
        self.by_id: dict[tuple[str, str], str] = {}
        self.by_name: dict[tuple[str, str, str], str] = {}
        self.hh_has_id: dict[str, bool] = {}
        self.hh_review: dict[str, bool] = {}
        self.taken_households: set[str] = set()
        for hid, t, vid, head, head_id, review, gone in self._rows(
                "SELECT id, township_id, village_id, head_name, head_id_number, needs_review, deleted FROM households"
                " WHERE township_id IN :tids", tids=tids):
            self.taken_households.add(hid)
            if gone:
                continue
            if head_id:
                self.by_id.setdefault((t, head_id), hid)
            self.by_name.setdefault((t, village_names.get(vid, ""), head), hid)
            self.hh_has_id[hid] = bool(head_id)
            self.hh_review[hid] = bool(review)
        self.taken_persons: set[str] = set(self._rows_ids(
            "SELECT p.id FROM persons p JOIN households h ON h.id = p.household_id"
            " WHERE (p.deleted = 1 OR p.role != 'borrower') AND h.township_id IN :tids", tids=tids))
        self.persons: dict[tuple[str, str], str] = {}
        self.persons_by_id: dict[tuple[str, str], tuple[str, str]] = {}   # (household, ID) → (borrower, name)
        for pid, hid, name, id_number, t, problem in self._rows_add(self.taken_persons,
                "SELECT p.id, p.household_id, p.name, p.id_number, h.township_id, p.id_problem FROM persons p"
                " JOIN households h ON h.id = p.household_id"
                " WHERE p.deleted = 0 AND p.role = 'borrower' AND h.township_id IN :tids", tids=tids):
            self.persons.setdefault((hid, name), pid)
            if id_number and not problem:
                self.by_id.setdefault((t, id_number), hid)
                self.persons_by_id.setdefault((hid, id_number), (pid, name))
        # Loan officers by name (of namesakes, the one recorded first).
        self.staff: dict[str, str] = {}
        self.taken_staff: set[str] = set()
        for sid, name, title, gone in self._rows("SELECT id, name, title, deleted FROM staff ORDER BY created_at DESC"):
            self.taken_staff.add(sid)
            if title == "信贷员" and not gone:
                self.staff[name] = sid
        self.officer_assignment: dict[str, str] = {}   # loan id → its loan-officer assignment
        self.officer_assignments: dict[str, bool] = {}   # id → deleted, of every loan-officer assignment
        if self.loans:
            for aid, loan_id, gone in self._rows("SELECT id, loan_id, deleted FROM assignments"
                                                 " WHERE duty = 'loan_officer' AND loan_id IS NOT NULL"):
                self.officer_assignments[aid] = bool(gone)
                if not gone:
                    self.officer_assignment[loan_id] = aid

    # ------------------------------------------------------------------ new loans
    def _village(self, township_id: str, name: str | None) -> str | None:
        if not name:
            return None
        key = (township_id, name)
        vid = self.villages.get(key)
        if vid is None and key in self.deleted_villages:
            vid = self.villages[key] = self.deleted_villages.pop(key)
            self.revived_villages.append({"id": vid, "deleted": False})
        elif vid is None:
            vid = self.names.unused(self.names.village(township_id, name), self.taken_villages)
            self.taken_villages.add(vid)
            self.villages[key] = vid
            self.new[Village].append({"id": vid, "township_id": township_id, "name": name})
        return vid

    def _officer(self, name: str) -> str:
        sid = self.staff.get(name)
        if sid is None:
            sid = self.names.unused(self.names.staff(None, name, "信贷员"), self.taken_staff)
            self.taken_staff.add(sid)
            self.staff[name] = sid
            self.new[Staff].append({"id": sid, "unit_id": None, "name": name, "title": "信贷员",
                                    "organisation": "银行"})
        return sid

    def _household(self, row: LedgerRow, tid: str, vid: str | None) -> str:
        name_key = (tid, row.village or "", row.name)
        if row.id_ok:
            hid = self.by_id.get((tid, row.id_number))
            if hid is not None:
                return hid
            hid = self.by_name.get(name_key)
            if hid is not None and not self.hh_has_id.get(hid, True):
                # An earlier row of this person had an unusable ID: the good one joins it.
                self.hh_has_id[hid] = True
                self.by_id[(tid, row.id_number)] = hid
                self._set_head_id(hid, row.id_number)
                return hid
            return self._make_household(row, tid, vid, name_key, review=False)
        hid = self.by_name.get(name_key)
        if hid is not None:
            self._flag_review(hid, row)
            return hid
        return self._make_household(row, tid, vid, name_key, review=True)

    def _make_household(self, row: LedgerRow, tid: str, vid: str | None, name_key, *, review: bool) -> str:
        key = (self.names.household(tid, id_number=row.id_number) if row.id_ok
               else self.names.household(tid, village=row.village or "", name=row.name))
        hid = self.names.unused(key, self.taken_households)
        self.taken_households.add(hid)
        self._pending_households[hid] = {
            "id": hid, "township_id": tid, "village_id": vid, "group_name": row.group, "head_name": row.name,
            "head_id_number": row.id_number if row.id_ok else None, "phone": row.phone, "address": row.address,
            "pinyin_initials": initials(row.name), "needs_review": review,
            "review_note": REVIEW_NOTES.get(row.id_problem or "", _DEFAULT_REVIEW_NOTE) if review else None,
        }
        self.new[Household].append(self._pending_households[hid])
        self.counts.households_new += 1
        self.counts.new_household_ids.add(hid)
        if row.id_ok:
            self.by_id[(tid, row.id_number)] = hid
        self.by_name.setdefault(name_key, hid)
        self.hh_has_id[hid] = row.id_ok
        self.hh_review[hid] = review
        return hid

    def _set_head_id(self, hid: str, id_number: str) -> None:
        pending = self._pending_households.get(hid)  # rare: a bad ID came before a good one
        if pending is not None:
            pending["head_id_number"] = id_number
            return
        self.household_reviews.setdefault(hid, {"id": hid})["head_id_number"] = id_number

    def _flag_review(self, hid: str, row: LedgerRow) -> None:
        if self.hh_review.get(hid):
            return
        self.hh_review[hid] = True
        note = REVIEW_NOTES.get(row.id_problem or "", _DEFAULT_REVIEW_NOTE)
        pending = self._pending_households.get(hid)
        if pending is not None:
            pending["needs_review"], pending["review_note"] = True, note
            return
        entry = self.household_reviews.setdefault(hid, {"id": hid})
        entry.update(needs_review=True, review_note=note)

    def _person(self, row: LedgerRow, hid: str) -> str:
        key = (hid, row.name)
        pid = self.persons.get(key)
        if pid is None and row.id_ok:
            pid = self._same_id_other_name(row, hid)
        if pid is None:
            pid = self.names.unused(self.names.person(hid, id_number=row.id_number) if row.id_ok
                                    else self.names.person(hid, name=row.name), self.taken_persons)
            self.taken_persons.add(pid)
            self.persons[key] = pid
            if row.id_ok:
                self.persons_by_id.setdefault((hid, row.id_number), (pid, row.name))
            said = REMARK_CATEGORIES.get(row.remark or "")
            self.new[Person].append({"id": pid, "household_id": hid, "name": row.name,
                                     "id_number": row.id_number,
                                     "id_problem": row.id_problem, "phone": row.phone,
                                     "is_deceased": said == "deceased", "is_imprisoned": said == "imprisoned"})
        return pid

    def _same_id_other_name(self, row: LedgerRow, hid: str) -> str | None:
        """A borrower of this household with the row's ID number under another name: the same
        person when the names differ by one character of the given name (张山 → 张三, the bank
        corrected a typing error); otherwise a person of their own, and a warning (a wife's loan
        under her husband's ID is a common slip of the bank's)."""
        found = self.persons_by_id.get((hid, row.id_number))
        if found is None:
            return None
        pid, other = found
        if (len(other) == len(row.name) and other[:1] == row.name[:1]
                and sum(a != b for a, b in zip(other, row.name)) <= 1):
            return pid
        self.counts.warnings.append(RowWarning(
            row.sheet, row.row, "id_two_names", f"身份证号 {row.id_number} 在本系统中是“{other}”的，台账这一行的借款人"
            f"是“{row.name}”（借据号 {row.loan_no}），已归入同一户，请核实", row.loan_no))
        return None

    def _new_loan(self, row: LedgerRow) -> None:
        tid = self.township_ids[row.township]
        vid = self._village(tid, row.village)
        hid = self._household(row, tid, vid)
        pid = self._person(row, hid)
        loan_id = self.names.loan(row.loan_no)
        if loan_id in self.taken_loans:   # a number spelled another way (ab1 / AB1)
            loan_id = self.names.unused(loan_id, self.taken_loans)
        self.taken_loans.add(loan_id)
        self.new[Loan].append({
            "id": loan_id, "loan_no": row.loan_no, "household_id": hid, "borrower_id": pid, "township_id": tid,
            "issue_date": row.issue_date, "due_date": row.due_date, "principal_fen": row.principal_fen,
            "task_amount_fen": row.balance_fen, "balance_fen": row.balance_fen,
            "interest_fen": row.interest_fen or 0, "rate_ppm": row.rate_ppm,
            "five_class": row.five_class, "guarantee": row.guarantee, "bank_branch": row.branch,
            "loan_officer": row.officer, "note": row.note,
        })
        if not self.one_date:
            as_of = self.sheet_dates.get(row.sheet, self.as_of)
            self.new[Loan][-1].update(ledger_date=as_of, task_date=min(as_of, self.today))
        self._balance(loan_id, row)
        if row.officer:
            staff_id = self._officer(row.officer)
            self.new[Assignment].append({"id": self.names.assignment(hid, loan_id, staff_id, _OFFICER),
                                         "household_id": hid, "loan_id": loan_id, "staff_id": staff_id})
        if row.guarantee and "抵押" in row.guarantee and row.balance_fen >= LARGE_MORTGAGE_FEN:
            self.new[CategoryTag].append({"id": self.names.tag(hid, "large_mortgage", loan_id),
                                          "household_id": hid, "loan_id": loan_id,
                                          "code": "large_mortgage",
                                          "note": "抵押贷款，余额100万元以上（银行台账）"})
        if row.remark:
            self._remark_category(row, hid, loan_id)
        self.counts.imported += 1
        self.counts.household_ids.add(hid)

    def _remark_category(self, row: LedgerRow, hid: str, loan_id: str) -> None:
        """张三（已故）: the household is tagged with the category the bank's remark points to,
        once, unless it has that tag already."""
        code = REMARK_CATEGORIES.get(row.remark or "")
        if code is None or (hid, code) in self.tagged:
            return
        self.tagged.add((hid, code))
        if hid not in self._pending_households and self.s.execute(text(
                "SELECT 1 FROM category_tags WHERE household_id = :h AND code = :c AND deleted = 0"),
                {"h": hid, "c": code}).first() is not None:
            return
        self.new[CategoryTag].append({"id": self.names.tag(hid, code, loan_id), "household_id": hid,
                                      "loan_id": loan_id, "code": code,
                                      "note": f"银行台账注明“{row.remark}”（借据号 {row.loan_no}），请入户核实"})

    def _balance(self, loan_id: str, row: LedgerRow) -> None:
        self.new[LedgerBalance].append({"loan_id": loan_id, "as_of": self.sheet_dates.get(row.sheet, self.as_of),
                                        "balance_fen": row.balance_fen, "interest_fen": row.interest_fen or 0,
                                        "sheet": row.sheet, "row": row.row})

    def _officer_assignment(self, hid: str, loan_id: str, officer: str) -> None:
        """A known loan's new loan officer (``_reassign``): an assignment of that key that was
        retired before comes back rather than being made twice."""
        staff_id = self._officer(officer)
        aid = self.names.assignment(hid, loan_id, staff_id, _OFFICER)
        state = self.officer_assignments.get(aid)
        if state is None:
            self.officer_assignments[aid] = False
            self.new[Assignment].append({"id": aid, "household_id": hid, "loan_id": loan_id, "staff_id": staff_id})
        elif state or self.officer_assignment.get(loan_id) == aid:   # retired, or being retired now
            self.officer_assignments[aid] = False
            self.retired_assignments.append({"id": aid, "deleted": False})

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
