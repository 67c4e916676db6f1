"""Planning the rows of the loans a ledger brings that the database does not hold yet
(``LedgerWriter``'s part; see ``app.services.ledger_import.writer`` for the whole import).

A new loan comes with its household (grouped by the borrower's ID number; by name and village
where the ID is unusable, flagged for review), its borrower, village and loan officer, its first
ledger reading, and the categories the ledger shows (a large mortgage; 已故 / 服刑 … after a
name).  Rows with a natural key take their ids from ``app.db.ids``; the rows are only planned
here (``self.new``) and written in bulk by the writer.
"""
from __future__ import annotations

from sqlalchemy import text

from app.db.models import Assignment, CategoryTag, Household, LedgerBalance, Loan, Person, Staff, Village
from app.domain.categories import LARGE_MORTGAGE_FEN
from app.domain.pinyin import initials
from app.domain.stages import DutyRole
from app.ledger.rows import LedgerRow, RowWarning

REVIEW_NOTES = {
    "checksum": "身份证号校验位不对，按姓名和村归户，请核实",
    "mangled": "身份证号被Excel截断，按姓名和村归户，请核实",
    "empty": "台账没有身份证号，按姓名和村归户，请核实",
}
_DEFAULT_REVIEW_NOTE = "身份证号无法使用，按姓名和村归户，请核实"
# What a bank writes after a borrower's name (app.ledger.values.split_name_remark), as the
# special category it points to: tagged on a new loan's household for a visit to confirm.
REMARK_CATEGORIES = {"已故": "deceased", "已死亡": "deceased", "死亡": "deceased", "去世": "deceased",
                     "已去世": "deceased", "病故": "deceased", "亡故": "deceased", "服刑": "imprisoned",
                     "在押": "imprisoned", "服刑中": "imprisoned", "失联": "unreachable",
                     "下落不明": "unreachable", "诉讼": "litigation", "已诉讼": "litigation"}
_OFFICER = DutyRole.LOAN_OFFICER.value


class NewLoans:
    """Mixed into ``LedgerWriter``: the state it reads (``villages``, ``by_id``, ``persons`` …,
    ``app.services.ledger_import.state``) and the rows it writes (``new``) are set up there."""

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
