"""Recording a repayment (还款) from the household page or ``qingshou repay``.

A repayment pays principal first, then interest — unless the loan is covered by a signed
repayment agreement, whose own order applies (``app.services.agreements`` decides; see
``_allocate``).  ``Loan.balance_fen`` is kept equal to the task amount less the principal
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

from app.db.models import Agreement, AgreementLoan, Loan, Repayment, StageEvent
from app.db.search_index import refresh_search
from app.db.session import Database
from app.domain.errors import InputError, NotFound
from app.domain.money import yuan_str
from app.domain.stages import STAGE_NAMES, Stage
from app.services._money_compat import format_yuan
from app.services.work_common import check_day, find_loan


class Allocation(NamedTuple):
    principal_fen: int
    interest_fen: int
    penalty_fen: int = 0


@dataclass(frozen=True)
class Owed:
    principal_fen: int     # task amount − principal recovered (= the loan's balance)
    interest_fen: int      # the latest ledger's 欠息 less interest paid since that ledger

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


def _active_agreement(s: Session, loan: Loan) -> str | None:
    return s.scalars(select(Agreement.id).join(AgreementLoan, AgreementLoan.agreement_id == Agreement.id).where(
        AgreementLoan.loan_id == loan.id, AgreementLoan.deleted.is_(False), Agreement.deleted.is_(False),
        Agreement.status == "signed").order_by(Agreement.signed_on.desc())).first()


def _allocate(s: Session, loan: Loan, amount_fen: int, paid_on: date, agreement_id: str | None,
              due: Owed) -> Allocation:
    """Split a repayment into principal, interest and penalty.

    HOOK(agreements): when the loan is covered by a signed agreement, the agreements service
    allocates: ``app.services.agreements.allocate_to_agreement(session, agreement_id, loan,
    amount_fen, paid_on)`` must return ``(principal_fen, interest_fen, penalty_fen)`` adding up
    to ``amount_fen`` (it also marks installments paid), or raise ``UserError`` to refuse.
    Until that function exists, the default order below applies.
    """
    if agreement_id is not None:
        try:
            from app.services.agreements import allocate_to_agreement  # type: ignore[attr-defined]
        except ImportError:  # TODO(agreements): remove this fallback once the service lands
            allocate_to_agreement = None
        if allocate_to_agreement is not None:
            return Allocation(*allocate_to_agreement(s, agreement_id, loan, amount_fen, paid_on))
    principal = min(amount_fen, due.principal_fen)
    return Allocation(principal, amount_fen - principal, 0)


def record_repayment(db: Database, *, amount_fen: int, loan_no: str | None = None, loan_id: str | None = None,
                     paid_on: date | None = None, note: str | None = None, receipt_no: str | None = None,
                     agreement_id: str | None = None, actor: str = "system") -> RepaymentResult:
    """Record money that came back on one loan.

    Refused, with nothing written: an unknown loan, an amount ≤ 0 or above what the loan
    still owes (principal + interest), a date in the future or before the loan entered the
    task list.
    """
    if amount_fen is None or amount_fen <= 0:
        raise InputError("还款金额必须大于 0")
    with db.uow(actor) as uow:
        s = uow.session
        loan = find_loan(s, loan_no=loan_no, loan_id=loan_id)
        day = check_day(paid_on, "还款日期")
        if day < loan.task_date:
            raise InputError(f"还款日期（{day}）早于借据号 {loan.loan_no} 列入清收任务的日期（{loan.task_date}）")
        due = owed(s, loan)
        if amount_fen > due.total_fen:
            raise InputError(f"还款金额 {format_yuan(amount_fen)} 元超过借据号 {loan.loan_no} 尚欠的本息 "
                             f"{format_yuan(due.total_fen)} 元（本金 {format_yuan(due.principal_fen)}，"
                             f"利息 {format_yuan(due.interest_fen)}）")
        if agreement_id is not None:
            ag = s.get(Agreement, agreement_id)
            if ag is None or ag.deleted:
                raise NotFound(f"找不到这份还款协议（{agreement_id}）")
        agreement = agreement_id or _active_agreement(s, loan)
        part = _allocate(s, loan, amount_fen, day, agreement, due)
        if sum(part) != amount_fen or min(part) < 0 or part.principal_fen > due.principal_fen:
            raise InputError(f"还款分配有误：{format_yuan(amount_fen)} 元无法按协议分配到本金和利息")
        rep = Repayment(loan_id=loan.id, paid_on=day, amount_fen=amount_fen, principal_fen=part.principal_fen,
                        interest_fen=part.interest_fen, penalty_fen=part.penalty_fen, source="township",
                        agreement_id=agreement, receipt_no=(receipt_no or "").strip() or None,
                        note=(note or "").strip() or None)
        s.add(rep)
        s.flush()
        after = owed(s, loan)
        loan.balance_fen = after.principal_fen
        settled = False
        if after.principal_fen == 0 and loan.stage != Stage.SETTLED.value:
            s.add(StageEvent(loan_id=loan.id, from_stage=loan.stage, to_stage=Stage.SETTLED.value, on_date=day,
                             note="本金已还清，自动结清"))
            loan.stage, loan.stage_date, settled = Stage.SETTLED.value, day, True
        uow.audit("repay", "repayments", rep.id,
                  summary=f"{day} 借据号 {loan.loan_no} 还款 {format_yuan(amount_fen)} 元（本金 "
                          f"{format_yuan(part.principal_fen)}，利息 {format_yuan(part.interest_fen)}），"
                          f"尚欠本金 {format_yuan(after.principal_fen)} 元"
                          + (f"，{STAGE_NAMES[Stage.SETTLED]}" if settled else ""))
        refresh_search(s, [loan.household_id])
        uow.commit()
        return RepaymentResult(rep.id, loan.id, loan.loan_no, loan.household_id, day, amount_fen,
                               part.principal_fen, part.interest_fen, part.penalty_fen, after.principal_fen,
                               after.interest_fen, settled, agreement)
