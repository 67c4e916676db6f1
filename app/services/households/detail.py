"""The household page (一户一策): everything about one household, and its edits as one unit.

``detail(db, household_id)`` returns plain dataclasses (people, loans with figures,
categories, the judgement of capacity to repay, responsible people, stage history, a
timeline of visits, repayments, agreements and stage moves).  ``update(db, household_id,
changes, actor)`` saves the page's edits in one unit of work: all or nothing, each changed
row logged by the audit listener, plus one summary entry.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db import ids
from app.db.models import (Agreement, AgreementLoan, Assignment, CategoryTag, Household, Loan, Person,
                           Repayment, Staff, StageEvent, Unit, Village, Visit)
from app.db.search_index import refresh_search
from app.db.session import Database
from app.domain.categories import BY_CODE as CATEGORY_BY_CODE
from app.domain.errors import InputError, NotFound
from app.domain.followup import VisitFact, followup_due, in_collection, promise_broken, visit_state
from app.domain.stages import (CAPACITY_NAMES, DUTY_NAMES, METHOD_NAMES, OUTCOME_NAMES, ROLE_NAMES,
                               STAGE_NAMES, Capacity, DutyRole, PersonRole)
from app.services.households.timeline import TimelineEntry, build_timeline
from app.services.ledger_import import followup as import_followup

AGREEMENT_STATUS_NAMES = {"draft": "草稿", "printed": "已打印", "signed": "已签订", "fulfilled": "已履行",
                          "broken": "已违约", "cancelled": "已作废", "superseded": "已变更"}


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
    ag_infos = [AgreementInfo(a.id, a.number, a.version, a.status, AGREEMENT_STATUS_NAMES.get(a.status, a.status),
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


# -- editing ----------------------------------------------------------------------------------
@dataclass
class PersonChange:
    """Edits to one person.  ``None`` leaves a field as it is; "" clears a text field."""

    person_id: str
    phone: str | None = None
    note: str | None = None
    is_deceased: bool | None = None
    is_imprisoned: bool | None = None
    is_unreachable: bool | None = None
    release_date: date | None = None


@dataclass
class NewPerson:
    name: str
    role: str = "other"
    id_number: str | None = None
    phone: str | None = None
    note: str | None = None
    is_deceased: bool = False
    is_imprisoned: bool = False
    is_unreachable: bool = False
    release_date: date | None = None


@dataclass(frozen=True)
class AssignmentSpec:
    staff_id: str
    duty: str
    loan_id: str | None = None   # None: the whole household


@dataclass
class HouseholdChanges:
    """What the household page saves.  ``None`` means "leave as it is".

    * ``categories``: the household-level categories wanted (tags on single loans are kept);
    * ``assignments``: every responsibility wanted, household- and loan-level (missing ones end);
    * text fields: "" clears them.
    """

    capacity: str | None = None
    capacity_reason: str | None = None
    categories: Iterable[str] | None = None
    persons: list[PersonChange] = field(default_factory=list)
    new_persons: list[NewPerson] = field(default_factory=list)
    phone: str | None = None
    address: str | None = None
    note: str | None = None
    assignments: Iterable[AssignmentSpec] | None = None
    review_done: bool = False      # a person confirmed a household flagged for review


def _text(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def _bool_flag(p: Person, name: str, value: bool | None, said: list[str], label: str) -> None:
    if value is not None and bool(getattr(p, name)) != value:
        setattr(p, name, value)
        said.append(f"{p.name}{'' if value else '不再'}{label}")


def update(db: Database, household_id: str, changes: HouseholdChanges, actor: str) -> HouseholdDetail:
    """Save the household page's edits as one unit; refused edits change nothing."""
    today = date.today()
    with db.uow(actor) as uow:
        s = uow.session
        h = s.get(Household, household_id)
        if h is None or h.deleted:
            raise NotFound(f"找不到这个借款户（{household_id}），可能已被删除")
        said: list[str] = []
        _update_household(h, changes, said)
        _update_persons(s, h, changes, said, today)
        if changes.categories is not None:
            _update_categories(s, h, changes.categories, said, today)
        if changes.assignments is not None:
            _update_assignments(s, h, list(changes.assignments), said, today)
        if said:
            uow.audit("edit", "households", h.id, summary=f"修改借款户 {h.head_name}：{'；'.join(said)}")
            refresh_search(s, [h.id])
            uow.commit()
    return detail(db, household_id)


def _update_household(h: Household, c: HouseholdChanges, said: list[str]) -> None:
    if c.capacity is not None and c.capacity != h.capacity:
        try:
            cap = Capacity(c.capacity)
        except ValueError:
            raise InputError(f"未知的还款能力研判：{c.capacity}") from None
        reason = _text(c.capacity_reason) if c.capacity_reason is not None else h.capacity_reason
        if cap is not Capacity.UNKNOWN and not reason:
            raise InputError(f"请填写研判为“{cap.label}”的理由")
        h.capacity = cap.value
        said.append(f"还款能力研判为{cap.label}")
    if c.capacity_reason is not None and _text(c.capacity_reason) != h.capacity_reason:
        h.capacity_reason = _text(c.capacity_reason)
        said.append("修改研判理由")
    for attr, label in (("phone", "电话"), ("address", "住址"), ("note", "备注")):
        value = getattr(c, attr)
        if value is not None and _text(value) != getattr(h, attr):
            setattr(h, attr, _text(value))
            said.append(f"修改{label}")
    if c.review_done and h.needs_review:
        h.needs_review = False
        said.append("已核实")


def _update_persons(s: Session, h: Household, c: HouseholdChanges, said: list[str], today: date) -> None:
    for pc in c.persons:
        p = s.get(Person, pc.person_id)
        if p is None or p.deleted or p.household_id != h.id:
            raise NotFound(f"这个借款户中没有这个人（{pc.person_id}）")
        _bool_flag(p, "is_deceased", pc.is_deceased, said, "已死亡")
        _bool_flag(p, "is_imprisoned", pc.is_imprisoned, said, "服刑")
        _bool_flag(p, "is_unreachable", pc.is_unreachable, said, "失联")
        if pc.release_date is not None and pc.release_date != p.release_date:
            p.release_date = pc.release_date
            said.append(f"{p.name}刑满释放日期 {pc.release_date}")
        if pc.is_imprisoned is False and p.release_date is not None:
            p.release_date = None
        for attr, label in (("phone", "电话"), ("note", "备注")):
            value = getattr(pc, attr)
            if value is not None and _text(value) != getattr(p, attr):
                setattr(p, attr, _text(value))
                said.append(f"修改{p.name}的{label}")
    for npn in c.new_persons:
        name = _text(npn.name)
        if not name:
            raise InputError("新增人员的姓名不能为空")
        try:
            role = PersonRole(npn.role)
        except ValueError:
            raise InputError(f"未知的人员身份：{npn.role}") from None
        id_number = _text(npn.id_number)
        names = ids.of(s)
        key = names.person(h.id, id_number=id_number) if id_number else names.person(h.id, name=name)
        s.add(Person(id=names.unused(key, ids.in_session(s, Person)),
                     household_id=h.id, name=name, role=role.value, id_number=id_number,
                     phone=_text(npn.phone), note=_text(npn.note), is_deceased=npn.is_deceased,
                     is_imprisoned=npn.is_imprisoned, is_unreachable=npn.is_unreachable,
                     release_date=npn.release_date if npn.is_imprisoned else None))
        said.append(f"新增{role.label}{name}")


def _update_categories(s: Session, h: Household, wanted: Iterable[str], said: list[str], today: date) -> None:
    want = list(dict.fromkeys(wanted))
    for code in want:
        if code not in CATEGORY_BY_CODE:
            raise InputError(f"未知的特殊类别：{code}")
    have = {t.code: t for t in s.scalars(select(CategoryTag).where(
        CategoryTag.household_id == h.id, CategoryTag.loan_id.is_(None), _live(CategoryTag)))}
    names = ids.of(s)
    for code in want:
        if code not in have:
            _add_tag(s, names, h.id, code, today)
            said.append(f"加上类别“{CATEGORY_BY_CODE[code].short}”")
    for code, tag in have.items():
        if code not in want:
            tag.deleted = True
            said.append(f"去掉类别“{CATEGORY_BY_CODE[code].short if code in CATEGORY_BY_CODE else code}”")


def _add_tag(s: Session, names: ids.Ids, household_id: str, code: str, today: date) -> None:
    """A household-level category tag: the one of its key (``app.db.ids``, the same on every
    laptop), or a removed one of the same code, comes back; a new row only if there is none."""
    tag = s.get(CategoryTag, names.tag(household_id, code)) or s.scalars(select(CategoryTag).where(
        CategoryTag.household_id == household_id, CategoryTag.loan_id.is_(None), CategoryTag.code == code)
        .order_by(CategoryTag.created_at.desc())).first()
    if tag is None:
        s.add(CategoryTag(id=names.tag(household_id, code), household_id=household_id, loan_id=None,
                          code=code, since=today))
    elif tag.deleted:
        tag.deleted, tag.since = False, today


def _update_assignments(s: Session, h: Household, wanted: list[AssignmentSpec], said: list[str],
                        today: date) -> None:
    loan_ids = set(s.scalars(select(Loan.id).where(Loan.household_id == h.id, _live(Loan))))
    for spec in wanted:
        try:
            DutyRole(spec.duty)
        except ValueError:
            raise InputError(f"未知的责任人身份：{spec.duty}") from None
        st = s.get(Staff, spec.staff_id)
        if st is None or st.deleted:
            raise NotFound(f"找不到这位责任人（{spec.staff_id}）")
        if spec.loan_id is not None and spec.loan_id not in loan_ids:
            raise InputError("责任人对应的贷款不属于这个借款户")
    have = {(a.staff_id, a.duty, a.loan_id): a for a in s.scalars(select(Assignment).where(
        Assignment.household_id == h.id, _live(Assignment)))}
    want = {(w.staff_id, w.duty, w.loan_id) for w in wanted}
    names = ids.of(s)
    for key in sorted(want - set(have), key=str):
        aid = names.assignment(h.id, key[2], key[0], key[1])
        old = s.get(Assignment, aid)
        if old is None:
            s.add(Assignment(id=aid, household_id=h.id, loan_id=key[2], staff_id=key[0], duty=key[1], since=today))
        else:   # removed before: it comes back (one row per key on every laptop)
            old.deleted, old.since = False, today
        said.append(f"{s.get(Staff, key[0]).name}任{DUTY_NAMES[DutyRole(key[1])]}")
    for key, a in have.items():
        if key not in want:
            a.deleted = True
            st = s.get(Staff, a.staff_id)
            said.append(f"{st.name if st else a.staff_id}不再任{DUTY_NAMES.get(a.duty, a.duty)}")
