"""Recording a visit (入户走访) — fast: a date (today by default), who went, how, what came of
it, a promise, the next follow-up date, notes."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.db.models import Household, Visit
from app.db.search_index import refresh_search
from app.db.session import Database
from app.domain.errors import InputError, NotFound
from app.domain.money import format_yuan
from app.domain.stages import METHOD_NAMES, OUTCOME_NAMES
from app.services.foundation.work_common import check_day, find_loan, method_code, outcome_code


@dataclass(frozen=True)
class VisitResult:
    visit_id: str
    household_id: str
    head_name: str
    loan_id: str | None
    loan_no: str | None
    visited_on: date

    def to_json(self) -> dict:
        return {"visit_id": self.visit_id, "loan": self.loan_no, "household_id": self.household_id,
                "date": self.visited_on.isoformat()}


def record_visit(db: Database, *, outcome: str, household_id: str | None = None, loan_no: str | None = None,
                 loan_id: str | None = None, visited_on: date | None = None, visitors: str | None = None,
                 method: str = "home", promised_fen: int | None = None, promised_date: date | None = None,
                 next_date: date | None = None, note: str | None = None, actor: str = "system") -> VisitResult:
    """Record one visit to a household (named directly or through one of its loans).

    Refused, with nothing written: an unknown household or loan, an unknown outcome or
    method, a date in the future, a promise or follow-up dated before the visit, a promised
    amount that is not positive.
    """
    with db.uow(actor) as uow:
        result = book_visit(uow, outcome=outcome, household_id=household_id, loan_no=loan_no, loan_id=loan_id,
                            visited_on=visited_on, visitors=visitors, method=method, promised_fen=promised_fen,
                            promised_date=promised_date, next_date=next_date, note=note)
        uow.commit()
        return result


def book_visit(uow, *, outcome: str, household_id: str | None = None, loan_no: str | None = None,
               loan_id: str | None = None, visited_on: date | None = None, visitors: str | None = None,
               method: str = "home", promised_fen: int | None = None, promised_date: date | None = None,
               next_date: date | None = None, note: str | None = None,
               corrects_id: str | None = None) -> VisitResult:
    """``record_visit`` inside the caller's unit of work (no commit); ``corrects_id`` names the
    voided visit this one corrects (``app.services.work.corrections``)."""
    outcome_c = outcome_code(outcome)
    method_c = method_code(method or "home")
    s = uow.session
    loan = find_loan(s, loan_no=loan_no, loan_id=loan_id) if (loan_no or loan_id) else None
    if loan is not None:
        if household_id and household_id != loan.household_id:
            raise InputError(f"借据号 {loan.loan_no} 不属于这个借款户")
        household_id = loan.household_id
    if not household_id:
        raise InputError("请指明走访的借款户或借据号")
    h = s.get(Household, household_id)
    if h is None or h.deleted:
        raise NotFound(f"找不到这个借款户（{household_id}）")
    day = check_day(visited_on, "走访日期")
    if next_date is not None and next_date < day:
        raise InputError(f"下次跟进日期（{next_date}）不能早于走访日期（{day}）")
    if promised_date is not None and promised_date < day:
        raise InputError(f"承诺还款日期（{promised_date}）不能早于走访日期（{day}）")
    if promised_fen is not None and promised_fen <= 0:
        raise InputError("承诺还款金额必须大于 0")
    visit = Visit(household_id=h.id, loan_id=loan.id if loan else None, visited_on=day,
                  visitors=(visitors or "").strip() or None, method=method_c, outcome=outcome_c,
                  promised_fen=promised_fen, promised_date=promised_date, next_date=next_date,
                  note=(note or "").strip() or None, corrects_id=corrects_id)
    s.add(visit)
    s.flush()
    uow.audit("visit", "visits", visit.id,
              summary=f"{day} {METHOD_NAMES.get(method_c, method_c)}走访 {h.head_name}：{describe(visit)}")
    refresh_search(s, [h.id])
    return VisitResult(visit.id, h.id, h.head_name, loan.id if loan else None,
                       loan.loan_no if loan else None, day)


def describe(visit: Visit) -> str:
    """"承诺还款，承诺2026-12-01还款500.00 元" — the outcome and the promise, for the audit log."""
    promise = ""
    if visit.promised_fen or visit.promised_date:
        amount = f"{format_yuan(visit.promised_fen)} 元" if visit.promised_fen else ""
        promise = f"，承诺{visit.promised_date or ''}还款{amount}"
    return f"{OUTCOME_NAMES.get(visit.outcome, visit.outcome)}{promise}"
