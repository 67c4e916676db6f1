"""The household page (一户一策): everything about one household.

``detail(db, household_id)`` returns plain dataclasses (people, loans with figures,
categories, the judgement of capacity to repay, responsible people, stage history, a
timeline of visits, repayments, agreements and stage moves).  The page's edits:
``app.services.households.changes``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.agreement_standing import standings, stored_status
from app.db.models import (
    Agreement,
    AgreementLoan,
    Assignment,
    CategoryTag,
    Household,
    Loan,
    Person,
    Repayment,
    Staff,
    StageEvent,
    Unit,
    Village,
    Visit,
)
from app.db.models.agreements import IN_FORCE
from app.db.session import Database
from app.domain.agreement_status import status_name
from app.domain.categories import BY_CODE as CATEGORY_BY_CODE
from app.domain.errors import NotFound
from app.domain.followup import VisitFact, followup_due, in_collection, promise_broken, visit_state
from app.domain.stages import (
    CAPACITY_NAMES,
    DUTY_NAMES,
    METHOD_NAMES,
    OUTCOME_NAMES,
    ROLE_NAMES,
    STAGE_NAMES,
    DutyRole,
    PersonRole,
)
from app.services.households.timeline import TimelineEntry, build_timeline
from app.services.ledger_import import followup as import_followup


@dataclass(frozen=True)
class PersonInfo:
    id: str
    name: str
    role: str
    role_name: str
    id_number: str | None
    id_problem: str | None
    phone: str | None
    is_deceased: bool
    is_imprisoned: bool
    is_unreachable: bool
    release_date: date | None
    note: str | None

    @property
    def flags(self) -> str:
        """"已死亡、服刑（2028-05-01 释放）、失联" — for a list cell."""
        out = []
        if self.is_deceased:
            out.append("已死亡")
        if self.is_imprisoned:
            out.append(f"服刑（{self.release_date} 释放）" if self.release_date else "服刑")
        if self.is_unreachable:
            out.append("失联")
        return "、".join(out)


@dataclass(frozen=True)
class LoanInfo:
    id: str
    loan_no: str
    borrower: str
    issue_date: date | None
    due_date: date | None
    principal_fen: int | None
    task_fen: int
    recovered_fen: int
    outstanding_fen: int       # task − recovered principal (= balance_fen)
    interest_fen: int          # 欠息 per the latest ledger
    stage: str
    stage_name: str
    stage_date: date | None
    interest_suspended: bool
    five_class: str | None
    guarantee: str | None
    bank_branch: str | None
    loan_officer: str | None
    categories: tuple[str, ...]   # tags on this loan only


@dataclass(frozen=True)
class CategoryInfo:
    id: str
    code: str
    name: str
    loan_id: str | None
    loan_no: str | None
    since: date | None
    note: str | None


@dataclass(frozen=True)
class AssignmentInfo:
    id: str
    staff_id: str
    staff_name: str
    staff_title: str | None
    staff_phone: str | None
    duty: str
    duty_name: str
    loan_id: str | None
    loan_no: str | None
    since: date | None


@dataclass(frozen=True)
class StageEventInfo:
    id: str
    loan_id: str
    loan_no: str
    from_stage: str | None
    to_stage: str
    on_date: date
    note: str | None
    void_reason: str | None = None     # set on a voided stage move (a 结清 a 冲正 undid)

    @property
    def text(self) -> str:
        before = STAGE_NAMES.get(self.from_stage, self.from_stage) if self.from_stage else "—"
        return f"{before} → {STAGE_NAMES.get(self.to_stage, self.to_stage)}"


@dataclass(frozen=True)
class VisitInfo:
    id: str
    visited_on: date
    visitors: str | None
    method: str
    method_name: str
    outcome: str
    outcome_name: str
    promised_fen: int | None
    promised_date: date | None
    next_date: date | None
    loan_no: str | None
    note: str | None
    recorded_by: str | None
    corrects_id: str | None = None     # the voided visit this one corrects
    void_reason: str | None = None     # set on a voided visit (shown struck through, never counted)


@dataclass(frozen=True)
class RepaymentInfo:
    id: str
    loan_id: str
    loan_no: str
    paid_on: date
    amount_fen: int
    principal_fen: int
    interest_fen: int
    penalty_fen: int
    source: str
    agreement_id: str | None
    receipt_no: str | None
    note: str | None
    corrects_id: str | None = None     # the voided repayment this one corrects
    void_reason: str | None = None     # set on a voided (冲正) repayment
    recorded_by: str | None = None


@dataclass(frozen=True)
class AgreementInfo:
    id: str
    number: str
    version: int
    status: str
    status_name: str
    signed_on: date | None
    as_of: date
    total_fen: int
    loan_nos: tuple[str, ...]


@dataclass(frozen=True)
class HouseholdDetail:
    id: str
    township_id: str
    township: str
    village_id: str | None
    village: str
    group_name: str | None
    head_name: str
    head_id_number: str | None
    phone: str | None
    address: str | None
    capacity: str
    capacity_name: str
    capacity_reason: str | None
    needs_review: bool
    review_note: str | None
    note: str | None
    people: list[PersonInfo]
    loans: list[LoanInfo]
    categories: list[CategoryInfo]        # household-level and loan-level tags
    assignments: list[AssignmentInfo]
    stage_history: list[StageEventInfo]   # newest first
    visits: list[VisitInfo]               # newest first
    repayments: list[RepaymentInfo]       # newest first
    agreements: list[AgreementInfo]
    timeline: list[TimelineEntry]         # newest first
    as_of: date
    task_fen: int
    recovered_fen: int
    outstanding_fen: int
    last_visit_on: date | None
    last_outcome: str | None
    next_date: date | None
    promise_date: date | None
    promise_fen: int | None
    followup_due: bool
    promise_broken: bool
    # what bank ledgers said that needs checking (台账核实), open items first
    followups: list = field(default_factory=list)

    @property
    def open_followups(self) -> list:
        return [x for x in self.followups if not x.checked]

    @property
    def category_codes(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(c.code for c in self.categories))

    @property
    def household_category_codes(self) -> tuple[str, ...]:
        return tuple(c.code for c in self.categories if c.loan_id is None)


# -- reading ----------------------------------------------------------------------------------
def detail(db: Database, household_id: str, as_of: date | None = None) -> HouseholdDetail:
    """Everything about one household as of ``as_of`` (default today)."""
    day = as_of or date.today()
    with Session(db.engine) as s:
        return _detail(s, household_id, day)


def _live(model):
    return model.deleted.is_(False)


def _detail(s: Session, household_id: str, day: date) -> HouseholdDetail:
    h = s.get(Household, household_id)
    if h is None or h.deleted:
        raise NotFound(f"找不到这个借款户（{household_id}），可能已被删除")
    township = s.get(Unit, h.township_id)
    village = s.get(Village, h.village_id) if h.village_id else None
    persons = s.scalars(select(Person).where(Person.household_id == h.id, _live(Person))
                        .order_by(Person.created_at, Person.id)).all()
    role_order = {r.value: i for i, r in enumerate(PersonRole)}
    persons = sorted(persons, key=lambda p: role_order.get(p.role, 9))
    person_name = {p.id: p.name for p in persons}
    loans = s.scalars(select(Loan).where(Loan.household_id == h.id, _live(Loan))
                      .order_by(Loan.loan_no)).all()
    loan_no = {ln.id: ln.loan_no for ln in loans}
    loan_ids = list(loan_no)
    reps = s.scalars(select(Repayment).where(Repayment.loan_id.in_(loan_ids), _live(Repayment))
                     .order_by(Repayment.paid_on.desc(), Repayment.hlc.desc())).all() if loan_ids else []
    tags = s.scalars(select(CategoryTag).where(CategoryTag.household_id == h.id, _live(CategoryTag))
                     .order_by(CategoryTag.created_at)).all()
    assigns = s.execute(select(Assignment, Staff).join(Staff, Staff.id == Assignment.staff_id)
                        .where(Assignment.household_id == h.id, _live(Assignment))).all()
    events = s.scalars(select(StageEvent).where(StageEvent.loan_id.in_(loan_ids), _live(StageEvent))
                       .order_by(StageEvent.on_date.desc(), StageEvent.hlc.desc())).all() if loan_ids else []
    visits = s.scalars(select(Visit).where(Visit.household_id == h.id, _live(Visit))
                       .order_by(Visit.visited_on.desc(), Visit.hlc.desc())).all()
    agreements = s.scalars(select(Agreement).where(Agreement.household_id == h.id, _live(Agreement))
                           .order_by(Agreement.as_of.desc())).all()
    ag_loans: dict[str, list[str]] = {}
    if agreements:
        for al in s.scalars(select(AgreementLoan).where(
                AgreementLoan.agreement_id.in_([a.id for a in agreements]), _live(AgreementLoan))):
            ag_loans.setdefault(al.agreement_id, []).append(loan_no.get(al.loan_id, al.loan_id))

    recovered: dict[str, int] = {}
    for r in reps:
        if r.paid_on <= day:
            recovered[r.loan_id] = recovered.get(r.loan_id, 0) + r.principal_fen
    loan_infos = []
    for ln in loans:
        rec = min(recovered.get(ln.id, 0), ln.task_amount_fen)
        loan_infos.append(LoanInfo(
            id=ln.id, loan_no=ln.loan_no, borrower=person_name.get(ln.borrower_id or "", h.head_name),
            issue_date=ln.issue_date, due_date=ln.due_date, principal_fen=ln.principal_fen,
            task_fen=ln.task_amount_fen, recovered_fen=rec, outstanding_fen=ln.task_amount_fen - rec,
            interest_fen=ln.interest_fen or 0, stage=ln.stage, stage_name=STAGE_NAMES.get(ln.stage, ln.stage),
            stage_date=ln.stage_date, interest_suspended=bool(ln.interest_suspended), five_class=ln.five_class,
            guarantee=ln.guarantee, bank_branch=ln.bank_branch, loan_officer=ln.loan_officer,
            categories=tuple(t.code for t in tags if t.loan_id == ln.id)))

    state = visit_state([VisitFact(v.visited_on, v.hlc or "", v.outcome, v.next_date, v.promised_date,
                                   v.promised_fen) for v in visits if v.visited_on <= day],
                        [r.paid_on for r in reps if r.paid_on <= day])
    visit_infos = [_visit_info(v, loan_no) for v in visits]
    rep_infos = [_repayment_info(r, loan_no) for r in reps]
    event_infos = [_event_info(e, loan_no) for e in events]
    shown = _agreement_states(s, agreements, day)
    ag_infos = [AgreementInfo(a.id, a.number, a.version, shown[a.id],
                              status_name(shown[a.id]),
                              a.signed_on, a.as_of, a.total_fen, tuple(ag_loans.get(a.id, ())))
                for a in agreements]
    task = sum(li.task_fen for li in loan_infos)
    rec_total = sum(li.recovered_fen for li in loan_infos)
    duty_order = {d.value: i for i, d in enumerate(DutyRole)}
    owed = in_collection(task - rec_total, [li.stage for li in loan_infos])
    return HouseholdDetail(
        id=h.id, township_id=h.township_id, township=township.name if township else "",
        village_id=h.village_id, village=village.name if village else "", group_name=h.group_name,
        head_name=h.head_name, head_id_number=h.head_id_number, phone=h.phone, address=h.address,
        capacity=h.capacity, capacity_name=CAPACITY_NAMES.get(h.capacity, h.capacity),
        capacity_reason=h.capacity_reason, needs_review=bool(h.needs_review), review_note=h.review_note,
        note=h.note,
        people=[PersonInfo(p.id, p.name, p.role, ROLE_NAMES.get(p.role, p.role), p.id_number, p.id_problem,
                           p.phone, bool(p.is_deceased), bool(p.is_imprisoned), bool(p.is_unreachable),
                           p.release_date, p.note) for p in persons],
        loans=loan_infos,
        categories=[CategoryInfo(t.id, t.code, CATEGORY_BY_CODE[t.code].name if t.code in CATEGORY_BY_CODE
                                 else t.code, t.loan_id, loan_no.get(t.loan_id or ""), t.since, t.note)
                    for t in tags],
        assignments=sorted([AssignmentInfo(a.id, st.id, st.name, st.title, st.phone, a.duty,
                                           DUTY_NAMES.get(a.duty, a.duty), a.loan_id,
                                           loan_no.get(a.loan_id or ""), a.since) for a, st in assigns],
                           key=lambda a: (duty_order.get(a.duty, 9), a.loan_no or "", a.staff_name)),
        stage_history=event_infos, visits=visit_infos, repayments=rep_infos, agreements=ag_infos,
        timeline=build_timeline(visit_infos, rep_infos, ag_infos, event_infos, _voided(s, h.id, loan_no)),
        as_of=day, task_fen=task, recovered_fen=rec_total, outstanding_fen=task - rec_total,
        last_visit_on=state.last_visit_on, last_outcome=state.last_outcome, next_date=state.next_date,
        promise_date=state.promise_date, promise_fen=state.promise_fen,
        followup_due=owed and followup_due(state.next_date, day),
        promise_broken=owed and promise_broken(state.promise_date, state.paid_after_promise_on, day),
        followups=import_followup.for_household(s, h.id),
    )


def _agreement_states(s: Session, agreements, day: date) -> dict[str, str]:
    """Each agreement's status as the page shows it: a signed one measured on ``day``
    (signed, broken, fulfilled — never stored), else its own."""
    measured = standings(s, day, [a.id for a in agreements if a.status in IN_FORCE])
    return {a.id: measured[a.id].state if a.id in measured else stored_status(a.status) for a in agreements}


def _visit_info(v: Visit, loan_no: dict[str, str]) -> VisitInfo:
    return VisitInfo(
        id=v.id, visited_on=v.visited_on, visitors=v.visitors, method=v.method,
        method_name=METHOD_NAMES.get(v.method, v.method), outcome=v.outcome,
        outcome_name=OUTCOME_NAMES.get(v.outcome, v.outcome), promised_fen=v.promised_fen,
        promised_date=v.promised_date, next_date=v.next_date, loan_no=loan_no.get(v.loan_id or ""),
        note=v.note, recorded_by=v.updated_by, corrects_id=v.corrects_id,
        void_reason=(v.void_reason or "已作废") if v.deleted else None)


def _repayment_info(r: Repayment, loan_no: dict[str, str]) -> RepaymentInfo:
    return RepaymentInfo(
        id=r.id, loan_id=r.loan_id, loan_no=loan_no.get(r.loan_id, ""), paid_on=r.paid_on,
        amount_fen=r.amount_fen, principal_fen=r.principal_fen, interest_fen=r.interest_fen or 0,
        penalty_fen=r.penalty_fen or 0, source=r.source, agreement_id=r.agreement_id,
        receipt_no=r.receipt_no, note=r.note, corrects_id=r.corrects_id,
        void_reason=(r.void_reason or "已冲正") if r.deleted else None, recorded_by=r.updated_by)


def _event_info(e: StageEvent, loan_no: dict[str, str]) -> StageEventInfo:
    return StageEventInfo(e.id, e.loan_id, loan_no.get(e.loan_id, ""), e.from_stage, e.to_stage, e.on_date,
                          e.note, void_reason=(e.void_reason or "已作废") if e.deleted else None)


def _voided(s: Session, household_id: str, loan_no: dict[str, str]) -> list:
    """The facts of this household a person voided (冲正 / 作废), for the timeline only.  A bank
    report matched with a township repayment is voided by the program, not shown."""
    ids = list(loan_no)
    out: list = [_visit_info(v, loan_no) for v in s.scalars(select(Visit).where(
        Visit.household_id == household_id, Visit.deleted.is_(True)))]
    if ids:
        out += [_repayment_info(r, loan_no) for r in s.scalars(select(Repayment).where(
            Repayment.loan_id.in_(ids), Repayment.deleted.is_(True), Repayment.source == "township"))]
        out += [_event_info(e, loan_no) for e in s.scalars(select(StageEvent).where(
            StageEvent.loan_id.in_(ids), StageEvent.deleted.is_(True)))]
    return out
