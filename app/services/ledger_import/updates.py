"""What a later bank ledger does to loans this computer already holds (``LedgerWriter``'s part
for them; see ``app.services.ledger_import.writer`` for the whole import).

A lower balance than the loan's outstanding amount (task − principal recovered up to the
sheet's date) is the bank's reported recovery: after the import ``app.db.bank_recovery`` derives
it from the readings (so a repayment the township recorded is matched, not counted twice, and
the same ledger read at the district and on a laptop counts once).  A ledger older than the one that last
gave a loan's figures changes nothing (history only).  What the ledger says differently of
who and where is warned about, never changed silently; a row listed under another township
is left out.  Loans of the ledger's townships that it no longer lists are flagged
``missing_from_ledger``, never deleted.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cached_property

from sqlalchemy import text

from app.db.models import StageEvent
from app.domain.dates import to_date
from app.domain.money import yuan_str
from app.domain.stages import Stage
from app.ledger.rows import LedgerRow, RowWarning

# Loan columns a later ledger may change, and the ledger row's field for each (the task
# amount never changes; the balance follows from recovered money, see _known_loan).
_LEDGER_FIELDS = (("principal_fen", "principal_fen"), ("issue_date", "issue_date"), ("due_date", "due_date"),
                  ("rate_ppm", "rate_ppm"), ("five_class", "five_class"), ("guarantee", "guarantee"),
                  ("bank_branch", "branch"), ("loan_officer", "officer"))


@dataclass
class MissingLoan:
    loan_no: str
    name: str
    township: str
    balance_fen: int

    def to_json(self) -> dict:
        return {"loan_no": self.loan_no, "name": self.name, "township": self.township,
                "balance": yuan_str(self.balance_fen)}


class KnownLoans:
    """Mixed into ``LedgerWriter``: its state (``loans``, ``recovered_*``, ``counts`` …) is set up there."""

    @cached_property
    def file_numbers(self) -> set[str]:
        """The loan numbers of the ledger's imported rows."""
        return {r.loan_no for r in self.parsed.rows}

    def _known_loan(self, row: LedgerRow, known) -> None:  # noqa: C901 - one decision list
        loan_id, hid, task, balance = known.id, known.household_id, known.task_amount_fen, known.balance_fen
        ledger_date, stage = as_date(known.ledger_date), known.stage
        if known.deleted:
            self.counts.warnings.append(RowWarning(row.sheet, row.row, "deleted_loan",
                                                   f"借据号 {row.loan_no} 已在本系统中删除，本行未导入", row.loan_no,
                                                   imported=False))
            return
        if self._other_township(row, known):
            return
        as_of = self.sheet_dates.get(row.sheet, self.as_of)
        fact_date = min(as_of, self.today)
        self.counts.household_ids.add(hid)
        self._balance(loan_id, row)
        self.derive_ids.add(loan_id)
        if ledger_date is not None and ledger_date > as_of:
            self.counts.unchanged += 1   # an older ledger than the one already read: history only
            self.counts.older += 1
            self.counts.older_dates.add(as_of)
            if self.counts.newest_before is None or ledger_date > self.counts.newest_before:
                self.counts.newest_before = ledger_date
            return
        self._differences(row, known)
        rec_all = self.recovered_all.get(loan_id, 0)
        rec_by_date = self.recovered_by.get(as_of, {}).get(loan_id, 0)
        outstanding = task - rec_by_date
        bank = 0
        if row.balance_fen < outstanding:
            bank = outstanding - row.balance_fen   # its rows are derived after the import (app.db.bank_recovery)
        elif row.balance_fen > outstanding:
            self.counts.warnings.append(RowWarning(
                row.sheet, row.row, "balance_higher",
                f"银行台账余额 {yuan_str(row.balance_fen)} 元高于本系统的未收回余额 {yuan_str(outstanding)} 元"
                "（可能有乡镇登记的还款银行尚未入账），请核对", row.loan_no))
        new_balance = task - rec_all - bank
        changed = {}
        for column, attr in _LEDGER_FIELDS:
            value = getattr(row, attr)
            if value is None:
                continue   # a ledger that leaves a cell empty does not erase what is known
            current = getattr(known, column)
            if isinstance(value, date):
                current = as_date(current)
            if value != current:
                changed[column] = value
        if new_balance != balance:
            changed["balance_fen"] = new_balance
        if row.interest_fen is not None and row.interest_fen != known.interest_fen:
            changed["interest_fen"] = row.interest_fen
        elif row.interest_fen is None and known.interest_fen and ledger_date is not None and ledger_date < as_of:
            self._carry_interest(known, as_of, changed)
        if known.missing_from_ledger and as_of.isoformat() >= self.township_newest.get(known.township_id, ""):
            changed["missing_from_ledger"] = False   # not when an older ledger is read late
        if new_balance <= 0 < balance and stage not in (Stage.SETTLED.value, Stage.WRITTEN_OFF.value):
            changed["stage"], changed["stage_date"] = Stage.SETTLED.value, fact_date
            self.new[StageEvent].append({"id": self.names.ledger_settled(loan_id, as_of), "loan_id": loan_id,
                                         "from_stage": stage,
                                         "to_stage": Stage.SETTLED.value, "on_date": fact_date,
                                         "note": "银行台账显示已结清"})
            self.counts.settled += 1
        if "loan_officer" in changed:
            self._reassign(loan_id, hid, row.officer)
        if changed or bank:
            self.counts.updated += 1
        else:
            self.counts.unchanged += 1
        if changed or ledger_date != as_of:
            self.loan_updates.append({"id": loan_id, **changed, "ledger_date": as_of})

    def _carry_interest(self, known, as_of: date, changed: dict) -> None:
        """A ledger without a 欠息 column: the loan's interest owed is carried to this ledger's
        date (``Loan.interest_fen`` is the 欠息 as of ``Loan.ledger_date``), less the interest repaid
        in between, so money paid is not owed again.  Interest accrued in between is not added:
        the bank's next ledger with 欠息 sets the figure again (said in a note)."""
        paid = self.interest_paid.get(as_of)
        if paid is None:
            paid = self.interest_paid[as_of] = dict(self._rows(
                "SELECT r.loan_id, SUM(r.interest_fen) FROM repayments r JOIN loans l ON l.id = r.loan_id"
                " WHERE r.deleted = 0 AND r.paid_on > l.ledger_date AND r.paid_on <= :d GROUP BY r.loan_id",
                d=as_of.isoformat()))
        self.counts.interest_carried += 1
        left = max(0, (known.interest_fen or 0) - (paid.get(known.id) or 0))
        if left != known.interest_fen:
            changed["interest_fen"] = left

    def _other_township(self, row: LedgerRow, known) -> bool:
        """A row listed under another township than its loan's (another borrower's loan of the
        same number, or a loan the bank moved): warned for a person to check, nothing changed."""
        if self.township_ids[row.township] == known.township_id:
            return False
        names = self.township_names
        if known.township_id not in names:
            names[known.township_id] = self.s.execute(text("SELECT name FROM units WHERE id = :i"),
                                                      {"i": known.township_id}).scalar()
        name = names[known.township_id]
        if name == row.township:
            return False
        self.counts.warnings.append(RowWarning(
            row.sheet, row.row, "other_township", f"借据号 {row.loan_no} 在本系统中是{name or '其他乡镇'}"
            f"{known.borrower}的贷款，台账把它列在{row.township}（{row.name}），本行未导入，请核对", row.loan_no,
            imported=False))
        return True

    def _same_loan_without_zeros(self, row: LedgerRow):
        """A known loan whose number differs from the row's only by leading zeros (Excel drops
        them when the column holds numbers), of the same borrower and township; or None."""
        if self._stripped is None:
            # Only numbers that start with 0, on either side, can have lost (or gained) zeros.
            in_file = self.file_numbers
            file_zeros = any(no[:1] == "0" for no in in_file)
            self._stripped = {no.lstrip("0"): no for no in self.loans
                              if (no[:1] == "0" or file_zeros) and no not in in_file}
        no = self._stripped.get(row.loan_no.lstrip("0"))
        if not no or no == row.loan_no or no in self.matched_numbers:
            return None
        known = self.loans[no]
        if known.borrower != row.name or known.township_id != self.township_ids[row.township]:
            return None
        self.matched_numbers.add(no)
        self.counts.warnings.append(RowWarning(
            row.sheet, row.row, "loan_no_zeros", f"借据号 {row.loan_no} 按本系统的 {no} 对上（前面的0被Excel去掉了），"
            "请银行把借据号一列设为文本", row.loan_no))
        return known

    def _differences(self, row: LedgerRow, known) -> None:
        """What a later ledger says differently of who and where: not changed here (a person
        decides), but said."""
        if row.name and known.borrower and row.name != known.borrower:
            self.counts.warnings.append(RowWarning(
                row.sheet, row.row, "name_differs", f"借据号 {row.loan_no} 的借款人在台账中是“{row.name}”，"
                f"本系统中是“{known.borrower}”，未改动，请核实", row.loan_no))
        if row.village and known.village and row.village != known.village:
            self.counts.warnings.append(RowWarning(
                row.sheet, row.row, "village_differs", f"借据号 {row.loan_no} 在台账中属“{row.village}”，"
                f"本系统中属“{known.village}”，未改动，请核实", row.loan_no))

    def _reassign(self, loan_id: str, hid: str, officer: str) -> None:
        old = self.officer_assignment.get(loan_id)
        if old is not None:
            self.retired_assignments.append({"id": old, "deleted": True})
        self._officer_assignment(hid, loan_id, officer)   # its id from app.db.ids (LedgerWriter)

    def _missing(self) -> None:
        """Loans of these townships the ledger no longer lists: flagged for review."""
        if not self.loans:
            return
        listed = self.file_numbers | {r.loan_no for r in self.parsed.rejected if r.loan_no} | self.matched_numbers
        tids = set(self.township_ids.values())
        names = {tid: name for name, tid in self.township_ids.items()}
        for no, known in self.loans.items():
            if known.township_id not in tids or no in listed or known.deleted or known.balance_fen <= 0:
                continue
            as_of = self.township_dates.get(names[known.township_id], self.as_of)
            if (as_date(known.ledger_date) or as_of) > as_of:
                continue   # a newer ledger listed it: this one is older (read late, or saved again)
            self.counts.missing.append(MissingLoan(no, known.borrower, names[known.township_id],
                                                   known.balance_fen))
            if not known.missing_from_ledger:
                self.loan_updates.append({"id": known.id, "missing_from_ledger": True})


def as_date(value) -> date | None:
    """A date column read through ``text()`` (ISO text) as a date."""
    return to_date(value)
