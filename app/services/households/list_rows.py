"""The household list's rows: the display fields of the households in view
(``HouseholdRow``), read for the ids the list shows (``app.services.households.listing``).

Three set-based queries whatever the number of ids, from the derived ``household_index`` and
the people and responsibilities of those households; with the search text, also what it
matched in each (``app.services.households.search``).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Sequence

from sqlalchemy import text as sql

from app.db.session import Database
from app.domain.categories import BY_CODE as CATEGORY_BY_CODE
from app.domain.followup import followup_due, in_collection, promise_broken
from app.domain.stages import CAPACITY_NAMES, DUTY_NAMES, OUTCOME_NAMES, STAGE_NAMES, DutyRole
from app.services.households.listing import reading
from app.services.households.search import Match, matches


@dataclass(frozen=True)
class HouseholdRow:
    """One line of the list.  Money in fen; names of codes already in Chinese."""

    id: str
    township: str
    village: str
    group_name: str
    head_name: str
    borrowers: str                 # 借款人 and 共同借款人, "、"-joined
    phone: str
    id_number: str
    loans: int
    task_fen: int
    recovered_fen: int
    outstanding_fen: int
    categories: tuple[str, ...]
    category_names: str
    stage: str | None
    stages: tuple[str, ...]
    stage_names: str
    capacity: str
    capacity_name: str
    responsible: str               # "王五（驻村干部）、赵六（村社干部）"
    last_visit_on: date | None
    last_outcome: str | None
    last_outcome_name: str
    next_date: date | None
    followup_due: bool
    promise_broken: bool
    promise_date: date | None
    promise_fen: int | None
    needs_review: bool
    staff_ids: tuple[str, ...] = field(default=())
    matched: tuple[Match, ...] = field(default=())   # what the search text found (rows(text=…))
    followups: int = 0             # items of ledger imports not yet checked (台账核实)


def _d(value) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _codes(packed: str | None) -> tuple[str, ...]:
    return tuple(c for c in (packed or "").split(",") if c)


def _names(codes: Sequence[str], table: dict) -> str:
    out = []
    for c in codes:
        try:
            out.append(table[c])
        except KeyError:
            out.append(c)
    return "、".join(out)


_DUTY_ORDER = {d.value: i for i, d in enumerate(DutyRole)}


def rows(db: Database, household_ids: Sequence[str], as_of: date | None = None, *,
         text: str = "") -> list[HouseholdRow]:
    """Display fields for these households, in the order given (unknown ids are left out);
    with the search ``text``, also what it matched in each (``HouseholdRow.matched``).

    Three set-based queries whatever the number of ids (three more with ``text``).
    """
    day = as_of or date.today()
    wanted = list(dict.fromkeys(household_ids))
    if not wanted:
        return []
    found: dict[str, HouseholdRow] = {}
    with reading(db) as conn:
        for start in range(0, len(wanted), 500):
            chunk = wanted[start:start + 500]
            found.update(_rows_chunk(conn, chunk, day))
            for hid, why in matches(conn, chunk, text).items():
                if hid in found:
                    found[hid] = replace(found[hid], matched=why)
    return [found[h] for h in wanted if h in found]


def _rows_chunk(conn, chunk: list[str], day: date) -> dict[str, HouseholdRow]:
    names = {f"h{i}": v for i, v in enumerate(chunk)}
    inn = ", ".join(":" + n for n in names)
    borrowers: dict[str, list[str]] = defaultdict(list)
    for hid, name in conn.execute(sql(
            f"SELECT household_id, name FROM persons WHERE deleted = 0 AND household_id IN ({inn}) "
            "AND role IN ('borrower', 'co_borrower') ORDER BY household_id, role, rowid"), names):
        if name not in borrowers[hid]:
            borrowers[hid].append(name)
    staff: dict[str, list[tuple[int, str, str, str]]] = defaultdict(list)
    for hid, sid, name, duty in conn.execute(sql(
            f"SELECT a.household_id, s.id, s.name, a.duty FROM assignments a JOIN staff s ON s.id = a.staff_id "
            f"WHERE a.deleted = 0 AND a.household_id IN ({inn})"), names):
        entry = (_DUTY_ORDER.get(duty, 9), name, duty, sid)
        if entry not in staff[hid]:
            staff[hid].append(entry)
    out: dict[str, HouseholdRow] = {}
    for r in conn.execute(sql(
            "SELECT i.household_id, u.name, v.name, i.group_name, i.head_name, h.phone, h.head_id_number, "
            " i.loans, i.task_fen, i.recovered_fen, i.outstanding_fen, i.categories, i.stage, i.stages, "
            " i.capacity, i.last_visit_on, i.last_outcome, i.next_date, i.promise_date, "
            " i.paid_after_promise_on, h.needs_review, i.promise_fen, "
            " (SELECT COUNT(*) FROM import_followups f WHERE f.household_id = i.household_id AND f.deleted = 0 "
            "  AND f.checked_at IS NULL) "
            "FROM household_index i JOIN households h ON h.id = i.household_id "
            "LEFT JOIN villages v ON v.id = i.village_id LEFT JOIN units u ON u.id = i.township_id "
            f"WHERE i.household_id IN ({inn})"), names):
        hid = r[0]
        cats, stages = _codes(r[11]), _codes(r[13])
        resp = sorted(staff[hid])
        next_date, promise_date = _d(r[17]), _d(r[18])
        owed = in_collection(r[10], stages)   # a settled or written-off household needs no follow-up
        out[hid] = HouseholdRow(
            id=hid, township=r[1] or "", village=r[2] or "", group_name=r[3] or "", head_name=r[4],
            borrowers="、".join(borrowers[hid]) or r[4], phone=r[5] or "", id_number=r[6] or "",
            loans=r[7], task_fen=r[8], recovered_fen=r[9], outstanding_fen=r[10],
            categories=cats, category_names=_names(cats, {c: CATEGORY_BY_CODE[c].short for c in CATEGORY_BY_CODE}),
            stage=r[12], stages=stages, stage_names=_names(stages, STAGE_NAMES),
            capacity=r[14], capacity_name=CAPACITY_NAMES.get(r[14], r[14]),
            responsible="、".join(f"{name}（{DUTY_NAMES.get(duty, duty)}）" for _o, name, duty, _s in resp),
            last_visit_on=_d(r[15]), last_outcome=r[16],
            last_outcome_name=OUTCOME_NAMES.get(r[16], r[16] or "") if r[16] else "",
            next_date=next_date, followup_due=owed and followup_due(next_date, day),
            promise_broken=owed and promise_broken(promise_date, _d(r[19]), day), promise_date=promise_date,
            promise_fen=r[21], needs_review=bool(r[20]), staff_ids=tuple(dict.fromkeys(s for *_x, s in resp)),
            followups=r[22] or 0,
        )
    return out
