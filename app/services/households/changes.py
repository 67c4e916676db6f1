"""The household page's edits as one unit: ``update(db, household_id, changes, actor)`` saves
them in one unit of work — all or nothing, each changed row logged by the audit listener, plus
one summary entry — and returns the page as it now is (``app.services.households.detail``)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db import ids
from app.db.models import Assignment, CategoryTag, Household, Loan, Person, Staff
from app.db.search_index import refresh_search
from app.db.session import Database
from app.domain.categories import BY_CODE as CATEGORY_BY_CODE
from app.domain.errors import InputError, NotFound
from app.domain.phone import check_phone
from app.domain.stages import DUTY_NAMES, Capacity, DutyRole, PersonRole
from app.services.households.detail import HouseholdDetail, _live, detail


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
            if attr == "phone":
                check_phone(value)
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
                if attr == "phone":
                    check_phone(value, f"{p.name}的")
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
        check_phone(npn.phone, f"{name}的")
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
