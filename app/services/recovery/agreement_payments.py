"""Money paid under an agreement: split into penalty / interest / principal in the agreement's
order, spread over its loans, and filled into its installments in order.

How the loan repayment service (``app/services/recovery/repayments.py``, ``record_repayment``) uses this,
inside its own unit of work:

1. ``agreement_id = agreement_in_force(uow.session, loan_id)``; if None, book the repayment to
   the loan as usual.
2. Otherwise call ``record_agreement_payment(uow, agreement_id, amount_fen, paid_on, note=...)``
   (it calls :func:`allocate_to_agreement`, writes one ``Repayment`` per loan the money reached,
   all with ``agreement_id`` and one ``receipt_no``, and lowers each loan's ``balance_fen`` by
   its principal part), then commit.  It refuses more than the agreement still needs; the
   service may book any excess to the loan itself.
A service that writes its own ``Repayment`` rows calls :func:`allocate_to_agreement` and
writes one row per ``allocation.parts`` entry with those amounts and the ``agreement_id``:
whether an agreement is kept is measured from those rows.
"""
from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.db.models import Agreement, AgreementLoan, Installment, Loan, Repayment
from app.db.models.agreements import IN_FORCE
from app.db.search_index import refresh_search
from app.db.session import Database
from app.domain.agreement_status import STATUS_NAMES
from app.domain.errors import InputError, IntegrityError
from app.domain.money import yuan_str
from app.domain.schedule import PartOwed, fill_installments, parse_order, split_payment, standing
from app.services.agreements.views import agreement_label, agreement_loans, find_agreement, loan_waivers
from app.services.foundation.work_common import check_day, rederive_bank

# The stored status of one that takes payments (``broken`` and ``fulfilled`` as older versions
# stored them: ``views.stored_status``); whether it still owes anything is measured.
PAYABLE = IN_FORCE


@dataclass
class LoanPart:
    loan_id: str
    loan_no: str
    principal_fen: int = 0
    interest_fen: int = 0
    penalty_fen: int = 0

    @property
    def amount_fen(self) -> int:
        return self.principal_fen + self.interest_fen + self.penalty_fen


@dataclass
class InstallmentPaid:
    no: int
    due: date
    paid_now_fen: int
    left_fen: int             # of this installment after the payment


@dataclass
class AgreementAllocation:
    agreement_id: str
    number: str
    version: int
    amount_fen: int
    paid_on: date
    parts: list[LoanPart]
    installments: list[InstallmentPaid]
    paid_before_fen: int
    remaining_fen: int        # still to pay under the agreement after this payment
    status: str               # how the agreement stands after it: signed, broken or fulfilled (measured)


@dataclass
class PaymentResult:
    receipt_no: str
    repayment_ids: list[str]
    allocation: AgreementAllocation = field(repr=False)

    def to_json(self) -> dict:
        a = self.allocation
        return {"receipt_no": self.receipt_no, "agreement_id": a.agreement_id, "number": a.number,
                "amount": yuan_str(a.amount_fen), "paid_on": a.paid_on.isoformat(),
                "parts": [{"loan": p.loan_no, "principal": yuan_str(p.principal_fen),
                           "interest": yuan_str(p.interest_fen), "penalty": yuan_str(p.penalty_fen)}
                          for p in a.parts if p.amount_fen],
                "installments": [{"no": i.no, "due": i.due.isoformat(), "paid": yuan_str(i.paid_now_fen),
                                  "left": yuan_str(i.left_fen)} for i in a.installments],
                "remaining": yuan_str(a.remaining_fen), "status": a.status,
                "repayment_ids": self.repayment_ids}


def agreement_in_force(session: Session, loan_id: str) -> str | None:
    """The id of the signed agreement covering the loan that still has something to pay (not
    yet fulfilled: a repayment on a loan whose agreement is paid in full is a plain one)."""
    paid = (select(func.coalesce(func.sum(Repayment.amount_fen), 0))
            .where(Repayment.agreement_id == Agreement.id, Repayment.deleted.is_(False)).scalar_subquery())
    return session.scalars(
        select(Agreement.id).join(AgreementLoan, AgreementLoan.agreement_id == Agreement.id)
        .where(AgreementLoan.loan_id == loan_id, AgreementLoan.deleted.is_(False),
               Agreement.deleted.is_(False), Agreement.status.in_(PAYABLE), paid < Agreement.total_fen)).first()


def allocate_to_agreement(uow, agreement_id: str, amount_fen: int, paid_on: date) -> AgreementAllocation:
    """Split ``amount_fen`` paid on ``paid_on`` by the agreement's allocation order, fill its
    installments in order (``Installment.paid_fen``) and update its status.  Writes no
    ``Repayment``: the caller does, from ``parts`` (see the module's notes), and commits."""
    s = uow.session
    ag = find_agreement(s, agreement_id)
    if ag.status not in PAYABLE:
        raise IntegrityError(f"协议 {agreement_label(ag)} {STATUS_NAMES[ag.status]}，不能按协议收款"
                             + ("（请先签订）" if ag.status in ("draft", "printed") else ""))
    if _paid(s, ag.id) >= ag.total_fen:
        raise IntegrityError(f"协议 {agreement_label(ag)} {STATUS_NAMES['fulfilled']}，不能按协议收款")
    if amount_fen <= 0:
        raise InputError(f"还款金额必须大于零：{yuan_str(amount_fen)} 元")
    check_day(paid_on, "还款日期")
    if ag.signed_on and paid_on < ag.signed_on:
        raise InputError(f"还款日期 {paid_on} 早于协议 {agreement_label(ag)} 的签订日期 {ag.signed_on}")
    pairs = agreement_loans(s, ag.id)
    paid_parts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    paid_before = 0
    for r in s.scalars(select(Repayment).where(Repayment.agreement_id == ag.id, Repayment.deleted.is_(False))):
        acc = paid_parts[r.loan_id]
        acc[0] += r.principal_fen
        acc[1] += r.interest_fen or 0
        acc[2] += r.penalty_fen or 0
        paid_before += r.amount_fen
    remaining = ag.total_fen - paid_before
    if amount_fen > remaining:
        raise InputError(f"还款 {yuan_str(amount_fen)} 元超过协议 {agreement_label(ag)} 尚欠的 {yuan_str(remaining)} 元")
    owed = []
    for (row, loan), (w_int, w_pen) in zip(pairs, loan_waivers(ag, [r for r, _ in pairs])):
        p, i, n = paid_parts[loan.id]
        owed.append(PartOwed(loan.id, principal=max(row.principal_fen - p, 0),
                             interest=max(row.interest_fen - w_int - i, 0),
                             penalty=max(row.penalty_fen - w_pen - n, 0)))
    split, leftover = split_payment(amount_fen, parse_order(ag.allocation_order), owed)
    if leftover:  # the parts and the total disagree: a bug or a damaged agreement, never guess
        raise IntegrityError(f"协议 {agreement_label(ag)} 的分项欠款与应还合计不一致，无法分配还款；请重新生成协议")
    loan_nos = {loan.id: loan.loan_no for _, loan in pairs}
    parts = [LoanPart(o.key, loan_nos[o.key], o.principal, o.interest, o.penalty) for o in split]

    rows = sorted(s.scalars(select(Installment).where(Installment.agreement_id == ag.id,
                                                      Installment.deleted.is_(False))), key=lambda i: i.no)
    amounts = [i.amount_fen for i in rows]
    before = fill_installments(paid_before, amounts)
    after = fill_installments(paid_before + amount_fen, amounts)
    touched = []
    for inst, b, a in zip(rows, before, after):
        if inst.paid_fen != a:
            inst.paid_fen = a
        if a > b:
            touched.append(InstallmentPaid(inst.no, inst.due_date, a - b, inst.amount_fen - a))
    paid_total = paid_before + amount_fen
    return AgreementAllocation(ag.id, ag.number, ag.version, amount_fen, paid_on, parts, touched,
                               paid_before, ag.total_fen - paid_total, _state(ag, rows, paid_total, paid_on))


def _paid(session: Session, agreement_id: str) -> int:
    return session.scalar(select(func.coalesce(func.sum(Repayment.amount_fen), 0)).where(
        Repayment.agreement_id == agreement_id, Repayment.deleted.is_(False))) or 0


def _state(ag: Agreement, rows: list[Installment], paid_total: int, day: date) -> str:
    """How the agreement stands on ``day`` with ``paid_total`` paid under it (never stored)."""
    if paid_total >= ag.total_fen:
        return "fulfilled"
    return standing([(i.no, i.due_date, i.amount_fen) for i in rows], paid_total, day,
                    grace_days=ag.grace_days, void_after_missed=ag.void_after_missed).state


def restate_agreement(session: Session, agreement_id: str, day: date) -> str:
    """After a payment under the agreement was voided (``app.services.work.corrections``): its
    installments' paid amounts again from the repayments still standing — re-derived, never
    patched.  Returns how it now stands (measured; an agreement not in force: its own status)."""
    ag = session.get(Agreement, agreement_id)
    paid_total = sum(r.amount_fen for r in session.scalars(select(Repayment).where(
        Repayment.agreement_id == agreement_id, Repayment.deleted.is_(False))))
    rows = sorted(session.scalars(select(Installment).where(Installment.agreement_id == agreement_id,
                                                            Installment.deleted.is_(False))), key=lambda i: i.no)
    for inst, filled in zip(rows, fill_installments(paid_total, [i.amount_fen for i in rows])):
        if inst.paid_fen != filled:
            inst.paid_fen = filled
    if ag.status in PAYABLE and rows:
        return _state(ag, rows, paid_total, day)
    return ag.status


def record_agreement_payment(uow, agreement_id: str, amount_fen: int, paid_on: date, *,
                             note: str | None = None, receipt_no: str | None = None,
                             corrects_id: str | None = None) -> PaymentResult:
    """Allocate and write the repayments (one per loan reached) inside ``uow``; no commit.
    ``corrects_id``: the voided repayment these correct (``app.services.work.corrections``).

    A loan's principal part that a bank ledger dated on or after ``paid_on`` already showed as
    a lower balance is matched with it, as a plain repayment is (each yuan counts once)."""
    from app.services.recovery.repayments import _bank_reported_since  # (imports this module)

    s = uow.session
    alloc = allocate_to_agreement(uow, agreement_id, amount_fen, paid_on)
    receipt_no = receipt_no or new_receipt_no(paid_on)
    ids, matched = [], 0
    for part in alloc.parts:
        if not part.amount_fen:
            continue
        loan = s.get(Loan, part.loan_id)
        reported = _bank_reported_since(s, loan.id, paid_on)   # this money may be in a ledger already
        room = sum(b.principal_fen for b in reported)
        if part.principal_fen > loan.balance_fen + room:
            raise InputError(f"贷款 {loan.loan_no} 的本金余额只有 {yuan_str(loan.balance_fen)} 元，少于本次应冲抵的"
                             f"本金 {yuan_str(part.principal_fen)} 元；请先核对台账")
        rep = Repayment(loan_id=loan.id, paid_on=paid_on, amount_fen=part.amount_fen,
                        principal_fen=part.principal_fen, interest_fen=part.interest_fen,
                        penalty_fen=part.penalty_fen, source="township", agreement_id=alloc.agreement_id,
                        receipt_no=receipt_no, note=note, corrects_id=corrects_id)
        s.add(rep)
        s.flush()
        ids.append(rep.id)
        # the bank's figure this money explains goes; the balance follows (app.db.bank_recovery)
        matched += rederive_bank(s, [loan.id]).explained_fen()
    refresh_search(s, {s.get(Loan, p.loan_id).household_id for p in alloc.parts if p.amount_fen})
    uow.audit("repay", "agreements", alloc.agreement_id,
              summary=f"按协议 {alloc.number} 收款 {yuan_str(amount_fen)} 元（凭证 {receipt_no}），"
                      f"尚欠 {yuan_str(alloc.remaining_fen)} 元"
                      + (f"；其中 {yuan_str(matched)} 元银行台账已报告收回，不重复计算" if matched else ""))
    return PaymentResult(receipt_no, ids, alloc)


def pay(db: Database, agreement_id: str, amount_fen: int, paid_on: date, actor: str = "system", *,
        note: str | None = None) -> PaymentResult:
    """Record money paid under an agreement (one unit of work) and return its receipt number."""
    from app.services.recovery.repayments import settle_loans  # (imports this module)

    with db.uow(actor) as uow:
        result = record_agreement_payment(uow, agreement_id, amount_fen, paid_on, note=note)
        loans = [uow.session.get(Loan, p.loan_id) for p in result.allocation.parts if p.amount_fen]
        if settle_loans(uow.session, loans, paid_on):   # paid off: 结清, as a repayment would
            refresh_search(uow.session, {ln.household_id for ln in loans})
        uow.commit()
    return result


def new_receipt_no(paid_on: date) -> str:
    """``SJ20261120-3F9A2C``: the date and six random hex digits (unique across laptops)."""
    return f"SJ{paid_on:%Y%m%d}-{uuid.uuid4().hex[:6].upper()}"
