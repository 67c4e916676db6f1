"""A household's editable fields changed without the window (``qingshou household edit``).

The command line names the household by its id or by one of its IOU numbers, and says only what
changes: a phone, an address, the repayment capacity (with its reason), a note, categories added
or removed.  The change is the household page's own (``household_page.update``): one unit of work,
stamped and audited, travelling in the next package; a refused change changes nothing.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import CategoryTag, Household
from app.db.session import Database
from app.domain.categories import BY_CODE as CATEGORY_BY_CODE
from app.domain.categories import CATEGORIES
from app.domain.errors import InputError, NotFound
from app.domain.stages import CAPACITY_NAMES, Capacity
from app.services.foundation.work_common import find_loan
from app.services.households.changes import HouseholdChanges, update


@dataclass(frozen=True)
class HouseholdEdit:
    """What to change; ``None`` leaves a field as it is, ``""`` clears a text field."""
    phone: str | None = None
    address: str | None = None
    capacity: str | None = None          # a code (able …) or its name (有偿还能力 …)
    capacity_reason: str | None = None
    note: str | None = None
    add_categories: Sequence[str] = ()   # codes (low_income …) or names (低保户 …)
    remove_categories: Sequence[str] = ()


@dataclass(frozen=True)
class EditResult:
    household_id: str
    head_name: str
    changed: list[str]                   # the fields that changed: phone, address, capacity, …

    def to_json(self) -> dict:
        return {"household_id": self.household_id, "changed": self.changed}


def capacity_code(text: str) -> str:
    """A capacity code from its code or its Chinese name; ``InputError`` naming the choices."""
    value = text.strip()
    for cap in Capacity:
        if value in (cap.value, CAPACITY_NAMES[cap]):
            return cap.value
    choices = "、".join(f"{c.value}（{CAPACITY_NAMES[c]}）" for c in Capacity)
    raise InputError(f"未知的还款能力研判：{text}（可用：{choices}）")


def category_code(text: str) -> str:
    """A category code from its code, full name or short name."""
    value = text.strip()
    for c in CATEGORIES:
        if value in (c.code, c.name, c.short):
            return c.code
    choices = "、".join(f"{c.code}（{c.short}）" for c in CATEGORIES)
    raise InputError(f"未知的特殊类别：{text}（可用：{choices}）")


def edit_household(db: Database, edit: HouseholdEdit, actor: str, *, household_id: str | None = None,
                   loan_no: str | None = None) -> EditResult:
    adds = [category_code(t) for t in edit.add_categories]
    removes = [category_code(t) for t in edit.remove_categories]
    both = sorted(set(adds) & set(removes))
    if both:
        raise InputError(f"同一个类别不能既加上又去掉：{'、'.join(CATEGORY_BY_CODE[c].short for c in both)}")
    capacity = capacity_code(edit.capacity) if edit.capacity is not None else None
    with Session(db.engine) as s:
        h = _household(s, household_id, loan_no)
        hid, head = h.id, h.head_name
        before = _fields(h)
        have = _categories(s, hid)
    wanted = [c for c in have if c not in removes] + [c for c in adds if c not in have]
    changes = HouseholdChanges(
        phone=edit.phone, address=edit.address, note=edit.note, capacity=capacity,
        capacity_reason=edit.capacity_reason,
        categories=wanted if wanted != have else None)
    update(db, hid, changes, actor)
    with Session(db.engine) as s:
        h = s.get(Household, hid)
        after = _fields(h)
        now = _categories(s, hid)
    changed = [k for k in before if before[k] != after[k]] + (["categories"] if now != have else [])
    return EditResult(hid, head, changed)


def _household(s: Session, household_id: str | None, loan_no: str | None) -> Household:
    if bool(household_id) == bool(loan_no):
        raise InputError("请用 --id 或 --loan 指明借款户（二者选一）")
    if household_id:
        h = s.get(Household, household_id.strip())
        if h is None or h.deleted:
            raise NotFound(f"找不到编号为 {household_id} 的借款户")
        return h
    h = s.get(Household, find_loan(s, loan_no=loan_no).household_id)
    if h is None or h.deleted:
        raise NotFound(f"借据号 {loan_no} 所属的借款户已被删除")
    return h


def _fields(h: Household) -> dict:
    return {"phone": h.phone, "address": h.address, "capacity": h.capacity,
            "capacity_reason": h.capacity_reason, "note": h.note}


def _categories(s: Session, household_id: str) -> list[str]:
    return list(s.scalars(select(CategoryTag.code).where(
        CategoryTag.household_id == household_id, CategoryTag.loan_id.is_(None),
        CategoryTag.deleted.is_(False)).order_by(CategoryTag.code)))
