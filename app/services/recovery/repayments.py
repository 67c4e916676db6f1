"""Recording a repayment (还款) from the household page or ``qingshou repay``.

A repayment pays principal first, then interest — unless the loan is covered by a repayment
agreement in force, whose own order applies (``app.services.recovery.agreement_payments`` books it;
see ``agreement_payments.record_agreement_payment``).  ``Loan.balance_fen`` is kept equal to the task amount less the principal
recovered; when it reaches 0 the loan moves to the stage 结清 (with a stage event).  The
household list's index is refreshed in the same unit of work, so every figure shows it at
once.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.db.models import Agreement, Loan, Repayment, StageEvent
from app.db.search_index import refresh_search
from app.db.session import Database
from app.domain.errors import InputError, NotFound
from app.domain.money import format_yuan, yuan_str
from app.domain.stages import Stage
from app.services.foundation.work_common import check_day, find_loan, rederive_bank
from app.services.recovery.agreement_payments import agreement_in_force, record_agreement_payment


class Allocation(NamedTuple):
    principal_fen: int
    interest_fen: int
    penalty_fen: int = 0


@dataclass(frozen=True)
class Owed:
    principal_fen: int     # task amount − principal recovered (= the loan's balance)
    interest_fen: int      # the latest ledger's 欠息 less interest paid since that ledger
    # Principal bank ledgers reported recovered: money the township may still record late (it
    # is then matched, not counted twice), so a repayment form lets it through up to this much more.
    bank_reported_fen: int = 0

    @property
    def total_fen(self) -> int:
        return self.principal_fen + self.interest_fen


@dataclass(frozen=True)
class RepaymentResult:
    repayment_id: str
    loan_id: str
    loan_no: str
    household_id: str
    paid_on: date
    amount_fen: int
    principal_fen: int
    interest_fen: int
    penalty_fen: int
    outstanding_fen: int            # principal still owed after this repayment
    interest_outstanding_fen: int
    settled: bool                   # this repayment moved the loan to 结清
    agreement_id: str | None

    def to_json(self) -> dict:
        return {"repayment_id": self.repayment_id, "loan": self.loan_no, "amount": yuan_str(self.amount_fen),
                "outstanding": yuan_str(self.outstanding_fen), "principal": yuan_str(self.principal_fen),
                "interest": yuan_str(self.interest_fen), "interest_outstanding": yuan_str(self.interest_outstanding_fen),
                "date": self.paid_on.isoformat(), "settled": self.settled}


def owed(s: Session, loan: Loan) -> Owed:
    """What the loan still owes, from its task amount, its latest ledger and the repayments."""
    recovered = s.scalar(select(func.coalesce(func.sum(Repayment.principal_fen), 0)).where(
        Repayment.loan_id == loan.id, Repayment.deleted.is_(False))) or 0
    paid_interest = select(func.coalesce(func.sum(Repayment.interest_fen), 0)).where(
        Repayment.loan_id == loan.id, Repayment.deleted.is_(False))
    if loan.ledger_date is not None:
        paid_interest = paid_interest.where(Repayment.paid_on > loan.ledger_date)
    interest = max(0, (loan.interest_fen or 0) - (s.scalar(paid_interest) or 0))
    return Owed(max(0, loan.task_amount_fen - recovered), interest)


def record_repayment(db: Database, *, amount_fen: int, loan_no: str | None = None, loan_id: str | None = None,
                     paid_on: date | None = None, note: str | None = None, receipt_no: str | None = None,
                     agreement_id: str | None = None, actor: str = "system") -> RepaymentResult:
    """Record money that came back on one loan.

    Principal first, then interest; under an agreement in force (signed or broken), the
    agreement's own order over its loans (``agreement_payments.record_agreement_payment``).  Refused, with nothing
    written: an unknown loan, an amount ≤ 0 or above what the loan still owes (principal +
    interest; under an agreement: what the agreement still needs), a date in the future or
    before the loan entered the task list.
    """
    with db.uow(actor) as uow:
        result = book_repayment(uow, amount_fen=amount_fen, loan_no=loan_no, loan_id=loan_id, paid_on=paid_on,
                                note=note, receipt_no=receipt_no, agreement_id=agreement_id)
        uow.commit()
        return result


def book_repayment(uow, *, amount_fen: int, loan_no: str | None = None, loan_id: str | None = None,
                   paid_on: date | None = None, note: str | None = None, receipt_no: str | None = None,
                   agreement_id: str | None = None, corrects_id: str | None = None) -> RepaymentResult:
    """``record_repayment`` inside the caller's unit of work (no commit); ``corrects_id``
    names the voided repayment this one corrects (``app.services.work.corrections``)."""
    if amount_fen is None or amount_fen <= 0:
        raise InputError("还款金额必须大于 0")
    s = uow.session
    loan = find_loan(s, loan_no=loan_no, loan_id=loan_id)
    day = check_day(paid_on, "还款日期")
    if day < loan.task_date:
        raise InputError(f"还款日期（{day}）早于借据号 {loan.loan_no} 列入清收任务的日期（{loan.task_date}）")
    if agreement_id is not None:
        ag = s.get(Agreement, agreement_id)
        if ag is None or ag.deleted:
            raise NotFound(f"找不到这份还款协议（{agreement_id}）")
    agreement = agreement_id or agreement_in_force(s, loan.id)
    note = (note or "").strip() or None
    receipt_no = (receipt_no or "").strip() or None
    if agreement is not None:
        paid = record_agreement_payment(uow, agreement, amount_fen, day, note=note, receipt_no=receipt_no,
                                        corrects_id=corrects_id)
        reached = [p for p in paid.allocation.parts if p.amount_fen]
        ids = dict(zip([p.loan_id for p in reached], paid.repayment_ids))
        loans = [s.get(Loan, p.loan_id) for p in reached]
        rep_id = ids.get(loan.id) or paid.repayment_ids[0]
        part = Allocation(sum(p.principal_fen for p in reached), sum(p.interest_fen for p in reached),
                          sum(p.penalty_fen for p in reached))
    else:
        due = owed(s, loan)
        reported = _bank_reported_since(s, loan.id, day)   # this money may be in a ledger already
        room = sum(b.principal_fen for b in reported)
        if amount_fen > due.total_fen + room:
            raise InputError(f"还款金额 {format_yuan(amount_fen)} 元超过借据号 {loan.loan_no} 尚欠的本息 "
                             f"{format_yuan(due.total_fen)} 元（本金 {format_yuan(due.principal_fen)}，"
                             f"利息 {format_yuan(due.interest_fen)}）")
        principal = min(amount_fen, due.principal_fen + room)
        part = Allocation(principal, amount_fen - principal, 0)
        rep = Repayment(loan_id=loan.id, paid_on=day, amount_fen=amount_fen, principal_fen=part.principal_fen,
                        interest_fen=part.interest_fen, penalty_fen=0, source="township",
                        agreement_id=agreement, receipt_no=receipt_no, note=note, corrects_id=corrects_id)
        s.add(rep)
        s.flush()
        rep_id, loans = rep.id, [loan]
        matched = rederive_bank(s, [loan.id]).explained_fen() if reported else 0
    settled = settle_loans(s, loans, day)
    after = owed(s, loan)
    if agreement is None:
        uow.audit("repay", "repayments", rep_id,
                  summary=f"{day} 借据号 {loan.loan_no} 还款 {format_yuan(amount_fen)} 元（本金 "
                          f"{format_yuan(part.principal_fen)}，利息 {format_yuan(part.interest_fen)}），"
                          f"尚欠本金 {format_yuan(after.principal_fen)} 元" + ("，已结清" if settled else "")
                          + (f"；其中 {format_yuan(matched)} 元银行台账已报告收回，不重复计算" if matched else ""))
    refresh_search(s, {ln.household_id for ln in loans} | {loan.household_id})
    return RepaymentResult(rep_id, loan.id, loan.loan_no, loan.household_id, day, amount_fen,
                           part.principal_fen, part.interest_fen, part.penalty_fen, after.principal_fen,
                           after.interest_fen, loan.id in settled, agreement)


def _bank_reported_since(s: Session, loan_id: str, day: date) -> list[Repayment]:
    """Lower balances bank ledgers dated ``day`` or later reported on this loan, oldest first."""
    return list(s.scalars(select(Repayment).where(
        Repayment.loan_id == loan_id, Repayment.source == "bank", Repayment.deleted.is_(False),
        Repayment.paid_on >= day).order_by(Repayment.paid_on, Repayment.created_at)))


def settle_loans(s: Session, loans: list[Loan], day: date) -> set[str]:
    """Keep each loan's balance = task − principal recovered; a loan whose balance reached 0
    moves to 结清 with a stage event.  Returns the ids of the loans settled now."""
    settled = set()
    for ln in loans:
        left = owed(s, ln).principal_fen
        if ln.balance_fen != left:
            ln.balance_fen = left
        if left == 0 and ln.stage != Stage.SETTLED.value:
            s.add(StageEvent(loan_id=ln.id, from_stage=ln.stage, to_stage=Stage.SETTLED.value, on_date=day,
                             note="本金已还清，自动结清"))
            ln.stage, ln.stage_date = Stage.SETTLED.value, day
            settled.add(ln.id)
    return settled
