"""What a household owes on a date (应还欠款): principal balance, interest per the bank's ledger,
and interest and penalty accrued since the ledger's date, loan by loan.  Read-only.

Per loan, on ``as_of``:
* principal = today's balance, plus any principal repaid after ``as_of``;
* interest  = the ledger's 欠息 (``Loan.interest_fen`` at ``Loan.ledger_date``)
              + interest accrued since the ledger date − interest repaid since then;
* penalty   = penalty interest accrued since the ledger date − penalty repaid since then;
accrual by ``app.domain.interest`` (simple, actual/360, penalty from the due date on), at the
contract rate (``Loan.rate_ppm``, else the district's default) or a rate the user sets, and
nothing at all on a loan whose interest is suspended (停息挂账).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import Household, Loan, Repayment
from app.db.session import Database
from app.district.agreement_settings import AgreementSettings
from app.district.agreement_settings import load as load_settings
from app.domain.errors import InputError, NotFound
from app.domain.interest import BASIS_TEXT, accrue, format_rate, penalty_rate
from app.domain.money import yuan_str
from app.reports.forms import LoanTotals
from app.services.foundation import work_common


@dataclass
class LoanOwed:
    loan_id: str
    loan_no: str
    household_id: str
    bank_branch: str | None
    issue_date: date | None
    due_date: date | None
    amount_fen: int | None          # 贷款金额
    principal_fen: int              # balance on as_of
    accrued_from: date
    ledger_interest_fen: int
    accrued_interest_fen: int
    accrued_penalty_fen: int
    paid_interest_fen: int          # repaid since accrued_from
    paid_penalty_fen: int
    rate_ppm: int
    penalty_rate_ppm: int
    rate_source: str                # "contract" | "default" | "set"
    suspended: bool
    interest_days: int = 0
    penalty_days: int = 0

    @property
    def interest_fen(self) -> int:
        return max(0, self.ledger_interest_fen + self.accrued_interest_fen - self.paid_interest_fen)

    @property
    def penalty_fen(self) -> int:
        return max(0, self.accrued_penalty_fen - self.paid_penalty_fen)

    @property
    def owed_fen(self) -> int:
        return self.principal_fen + self.interest_fen + self.penalty_fen

    def to_json(self) -> dict:
        return {"loan": self.loan_no, "principal": yuan_str(self.principal_fen),
                "ledger_interest": yuan_str(self.ledger_interest_fen), "ledger_date": self.accrued_from.isoformat(),
                "accrued_interest": yuan_str(self.accrued_interest_fen),
                "accrued_penalty": yuan_str(self.accrued_penalty_fen),
                "paid_interest": yuan_str(self.paid_interest_fen), "paid_penalty": yuan_str(self.paid_penalty_fen),
                "interest": yuan_str(self.interest_fen), "penalty": yuan_str(self.penalty_fen),
                "owed": yuan_str(self.owed_fen), "rate_ppm": self.rate_ppm,
                "penalty_rate_ppm": self.penalty_rate_ppm, "rate_source": self.rate_source,
                "interest_suspended": self.suspended}


@dataclass
class Quote(LoanTotals):
    """The breakdown of what is owed, ready to show in the window before an agreement is made."""

    as_of: date
    household_id: str
    household: str
    loans: list[LoanOwed] = field(default_factory=list)
    basis_text: str = BASIS_TEXT

    @property
    def warnings(self) -> list[str]:
        """What the user must know before relying on the figures (a rate the bank never gave)."""
        return default_rate_warnings([(ln.loan_no, ln.rate_ppm, ln.rate_source) for ln in self.loans])


def default_rate_warnings(loans: list[tuple[str, int | None, str | None]]) -> list[str]:
    """One sentence for the loans (loan number, rate, rate source) computed at the default rate."""
    by_rate: dict[int | None, list[str]] = defaultdict(list)
    for loan_no, rate, source in loans:
        if source == "default":
            by_rate[rate].append(loan_no)
    return [f"借据号 {'、'.join(nos)} 没有合同利率（台账未载明），利息按默认年利率 {format_rate(rate)} 测算，"
            "请向银行核实合同利率" for rate, nos in by_rate.items()]


def quote(db: Database, loan_nos: list[str], as_of: date, *, rate_ppm: int | None = None,
          penalty_rate_ppm: int | None = None) -> Quote:
    """What the loans (of one household) owe on ``as_of``; nothing is written."""
    settings = load_settings()
    with Session(db.engine) as session:
        loans = load_loans(session, loan_nos)
        return quote_loans(session, loans, as_of, settings, rate_ppm=rate_ppm,
                           penalty_rate_ppm=penalty_rate_ppm)


def load_loans(session: Session, loan_nos: list[str]) -> list[Loan]:
    """The loans by number, in the order given; refused unless all exist and share a household."""
    nos = list(dict.fromkeys(n.strip() for n in loan_nos if n and n.strip()))
    if not nos:
        raise InputError("请至少选择一笔贷款")
    found = {ln.loan_no: ln for ln in session.scalars(
        select(Loan).where(Loan.loan_no.in_(nos), Loan.deleted.is_(False)))}
    missing = [n for n in nos if n not in found]
    if missing:
        raise NotFound(f"找不到贷款：借据号 {'、'.join(missing)}")
    loans = [found[n] for n in nos]
    households = list(dict.fromkeys(ln.household_id for ln in loans))
    if len(households) > 1:
        names = {h.id: h.head_name for h in session.scalars(
            select(Household).where(Household.id.in_(households)))}
        who = "，".join(f"{ln.loan_no} 属于 {names.get(ln.household_id, '?')} 户" for ln in loans)
        raise InputError(f"一份协议中的贷款必须属于同一户：{who}")
    return loans


def quote_loans(session: Session, loans: list[Loan], as_of: date, settings: AgreementSettings, *,
                rate_ppm: int | None = None, penalty_rate_ppm: int | None = None) -> Quote:
    paid: dict[str, list[Repayment]] = defaultdict(list)
    for r in session.scalars(select(Repayment).where(
            Repayment.loan_id.in_([ln.id for ln in loans]), Repayment.deleted.is_(False))):
        paid[r.loan_id].append(r)
    household = session.get(Household, loans[0].household_id)
    q = Quote(as_of=as_of, household_id=loans[0].household_id, household=household.head_name if household else "")
    for loan in loans:
        q.loans.append(_owed(loan, paid[loan.id], as_of, settings, rate_ppm, penalty_rate_ppm))
    return q


def _owed(loan: Loan, repayments: list[Repayment], as_of: date, settings: AgreementSettings,
          rate_override: int | None, penalty_override: int | None) -> LoanOwed:
    since = loan.ledger_date or loan.task_date
    if as_of < since:
        if since <= work_common.current_day():
            raise InputError(f"计算日期 {as_of} 早于贷款 {loan.loan_no} 的台账日期 {since}")
        # The bank's ledger is dated after today (its 数据截至 is ahead of this computer's
        # date): take its figures as they stand, with nothing accrued on top.
        since = as_of
    if rate_override is not None:
        rate, source = rate_override, "set"
    elif loan.rate_ppm:
        rate, source = loan.rate_ppm, "contract"
    else:
        rate, source = settings.default_rate_ppm, "default"
    pen_rate = penalty_override if penalty_override is not None else penalty_rate(rate, settings.penalty_markup_ppm)
    after = sum(r.principal_fen for r in repayments if r.paid_on > as_of)
    window = [r for r in repayments if since < r.paid_on <= as_of]
    principal = loan.balance_fen + after
    start_balance = principal + sum(r.principal_fen for r in window)
    acc = accrue(start_balance, since, as_of, rate_ppm=rate, penalty_rate_ppm=pen_rate, due_date=loan.due_date,
                 principal_paid=[(r.paid_on, r.principal_fen) for r in window], suspended=loan.interest_suspended)
    return LoanOwed(
        loan_id=loan.id, loan_no=loan.loan_no, household_id=loan.household_id, bank_branch=loan.bank_branch,
        issue_date=loan.issue_date, due_date=loan.due_date, amount_fen=loan.principal_fen,
        principal_fen=principal, accrued_from=since, ledger_interest_fen=loan.interest_fen or 0,
        accrued_interest_fen=acc.interest_fen, accrued_penalty_fen=acc.penalty_fen,
        paid_interest_fen=sum(r.interest_fen or 0 for r in window),
        paid_penalty_fen=sum(r.penalty_fen or 0 for r in window),
        rate_ppm=rate, penalty_rate_ppm=pen_rate, rate_source=source, suspended=loan.interest_suspended,
        interest_days=acc.interest_days, penalty_days=acc.penalty_days)
