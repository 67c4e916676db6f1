"""对账: every loan's ledger readings against the principal its township recorded
(app.domain.reconcile says how), for the whole database — a district's, all its townships; a
township laptop's, its own — or one township.

Read as the bank's reported recovery reads them (app.db.bank_recovery): a reading's date is its
sheet's, else its file's; of two readings of one date, the later import's; ledger imports marked
deleted are left out.  The township's record is its repayments with ``source <> 'bank'`` that are
not voided (``deleted = 0``; a correction is a repayment of its own), with some principal.  Nothing
is written: a reconciliation is made again from the facts each time.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import text

from app.db.bank_recovery import reading_order
from app.db.session import Database
from app.domain.progress import Progress  # it may raise to stop (the window's 取消)
from app.domain.reconcile import LoanFacts, Paid, Reconciliation, latest_per_day, reconcile
from app.services.reporting.township_report import find_township

_CHUNK = 5_000
_LOANS = ("SELECT l.id, l.loan_no, l.task_amount_fen, l.task_date, u.name, v.name, h.head_name "
          "FROM loans l JOIN units u ON u.id = l.township_id LEFT JOIN households h ON h.id = l.household_id "
          "LEFT JOIN villages v ON v.id = h.village_id WHERE l.deleted = 0{scope} ORDER BY l.loan_no")
_READINGS = ("SELECT b.loan_id, coalesce(b.as_of, i.as_of), i.imported_at, i.hlc, i.id, b.balance_fen "
             "FROM ledger_balances b JOIN ledger_imports i ON i.id = b.import_id "
             "WHERE i.deleted = 0 AND coalesce(b.as_of, i.as_of) IS NOT NULL{scope}")
_PAID = ("SELECT r.loan_id, r.paid_on, r.principal_fen FROM repayments r "
         "WHERE r.source <> 'bank' AND r.deleted = 0 AND r.principal_fen > 0{scope}")


def prepare(db: Database, township: str | None = None, *, progress: Progress | None = None) -> Reconciliation:
    """The reconciliation of every loan in the database, or of ``township``'s (its name)."""
    params: dict[str, str] = {}
    scope_name = db.identity().unit_name
    if township is not None:
        params["t"], scope_name = find_township(db, township)
    loans_scope = " AND l.township_id = :t" if params else ""
    of_loans = (" AND {col} IN (SELECT id FROM loans WHERE township_id = :t)") if params else ""
    step = progress or (lambda done, total, words: None)
    step(0, 0, "正在读取贷款……")
    with db.engine.connect() as conn:
        loans = conn.execute(text(_LOANS.format(scope=loans_scope)), params).all()
        step(0, 0, "正在读取台账余额……")
        readings: dict[str, list] = defaultdict(list)
        for loan_id, on, imported_at, stamp, import_id, balance in conn.execute(
                text(_READINGS.format(scope=of_loans.format(col="b.loan_id"))), params):
            readings[loan_id].append((_day(on), reading_order(imported_at, stamp, import_id), balance))
        step(0, 0, "正在读取乡镇登记的还款……")
        paid: dict[str, list[Paid]] = defaultdict(list)
        for loan_id, on, principal in conn.execute(text(_PAID.format(scope=of_loans.format(col="r.loan_id"))),
                                                   params):
            paid[loan_id].append(Paid(_day(on), principal))
    facts = []
    for n, (loan_id, loan_no, task, task_date, unit, village, head) in enumerate(loans):
        if n % _CHUNK == 0:
            step(n, len(loans), f"正在核对第 {n + 1:,} 笔贷款（共 {len(loans):,} 笔）……")
        facts.append(LoanFacts(loan_no, unit or "", village or "", head or "", task or 0, _day(task_date),
                               latest_per_day(readings.get(loan_id, ())), tuple(paid.get(loan_id, ()))))
    result = reconcile(facts, scope_name)
    step(len(loans), len(loans), "对账完成")
    return result


def _day(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
