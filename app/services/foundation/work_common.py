"""Small pieces the daily-work services share: finding a loan, checking a date, codes."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db import bank_recovery
from app.db.models import Loan
from app.domain.errors import InputError, NotFound
from app.domain.stages import METHOD_NAMES, OUTCOME_NAMES


def find_loan(s: Session, *, loan_no: str | None = None, loan_id: str | None = None) -> Loan:
    """The live loan with this IOU number (or id); ``NotFound`` in plain words otherwise."""
    if loan_id:
        loan = s.get(Loan, loan_id)
        if loan is None or loan.deleted:
            raise NotFound(f"找不到这笔贷款（{loan_id}）")
        return loan
    no = (loan_no or "").strip()
    if not no:
        raise InputError("请填写借据号")
    loan = s.scalars(select(Loan).where(Loan.loan_no == no)).first()
    if loan is None:
        raise NotFound(f"找不到借据号为 {no} 的贷款")
    if loan.deleted:
        raise NotFound(f"借据号为 {no} 的贷款已被删除")
    return loan


def current_day() -> date:
    """Today, as the checks of facts' dates read it (tests that play out months move it)."""
    return date.today()


def check_day(value: date | None, what: str, *, today: date | None = None) -> date:
    """A fact's date: today when not given, never in the future."""
    today = today or current_day()
    day = value or today
    if day > today:
        raise InputError(f"{what}（{day}）不能晚于今天（{today}）")
    return day


def _code(value: str, names: dict, what: str, aliases: dict | None = None) -> str:
    t = (value or "").strip()
    if aliases and t in aliases:
        return aliases[t]
    for member, label in names.items():
        if t in (member.value, label):
            return member.value
    allowed = "、".join(f"{m.value}（{label}）" for m, label in names.items())
    raise InputError(f"未知的{what}：{value}（可用：{allowed}）")


def outcome_code(value: str) -> str:
    """A visit outcome from its code or its Chinese name (承诺还款, 部分还款, 拒绝 …)."""
    return _code(value, OUTCOME_NAMES, "走访结果",
                 {"无能力": "unable", "已还款": "paid", "还款": "paid", "承诺": "promised"})


def method_code(value: str) -> str:
    """A visit method from its code or its Chinese name (上门, 电话, 委托, 村委协助 …)."""
    return _code(value, METHOD_NAMES, "走访方式", {"入户": "home", "村委": "village"})


def rederive_bank(s: Session, loan_ids) -> bank_recovery.BankChange:
    """The bank's reported recovery of these loans derived again (``app.db.bank_recovery``), in
    the unit of work, after township money was recorded or voided: a repayment dated on or
    before a ledger that showed the drop takes the bank's figure's place, its void brings it
    back.  Loaded rows are read again afterwards (balances changed underneath them)."""
    s.flush()
    change = bank_recovery.derive(s.connection(), loan_ids, current_day())
    s.expire_all()
    return change
