"""What the 新建还款协议 dialog reads: households found the way the household list finds them
(``households.page``: everyone's names and every reading of their pinyin initials, ID numbers,
phones, loan numbers); a household's loans (and which are already in an agreement); the plan
an existing agreement was made with, to start a revision from; what the plan being typed comes
to (``measure``: the preview, else at least what the loans owe).  Read-only.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.db.models import Agreement, AgreementLoan, Household, Installment, Loan, Unit, Village
from app.db.session import Database
from app.district.agreement_settings import load as load_settings
from app.domain.agreement_status import STATUS_NAMES
from app.domain.errors import NotFound, UserError
from app.domain.money import split_installments
from app.domain.schedule import due_dates
from app.services import agreements as plans
from app.services import households
from app.services.agreements import owed
from app.services.agreements.agreements import PlanRequest, Preview
from app.services.agreements.owed import Quote
from app.services.agreements.views import ACTIVE, find_agreement
from app.services.households import HouseholdFilter
from app.services.households.search import Match, summary

SEARCH_LIMIT = 30


@dataclass
class HouseholdHit:
    id: str
    name: str
    township: str
    village: str
    phone: str | None
    loans: int
    balance_fen: int
    matched: tuple[Match, ...] = ()

    @property
    def place(self) -> str:
        return " ".join(p for p in (self.township, self.village) if p)

    @property
    def why(self) -> str:
        """What the search matched, when it is not the head of household's name: 担保人 王建国 …"""
        if self.matched and self.matched[0].role == "head" and self.matched[0].field == "name":
            return ""
        return summary(self.matched)


@dataclass
class LoanChoice:
    id: str
    loan_no: str
    issue_date: date | None
    due_date: date | None
    amount_fen: int | None
    balance_fen: int
    interest_fen: int
    rate_ppm: int | None
    suspended: bool
    busy: str | None = None        # "已在协议 … 中" when another open agreement holds it

    @property
    def free(self) -> bool:
        return self.busy is None


@dataclass
class HouseholdLoans:
    id: str
    name: str
    township: str
    village: str
    phone: str | None
    loans: list[LoanChoice] = field(default_factory=list)

    @property
    def place(self) -> str:
        return " ".join(p for p in (self.township, self.village) if p)


def search_households(db: Database, text: str, limit: int = SEARCH_LIMIT) -> list[HouseholdHit]:
    """The first ``limit`` households the list shows for ``text`` (the same search, the same
    order: found by their own head of household or loans first), each with its ledger
    balance and what the text matched.  Nothing for blank text."""
    f = HouseholdFilter(text=text.strip())
    if not f.text:
        return []
    households.prepare(db)
    found = households.rows(db, households.page(db, f, "name", limit=limit).ids, text=f.text)
    if not found:
        return []
    with Session(db.engine) as s:
        balance = dict(s.execute(
            select(Loan.household_id, func.coalesce(func.sum(Loan.balance_fen), 0))
            .where(Loan.household_id.in_([r.id for r in found]), Loan.deleted.is_(False))
            .group_by(Loan.household_id)).all())
    return [HouseholdHit(r.id, r.head_name, r.township, r.village, r.phone or None, r.loans,
                         int(balance.get(r.id, 0)), r.matched) for r in found]


def household_loans(db: Database, household_id: str, *, revising: str | None = None) -> HouseholdLoans:
    """The household and its loans; a loan in another open agreement (not ``revising``) is
    marked busy with the agreement it is in."""
    with Session(db.engine) as s:
        hh = s.get(Household, household_id)
        if hh is None or hh.deleted:
            raise NotFound(f"找不到借款户：{household_id}")
        town = s.get(Unit, hh.township_id)
        village = s.get(Village, hh.village_id) if hh.village_id else None
        loans = list(s.scalars(select(Loan).where(Loan.household_id == hh.id, Loan.deleted.is_(False))
                               .order_by(Loan.loan_no)))
        busy = {}
        for loan_id, ag_id, number, version, status in s.execute(
                select(AgreementLoan.loan_id, Agreement.id, Agreement.number, Agreement.version, Agreement.status)
                .join(Agreement, Agreement.id == AgreementLoan.agreement_id)
                .where(AgreementLoan.loan_id.in_([ln.id for ln in loans]), AgreementLoan.deleted.is_(False),
                       Agreement.deleted.is_(False), Agreement.status.in_(ACTIVE))):
            if ag_id != revising:
                busy[loan_id] = f"已在协议 {number}（第{version}版，{STATUS_NAMES[status]}）中"
        return HouseholdLoans(
            id=hh.id, name=hh.head_name, township=town.name if town else "", village=village.name if village else "",
            phone=hh.phone,
            loans=[LoanChoice(ln.id, ln.loan_no, ln.issue_date, ln.due_date, ln.principal_fen, ln.balance_fen,
                              ln.interest_fen or 0, ln.rate_ppm, bool(ln.interest_suspended), busy.get(ln.id))
                   for ln in loans])


def household_of_loans(db: Database, loan_ids: list[str]) -> str | None:
    """The household of the first of ``loan_ids`` that exists (the dialog opened from a loan)."""
    with Session(db.engine) as s:
        return s.scalars(select(Loan.household_id).where(Loan.id.in_(loan_ids))).first()


@dataclass
class AgreementPlan:
    """An agreement's plan as the dialog edits it: the request that would make it again."""

    agreement_id: str
    number: str
    version: int
    status: str
    household_id: str
    request: PlanRequest


def plan_of(db: Database, agreement_id: str) -> AgreementPlan:
    """The plan an agreement was made with, to start a revision from: the same loans,
    reductions, rates, dates and (when they were typed) amounts."""
    settings = load_settings()
    with Session(db.engine) as s:
        ag = find_agreement(s, agreement_id)
        loan_nos = list(s.scalars(
            select(Loan.loan_no).join(AgreementLoan, AgreementLoan.loan_id == Loan.id)
            .where(AgreementLoan.agreement_id == ag.id, AgreementLoan.deleted.is_(False)).order_by(Loan.loan_no)))
        plan = list(s.execute(select(Installment.due_date, Installment.amount_fen).where(
            Installment.agreement_id == ag.id, Installment.deleted.is_(False)).order_by(Installment.no)))
    dates = [d for d, _ in plan]
    amounts = [a for _, a in plan]
    frequency = ag.frequency if ag.frequency in ("lump", "monthly", "quarterly", "custom") else "custom"
    if plan and frequency != "custom" and due_dates(dates[0], len(dates), frequency) != dates:
        frequency = "custom"
    equal = bool(plan) and split_installments(ag.total_fen, len(plan), round_to=settings.round_to) == amounts
    request = PlanRequest(
        loan_nos=loan_nos, as_of=ag.as_of, installments=len(plan) or None, first_due=dates[0] if dates else None,
        frequency=frequency, dates=dates if frequency == "custom" else None,
        amounts_fen=None if equal else list(amounts),
        waive_interest_fen=ag.waived_interest_fen, waive_penalty_fen=ag.waived_penalty_fen,
        waive_all_interest=bool(ag.interest_fen) and ag.waived_interest_fen == ag.interest_fen,
        waive_all_penalty=bool(ag.penalty_fen) and ag.waived_penalty_fen == ag.penalty_fen,
        approval_ref=ag.approval_ref, condition=ag.conditions, rate_ppm=ag.interest_rate_ppm,
        penalty_rate_ppm=ag.penalty_rate_ppm, allocation_order=ag.allocation_order, grace_days=ag.grace_days,
        void_after_missed=ag.void_after_missed, note=ag.note)
    return AgreementPlan(ag.id, ag.number, ag.version, ag.status, ag.household_id, request)


@dataclass
class Measured:
    """What the dialog shows for its fields: the plan's preview when they make a plan the
    service accepts, else why not (``error``); what the loans owe whenever that can be told."""

    preview: Preview | None = None
    quote: Quote | None = None
    error: str | None = None


def measure(db: Database, request: PlanRequest | None, loan_nos: list[str], as_of: date, *,
            rate_ppm: int | None = None, penalty_rate_ppm: int | None = None,
            revising: str | None = None) -> Measured:
    """``request``: the plan the fields make (None while one is wrong); the rest: what the owed
    figures are measured with, shown even without a plan."""
    out = Measured()
    if request is not None:
        try:
            out.preview = plans.preview(db, request, revising=revising)
            out.quote = out.preview.quote
            return out
        except UserError as exc:
            out.error = str(exc)
    try:
        out.quote = owed.quote(db, loan_nos, as_of, rate_ppm=rate_ppm, penalty_rate_ppm=penalty_rate_ppm)
    except UserError as exc:
        out.error = out.error or str(exc)
    return out
