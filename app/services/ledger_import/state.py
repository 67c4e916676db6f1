"""What the database already holds that a ledger import reads before it writes anything
(``LedgerWriter``'s part; see ``app.services.ledger_import.writer`` for the whole import).

One set-based read per kind, for the ledger's townships: the loans known here (by number, with
their borrower and village), the principal recovered up to each sheet's date, villages,
households (by the head's ID number and by village and name), borrowers, loan officers and
their assignments, and the ids each kind already uses (deleted rows too), so that a natural key
that comes again takes its next id (``app.db.ids.Ids.unused``).
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import bindparam, text

from app.services.foundation import setup


class HeldState:
    """Mixed into ``LedgerWriter``: its ``uow``, ``s`` (session), ``parsed``, ``as_of``,
    ``sheet_dates`` and ``counts`` are set up there."""

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
