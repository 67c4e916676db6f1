"""What the window's filters and forms offer: villages, responsible people, and what a loan
still owes (for the repayment form).  Plain data; the household list itself is
``app.services.households.listing``."""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Iterable

from sqlalchemy import func, select
from sqlalchemy import text as sql
from sqlalchemy.orm import Session

from app.db.models import Loan, Repayment
from app.db.session import Database
from app.domain.pinyin import full as pinyin_full
from app.services.recovery.repayments import Owed, owed


@dataclass(frozen=True)
class Choice:
    id: str
    name: str
    detail: str = ""        # a village's township; a person's title
    parent_id: str | None = None   # a village's township

    @property
    def label(self) -> str:
        return f"{self.name}（{self.detail}）" if self.detail else self.name


def _sort_key(name: str) -> tuple[str, str]:
    try:
        return pinyin_full(name), name
    except Exception:  # noqa: BLE001 - an odd name sorts by itself
        return name, name


def townships(db: Database) -> list[Choice]:
    """Townships that have households, by name (pinyin order)."""
    with db.engine.connect() as conn:
        found = conn.execute(sql(
            "SELECT u.id, u.name FROM units u WHERE u.deleted = 0 AND u.kind = 'township' "
            "AND EXISTS (SELECT 1 FROM household_index i WHERE i.township_id = u.id)")).all()
    return sorted((Choice(r[0], r[1]) for r in found), key=lambda c: _sort_key(c.name))


def villages(db: Database) -> list[Choice]:
    """Villages that have households, by township then name (pinyin order)."""
    with db.engine.connect() as conn:
        found = conn.execute(sql(
            "SELECT v.id, v.name, COALESCE(u.name, ''), v.township_id FROM villages v "
            "LEFT JOIN units u ON u.id = v.township_id "
            "WHERE v.deleted = 0 AND EXISTS (SELECT 1 FROM household_index i WHERE i.village_id = v.id)")).all()
    out = [Choice(r[0], r[1], r[2], r[3]) for r in found]
    out.sort(key=lambda c: (_sort_key(c.detail), _sort_key(c.name)))
    return out


def staff(db: Database) -> list[Choice]:
    """People responsible for at least one household, by name (pinyin order)."""
    with db.engine.connect() as conn:
        found = conn.execute(sql(
            "SELECT s.id, s.name, COALESCE(s.title, '') FROM staff s WHERE s.deleted = 0 AND EXISTS "
            "(SELECT 1 FROM household_staff hs WHERE hs.staff_id = s.id)")).all()
    out = [Choice(r[0], r[1], r[2]) for r in found]
    out.sort(key=lambda c: (_sort_key(c.name), c.detail))
    return out


def followup_kinds(db: Database) -> list[Choice]:
    """What ledger imports left to check (台账核实), by kind, with how many households (``detail``)."""
    from app.services.ledger_import.followup import kind_name, open_kinds

    return [Choice(kind, kind_name(kind), str(n)) for kind, n in open_kinds(db)]


def all_staff(db: Database) -> list[Choice]:
    """Every person who can be made responsible (for the household page), by name."""
    with db.engine.connect() as conn:
        found = conn.execute(sql("SELECT id, name, COALESCE(title, '') FROM staff WHERE deleted = 0")).all()
    out = [Choice(r[0], r[1], r[2]) for r in found]
    out.sort(key=lambda c: (_sort_key(c.name), c.detail))
    return out


def owed_by_loan(db: Database, loan_ids: Iterable[str]) -> dict[str, Owed]:
    """What each loan still owes (principal and interest), as the repayment form shows it."""
    out: dict[str, Owed] = {}
    with Session(db.engine) as s:
        for loan_id in dict.fromkeys(loan_ids):
            loan = s.get(Loan, loan_id)
            if loan is not None and not loan.deleted:
                bank = s.scalar(select(func.coalesce(func.sum(Repayment.principal_fen), 0)).where(
                    Repayment.loan_id == loan_id, Repayment.source == "bank", Repayment.deleted.is_(False))) or 0
                out[loan_id] = replace(owed(s, loan), bank_reported_fen=bank)
    return out
