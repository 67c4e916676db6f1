"""Which fields of each travelling table may be edited, which move together, and who owns them.

Each editable field carries its own clock in the row's ``field_hlc`` (JSON: ``"*"`` the insert
stamp, then one stamp per field or group, the stamp of its last change), so a merge ([7]) keeps
both of two laptops' edits of different fields of one row, and can refuse a change by the wrong
side:

* ``district``: the bank's figures a ledger import writes (task amount, balances reported,
  ledger dates, five-class, loan terms …); only the district's imports change them.
* ``township``: the work done in a township (capacity, visits, categories, agreements …).
* ``derived``: caches a projection recomputes from the facts (a loan's balance and stage, an
  instalment's paid amount): never stamped, never merged.  (An agreement's standing is not even
  stored: it is measured from the payments at every read.)
* ``system``: the sync columns themselves (``SyncMixin``).

A group is a set of fields that must move together (``capacity`` + ``capacity_reason``;
``is_imprisoned`` + ``release_date``): one stamp for all of them.  A field not in a group is
its own group, named after itself.  A column's declaration may override its table's entry with
``mapped_column(..., info={"owner": ..., "group": ...})``.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

DISTRICT, TOWNSHIP, DERIVED, SYSTEM = "district", "township", "derived", "system"
OWNERS = (DISTRICT, TOWNSHIP, DERIVED, SYSTEM)

SYSTEM_COLUMNS = ("id", "origin_unit", "origin_device", "created_at", "updated_at", "updated_by", "hlc",
                  "seq", "field_hlc")
_FACT_CONTENT = "fact"    # the group of a fact's content: written once, never edited

# table → (owner of every field not listed, {owner: fields}, {group: fields})
_TABLES: dict[str, tuple[str, dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]] = {
    "loans": (DISTRICT, {
        TOWNSHIP: ("note",),
        DERIVED: ("balance_fen", "stage", "stage_date"),
    }, {"stage": ("stage", "stage_date")}),
    "households": (TOWNSHIP, {
        DISTRICT: ("township_id", "head_id_number", "needs_review", "review_note"),
    }, {"capacity": ("capacity", "capacity_reason"), "head_name": ("head_name", "pinyin_initials"),
        "review": ("needs_review", "review_note")}),
    "persons": (TOWNSHIP, {
        DISTRICT: ("household_id", "name", "role", "id_number", "id_problem"),
    }, {"imprisoned": ("is_imprisoned", "release_date"), "id_number": ("id_number", "id_problem")}),
    "category_tags": (TOWNSHIP, {}, {}),
    "assignments": (TOWNSHIP, {}, {}),
    "agreements": (TOWNSHIP, {}, {"lifecycle": ("status", "signed_on")}),   # standing: measured, never stored
    "agreement_loans": (TOWNSHIP, {}, {}),
    "installments": (TOWNSHIP, {DERIVED: ("paid_fen",)}, {}),
    "import_followups": (DISTRICT, {TOWNSHIP: ("checked_at", "checked_by", "check_note")},
                         {"check": ("checked_at", "checked_by", "check_note")}),
    "ledger_imports": (DISTRICT, {}, {}),
    "units": (DISTRICT, {}, {}),
    "villages": (DISTRICT, {}, {}),
    "staff": (TOWNSHIP, {}, {}),
    "users": (TOWNSHIP, {}, {}),
    # the conflict list (app.sync.conflict_merge merges it by these clocks, not as a field table)
    "conflicts": (TOWNSHIP, {}, {"kept": ("kept_value", "kept_hlc"),
                                 "state": ("resolved", "resolution", "resolved_by", "resolved_at", "state_hlc")}),
    # Facts: their content is written once (the unit of work refuses an edit); only the void travels.
    "visits": (TOWNSHIP, {}, {}),
    "repayments": (TOWNSHIP, {}, {}),
    "stage_events": (TOWNSHIP, {}, {}),
}
_FACTS = {"visits", "repayments", "stage_events"}


@dataclass(frozen=True)
class Field:
    table: str
    name: str
    owner: str
    group: str


@lru_cache(maxsize=None)
def fields(table: str) -> dict[str, Field]:
    """Every column of ``table`` (a travelling table) with its owner and group."""
    from app.db import models  # noqa: F401  (every table registered on Base.metadata)
    from app.db.base import Base

    default, owners, groups = _TABLES[table]
    owner_of = {name: owner for owner, names in owners.items() for name in names}
    group_of = {name: group for group, names in groups.items() for name in names}
    out = {}
    for col in Base.metadata.tables[table].columns:
        name = col.name
        if name in SYSTEM_COLUMNS:
            out[name] = Field(table, name, SYSTEM, "")
            continue
        owner = col.info.get("owner") or owner_of.get(name, default)
        if name in ("deleted", "void_reason"):
            group = "deleted"
        elif table in _FACTS:
            group = _FACT_CONTENT
        else:
            group = col.info.get("group") or group_of.get(name, name)
        out[name] = Field(table, name, owner, group)
    return out


def groups_changed(table: str, names) -> set[str]:
    """The clocked groups the changed columns ``names`` belong to (not system, not derived)."""
    fs = fields(table)
    return {f.group for n in names if (f := fs.get(n)) is not None and f.owner not in (SYSTEM, DERIVED)}


def travelling_tables() -> list[str]:
    return sorted(_TABLES)


def stamp_fields(field_hlc: str | None, groups, hlc: str) -> str:
    """``field_hlc`` (JSON) with each of ``groups`` stamped ``hlc``."""
    import json

    clocks = json.loads(field_hlc) if field_hlc else {}
    for group in groups:
        clocks[group] = hlc
    return json.dumps(clocks, ensure_ascii=False, sort_keys=True)
