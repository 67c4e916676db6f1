"""Who appears on an agreement: the lender (甲方), the household's people, the township as witness."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import Household, Loan, Person, Unit, Village
from app.district.agreement_settings import AgreementSettings
from app.district.templates import fill
from app.reports.forms import Party

# Printed order and labels of the people of a household on a form.
ROLE_LABELS = {
    "borrower": "借款人",
    "co_borrower": "共同借款人",
    "spouse": "共同还款人（配偶）",
    "heir": "继承人（还款人）",
    "guarantor": "担保人",
}


@dataclass(frozen=True)
class Names:
    lender: str
    witness: str
    township: str
    district: str
    village: str
    address: str


def names_for(session: Session, household: Household, loans: list[Loan], settings: AgreementSettings) -> Names:
    township = session.get(Unit, household.township_id)
    parent = session.get(Unit, township.parent_id) if township is not None and township.parent_id else None
    if parent is None:  # a township database: its district is the one unit of kind district
        parent = session.scalars(select(Unit).where(Unit.kind == "district", Unit.deleted.is_(False))).first()
    district = parent.name if parent is not None else ""
    t_name = township.name if township is not None else ""
    village = session.get(Village, household.village_id) if household.village_id else None
    v_name = village.name if village is not None else ""
    branches = list(dict.fromkeys(ln.bank_branch for ln in loans if ln.bank_branch))
    # One branch is named; loans from several branches name the bank alone.
    values = {"district": district, "township": t_name, "branch": branches[0] if len(branches) == 1 else ""}
    street = t_name.endswith("街道")
    witness = fill(settings.witness_for_street if street else settings.witness, values)
    address = household.address or f"{t_name}{v_name}{household.group_name or ''}"
    return Names(lender=fill(settings.lender, values), witness=witness, township=t_name,
                 district=district, village=v_name, address=address)


def parties(session: Session, household: Household) -> list[Party]:
    """The household's people in printed order: borrower first, guarantors last."""
    people = session.scalars(select(Person).where(
        Person.household_id == household.id, Person.deleted.is_(False))).all()
    order = list(ROLE_LABELS)
    people = sorted((p for p in people if p.role in ROLE_LABELS),
                    key=lambda p: (order.index(p.role), p.created_at or datetime.min, p.name))
    out = []
    for p in people:
        note = "已故" if p.is_deceased else ("服刑中" if p.is_imprisoned else None)
        out.append(Party(role=ROLE_LABELS[p.role], name=p.name, id_number=p.id_number, phone=p.phone,
                         note=note, signs=not p.is_deceased))
    if not any(p.role == "借款人" for p in out):
        out.insert(0, Party(role="借款人", name=household.head_name, id_number=household.head_id_number,
                            phone=household.phone))
    return out


def payer(parties_: list[Party]) -> Party:
    """Who pays and signs for the household: the borrower, or the first living one who signs."""
    return next((p for p in parties_ if p.signs and p.role != "担保人"), parties_[0])
