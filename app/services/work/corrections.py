"""Correcting recorded facts (冲正 / 作废): a repayment or a visit recorded wrong is voided with a
reason and, if wanted, the corrected one recorded in its place — one unit of work.

Facts stay append-only: on the voided row only ``deleted`` and ``void_reason`` change (and the
stamps every change gets); the correction is a new row whose ``corrects_id`` is the voided
row's id.  The audit log says who, when, why and which row replaced which.

A voided repayment no longer counts anywhere, and what depended on it is re-derived, never
patched:

* the bank: a later ledger's lower balance that the voided money explained (its ``bank``
  repayment was voided when the township's was recorded, or was never written because the
  township's came first) counts again as the bank's report, from the ledgers' own figures
  (``ledger_balances``);
* the loan: its balance is task − principal still recovered; a 结清 that is no longer true is
  voided and the loan goes back to the stage it came from;
* an agreement: a payment under it is voided whole (every loan's part under its receipt), and
  the installments' paid amounts and the agreement's status are measured again
  (``agreement_payments.restate_agreement``).

A corrected repayment is booked as a new one would be (``repayments.book_repayment``): under an
agreement in force by the agreement's order, matched with the bank's reports.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import Loan, Repayment, StageEvent, Visit
from app.db.search_index import refresh_search
from app.db.session import Database
from app.domain.errors import InputError, NotFound
from app.domain.money import format_yuan, yuan_str
from app.domain.stages import Stage
from app.services.foundation.work_common import current_day, find_loan, rederive_bank
from app.services.recovery.agreement_payments import restate_agreement
from app.services.recovery.repayments import RepaymentResult, book_repayment, owed, settle_loans
from app.services.work.visits import VisitResult, book_visit
from app.services.work.visits import describe as describe_visit

REASON_MAX = 200
VISIT_FIELDS = ("visited_on", "outcome", "method", "visitors", "promised_fen", "promised_date", "next_date",
                "note")


@dataclass(frozen=True)
class Correction:
    kind: str                          # repayment | visit
    voided_ids: tuple[str, ...]        # an agreement payment: its part on each loan
    reason: str
    household_id: str
    loan_nos: tuple[str, ...]
    voided_amount_fen: int | None      # repayments: the money voided
    corrected: RepaymentResult | VisitResult | None
    outstanding_fen: int | None        # repayments: principal the loan still owes afterwards
    bank_restored_fen: int = 0         # principal the bank's ledgers reported that counts again
    reopened: tuple[str, ...] = ()     # loans whose 结清 was voided

    @property
    def corrected_id(self) -> str | None:
        if isinstance(self.corrected, RepaymentResult):
            return self.corrected.repayment_id
        if isinstance(self.corrected, VisitResult):
            return self.corrected.visit_id
        return None

    def to_json(self) -> dict:
        out: dict[str, Any] = {"voided": list(self.voided_ids), "reason": self.reason, "kind": self.kind,
                               "household_id": self.household_id, "loans": list(self.loan_nos),
                               "corrected_id": self.corrected_id}
        if self.kind == "repayment":
            out.update(amount=yuan_str(self.voided_amount_fen or 0), outstanding=yuan_str(self.outstanding_fen or 0),
                       bank_restored=yuan_str(self.bank_restored_fen), reopened=list(self.reopened),
                       corrected=self.corrected.to_json() if self.corrected else None)
        else:
            out["corrected"] = self.corrected.to_json() if self.corrected else None
        return out

    def sentence(self) -> str:
        """What was done, in one line for the window's status bar and the command line."""
        what = "还款" if self.kind == "repayment" else "走访"
        text = (f"已冲正还款 {format_yuan(self.voided_amount_fen or 0)} 元" if self.kind == "repayment"
                else "已作废这次走访")
        if isinstance(self.corrected, RepaymentResult):
            text += f"，更正为 {format_yuan(self.corrected.amount_fen)} 元（{self.corrected.paid_on}）"
        elif self.corrected is not None:
            text += f"，已记录更正后的{what}"
        if self.bank_restored_fen:
            text += f"；银行台账报告的 {format_yuan(self.bank_restored_fen)} 元仍计为已清收"
        if self.reopened:
            text += f"；借据 {'、'.join(self.reopened)} 不再是结清"
        return text


def _reason(reason: str | None, what: str) -> str:
    text = " ".join((reason or "").split())
    if not text:
        raise InputError(f"请填写{what}原因（例如：金额录错）")
    if len(text) > REASON_MAX:
        raise InputError(f"{what}原因太长（{len(text)} 字，最多 {REASON_MAX} 字）")
    return text


def latest_fact(db: Database, kind: str, loan_no: str) -> str:
    """The id of the latest live repayment (``kind="repayment"``, township-recorded) or visit
    (``kind="visit"``) on the loan with this IOU number: what "冲正 the one I just typed" means."""
    model, day, what = ((Repayment, Repayment.paid_on, "还款") if kind == "repayment"
                        else (Visit, Visit.visited_on, "走访"))
    with Session(db.engine) as s:
        loan = find_loan(s, loan_no=loan_no)
        stmt = select(model.id).where(model.loan_id == loan.id, model.deleted.is_(False))
        if model is Repayment:
            stmt = stmt.where(Repayment.source == "township")
        found = s.scalars(stmt.order_by(model.hlc.desc(), day.desc()).limit(1)).first()
    if found is None:
        raise NotFound(f"借据号 {loan.loan_no} 没有可以{'冲正' if model is Repayment else '作废'}的{what}记录")
    return found


# -- repayments ---------------------------------------------------------------------------------
def void_repayment(db: Database, repayment_id: str, *, reason: str, amount_fen: int | None = None,
                   paid_on: date | None = None, receipt_no: str | None = None, note: str | None = None,
                   actor: str = "system") -> Correction:
    """冲正 a township repayment: void it (with its agreement payment's other parts) and, when
    ``amount_fen`` or ``paid_on`` is given, record the corrected repayment on the same loan
    (the original's date when only the amount is given, and the other way round).

    Refused, with nothing written: an unknown or already voided repayment, one the bank's ledger
    reported (the bank corrects its ledger), no reason, a correction the loan cannot take.
    """
    reason = _reason(reason, "冲正")
    with db.uow(actor) as uow:
        s = uow.session
        rep = s.get(Repayment, repayment_id)
        if rep is None:
            raise NotFound(f"找不到这笔还款（{repayment_id}）")
        loan = s.get(Loan, rep.loan_id)
        if rep.deleted:
            raise InputError(f"借据号 {loan.loan_no} {rep.paid_on} 的还款 {format_yuan(rep.amount_fen)} 元已经冲正"
                             f"（{rep.void_reason or '已作废'}），不能再冲正")
        if rep.source == "bank":
            raise InputError(f"借据号 {loan.loan_no} 的这笔收回是银行台账（{rep.paid_on}）报告的，不能在这里冲正；"
                             "台账有误时请银行更正，再导入更正后的台账")
        group = _payment_rows(s, rep)
        for r in group:
            r.deleted = True
            r.void_reason = reason
        s.flush()
        today = current_day()
        loans = {r.loan_id: s.get(Loan, r.loan_id) for r in group}
        restored = max(0, rederive_bank(s, list(loans)).added_fen)   # what the bank's ledgers showed comes back
        reopened = [ln.loan_no for ln in loans.values() if _reopen(s, ln, reason)]
        for agreement_id in {r.agreement_id for r in group if r.agreement_id}:
            restate_agreement(s, agreement_id, today)
        corrected = None
        if amount_fen is not None or paid_on is not None:
            plain = rep.agreement_id is None
            corrected = book_repayment(
                uow, loan_id=rep.loan_id, amount_fen=amount_fen if amount_fen is not None else sum(
                    r.amount_fen for r in group), paid_on=paid_on or rep.paid_on,
                note=note if note is not None else rep.note,
                receipt_no=receipt_no if receipt_no is not None else (rep.receipt_no if plain else None),
                corrects_id=rep.id)
        settle_loans(s, list(loans.values()), today)
        left = owed(s, loan).principal_fen
        total = sum(r.amount_fen for r in group)
        parts = "、".join(f"借据号 {loans[r.loan_id].loan_no} {format_yuan(r.amount_fen)} 元" for r in group)
        uow.audit("void", "repayments", rep.id, changes={
            "reason": reason, "voided": [r.id for r in group],
            "corrected_by": corrected.repayment_id if corrected else None},
            summary=f"冲正 {rep.paid_on} 的还款 {format_yuan(total)} 元（{parts}"
                    + (f"，协议收款凭证 {rep.receipt_no}" if rep.agreement_id and rep.receipt_no else "")
                    + f"），原因：{reason}"
                    + (f"；更正为 {corrected.paid_on} 还款 {format_yuan(corrected.amount_fen)} 元"
                       f"（{corrected.repayment_id}）" if corrected else "")
                    + (f"；银行台账报告的 {format_yuan(restored)} 元仍计为已清收" if restored else "")
                    + (f"；借据号 {'、'.join(reopened)} 撤销结清" if reopened else ""))
        refresh_search(s, {ln.household_id for ln in loans.values()})
        uow.commit()
        return Correction("repayment", tuple(r.id for r in group), reason, loan.household_id,
                          tuple(dict.fromkeys(ln.loan_no for ln in loans.values())), total, corrected, left,
                          restored, tuple(reopened))


def _payment_rows(s: Session, rep: Repayment) -> list[Repayment]:
    """The rows of one payment: a payment under an agreement is written as one row per loan it
    reached, under one receipt, and is voided whole."""
    if rep.agreement_id is None or not rep.receipt_no:
        return [rep]
    rows = list(s.scalars(select(Repayment).where(
        Repayment.agreement_id == rep.agreement_id, Repayment.receipt_no == rep.receipt_no,
        Repayment.deleted.is_(False), Repayment.source == "township").order_by(Repayment.created_at)))
    return [rep] + [r for r in rows if r.id != rep.id]


def _reopen(s: Session, loan: Loan, reason: str) -> bool:
    """A loan marked 结清 that owes principal again after the void: the 结清 is voided and the
    loan goes back to the stage it was in."""
    left = owed(s, loan).principal_fen
    if loan.balance_fen != left:
        loan.balance_fen = left
    if left == 0 or loan.stage != Stage.SETTLED.value:
        return False
    events = list(s.scalars(select(StageEvent).where(StageEvent.loan_id == loan.id, StageEvent.deleted.is_(False))
                            .order_by(StageEvent.on_date.desc(), StageEvent.hlc.desc())))
    settled = next((e for e in events if e.to_stage == Stage.SETTLED.value), None)
    back = (settled.from_stage if settled else None) or Stage.COLLECTION.value
    if settled is not None:
        settled.deleted = True
        settled.void_reason = f"还款冲正后尚欠本金 {format_yuan(left)} 元，结清作废（{reason}）"[:REASON_MAX]
    earlier = next((e for e in events if e is not settled and e.to_stage == back), None)
    loan.stage, loan.stage_date = back, earlier.on_date if earlier else None
    s.flush()
    return True


# -- visits -------------------------------------------------------------------------------------
def void_visit(db: Database, visit_id: str, *, reason: str, correction: dict[str, Any] | None = None,
               actor: str = "system") -> Correction:
    """作废 a visit and, when ``correction`` is given, record the corrected visit: the voided
    one's fields with those in ``correction`` (keys of ``VISIT_FIELDS``; None clears one).

    Refused, with nothing written: an unknown or already voided visit, no reason, a correction
    a new visit would be refused for (a date in the future, a follow-up before the visit …).
    """
    reason = _reason(reason, "作废")
    unknown = set(correction or ()) - set(VISIT_FIELDS)
    if unknown:
        raise InputError(f"走访没有这些内容：{'、'.join(sorted(unknown))}")
    with db.uow(actor) as uow:
        s = uow.session
        v = s.get(Visit, visit_id)
        if v is None:
            raise NotFound(f"找不到这次走访（{visit_id}）")
        if v.deleted:
            raise InputError(f"{v.visited_on} 的这次走访已经作废（{v.void_reason or '已作废'}），不能再作废")
        v.deleted = True
        v.void_reason = reason
        s.flush()
        corrected = None
        if correction is not None:
            fields = {f: getattr(v, f) for f in VISIT_FIELDS}
            fields.update(correction)
            corrected = book_visit(uow, household_id=v.household_id, loan_id=v.loan_id, corrects_id=v.id, **fields)
        loan = s.get(Loan, v.loan_id) if v.loan_id else None
        uow.audit("void", "visits", v.id, changes={"reason": reason, "corrected_by": corrected.visit_id if corrected
                                                   else None},
                  summary=f"作废 {v.visited_on} 的走访（{describe_visit(v)}），原因：{reason}"
                          + (f"；更正为 {corrected.visited_on} 的走访（{corrected.visit_id}）" if corrected else ""))
        refresh_search(s, [v.household_id])
        uow.commit()
        return Correction("visit", (v.id,), reason, v.household_id, (loan.loan_no,) if loan else (), None,
                          corrected, None)
