"""The list of agreements the window shows: one row per agreement with where it stands on a
date (paid, next installment, days overdue), in a handful of queries.  Read-only.

Whether an agreement in force is kept is measured the way ``agreements.broken_agreements``
and ``agreements.agreements_due`` measure it (``domain.schedule.standing`` over the
repayments recorded against it by that date), so the window's 已违约 / 近期到期 filters list
exactly the agreements those functions give.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from app.db.models import Agreement, AgreementLoan, Household, Installment, Loan, Repayment, Unit, Village
from app.db.session import Database
from app.domain.agreement_status import STATUS_NAMES
from app.domain.schedule import fill_installments, standing
from app.services.agreements.views import IN_FORCE

# How the window's list names each state (the stored status, or the measured one when in force):
# the names of app.domain.agreement_status, two of them shorter or plainer for a list.
STATE_NAMES = {**STATUS_NAMES, "printed": "已打印待签字", "superseded": "旧版本"}
WAITING = ("draft", "printed")


@dataclass
class AgreementListItem:
    id: str
    number: str
    version: int
    status: str                 # as stored
    state: str                  # as measured on ``as_of`` when in force, else the stored status
    household_id: str
    household: str
    initials: str
    phone: str | None
    township: str
    village: str
    loan_nos: tuple[str, ...]
    as_of: date
    signed_on: date | None
    total_fen: int
    paid_fen: int
    installments: int
    next_no: int | None = None
    next_due: date | None = None
    next_left_fen: int = 0
    days_overdue: int = 0
    arrears_fen: int = 0
    missed: int = 0
    reduction_void: bool = False

    @property
    def remaining_fen(self) -> int:
        return self.total_fen - self.paid_fen

    @property
    def state_name(self) -> str:
        return STATE_NAMES.get(self.state, self.state)

    @property
    def label(self) -> str:
        return self.number if self.version == 1 else f"{self.number}（第{self.version}版）"

    @property
    def place(self) -> str:
        return " ".join(p for p in (self.township, self.village) if p)

    def due_within(self, as_of: date, days: int) -> bool:
        """Running and the next installment due by ``as_of + days`` (overdue ones included),
        as ``agreements.agreements_due`` counts it."""
        return self.state == "signed" and self.next_due is not None and self.next_due <= as_of + timedelta(days=days)

    def matches(self, text: str) -> bool:
        """Search: number, name, pinyin initials, phone, place or a loan number contains ``text``."""
        t = text.strip().lower()
        if not t:
            return True
        fields = (self.number, self.household, self.initials, self.phone or "", self.township, self.village,
                  *self.loan_nos)
        return any(t in f.lower() for f in fields)


def overview(db: Database, as_of: date, *, include_history: bool = True) -> list[AgreementListItem]:
    """Every agreement (superseded versions too unless ``include_history`` is False), newest
    first, measured on ``as_of``."""
    with Session(db.engine) as s:
        stmt = (select(Agreement, Household.head_name, Household.pinyin_initials, Household.phone, Unit.name,
                       Village.name)
                .join(Household, Household.id == Agreement.household_id)
                .outerjoin(Unit, Unit.id == Household.township_id)
                .outerjoin(Village, Village.id == Household.village_id)
                .where(Agreement.deleted.is_(False))
                .order_by(Agreement.as_of.desc(), Agreement.number.desc(), Agreement.version.desc()))
        if not include_history:
            stmt = stmt.where(Agreement.status != "superseded")
        rows = s.execute(stmt).all()
        if not rows:
            return []
        plans: dict[str, list[tuple[int, date, int]]] = defaultdict(list)
        for ag_id, no, due, amount in s.execute(
                select(Installment.agreement_id, Installment.no, Installment.due_date, Installment.amount_fen)
                .where(Installment.deleted.is_(False)).order_by(Installment.agreement_id, Installment.no)):
            plans[ag_id].append((no, due, amount))
        paid: dict[str, tuple[int, int]] = {
            ag_id: (int(total or 0), int(by_date or 0)) for ag_id, total, by_date in s.execute(
                select(Repayment.agreement_id, func.sum(Repayment.amount_fen),
                       func.sum(case((Repayment.paid_on <= as_of, Repayment.amount_fen), else_=0)))
                .where(Repayment.agreement_id.is_not(None), Repayment.deleted.is_(False))
                .group_by(Repayment.agreement_id))}
        loan_nos: dict[str, list[str]] = defaultdict(list)
        for ag_id, loan_no in s.execute(
                select(AgreementLoan.agreement_id, Loan.loan_no).join(Loan, Loan.id == AgreementLoan.loan_id)
                .where(AgreementLoan.deleted.is_(False)).order_by(Loan.loan_no)):
            loan_nos[ag_id].append(loan_no)
    out = []
    for ag, head, initials, phone, town, village in rows:
        total_paid, paid_by_date = paid.get(ag.id, (0, 0))
        item = AgreementListItem(
            id=ag.id, number=ag.number, version=ag.version, status=ag.status, state=ag.status,
            household_id=ag.household_id, household=head or "", initials=initials or "", phone=phone,
            township=town or "", village=village or "", loan_nos=tuple(loan_nos.get(ag.id, ())), as_of=ag.as_of,
            signed_on=ag.signed_on, total_fen=ag.total_fen, paid_fen=total_paid,
            installments=len(plans.get(ag.id, ())))
        _measure(item, ag, plans.get(ag.id, []), paid_by_date, as_of)
        out.append(item)
    return out


def _measure(item: AgreementListItem, ag: Agreement, plan: list[tuple[int, date, int]], paid_fen: int,
             as_of: date) -> None:
    if not plan:
        return
    in_force = ag.status in IN_FORCE and (ag.signed_on is None or ag.signed_on <= as_of)
    if in_force:
        st = standing(plan, paid_fen, as_of, grace_days=ag.grace_days, void_after_missed=ag.void_after_missed)
        item.state = st.state
        item.next_no, item.next_due, item.next_left_fen = st.next_no, st.next_due, st.next_left_fen
        item.days_overdue = (as_of - st.next_due).days if st.overdue and st.next_due else 0
        item.arrears_fen, item.missed, item.reduction_void = st.arrears_fen, len(st.missed), st.reduction_void
    elif ag.status in WAITING or ag.status in IN_FORCE:  # not signed yet, or signed after as_of
        filled = fill_installments(paid_fen, [a for _, _, a in plan])
        for (no, due, amount), got in zip(plan, filled):
            if got < amount:
                item.next_no, item.next_due, item.next_left_fen = no, due, amount - got
                break
