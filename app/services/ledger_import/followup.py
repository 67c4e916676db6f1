"""Import follow-up (台账核实): what a bank ledger's import left for a person to check, after the
wizard has closed.

Each import records, in ``import_followups`` (``app.db.models.followups``):

* every warning it gave on a row of the ledger, whatever its code (``RowWarning.code``: a
  name or a village that differs from this computer's, an ID number that is wrong, cut off
  or missing, a date or an amount that could not be read, and any code the ledger reader
  adds later: its label comes from ``app.ledger.rows.WARNING_CODES``, or is the code itself);
* every loan of the ledger's townships the ledger no longer lists (``missing_from_ledger``);
* every loan whose lower balance it counted as money the bank reports recovered
  (``bank_settled`` when paid off, ``bank_repaid`` otherwise).

The same thing said again of the same loan by a later ledger is not listed twice.  The list
is found through the household list's 台账核实 filter (``HouseholdFilter.import_followup``),
on the household page, and with ``qingshou followup``; a person marks an item as checked
(``mark_checked``), which is stamped and audited like any change.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Iterable, Sequence

from sqlalchemy import select
from sqlalchemy import text as sql
from sqlalchemy.orm import Session

from app.db.base import new_id
from app.db.bulk import insert_rows
from app.db.models import ImportFollowup
from app.db.session import Database
from app.domain.errors import InputError, NotFound
from app.domain.money import format_yuan
from app.ledger.rows import WARNING_CODES

# The kinds the import itself adds (the others are the ledger reader's warning codes).
OWN_KINDS: dict[str, str] = {
    "missing_from_ledger": "台账中没有这笔贷款",
    "bank_settled": "银行报告已结清",
    "bank_repaid": "银行报告有还款",
}
# The order the filter offers kinds in: what most often needs a visit first; others follow by name.
KIND_ORDER = ("missing_from_ledger", "bank_settled", "bank_repaid", "name_differs", "village_differs",
              "id_two_names", "other_township", "deleted_loan", "balance_higher", "id_mangled", "id_checksum",
              "id_invalid", "id_missing")
ANY = "any"   # the filter value for "any kind"
_CHUNK = 500


def kind_name(code: str) -> str:
    """What a kind means to a person; an unknown warning code is shown as it is."""
    return OWN_KINDS.get(code) or WARNING_CODES.get(code) or f"台账提示（{code}）"


def kind_order(code: str) -> tuple[int, str]:
    return (KIND_ORDER.index(code) if code in KIND_ORDER else len(KIND_ORDER), kind_name(code))


@dataclass(frozen=True)
class FollowupItem:
    id: str
    kind: str
    kind_name: str
    message: str
    loan_no: str | None
    household_id: str | None
    head_name: str | None
    file_name: str
    as_of: date | None
    sheet: str | None
    row: int | None
    imported: bool
    imported_at: datetime | None
    checked_at: datetime | None = None
    checked_by: str | None = None
    check_note: str | None = None

    @property
    def checked(self) -> bool:
        return self.checked_at is not None

    @property
    def source(self) -> str:
        """Where and when the bank's ledger said it: 《台账.xlsx》（数据截至 2026-11-30）柳林镇 第 12 行."""
        where = f"《{self.file_name}》" + (f"（数据截至 {self.as_of.isoformat()}）" if self.as_of else "")
        if self.sheet:
            where += f"“{self.sheet}”" + (f"第 {self.row} 行" if self.row else "")
        return where

    def to_json(self) -> dict:
        return {"id": self.id, "kind": self.kind, "kind_name": self.kind_name, "message": self.message,
                "loan": self.loan_no, "household_id": self.household_id, "name": self.head_name,
                "file": self.file_name, "as_of": _iso(self.as_of), "sheet": self.sheet, "row": self.row,
                "imported": self.imported, "checked": self.checked,
                "checked_at": self.checked_at.isoformat(sep=" ") if self.checked_at else None,
                "checked_by": self.checked_by, "note": self.check_note}


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


# -- written by the import --------------------------------------------------------------------
@dataclass(frozen=True)
class _Said:
    kind: str
    message: str
    loan_no: str | None
    as_of: date | None
    sheet: str | None = None
    row: int | None = None
    imported: bool = True


def record(uow, import_id: str, *, warnings: Iterable, missing: Iterable, sheet_dates: dict[str, date],
           township_dates: dict[str, date], as_of: date) -> int:
    """Write the follow-up items of the import ``import_id`` (inside its unit of work, after its
    rows are written).  ``warnings``: the ``RowWarning``s it gave; ``missing``: its
    ``MissingLoan``s.  Returns how many items were written."""
    s: Session = uow.session
    said = [_Said(w.code, w.message, w.loan_no, sheet_dates.get(w.sheet, as_of), w.sheet, w.row, w.imported)
            for w in warnings]
    said += [_Said("missing_from_ledger",
                   f"银行台账中没有借据号 {m.loan_no} 的贷款（{m.name}，本系统余额 {format_yuan(m.balance_fen)} 元），"
                   "请向银行核实是否已还清、核销或转到别处", m.loan_no, township_dates.get(m.township, as_of))
             for m in missing]
    said += _bank_reported(s, import_id, sheet_dates, as_of)
    if not said:
        return 0
    loans = _loans(s, {x.loan_no for x in said if x.loan_no})
    known = _already_said(s, {x.loan_no for x in said if x.loan_no})
    rows, seen = [], set()
    for x in said:
        key = (x.loan_no, x.kind, x.message)
        if key in known or key in seen:
            continue
        seen.add(key)
        loan_id, household_id = loans.get(x.loan_no or "", (None, None))
        rows.append({"id": new_id(), "import_id": import_id, "kind": x.kind[:40], "loan_no": x.loan_no,
                     "loan_id": loan_id, "household_id": household_id, "as_of": x.as_of,
                     "sheet": (x.sheet or None) and x.sheet[:64], "row": x.row, "message": x.message,
                     "imported": bool(x.imported)})
    insert_rows(s, ImportFollowup, rows, const=uow.stamp())
    return len(rows)


def _bank_reported(s: Session, import_id: str, sheet_dates: dict[str, date], as_of: date) -> list[_Said]:
    """The loans whose lower balance this import counted as recovered by the bank."""
    out = []
    for no, principal, balance, sheet, row in s.execute(sql(
            "SELECT l.loan_no, r.principal_fen, b.balance_fen, b.sheet, b.row FROM repayments r "
            "JOIN loans l ON l.id = r.loan_id "
            "LEFT JOIN ledger_balances b ON b.import_id = r.ledger_import_id AND b.loan_id = r.loan_id "
            "WHERE r.ledger_import_id = :i AND r.deleted = 0 AND r.source = 'bank' ORDER BY l.loan_no"),
            {"i": import_id}):
        day = sheet_dates.get(sheet or "", as_of)
        if balance is not None and balance <= 0:
            out.append(_Said("bank_settled", f"银行台账显示借据号 {no} 已结清（余额 0.00 元），记为银行报告收回 "
                                             f"{format_yuan(principal)} 元；请核实是否确已还清、由谁经手", no, day, sheet, row))
        else:
            left = f"余额 {format_yuan(balance)} 元，" if balance is not None else ""
            out.append(_Said("bank_repaid", f"银行台账中借据号 {no} 的{left}比本系统少 {format_yuan(principal)} 元，"
                                            "记为银行报告收回的还款；请核实", no, day, sheet, row))
    return out


def _loans(s: Session, numbers: set[str]) -> dict[str, tuple[str, str | None]]:
    """Loan number → (loan id, its household if that household is live)."""
    out: dict[str, tuple[str, str | None]] = {}
    wanted = sorted(numbers)
    for i in range(0, len(wanted), _CHUNK):
        chunk = {f"n{k}": v for k, v in enumerate(wanted[i:i + _CHUNK])}
        inn = ", ".join(":" + k for k in chunk)
        for no, loan_id, hid, gone in s.execute(sql(
                "SELECT l.loan_no, l.id, l.household_id, COALESCE(h.deleted, 1) FROM loans l "
                f"LEFT JOIN households h ON h.id = l.household_id WHERE l.loan_no IN ({inn})"), chunk):
            out[no] = (loan_id, None if gone else hid)
    return out


def _already_said(s: Session, numbers: set[str]) -> set[tuple]:
    """(loan number, kind, message) of the items already listed for these loans."""
    if s.execute(sql("SELECT 1 FROM import_followups LIMIT 1")).first() is None:
        return set()
    out = set()
    wanted = sorted(numbers)
    for i in range(0, len(wanted), _CHUNK):
        chunk = {f"n{k}": v for k, v in enumerate(wanted[i:i + _CHUNK])}
        inn = ", ".join(":" + k for k in chunk)
        out.update(tuple(r) for r in s.execute(sql(
            f"SELECT loan_no, kind, message FROM import_followups WHERE deleted = 0 AND loan_no IN ({inn})"), chunk))
    out.update(tuple(r) for r in s.execute(sql(
        "SELECT loan_no, kind, message FROM import_followups WHERE deleted = 0 AND loan_no IS NULL")))
    return out


# -- reading ------------------------------------------------------------------------------------
_SELECT = ("SELECT f.id, f.kind, f.message, f.loan_no, f.household_id, h.head_name, li.file_name, f.as_of, "
           "f.sheet, f.row, f.imported, li.imported_at, f.checked_at, f.checked_by, f.check_note "
           "FROM import_followups f JOIN ledger_imports li ON li.id = f.import_id "
           "LEFT JOIN households h ON h.id = f.household_id AND h.deleted = 0 WHERE f.deleted = 0")
_ORDER = " ORDER BY li.imported_at DESC, f.sheet, f.row, f.loan_no, f.kind"


def _item(r) -> FollowupItem:
    return FollowupItem(id=r[0], kind=r[1], kind_name=kind_name(r[1]), message=r[2], loan_no=r[3],
                        household_id=r[4] if r[5] is not None else None, head_name=r[5], file_name=r[6],
                        as_of=_date(r[7]), sheet=r[8], row=r[9], imported=bool(r[10]), imported_at=_time(r[11]),
                        checked_at=_time(r[12]), checked_by=r[13], check_note=r[14])


def _date(v) -> date | None:
    if v is None or isinstance(v, date):
        return v
    return date.fromisoformat(str(v)[:10])


def _time(v) -> datetime | None:
    if v is None or isinstance(v, datetime):
        return v
    return datetime.fromisoformat(str(v)[:19])


def items(db: Database, *, household_id: str | None = None, loan_no: str | None = None, kind: str | None = None,
          township_id: str | None = None, checked: bool | None = False, limit: int | None = None) -> list[FollowupItem]:
    """The follow-up items, newest import first.  ``checked``: False the open ones (default),
    True the checked ones, None all."""
    where, params = [], {}
    if household_id:
        where.append("f.household_id = :h")
        params["h"] = household_id
    if loan_no:
        where.append("f.loan_no = :n")
        params["n"] = loan_no.strip()
    if kind and kind != ANY:
        where.append("f.kind = :k")
        params["k"] = kind
    if township_id:
        where.append("h.township_id = :t")
        params["t"] = township_id
    if checked is not None:
        where.append("f.checked_at IS NOT NULL" if checked else "f.checked_at IS NULL")
    stmt = _SELECT + "".join(" AND " + w for w in where) + _ORDER
    if limit is not None:
        stmt += " LIMIT :limit"
        params["limit"] = int(limit)
    with db.engine.connect() as conn:
        return [_item(r) for r in conn.execute(sql(stmt), params)]


def for_household(s: Session, household_id: str) -> list[FollowupItem]:
    """A household's items, open ones first (for the household page, in its session)."""
    found = [_item(r) for r in s.execute(sql(_SELECT + " AND f.household_id = :h" + _ORDER), {"h": household_id})]
    return sorted(found, key=lambda x: x.checked)


def open_kinds(db: Database) -> list[tuple[str, int]]:
    """(kind, households with an open item of it), in the filter's order."""
    with db.engine.connect() as conn:
        found = conn.execute(sql(
            "SELECT f.kind, COUNT(DISTINCT f.household_id) FROM import_followups f "
            "JOIN household_index i ON i.household_id = f.household_id "
            "WHERE f.deleted = 0 AND f.checked_at IS NULL GROUP BY f.kind")).all()
    return sorted(((k, n) for k, n in found), key=lambda kn: kind_order(kn[0]))


# -- checking -------------------------------------------------------------------------------------
def mark_checked(db: Database, item_ids: Sequence[str], actor: str, *, note: str | None = None,
                 undo: bool = False) -> list[FollowupItem]:
    """Mark items as checked (核实) by ``actor``, with an optional note; ``undo`` takes the mark
    back.  One unit of work, audited; an unknown id refuses them all."""
    wanted = list(dict.fromkeys(i for i in item_ids if i))
    if not wanted:
        raise InputError("请指明要核实的台账提示")
    note = (note or "").strip() or None
    with db.uow(actor) as uow:
        s = uow.session
        found = {f.id: f for f in s.scalars(select(ImportFollowup).where(ImportFollowup.id.in_(wanted)))}
        for item_id in wanted:
            f = found.get(item_id)
            if f is None or f.deleted:
                raise NotFound(f"找不到这条台账提示（{item_id}）")
        changed = []
        for item_id in wanted:
            f = found[item_id]
            if undo and f.checked_at is not None:
                f.checked_at, f.checked_by, f.check_note = None, None, None
                changed.append(f)
            elif not undo and (f.checked_at is None or (note and note != f.check_note)):
                f.checked_at = f.checked_at or datetime.now().replace(microsecond=0)
                f.checked_by = actor[:64]
                f.check_note = note or f.check_note
                changed.append(f)
        if changed:
            what = "、".join(dict.fromkeys(kind_name(f.kind) + (f"（借据号 {f.loan_no}）" if f.loan_no else "")
                                          for f in changed[:5]))
            more = f"等 {len(changed)} 条" if len(changed) > 5 else ""
            uow.audit("uncheck" if undo else "check", "import_followups", changed[0].id,
                      summary=("撤销核实" if undo else "核实") + f"台账提示：{what}{more}" + (f"；{note}" if note else ""))
            uow.commit()
    out = {x.id: x for x in _items_by_id(db, wanted)}
    return [out[i] for i in wanted if i in out]


def _items_by_id(db: Database, ids: list[str]) -> list[FollowupItem]:
    out = []
    with db.engine.connect() as conn:
        for i in range(0, len(ids), _CHUNK):
            chunk = {f"i{k}": v for k, v in enumerate(ids[i:i + _CHUNK])}
            inn = ", ".join(":" + k for k in chunk)
            out += [_item(r) for r in conn.execute(sql(_SELECT + f" AND f.id IN ({inn})"), chunk)]
    return out

